// The tab rows of detail pages (templates/crm/partials/tab_strip.html), as in the WAI-ARIA
// tabs pattern: one tab marked open (`active`, aria-selected, the only one reachable by Tab),
// and the arrow keys, Home and End move to a tab and open it.
//
// The panel says which tab it shows (`data-active-tab`), and the strip follows it: after
// htmx swaps a panel in, after htmx restores a page from its history, and on page load.
// htmx swaps only the panel, so without this the strip kept the mark of the first page.
// Delegated handlers only, so a strip that htmx brings back keeps working.
(function () {
  "use strict";

  var STRIP = "[data-tabs]";
  var TAB = "[role=tab]";

  function tabsOf(strip) {
    return Array.prototype.slice.call(strip.querySelectorAll(TAB));
  }

  function mark(strip, open) {
    tabsOf(strip).forEach(function (tab) {
      var isOpen = tab === open;
      tab.classList.toggle("active", isOpen);
      tab.setAttribute("aria-selected", isOpen ? "true" : "false");
      tab.setAttribute("tabindex", isOpen ? "0" : "-1");
    });
  }

  // Every strip marks the tab its panel shows.
  function follow() {
    document.querySelectorAll(STRIP).forEach(function (strip) {
      var first = strip.querySelector(TAB);
      var panel = first && document.getElementById(first.getAttribute("aria-controls"));
      if (!panel || !panel.dataset.activeTab) return;
      var open = tabsOf(strip).filter(function (tab) {
        return tab.dataset.tab === panel.dataset.activeTab;
      })[0];
      if (open) mark(strip, open);
    });
  }

  // Mark a tab the moment htmx asks for it, so a screen reader hears "selected" as focus
  // arrives; the swap that follows confirms it (or `follow` undoes it if the request fails).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var tab = event.detail.elt;
    var strip = tab && tab.matches && tab.matches(TAB) && tab.closest(STRIP);
    if (strip) mark(strip, tab);
  });
  document.addEventListener("htmx:afterSettle", follow);
  document.addEventListener("htmx:historyRestore", follow);
  document.addEventListener("htmx:responseError", follow);
  document.addEventListener("htmx:sendError", follow);
  follow();

  document.addEventListener("keydown", function (event) {
    var tab = event.target;
    if (!tab.matches || !tab.matches(TAB) || event.altKey || event.ctrlKey || event.metaKey) return;
    var strip = tab.closest(STRIP);
    if (!strip) return;
    var tabs = tabsOf(strip);
    var at = tabs.indexOf(tab);
    var next;
    switch (event.key) {
      case "ArrowRight": next = tabs[(at + 1) % tabs.length]; break;
      case "ArrowLeft": next = tabs[(at - 1 + tabs.length) % tabs.length]; break;
      case "Home": next = tabs[0]; break;
      case "End": next = tabs[tabs.length - 1]; break;
      default: return;
    }
    event.preventDefault();
    next.focus();
    // Selection follows focus. The strip's hx-sync="this:replace" aborts the request of a
    // tab the user has already moved past: the last key pressed wins. (Without it, a
    // panel that swapped in first detached the element a later request was aimed at,
    // and that later panel was dropped.)
    if (next.getAttribute("aria-selected") !== "true") next.click();
  });
})();
