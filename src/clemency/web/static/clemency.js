// Clemency: a few lines of progressive enhancement; every page works without them.
// 1. The case-list search updates the results as you type (fetches the same page's partial).
// 2. Buttons with data-confirm ask before a destructive action.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  var form = document.querySelector("form[data-live]");
  if (!form) { return; }
  var results = document.getElementById(form.getAttribute("data-live"));
  var timer = null;
  var refresh = function () {
    var query = new URLSearchParams(new FormData(form)).toString();
    fetch(form.getAttribute("action") + "/_rows?" + query, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html !== null) {
          results.innerHTML = html;
          window.history.replaceState(null, "", form.getAttribute("action") + "?" + query);
        }
      });
  };
  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 250);
  });
})();
