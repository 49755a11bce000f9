// Clemency: buttons with data-confirm ask before a destructive action (a form posted without
// JavaScript is not asked). Partial updates are htmx (htmx.min.js, see docs/web.md).
document.addEventListener("click", function (event) {
  "use strict";
  var target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
