/* Autosave of the follow-up form in this browser, so that a connection lost on a site loses
   nothing typed. Loaded only on that page; the form says which draft it is (data-draft, the
   person's id, never their name).

   Why drafts are short-lived: they hold notes about vulnerable people, in the browser's
   storage, often on a phone or an office computer that others use too. So a draft lives 24
   hours at most, is removed as soon as the server confirms the save (the next page names it
   in data-draft-saved) and every MIA draft is removed at logout (both in
   static/js/draft-cleanup.js). */
(function () {
  "use strict";
  var PREFIX = "mia-draft:";
  var MAX_AGE_MS = 24 * 60 * 60 * 1000;

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // Storage disabled (private mode, policy): the form still works.
    }
  }

  var store = storage();
  var form = document.querySelector("form[data-draft]");
  if (!store || !form) return;
  var key = PREFIX + form.getAttribute("data-draft");

  function read(name) {
    try {
      var draft = JSON.parse(store.getItem(name));
      if (draft && Date.now() - draft.savedAt < MAX_AGE_MS) return draft;
    } catch (error) {
      /* An unreadable draft is dropped below. */
    }
    store.removeItem(name);
    return null;
  }

  // Forget every expired draft, not only this page's.
  for (var index = store.length - 1; index >= 0; index--) {
    var name = store.key(index);
    if (name && name.indexOf(PREFIX) === 0) read(name);
  }

  // Hidden inputs are left out (the CSRF token must stay the page's own), except the form's
  // one-time token (data-draft-keep): a draft sent again keeps it, so that the server knows
  // it already saved this follow-up when only its answer was lost.
  function fields() {
    return Array.prototype.filter.call(form.elements, function (element) {
      var hidden = element.type === "hidden" && !element.hasAttribute("data-draft-keep");
      return element.name && !element.disabled && !hidden &&
        element.type !== "submit" && element.type !== "button";
    });
  }

  function save() {
    var values = {};
    fields().forEach(function (element) {
      if (element.type === "checkbox" || element.type === "radio") {
        values[element.name] = values[element.name] || [];
        if (element.checked) values[element.name].push(element.value);
      } else {
        values[element.name] = element.value;
      }
    });
    try {
      store.setItem(key, JSON.stringify({ savedAt: Date.now(), values: values }));
    } catch (error) {
      /* Storage full: nothing to do but keep the form usable. */
    }
  }

  function restore(values) {
    fields().forEach(function (element) {
      if (!Object.prototype.hasOwnProperty.call(values, element.name)) return;
      var value = values[element.name];
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = value.indexOf(element.value) !== -1;
      } else {
        element.value = value;
      }
    });
  }

  var notice = document.querySelector("[data-draft-notice]");
  var draft = read(key);
  // This page's own token, put back if the draft is discarded: a new follow-up then.
  var kept = Array.prototype.map.call(form.querySelectorAll("[data-draft-keep]"), function (el) {
    return { element: el, value: el.value };
  });
  // A form sent back with errors already shows what was typed last: keep it.
  if (draft && !form.hasAttribute("data-draft-bound")) {
    restore(draft.values);
    if (notice) notice.hidden = false;
  }
  if (notice) {
    notice.querySelector("[data-draft-discard]").addEventListener("click", function () {
      store.removeItem(key);
      form.reset();
      // reset() leaves a hidden input's value as set by the script.
      kept.forEach(function (item) {
        item.element.value = item.value;
      });
      notice.hidden = true;
      var first = fields()[0];
      if (first) first.focus();
    });
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
})();
