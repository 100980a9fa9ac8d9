// The events page: a Leaflet map over Natural Earth borders (no tile server) and a
// timeline whose brush (a drag) or a click on a day's bar sets the date filters, which htmx
// applies to the table.
(function () {
  "use strict";
  var form, map, pointsLayer, timer, caseName, world, picked = 0, brushed = false;

  function params(withDates) {
    var data = new FormData(form), out = new URLSearchParams();
    data.forEach(function (v, k) {
      if (v && (withDates || (k !== "from" && k !== "to"))) { out.append(k, v); }
    });
    return out;
  }

  // A tooltip as a text node: Leaflet reads a string as HTML, and a place name from an event
  // file is data, never markup.
  function textTip(text) {
    var el = document.createElement("span");
    el.textContent = text;
    return el;
  }

  function drawMap() {
    if (!map) {
      map = L.map("map", {zoomSnap: 0.5, attributionControl: true, worldCopyJump: false})
        .setView([32, 42], 5);
      map.attributionControl.setPrefix("Leaflet");
      map.attributionControl.addAttribution("Borders: Natural Earth");
      fetch("/static/borders/countries-50m.json").then(function (r) { return r.json(); })
        .then(function (topo) {
          world = L.geoJSON(topojson.feature(topo, topo.objects.countries), {
            style: {color: "#777", weight: 0.8, fillColor: "#f2efe9", fillOpacity: 1},
            interactive: false
          }).addTo(map);
          world.bringToBack();
        });
      pointsLayer = L.layerGroup().addTo(map);
    }
    fetch("/cases/" + caseName + "/events/points.json?" + params(true).toString())
      .then(function (r) { return r.json(); })
      .then(function (data) {
        pointsLayer.clearLayers();
        var byPlace = {};
        data.points.forEach(function (p) {
          var key = p.latitude.toFixed(3) + "," + p.longitude.toFixed(3);
          (byPlace[key] = byPlace[key] || {p: p, n: 0}).n += 1;
        });
        Object.keys(byPlace).forEach(function (k) {
          var g = byPlace[k];
          L.circleMarker([g.p.latitude, g.p.longitude], {
            radius: Math.min(4 + 2 * Math.sqrt(g.n), 22), color: "#fff", weight: 1,
            fillColor: "#D55E00", fillOpacity: 0.7
          }).bindTooltip(textTip((g.p.place || "") + ": " + g.n + " event" + (g.n === 1 ? "" : "s")))
            .addTo(pointsLayer);
        });
        data.sites.forEach(function (s) {
          L.circleMarker([s.latitude, s.longitude], {radius: 3, color: "#222", weight: 1,
            fillColor: "#222", fillOpacity: 1}).bindTooltip(textTip(s.name)).addTo(pointsLayer);
        });
        document.getElementById("map-note").textContent = data.shown + " events with coordinates" +
          (data.shown >= data.limit ? " (the first " + data.limit + " by date)" : "") + " · " +
          data.sites.length + " sites (black).";
      });
  }

  function applyDates(start, end) {
    form.querySelector("[name=from]").value = start || "";
    form.querySelector("[name=to]").value = end || "";
    htmx.trigger(form, "submit");
  }

  function iso(t) { return new Date(t).toISOString().slice(0, 10); }

  // The day of the bar under a point: Vega keeps each mark's item (its datum) on the SVG
  // element it draws; a bar may sit under the brush's rectangle, hence elementsFromPoint.
  function dayAt(x, y) {
    var els = document.elementsFromPoint(x, y);
    for (var i = 0; i < els.length; i++) {
      var item = els[i].__data__, d = item && item.datum;
      // Vega-Lite has parsed the ISO day into a UTC timestamp (the scale is UTC).
      if (d && d.date != null && typeof d.count === "number" && d.count > 0) { return iso(d.date); }
    }
    return null;
  }

  // A single click on a bar (not a drag, which the brush handles) sets from and to to its day.
  function clickToDay(el) {
    if (el.dataset.clicks) { return; }  // the element outlives redraws: listen once
    el.dataset.clicks = "1";
    var down = null;
    el.addEventListener("pointerdown", function (e) { down = {x: e.clientX, y: e.clientY}; });
    el.addEventListener("click", function (e) {
      if (!down || Math.abs(e.clientX - down.x) > 3 || Math.abs(e.clientY - down.y) > 3) { return; }
      var day = dayAt(e.clientX, e.clientY);
      if (!day) { return; }
      picked = Date.now();
      clearTimeout(timer);  // the click also cleared the brush: that must not undo the day
      applyDates(day, day);
      // A brush drawn before would still show its old span: draw the chart afresh.
      if (brushed) { brushed = false; drawTimeline(); }
    });
  }

  function drawTimeline() {
    var el = document.getElementById("timeline");
    fetch("/cases/" + caseName + "/events/timeline.json?" + params(false).toString())
      .then(function (r) { return r.json(); })
      .then(function (spec) { return window.redlineEmbed(el, spec); })
      .then(function (res) {
        if (!res) { return; }
        clickToDay(el);
        res.view.addSignalListener("brush", function (name, value) {
          clearTimeout(timer);
          timer = setTimeout(function () {
            var span = value && (value.date || value[Object.keys(value)[0]]);
            if (span && span.length === 2) { brushed = true; applyDates(iso(span[0]), iso(span[1])); }
            else if (Date.now() - picked > 1000) { applyDates("", ""); }
          }, 350);
        });
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    form = document.getElementById("filters");
    if (!form) { return; }
    caseName = form.dataset.case;
    drawMap();
    drawTimeline();
    var lastUndated = params(false).toString();
    // After the table is swapped (filter, brush, paging), the map and timeline follow the URL.
    document.body.addEventListener("htmx:pushedIntoHistory", function () {
      drawMap();
      var undated = params(false).toString();
      if (undated !== lastUndated) { lastUndated = undated; drawTimeline(); }
    });
  });
})();
