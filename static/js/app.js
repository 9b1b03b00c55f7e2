// Behaviour shared by every page. No inline scripts anywhere: the CSP forbids them.
(function () {
  "use strict";

  // A select marked data-autosubmit submits its form on change (language switch, filters).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
      el.form.submit();
    }
  });

  // A form or button marked data-confirm asks before it goes ahead.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var text = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (text && !window.confirm(text)) {
      event.preventDefault();
    }
  });
})();

// The customer form shows the fields of the chosen kind (individual household or enterprise).
(function () {
  "use strict";
  function applyKind(form) {
    var checked = form.querySelector("input[name$='kind']:checked");
    if (!checked) { return; }
    form.querySelectorAll(".kind-individual").forEach(function (el) {
      el.hidden = checked.value !== "individual";
    });
    form.querySelectorAll(".kind-enterprise").forEach(function (el) {
      el.hidden = checked.value !== "enterprise";
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[name$='kind']") && event.target.form) {
      applyKind(event.target.form);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(applyKind);
  });
})();

// A document's defaults follow its file: a file chosen for upload is a scan, so the document
// becomes electronic and a copy, unless the person has already said otherwise in those fields.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el.matches || !el.form) { return; }
    if (el.matches("[data-follows-upload]")) {
      el.dataset.chosen = "1";
      return;
    }
    if (!el.matches("input[type=file][data-scan]") || !el.files || !el.files.length) { return; }
    var carrier = el.form.querySelector("[name=carrier][data-follows-upload]");
    if (carrier && !carrier.dataset.chosen) { carrier.value = el.dataset.scan; }
    var original = el.form.querySelector("[name=is_original][data-follows-upload]");
    if (original && !original.dataset.chosen) { original.checked = false; }
  });
})();
