// The merge preview (templates/beneficiaries/merge_preview.html): each differing field keeps
// the value of the file kept unless the coordinator picked the other one. When the file to
// keep changes, every field not picked by hand follows it. Without JavaScript the defaults
// are those of the first file, the one kept by default.
(function () {
  "use strict";

  function start() {
    if (!document.querySelector("input[name='survivor']")) {
      return;
    }
    var touched = {};
    document.querySelectorAll("input[data-keep]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        touched[radio.name] = true;
      });
    });
    document.querySelectorAll("input[name='survivor']").forEach(function (survivor) {
      survivor.addEventListener("change", function () {
        if (!survivor.checked) {
          return;
        }
        document.querySelectorAll("input[data-keep]").forEach(function (radio) {
          if (!touched[radio.name] && radio.value === survivor.value) {
            radio.checked = true;
          }
        });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
