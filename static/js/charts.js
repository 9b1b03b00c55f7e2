// The charts of the statistics pages (reports): each <canvas data-chart="ID"> is drawn from the
// JSON in <script type="application/json" id="ID"> (Django's json_script). The table beside
// each chart holds the same numbers: it is the accessible fallback. No inline scripts: the
// Content-Security-Policy forbids them.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  var COLOURS = ["#1f5f8b", "#d9822b", "#3c8d5a", "#8e44ad", "#c0392b", "#7f8c8d"];

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var datasets = spec.datasets.map(function (set, i) {
      return {
        label: set.label,
        data: set.data,
        backgroundColor: COLOURS[i % COLOURS.length],
        borderWidth: 0,
        maxBarThickness: 36
      };
    });
    var valueAxis = { beginAtZero: true, stacked: spec.stacked, ticks: { precision: 0 } };
    var categoryAxis = { stacked: spec.stacked, ticks: { autoSkip: false } };
    new window.Chart(canvas, {
      type: spec.type || "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: spec.horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
        plugins: { legend: { display: datasets.length > 1, position: "bottom" } }
      }
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
