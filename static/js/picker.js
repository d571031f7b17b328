// The one picker (crm/picker.py, templates/crm/partials/picker.html): what is chosen is
// a chip with a hidden input, so a new search never forgets an earlier pick. Delegated
// handlers only, so pickers that htmx swaps in work too. Without this script the
// picker still works: the search button posts the form and the page comes back.
(function () {
  "use strict";
  if (window.crmPickerLoaded) return;
  window.crmPickerLoaded = true;

  function chips(picker) {
    return picker.querySelector("[data-picker-chips]");
  }

  function chosen(picker) {
    var values = [];
    picker.querySelectorAll("[data-picker-chip]").forEach(function (chip) {
      values.push(chip.dataset.value);
    });
    return values;
  }

  // Results post nothing themselves (only chips do); their ticks mirror the chips.
  function sync(picker) {
    var values = chosen(picker);
    picker.querySelectorAll("[data-picker-option]").forEach(function (option) {
      option.removeAttribute("name");
      option.checked = values.indexOf(option.value) !== -1;
    });
  }

  function setUp(picker) {
    if (!picker.classList.contains("picker-js")) {
      picker.classList.add("picker-js");
      picker.querySelectorAll("[data-picker-nojs]").forEach(function (node) {
        node.remove();
      });
    }
    sync(picker);
  }

  function setUpAll(root) {
    if (root.matches && root.matches("[data-picker]")) setUp(root);
    if (root.querySelectorAll) root.querySelectorAll("[data-picker]").forEach(setUp);
    var inside = root.closest && root.closest("[data-picker]");
    if (inside) setUp(inside);
  }

  function addChip(picker, value, label) {
    if (chosen(picker).indexOf(value) !== -1) return;
    if (!picker.hasAttribute("data-multiple")) {
      picker.querySelectorAll("[data-picker-chip]").forEach(function (chip) {
        chip.remove();
      });
    }
    var chip = document.createElement("li");
    chip.className = "picker-chip";
    chip.setAttribute("data-testid", "picker-chip");
    chip.setAttribute("data-picker-chip", "");
    chip.dataset.value = value;
    var text = document.createElement("span");
    text.className = "picker-chip-label";
    text.textContent = label;
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = picker.dataset.name;
    input.value = value;
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "picker-chip-remove";
    remove.setAttribute("data-picker-remove", "");
    remove.setAttribute("aria-label", (picker.dataset.removeLabel || "{name}").replace("{name}", label));
    var icon = document.createElement("i");
    icon.className = "bi bi-x-lg";
    icon.setAttribute("aria-hidden", "true");
    remove.appendChild(icon);
    chip.append(text, input, remove);
    chips(picker).appendChild(chip);
  }

  function removeChip(picker, value) {
    picker.querySelectorAll("[data-picker-chip]").forEach(function (chip) {
      if (chip.dataset.value === value) chip.remove();
    });
  }

  document.addEventListener("change", function (event) {
    var option = event.target.closest && event.target.closest("[data-picker-option]");
    if (!option) return;
    var picker = option.closest("[data-picker]");
    if (!picker) return;
    if (option.checked) {
      addChip(picker, option.value, option.dataset.label || option.value);
    } else {
      removeChip(picker, option.value);
    }
    sync(picker);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-picker-remove]");
    if (!button) return;
    var picker = button.closest("[data-picker]");
    var chip = button.closest("[data-picker-chip]");
    if (!picker || !chip) return;
    event.preventDefault();
    removeChip(picker, chip.dataset.value);
    sync(picker);
    var field = picker.querySelector("[data-picker-query]");
    if (field) field.focus();
  });

  // Enter in the search field searches at once; it does not send the whole form.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    var field = event.target.closest && event.target.closest("[data-picker-query]");
    if (!field) return;
    event.preventDefault();
    if (window.htmx) window.htmx.trigger(field, "search");
  });

  document.addEventListener("htmx:load", function (event) {
    setUpAll(event.target);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    setUpAll(event.target);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setUpAll(document);
    });
  } else {
    setUpAll(document);
  }
})();
