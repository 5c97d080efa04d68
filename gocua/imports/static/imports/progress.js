// Follow a background import or export: poll its status JSON, update the bar, reload when done.
// Without JavaScript the page shows the same figures and a refresh link.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box || !box.dataset.statusUrl) { return; }
  var url = box.dataset.statusUrl;
  var bar = box.querySelector("[data-progress-bar]");
  var number = new Intl.NumberFormat(document.documentElement.lang || "vi");
  function set(name, text) {
    var el = box.querySelector("[data-progress-" + name + "]");
    if (el) { el.textContent = text; }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) { setTimeout(poll, 5000); return; }
        if (!s.pending) { window.location.reload(); return; }
        bar.max = s.total || 1;
        bar.value = s.done;
        set("done", number.format(s.done));
        set("total", number.format(s.total));
        set("rate", number.format(s.rate));
        set("left", s.left === null ? "…" : s.left + " s");
        setTimeout(poll, 1500);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1500);
})();
