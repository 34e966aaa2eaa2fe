/* Follow-up drafts kept in this browser (static/js/draft.js) hold notes about vulnerable people:
   forget one once the server confirms its save (the page names it in data-draft-saved), and all
   of them at logout. Loaded on every page of a signed-in user (templates/base.html). */
(function () {
  "use strict";
  var PREFIX = "mia-draft:";
  try {
    var store = window.localStorage;
    document.querySelectorAll("[data-draft-saved]").forEach(function (element) {
      store.removeItem(PREFIX + element.getAttribute("data-draft-saved"));
    });
    var logout = document.querySelector("form[data-draft-logout]");
    if (logout) {
      logout.addEventListener("submit", function () {
        for (var index = store.length - 1; index >= 0; index--) {
          var name = store.key(index);
          if (name && name.indexOf(PREFIX) === 0) store.removeItem(name);
        }
      });
    }
  } catch (error) {
    /* No storage, no drafts to forget. */
  }
})();
