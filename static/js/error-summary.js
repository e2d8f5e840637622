// Moves the focus to the error summary when a form comes back with errors, so that keyboard
// and screen-reader users start from the list of what to fix (templates/includes/error_summary.html).
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
