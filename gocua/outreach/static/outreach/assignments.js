// Assignments: "select all shown" ticks every household on the page without reloading it.
// Without this file the link reloads the page with ?all=1, which renders them ticked.
(function () {
  "use strict";
  var link = document.getElementById("select-all");
  var form = document.getElementById("assign-form");
  if (!link || !form) return;
  var boxes = function () { return form.querySelectorAll('input[name="households"]'); };
  var count = document.getElementById("selected-count");
  var show = function () {
    var n = Array.prototype.filter.call(boxes(), function (b) { return b.checked; }).length;
    if (count) count.textContent = n ? "✓ " + n : "";
  };
  link.addEventListener("click", function (event) {
    event.preventDefault();
    var all = Array.prototype.every.call(boxes(), function (b) { return b.checked; });
    boxes().forEach(function (b) { b.checked = !all; });
    show();
  });
  form.addEventListener("change", show);
  show();
})();
