// Behaviour that every page shares. Loaded with `defer`; no inline scripts (CSP).
(function () {
  "use strict";

  // `/` focuses the search field from anywhere, unless the user is typing.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    var field = document.querySelector("[data-search-field]");
    if (field) {
      event.preventDefault();
      field.focus();
      field.select();
    }
  });

  // A confirm step for forms that destroy something: <form data-confirm="…">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);
})();
