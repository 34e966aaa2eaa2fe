// The document form's large "Prendre une photo ou choisir un fichier" button is the label of a
// visually hidden file input (templates/partners/partials/document_file_field.html): show the
// chosen file's name beside it. Delegated, so that forms loaded by htmx work too.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file].file-input")) {
      return;
    }
    var field = input.closest(".file-field");
    var chosen = field && field.querySelector(".file-chosen");
    if (!chosen) {
      return;
    }
    var file = input.files && input.files[0];
    // The words come translated from the template (data-chosen, data-none).
    chosen.textContent = file ? chosen.dataset.chosen + " " + file.name : chosen.dataset.none;
  });
})();
