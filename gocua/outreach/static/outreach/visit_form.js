// The visit form's "come back" picks: typing a date chooses "on a date" (the form works without this file).
(function () {
  "use strict";
  document.querySelectorAll(".come-back").forEach(function (box) {
    var date = box.querySelector('input[type="date"]');
    var onDate = box.querySelector('input[type="radio"][value="date"]');
    if (!date || !onDate) return;
    date.addEventListener("input", function () { if (date.value) onDate.checked = true; });
  });
})();
