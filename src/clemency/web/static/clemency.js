// Clemency: buttons with data-confirm ask before a destructive action (a form posted without
// JavaScript is not asked). Partial updates are htmx (htmx.min.js, see docs/web.md).
document.addEventListener("click", function (event) {
  "use strict";
  var target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// A copy button (data-copy="ID of an input") puts the input's text on the clipboard and says
// so in its own status line; a field with data-select-on-focus selects its whole text when
// focused (the letter-link page). No inline handlers: the CSP allows this file only.
document.addEventListener("click", function (event) {
  "use strict";
  var button = event.target.closest("[data-copy]");
  if (!button) {
    return;
  }
  var field = document.getElementById(button.getAttribute("data-copy"));
  var status = document.getElementById(button.getAttribute("data-copy") + "-status");
  if (!field) {
    return;
  }
  field.select();
  var done = function (ok) {
    if (status) {
      status.textContent = ok ? "Copied." : "Select the link and copy it (Ctrl+C or ⌘C).";
    }
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(function () { done(true); }, function () { done(false); });
  } else {
    done(document.execCommand && document.execCommand("copy"));
  }
});
document.addEventListener("focusin", function (event) {
  "use strict";
  if (event.target.matches && event.target.matches("[data-select-on-focus]")) {
    event.target.select();
  }
});
