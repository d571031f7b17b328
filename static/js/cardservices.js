// Live "characters · SMS · encoding" under the SMS form (cardservices/sms/segments.py
// does the same count on the server; keep the two in step). No inline scripts (CSP).
(function () {
  "use strict";

  var BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var EXTENSION = "\f^{}\\[~]|€";

  function split(sizes, part) {
    var parts = 1, used = 0;
    for (var i = 0; i < sizes.length; i++) {
      if (used + sizes[i] > part) { parts += 1; used = 0; }
      used += sizes[i];
    }
    return parts;
  }

  function countSegments(text) {
    var chars = Array.from(text);  // code points, as Python's len()
    var gsm = chars.every(function (ch) {
      return BASIC.indexOf(ch) !== -1 || EXTENSION.indexOf(ch) !== -1;
    });
    var sizes = chars.map(function (ch) {
      if (gsm) return EXTENSION.indexOf(ch) !== -1 ? 2 : 1;
      return ch.codePointAt(0) > 0xFFFF ? 2 : 1;
    });
    var single = gsm ? 160 : 70, part = gsm ? 153 : 67;
    var units = sizes.reduce(function (a, b) { return a + b; }, 0);
    var segments = units === 0 ? 0 : (units <= single ? 1 : split(sizes, part));
    return {encoding: gsm ? "GSM-7" : "UCS-2", characters: chars.length, units: units, segments: segments};
  }
  window.crmCountSegments = countSegments;

  function update(form) {
    var field = form.querySelector("[data-sms-text]");
    var counter = form.querySelector("[data-sms-counter]");
    if (!field || !counter) return;
    // A textarea's value has \n line breaks, as the server keeps them (SmsForm).
    var result = countSegments(field.value);
    counter.querySelector("[data-sms-chars]").textContent = result.characters;
    counter.querySelector("[data-sms-segments]").textContent = result.segments;
    counter.querySelector("[data-sms-encoding]").textContent = result.encoding;
    var max = parseInt(form.dataset.maxSegments || "0", 10);
    counter.querySelector("[data-sms-warning]").textContent =
      max && result.segments > max ? counter.dataset.tooLong : "";
  }

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("[data-sms-form]");
    if (form) update(form);
  });
  function init() {
    document.querySelectorAll("[data-sms-form]").forEach(update);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
