// The invoice page: «Skriv ut» opens the browser's print dialog (print CSS in crm.css).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
})();
