// django-celery-beat's periodic-task form (admin/djcelery/change_periodictask_form.html): show
// the chosen crontab in words under the field. Its own template did this with an inline
// script, which our CSP refuses.
(function () {
  "use strict";
  function start() {
    var data = document.getElementById("readable-crontabs");
    var select = document.getElementById("id_crontab");
    var help = document.querySelector(".field-crontab .help");
    document.querySelectorAll(".field-crontab_translation").forEach(function (row) {
      row.style.display = "none";
    });
    if (!data || !select || !help) { return; }
    var readable = JSON.parse(data.textContent);
    var original = help.textContent.trim();
    function update() {
      var words = readable[select.value];
      help.textContent = original;
      if (words) {
        help.appendChild(document.createElement("br"));
        help.appendChild(document.createTextNode("Translation: " + words));
      }
    }
    select.addEventListener("change", update);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
