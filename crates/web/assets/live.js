// Ticks a campaign's count, and its goal bar, as signatures arrive: the page listens to the
// campaign's event stream (/api/v1/campaigns/{id}/events). Without this script, or without
// EventSource, the page keeps the count it was rendered with.
(function () {
  "use strict";
  var tally = document.querySelector("[data-events]");
  if (!tally || !window.EventSource) {
    return;
  }
  var persian = document.documentElement.lang === "fa";

  // The same grouping and digits as the server's (tomar_core::language::Language::count).
  function format(count) {
    var plain = String(count);
    var grouped = "";
    for (var i = 0; i < plain.length; i++) {
      if (i > 0 && (plain.length - i) % 3 === 0) {
        grouped += persian ? "\u066c" : ",";
      }
      grouped += plain[i];
    }
    if (!persian) {
      return grouped;
    }
    return grouped.replace(/[0-9]/g, function (digit) {
      return String.fromCharCode(0x06f0 + Number(digit));
    });
  }

  var source = new EventSource(tally.getAttribute("data-events"));
  source.addEventListener("count", function (event) {
    var count = JSON.parse(event.data).count;
    if (typeof count !== "number") {
      return;
    }
    var shown = tally.querySelectorAll("[data-live-count]");
    for (var i = 0; i < shown.length; i++) {
      shown[i].textContent = format(count);
    }
    var bar = tally.querySelector("progress");
    if (bar) {
      bar.value = Math.min(count, bar.max);
    }
  });
})();
