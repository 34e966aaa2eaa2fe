// The appointment slip (templates/accompaniment/slip.html): print it, or show it full screen
// on the phone so that the person reads it or photographs it.
(() => {
  const print = document.querySelector("[data-slip-print]");
  if (print) print.addEventListener("click", () => window.print());
  const full = document.querySelector("[data-slip-fullscreen]");
  const slip = document.querySelector(".slip");
  if (full && slip && slip.requestFullscreen) {
    full.hidden = false;
    full.addEventListener("click", () => slip.requestFullscreen());
  }
})();
