// The file area: drag and drop onto the upload form, and a size check before sending.
// The form works without this script (a file input also takes dropped files).
(function () {
  "use strict";
  if (window.crmFilesLoaded) return;
  window.crmFilesLoaded = true;

  function dropForm(node) {
    return node && node.closest ? node.closest("[data-file-drop]") : null;
  }

  // Refuse files over the limit before a byte is sent; say which, and why.
  function tooLarge(form, files) {
    var limit = parseInt(form.dataset.maxBytes || "0", 10);
    var names = [];
    for (var i = 0; i < files.length; i++) {
      if (limit && files[i].size > limit) names.push(files[i].name);
    }
    var box = form.querySelector("[data-file-errors]");
    if (box) {
      box.textContent = names.map(function (name) {
        return (form.dataset.tooLarge || "{name}").replace("{name}", name);
      }).join(" ");
    }
    return names.length > 0;
  }

  document.addEventListener("dragover", function (event) {
    var form = dropForm(event.target);
    if (!form) return;
    event.preventDefault();
    form.classList.add("file-drop-active");
  });

  document.addEventListener("dragleave", function (event) {
    var form = dropForm(event.target);
    if (form && !form.contains(event.relatedTarget)) form.classList.remove("file-drop-active");
  });

  document.addEventListener("drop", function (event) {
    var form = dropForm(event.target);
    if (!form || !event.dataTransfer || !event.dataTransfer.files.length) return;
    event.preventDefault();
    form.classList.remove("file-drop-active");
    var input = form.querySelector("input[type=file]");
    input.files = event.dataTransfer.files;
    if (!tooLarge(form, input.files)) form.requestSubmit();
  });

  document.addEventListener("change", function (event) {
    var form = dropForm(event.target);
    if (form && event.target.type === "file") tooLarge(form, event.target.files);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-file-drop]")) return;
    var input = form.querySelector("input[type=file]");
    if (input && tooLarge(form, input.files)) event.preventDefault();
  });
})();
