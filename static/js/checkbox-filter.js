// A filter box over a long list of checkboxes (templates/includes/form.html): typing hides
// the options whose name does not contain the text (ignoring case and accents). Checked
// options stay visible, so a choice is never hidden. Without this script the list shows whole.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  document.querySelectorAll("[data-filter-for]").forEach(function (input) {
    if (input.dataset.ready) {
      return;
    }
    input.dataset.ready = "1";
    var list = document.getElementById(input.dataset.filterFor);
    if (!list) {
      return;
    }
    input.closest(".checkbox-filter").hidden = false;
    input.addEventListener("input", function () {
      var wanted = fold(input.value.trim());
      list.querySelectorAll("label").forEach(function (label) {
        var box = label.querySelector("input");
        var show = !wanted || (box && box.checked) || fold(label.textContent).indexOf(wanted) !== -1;
        (label.closest("div") || label).hidden = !show;
      });
    });
  });
})();
