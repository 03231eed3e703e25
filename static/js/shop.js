// Progressive enhancement only: every flow works without this file.
(function () {
  "use strict";

  // Copy a token secret to the clipboard.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var input = document.querySelector(button.getAttribute("data-copy-target"));
    var status = document.querySelector("[data-copy-status]");
    if (!input) return;
    var done = function (text) {
      if (status) status.textContent = text;
      button.textContent = "Copied";
      window.setTimeout(function () { button.textContent = "Copy"; }, 2000);
    };
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(
        function () { done("Copied to the clipboard."); },
        function () { document.execCommand("copy"); done("Copied to the clipboard."); }
      );
    } else {
      document.execCommand("copy");
      done("Copied to the clipboard.");
    }
  });

  // A second click on "Place order" while the first is on its way does nothing; the
  // idempotency key makes a resubmission safe anyway.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-submit-once")) return;
    if (form.dataset.submitted === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "true";
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
      button.classList.add("is-busy");
    });
  });

  // The catalogue's "Free from" and "Dietary" groups are rendered open (so without this script
  // every filter shows). On a narrow screen they would push the results a screen down: fold
  // those with nothing ticked, and keep each as the buyer left it when the filters are
  // swapped in with new counts.
  var NARROW = "(max-width: 820px)";
  var foldable = function () {
    return document.querySelectorAll("details[data-fold-narrow]");
  };
  var opened = null;
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.matchMedia(NARROW).matches) return;
    foldable().forEach(function (group) {
      if (!group.querySelector("input:checked")) group.open = false;
    });
  });
  document.addEventListener("htmx:beforeSwap", function () {
    opened = {};
    foldable().forEach(function (group) { opened[group.id] = group.open; });
  });
  document.addEventListener("htmx:afterSwap", function () {
    if (!opened || !window.matchMedia(NARROW).matches) return;
    foldable().forEach(function (group) {
      if (group.id in opened) group.open = opened[group.id] || !!group.querySelector("input:checked");
    });
  });

  // Page shown again from the back/forward cache: allow submitting again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
      delete form.dataset.submitted;
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.removeAttribute("aria-disabled");
        button.classList.remove("is-busy");
      });
    });
  });
})();

// --- ux-cart: the token secret (reveal "Copy", select all on focus) ---
(function () {
  "use strict";
  function enhance() {
    document.querySelectorAll("[data-copy-target][hidden]").forEach(function (button) {
      // Shown only where copying can work: the button does nothing without this script.
      if ((navigator.clipboard && window.isSecureContext) || document.queryCommandSupported && document.queryCommandSupported("copy")) {
        button.hidden = false;
      }
    });
  }
  document.addEventListener("focusin", function (event) {
    var input = event.target.closest && event.target.closest("[data-select-on-focus]");
    if (input) input.select();
  });
  // After "Remove" swaps the cart in place, the pressed button is gone: keyboard focus goes to
  // the "Undo" beside the message naming what was removed, not back to the top of the page.
  document.addEventListener("htmx:afterSettle", function () {
    var undo = document.querySelector("#cart-undo button");
    var lost = !document.activeElement || document.activeElement === document.body;
    if (undo && lost) undo.focus();
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
