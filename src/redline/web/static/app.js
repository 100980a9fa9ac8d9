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
  // Tables with class "sortable": a click on a column heading sorts by it (again: reverse).
  // Cells sort as numbers when they start with one (signs, "%" and intervals after it ignored).
  function sortKey(cell) {
    var t = cell.textContent.trim(), m = t.replace(/,/g, "").match(/^[+\u2212-]?\d+(\.\d+)?/);
    return m ? parseFloat(m[0].replace("\u2212", "-")) : t.toLowerCase();
  }
  function makeSortable(root) {
    root.querySelectorAll("table.sortable thead th").forEach(function (th, i) {
      if (th.dataset.sortable) { return; }
      th.dataset.sortable = "1";
      th.setAttribute("aria-sort", "none");
      // A button of its own beside the heading (a heading may hold a glossary link, and a
      // link inside a button is not allowed).
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = "\u21C5";
      button.setAttribute("aria-label", "Sort by " + th.textContent.trim());
      th.appendChild(document.createTextNode(" "));
      th.appendChild(button);
      button.addEventListener("click", function () {
        var table = th.closest("table"), body = table.tBodies[0];
        var up = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th").forEach(function (x) { x.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", up ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = sortKey(a.cells[i]), y = sortKey(b.cells[i]);
          var c = (typeof x === typeof y) ? (x < y ? -1 : x > y ? 1 : 0) : (typeof x === "number" ? -1 : 1);
          return up ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }
  function autosubmit(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document); makeSortable(document); autosubmit(document);
  });
  document.addEventListener("htmx:afterSettle", function (evt) {
    drawCharts(evt.target); makeSortable(evt.target);
  });
})();
