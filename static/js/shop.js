// Progressive enhancement only: every flow works without this file.
(function () {
  "use strict";

  // Styles that only make sense with this script (the sort control's submit button hides).
  document.documentElement.classList.add("js");

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

  // --- ux-catalogue: busy state, clean URLs, focus after paging ---------------------------
  // Every htmx request marks what started it: its button (or the form's buttons) get
  // aria-disabled and .is-busy (a spinner, styles in shop.css) and take no second click until
  // the answer is in, so a double click adds once. The region being replaced gets aria-busy.
  var busyButtons = function (detail) {
    var elt = detail.elt;
    if (!elt || !elt.closest) return [];
    if (elt.matches("form")) {
      var submitter = detail.requestConfig && detail.requestConfig.triggeringEvent &&
        detail.requestConfig.triggeringEvent.submitter;
      if (submitter) return [submitter];
      return Array.prototype.slice.call(elt.querySelectorAll("button[type=submit], button:not([type])"));
    }
    if (elt.matches("button, a")) return [elt];
    return [];
  };
  document.addEventListener("htmx:beforeRequest", function (event) {
    var detail = event.detail;
    busyButtons(detail).forEach(function (button) {
      if (button.getAttribute("aria-disabled") !== "true") button.dataset.busy = "true";
      button.setAttribute("aria-disabled", "true");
      button.classList.add("is-busy");
    });
    if (detail.elt && detail.elt.matches && detail.elt.matches("form")) detail.elt.dataset.busy = "true";
    if (detail.target && detail.target.setAttribute) detail.target.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail;
    busyButtons(detail).forEach(function (button) {
      if (button.dataset.busy === "true") {
        button.removeAttribute("aria-disabled");
        delete button.dataset.busy;
      }
      button.classList.remove("is-busy");
    });
    if (detail.elt && detail.elt.dataset) delete detail.elt.dataset.busy;
    if (detail.target && detail.target.removeAttribute) detail.target.removeAttribute("aria-busy");
  });
  // Captured before htmx's own listeners: a form or button waiting for its answer is not sent again.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    if ((form.dataset && form.dataset.busy === "true") ||
        (submitter && submitter.getAttribute("aria-disabled") === "true")) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[aria-disabled=true]");
    if (target && (target.matches("a") || target.hasAttribute("hx-get") || target.hasAttribute("hx-post"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Shared URLs carry only what is in use: "?q=&category=" would be pushed to the address bar
  // by a GET form with empty fields.
  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail;
    if (detail.verb !== "get" || !detail.formData) return;
    var data = detail.formData;
    var names = [];
    data.forEach(function (value, name) { if (names.indexOf(name) < 0) names.push(name); });
    names.forEach(function (name) {
      var values = data.getAll(name);
      var kept = values.filter(function (value) { return value !== ""; });
      if (kept.length === values.length) return;
      data.delete(name);
      kept.forEach(function (value) { data.append(name, value); });
    });
  });

  // After a page link (nav[data-focus-results]) the new page's results are brought into view
  // with the keyboard focus on them: the link clicked at the foot of the list is gone.
  document.addEventListener("htmx:afterSettle", function (event) {
    var elt = event.detail.elt;
    var target = event.detail.target;
    var from = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!from || !from.closest || !from.closest("[data-focus-results]")) return;
    // Out-of-band parts of the answer (the catalogue's filters) settle too: only the target.
    if (!elt || !elt.id || !target || elt.id !== target.id) return;
    var region = document.getElementById(elt.id);
    if (!region) return;
    if (!region.hasAttribute("tabindex")) region.setAttribute("tabindex", "-1");
    region.focus({ preventScroll: true });
    region.scrollIntoView({ block: "start" });
  });

  // A catalogue row (or the product page's buy box) swapped in after "Add" keeps the keyboard
  // there: on the marked input or its button again (htmx restores focus by id, but not from
  // a button that is gone, like "Add 4 instead").
  document.addEventListener("htmx:afterSettle", function (event) {
    var row = event.detail.elt;
    if (!row || !row.matches || !row.matches("tr[data-product-id], #buy")) return;
    var fresh = document.getElementById(row.id) || row;
    // The row's answer may land below the fold (an add from the foot of the screen, a phone
    // card's feedback under its button): scroll just enough to show it, never the whole page.
    var feedback = fresh.querySelector(".row-feedback");
    if (feedback) feedback.scrollIntoView({ block: "nearest" });
    var active = document.activeElement;
    if (active && active !== document.body && document.body.contains(active)) return;
    var invalid = fresh.querySelector("[aria-invalid=true]");
    var button = fresh.querySelector(".add-form button[type=submit], .buy-form button[type=submit]");
    if (invalid) invalid.focus(); else if (button) button.focus();
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

// ux-chrome: the header's "Menu" (a <details>, so it opens without this script) closes on
// Escape, on a click elsewhere and when the screen widens; messages float under the header
// (CSS `scripting`) and each one's dismiss button removes it.
(function () {
  "use strict";

  var menu = function () { return document.querySelector("[data-nav-menu]"); };
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = menu();
    if (open && open.open) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (event) {
    var open = menu();
    if (open && open.open && !open.contains(event.target)) open.open = false;
  });
  window.matchMedia("(min-width: 1100px)").addEventListener("change", function () {
    var open = menu();
    if (open) open.open = false;
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-dismiss-message]");
    if (!button) return;
    var message = button.closest(".message");
    if (message) message.remove();
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
