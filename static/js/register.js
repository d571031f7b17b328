// «Bruk» on a company register hit (templates/companies/partials/register_results.html):
// on «Ny kunde» it fills the form in place, so what was typed in the other fields stays.
// Without JavaScript the link opens «Ny kunde» filled in from its query string.
(function () {
  "use strict";
  if (window.crmRegisterUse) return;  // the partial may be included twice
  window.crmRegisterUse = true;

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-register-use]");
    if (!link) return;
    var form = document.querySelector("form[data-register-fill]");
    if (!form) return;
    event.preventDefault();
    var params = new URL(link.href, window.location.href).searchParams;
    params.forEach(function (value, name) {
      var field = form.elements.namedItem(name);
      if (!field || field.type === "hidden" || !("value" in field)) return;
      field.value = value;
      field.dispatchEvent(new Event("input", {bubbles: true}));
      field.dispatchEvent(new Event("change", {bubbles: true}));
    });
    var status = document.querySelector("[data-register-status]");
    if (status) {
      status.textContent = status.dataset.filledText + " " + (params.get("name") || "");
      status.hidden = false;
    }
    var first = form.elements.namedItem("name");
    if (first && first.focus) first.focus();
  });
})();
