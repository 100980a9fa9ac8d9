// Actor networks with cytoscape.js: nodes coloured by kind of actor, ties coloured by kind
// (the legend under the graph says which), event dyads dashed grey. A concentric layout by
// number of ties keeps the busiest actors apart instead of piling their labels in the middle.
(function () {
  "use strict";
  var ties = {sponsors: "#D55E00", member_of: "#E69F00", part_of_state: "#009E73",
              hosts: "#0072B2", allied_with: "#56B4E9", hostile_to: "#CC79A7", events: "#777777"};
  var kinds = {state: "#0072B2", government: "#56B4E9", armed_group: "#D55E00", umbrella: "#E69F00",
               state_force: "#009E73", legislature: "#CC79A7", unattributed: "#999999",
               organisation: "#F0E442", coalition: "#ffffff"};
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("network");
    if (!el || !el.dataset.elements || !window.cytoscape) { return; }
    var elements = JSON.parse(el.dataset.elements);
    var small = el.clientWidth < 600;
    var cy = cytoscape({
      container: el, elements: elements, minZoom: 0.3, maxZoom: 3, wheelSensitivity: 0.2,
      layout: {name: "concentric", animate: false, avoidOverlap: true, spacingFactor: small ? 0.9 : 1.25,
               minNodeSpacing: small ? 22 : 40, padding: 16,
               concentric: function (n) { return n.data("focus") ? 100 : n.degree(); },
               levelWidth: function () { return 2; }},
      style: [
        {selector: "node", style: {"label": "data(label)", "font-size": small ? 9 : 11, "text-wrap": "wrap",
          "text-max-width": small ? 70 : 110, "width": 20, "height": 20, "text-valign": "bottom",
          "text-margin-y": 3, "color": "#111", "border-width": 1, "border-color": "#222",
          "text-background-color": "#fff", "text-background-opacity": 0.8, "text-background-padding": 1,
          "background-color": function (n) { return kinds[n.data("kind")] || "#bbbbbb"; }}},
        {selector: "node[?focus]", style: {"width": 30, "height": 30, "border-width": 3}},
        {selector: "edge", style: {"curve-style": "bezier", "target-arrow-shape": "triangle",
          "width": 1.8, "opacity": 0.85,
          "line-color": function (e) { return ties[e.data("kind")] || "#999"; },
          "target-arrow-color": function (e) { return ties[e.data("kind")] || "#999"; }}},
        {selector: "edge[layer = 'events']", style: {"line-style": "dashed", "label": "data(label)",
          "font-size": 8, "color": "#333", "text-rotation": "autorotate",
          "width": function (e) { return Math.min(1 + Math.sqrt(e.data("events") || 1) / 2, 6); }}}
      ]
    });
    cy.on("tap", "node", function (evt) {
      var href = evt.target.data("href");
      if (href) { window.location.href = href; }
    });
  });
})();
