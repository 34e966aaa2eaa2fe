/* The follow-up's next step: a step of a goal of the projet, or a task of the worker
   (templates/accompaniment/followup_form.html). When the pathways ticked match exactly one
   open goal, that goal is chosen; otherwise the task. Once the worker picks a choice
   themselves, it is left alone. Without this script the server applies the same rule to a
   form posted with no choice (accompaniment/forms.py, default_next_step). */
(function () {
  "use strict";
  var box = document.querySelector("[data-next-step-kind]");
  if (!box) return;
  var form = box.closest("form");
  var choices = Array.prototype.slice.call(box.querySelectorAll("input[type=radio]"));
  var chosenByHand = choices.some(function (choice) {
    return choice.checked;
  });

  function pathways() {
    return Array.prototype.map.call(
      form.querySelectorAll("input[name=pathways]:checked"),
      function (input) {
        return input.value;
      }
    );
  }

  function choose() {
    if (chosenByHand) return;
    var ticked = pathways();
    var matching = choices.filter(function (choice) {
      var pathway = choice.getAttribute("data-pathway");
      return pathway && ticked.indexOf(pathway) !== -1;
    });
    var task = choices.filter(function (choice) {
      return !choice.getAttribute("data-pathway");
    })[0];
    var chosen = matching.length === 1 ? matching[0] : task;
    if (chosen) chosen.checked = true;
  }

  // Only the worker's own changes fire "change": not the script's, nor a draft restored.
  form.addEventListener("change", function (event) {
    if (event.target.name === "next_step_goal") chosenByHand = true;
    if (event.target.name === "pathways") choose();
  });
  choose();
})();
