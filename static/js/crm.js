// Behaviour that every page shares. Loaded with `defer`; no inline scripts (CSP).
(function () {
  "use strict";

  // `/` and Ctrl+K (the search field) are in search.js.

  // A confirm step for forms that destroy something: <form data-confirm="…">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);
})();
