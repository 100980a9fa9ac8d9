// Actor networks with cytoscape.js: ties coloured by kind, event dyads dashed.
(function () {
  "use strict";
  var colours = {sponsors: "#D55E00", member_of: "#E69F00", part_of_state: "#009E73",
                 hosts: "#0072B2", allied_with: "#56B4E9", hostile_to: "#CC79A7", events: "#555555"};
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("network");
    if (!el || !el.dataset.elements || !window.cytoscape) { return; }
    var cy = cytoscape({
      container: el, elements: JSON.parse(el.dataset.elements),
      layout: {name: "cose", animate: false, randomize: false, nodeRepulsion: 9000, idealEdgeLength: 90},
      style: [
        {selector: "node", style: {"label": "data(label)", "font-size": 10, "text-wrap": "wrap",
          "text-max-width": 110, "background-color": "#bbbbbb", "border-width": 1,
          "border-color": "#222", "width": 18, "height": 18, "text-valign": "bottom",
          "text-margin-y": 3, "color": "#111"}},
        {selector: "node[?focus]", style: {"background-color": "#D55E00", "width": 26, "height": 26}},
        {selector: "edge", style: {"curve-style": "bezier", "target-arrow-shape": "triangle",
          "width": 1.6, "line-color": function (e) { return colours[e.data("kind")] || "#999"; },
          "target-arrow-color": function (e) { return colours[e.data("kind")] || "#999"; },
          "label": "data(label)", "font-size": 8, "color": "#333", "text-rotation": "autorotate"}},
        {selector: "edge[layer = 'events']", style: {"line-style": "dashed"}}
      ]
    });
    cy.on("tap", "node", function (evt) {
      var href = evt.target.data("href");
      if (href) { window.location.href = href; }
    });
  });
})();
