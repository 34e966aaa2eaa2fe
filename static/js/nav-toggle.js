// On a phone, the main menu folds behind a "Menu" button so that the page starts near the top
// of the screen; on a wide screen it stays open. Without this script the menu is simply open.
(function () {
  "use strict";
  var button = document.querySelector(".nav-toggle");
  var menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) {
    return;
  }
  var narrow = window.matchMedia("(max-width: 40rem)");

  function show(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("folded", !open);
  }

  function fit() {
    button.hidden = !narrow.matches;
    show(!narrow.matches);
  }

  button.addEventListener("click", function () {
    show(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && narrow.matches && button.getAttribute("aria-expanded") === "true") {
      show(false);
      button.focus();
    }
  });
  narrow.addEventListener("change", fit);
  fit();
})();
