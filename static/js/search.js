// The search panel's typing dropdown: a WAI-ARIA combobox over the listbox that htmx
// fills (search/views.py search_suggest). Arrow keys move, Enter opens the highlighted
// hit (or, with none highlighted, submits the form: the full hit list), Escape closes.
// `/` and Ctrl+K focus the field from anywhere. Loaded with `defer`; no inline scripts.
(function () {
  "use strict";

  function field() { return document.querySelector("[data-search-field]"); }
  function listbox() { return document.getElementById("search-suggest"); }
  function options() {
    var list = listbox();
    return list ? Array.prototype.slice.call(list.querySelectorAll(".search-suggest-option")) : [];
  }

  function setOpen(open) {
    var input = field(), list = listbox();
    if (!input || !list) return;
    open = open && list.children.length > 0;
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) highlight(-1);
  }

  function current() {
    return options().findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
  }

  function highlight(index) {
    var input = field();
    options().forEach(function (option, i) {
      var on = i === index;
      option.setAttribute("aria-selected", on ? "true" : "false");
      option.classList.toggle("active", on);
      if (on) option.scrollIntoView({ block: "nearest" });
    });
    if (!input) return;
    var chosen = options()[index];
    if (chosen) input.setAttribute("aria-activedescendant", chosen.id);
    else input.removeAttribute("aria-activedescendant");
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target === listbox()) {
      var input = field();
      setOpen(!!input && document.activeElement === input && input.value.trim() !== "");
    }
  });

  document.addEventListener("keydown", function (event) {
    var input = field();
    if (!input) return;
    var ctrlK = (event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k";
    if (ctrlK || (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey)) {
      var target = event.target;
      var typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
      if (ctrlK || !typing) {
        event.preventDefault();
        // A collapsed panel (phone width) opens first, so the field can take the focus.
        var collapsed = input.closest(".collapse:not(.show)");
        if (collapsed) collapsed.classList.add("show");
        input.focus();
        input.select();
      }
      return;
    }
    if (event.target !== input) return;
    var list = listbox(), open = list && !list.hidden, all = options(), at = current();
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) return;
      event.preventDefault();
      if (!open) { setOpen(true); }
      var step = event.key === "ArrowDown" ? 1 : -1;
      highlight(at === -1 ? (step > 0 ? 0 : all.length - 1) : (at + step + all.length) % all.length);
    } else if (event.key === "Enter") {
      if (open && at !== -1) {
        event.preventDefault();
        window.location.assign(all[at].dataset.href);
      } else {
        setOpen(false);  // the form submits: the full hit list
      }
    } else if (event.key === "Escape") {
      if (open) { event.preventDefault(); setOpen(false); }
    }
  });

  document.addEventListener("input", function (event) {
    if (event.target === field() && event.target.value.trim() === "") setOpen(false);
  });

  // A click on an option opens it; a click elsewhere closes the dropdown.
  document.addEventListener("click", function (event) {
    var input = field(), list = listbox();
    if (!list || list.hidden) return;
    var option = event.target.closest && event.target.closest(".search-suggest-option");
    if (option && list.contains(option)) { window.location.assign(option.dataset.href); return; }
    if (event.target === input || list.contains(event.target)) return;
    setOpen(false);
  });
})();
