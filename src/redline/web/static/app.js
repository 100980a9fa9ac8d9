// Charts: every [data-spec] element gets the Vega-Lite spec from the JSON block it names.
// Vega runs with its CSP-safe expression interpreter (no eval), so the page needs no
// 'unsafe-eval'. Charts in content swapped in by htmx are drawn after the swap.
(function () {
  "use strict";
  var embedOptions = function () {
    return {actions: false, renderer: "svg", ast: true, expr: window.vega && vega.expressionInterpreter,
            defaultStyle: false, tooltip: false};
  };
  window.redlineEmbed = function (el, spec) {
    if (!window.vegaEmbed) { return Promise.resolve(null); }
    return vegaEmbed(el, spec, embedOptions()).then(function (res) {
      var svg = el.querySelector("svg");
      if (svg) { svg.setAttribute("aria-hidden", "true"); svg.setAttribute("focusable", "false"); }
      return res;
    });
  };
  function drawCharts(root) {
    root.querySelectorAll("[data-vega]").forEach(function (el) {
      if (el.dataset.drawn) { return; }
      el.dataset.drawn = "1";
      window.redlineEmbed(el, JSON.parse(el.dataset.vega)).catch(function (err) {
        el.textContent = "The chart could not be drawn: " + err;
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (evt) { drawCharts(evt.target); });
})();
