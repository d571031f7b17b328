// The Planner: changing whose calendar is shown submits the form at once; the hours'
// box opens at 07:00 (the row marked data-planner-start) and scrolls to earlier and later.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-autosubmit") && event.target.tagName === "SELECT") {
      form.submit();
    }
  });

  function openAtMorning() {
    document.querySelectorAll("[data-planner-scroll]").forEach(function (box) {
      var row = box.querySelector("[data-planner-start]");
      var head = box.querySelector("thead");
      if (row) box.scrollTop = row.offsetTop - (head ? head.offsetHeight : 0);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", openAtMorning);
  else openAtMorning();
})();
