"""Vega-Lite specifications of the brief's charts, as plain dicts.

Every ``*_spec`` function takes plain Python data (lists of records, the tables
the analyses return) and returns a Vega-Lite dict, so the web app can hand the
same dicts to vega-embed.  :func:`render_svg` draws one offline as SVG with
vl-convert.  Colours are Okabe–Ito (colour-blind safe); dates are UTC days.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = [
    "OKABE_ITO", "FONT", "render_svg", "timeline_spec", "map_spec", "network_spec",
    "coupling_spec", "skill_spec", "coverage_spec", "fan_spec", "countries_geojson",
]

#: Okabe & Ito (2008), colour-blind-safe qualitative palette.
OKABE_ITO = {
    "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000",
    "grey": "#999999",
}
ATTACK = OKABE_ITO["vermillion"]
STRIKE = OKABE_ITO["blue"]
FONT = "DejaVu Sans"
VL_VERSION = "5.20"
_UTC = {"type": "utc"}
_DATE_AXIS = {"format": "%d %b %Y", "labelAngle": 0, "title": None, "tickCount": 8}

SpecDict = dict[str, Any]


def assets_dir() -> Path:
    return Path(str(resources.files("redline.reports") / "assets"))


def _links(rows: Sequence[dict]) -> tuple[SpecDict, SpecDict]:
    """Mark properties and encoding that make a layer's marks links, when its records carry
    ``href``; empty otherwise.

    Only the web app puts ``href`` on records (URLs of its own pages): the brief's HTML and
    PDF draw the same specs from records without it, so they stay free of links to the app.
    Vega opens the link itself on a click (in the same tab); a pointer shows it is one.
    """
    if not any(r.get("href") for r in rows):
        return {}, {}
    return {"cursor": "pointer"}, {"href": {"field": "href", "type": "nominal"}}


def _config() -> SpecDict:
    return {
        "font": FONT,
        "view": {"stroke": None},
        "axis": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal",
                 "labelColor": "#333", "titleColor": "#333", "gridColor": "#e6e6e6"},
        "legend": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal",
                   "orient": "top", "direction": "horizontal"},
        "header": {"labelFontSize": 12, "titleFontSize": 12},
        "title": {"fontSize": 13, "anchor": "start", "fontWeight": "bold"},
        "range": {"category": list(OKABE_ITO.values())},
    }


def _spec(body: SpecDict) -> SpecDict:
    out = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json",
           "config": _config(), "background": "white", "padding": 6}
    out.update(body)
    return out


@lru_cache(maxsize=1)
def _fonts_registered() -> bool:
    import vl_convert as vlc
    vlc.register_font_directory(str(assets_dir()))
    return True


def render_svg(spec: SpecDict) -> str:
    """The chart as an SVG string (no external references), drawn offline."""
    import vl_convert as vlc
    _fonts_registered()
    svg = vlc.vegalite_to_svg(spec, vl_version=VL_VERSION)
    # The XML prolog is not allowed inside HTML; the <svg> element is all we need.
    return svg[svg.index("<svg"):] if "<svg" in svg else svg


# ---------------------------------------------------------------- timeline

def timeline_spec(daily: Sequence[dict], labels: dict[str, str], key_events: Sequence[dict],
                  waves: Sequence[dict] = (), phases: Sequence[dict] = (),
                  others: Sequence[dict] = (), width: int = 720) -> SpecDict:
    """Daily counts of the two main streams, strike waves, phases and numbered key events.

    Parameters
    ----------
    daily
        Records ``{date, stream, count}`` (events per day) of the model streams; with an
        ``href`` each, a bar is a link (the web app's, never the brief's).
    labels
        Stream name -> readable label, in panel order.
    key_events
        Records ``{n, date, label}``; drawn as numbered rules (an ``href`` makes the number
        a link).
    waves
        Records ``{start, end, label}``: strike waves, shaded.
    phases
        Records ``{start, end, phase}``: escalation phases, a band above the bars.
    others
        Records ``{date, stream}``: one per event of the secondary streams (a strip); an
        ``href`` makes the tick a link.
    """
    names = list(labels)
    colours = [ATTACK, STRIKE] + [OKABE_ITO[c] for c in ("green", "purple", "orange", "sky")]
    x = {"field": "date", "type": "temporal", "scale": _UTC, "axis": _DATE_AXIS}
    panels: list[SpecDict] = []
    if phases:
        panels.append({
            "height": 22, "width": width, "data": {"values": list(phases)},
            "title": {"text": "Escalation phases", "fontSize": 11, "fontWeight": "normal"},
            "layer": [
                {"mark": {"type": "rect", "stroke": "white", "strokeWidth": 1},
                 "encoding": {"x": {**x, "field": "start", "axis": None},
                              "x2": {"field": "end"},
                              "color": {"field": "phase", "type": "nominal",
                                        "scale": {"domain": ["calm", "rising", "peak", "falling"],
                                                  "range": ["#dddddd", OKABE_ITO["yellow"],
                                                            OKABE_ITO["vermillion"],
                                                            OKABE_ITO["sky"]]},
                                        "legend": {"title": "phase", "orient": "right"}},
                              "tooltip": [{"field": "phase"}, {"field": "start"},
                                          {"field": "end"}]}},
            ]})
    span = _span_days(daily, key_events)
    # A label needs about 14 px; closer key events go on a second or third row.
    label_rows = _stagger(key_events, min_days=14.0 * span / max(width, 1))
    for i, name in enumerate(names):
        # Each day is a rectangle from its date to the next: one day wide at any width, so
        # days without events stay visibly empty (a bar of fixed pixel width would cover them).
        rows = [{**r, "end": _next_day(r["date"])} for r in daily if r["stream"] == name]
        top = max([r["count"] for r in rows] + [1])
        layers: list[SpecDict] = []
        if waves:
            layers.append({"data": {"values": list(waves)},
                           "mark": {"type": "rect", "color": STRIKE, "opacity": 0.13},
                           "encoding": {"x": {**x, "field": "start"}, "x2": {"field": "end"}}})
        mark, link = _links(rows)
        layers.append({"data": {"values": rows},
                       "mark": {"type": "rect", "color": colours[i % len(colours)], **mark},
                       "encoding": {"x": x, "x2": {"field": "end"}, **link,
                                    "y": {"field": "count", "type": "quantitative",
                                          "title": "events per day",
                                          "scale": {"domain": [0, top]},
                                          "axis": {"values": integer_ticks(top), "format": "d"}},
                                    "tooltip": [{"field": "date", "type": "temporal",
                                                 "format": "%d %b %Y", "title": "day"},
                                                {"field": "count", "title": "events"}]}})
        key_mark, key_link = _links(key_events)
        layers.append({"data": {"values": list(key_events)},
                       "mark": {"type": "rule", "color": "#555", "strokeDash": [3, 3]},
                       "encoding": {"x": x}})
        if i == 0:
            for row, members in enumerate(label_rows):
                # The numbers, not the one-pixel rules, are what a reader can click.
                layers.append({"data": {"values": members},
                               "mark": {"type": "text", "dy": -3 - 14 * row, "baseline": "bottom",
                                        "fontSize": 11, "fontWeight": "bold", "color": "#222",
                                        **key_mark},
                               "encoding": {"x": x, "y": {"value": 0}, "text": {"field": "n"},
                                            **key_link}})
        panels.append({"height": 120, "width": width, "layer": layers,
                       "title": {"text": labels[name], "fontSize": 12, "fontWeight": "normal",
                                 "offset": (4 + 14 * len(label_rows)) if i == 0 else 4}})
    if others:
        tick_mark, tick_link = _links(others)
        panels.append({
            "height": 18 * max(1, len({r["stream"] for r in others})), "width": width,
            "title": {"text": "Other streams (one tick per event)", "fontSize": 12,
                      "fontWeight": "normal"},
            "data": {"values": list(others)},
            "mark": {"type": "tick", "thickness": 2, "color": "#444", **tick_mark},
            "encoding": {"x": x, "y": {"field": "stream", "type": "nominal", "title": None},
                         **tick_link}})
    return _spec({"vconcat": panels, "spacing": 10, "resolve": {"scale": {"x": "shared"}}})


def _next_day(day: Any) -> str:
    """The ISO date of the day after ``day`` (a date or ISO text)."""
    import datetime as dt
    d = dt.date.fromisoformat(str(day)[:10])
    return (d + dt.timedelta(days=1)).isoformat()


def _span_days(daily: Sequence[dict], key_events: Sequence[dict]) -> float:
    """Days between the first and the last date the timeline draws (at least 1)."""
    import datetime as dt
    days = [dt.date.fromisoformat(str(r["date"])[:10]) for r in list(daily) + list(key_events)]
    return max((max(days) - min(days)).days + 1, 1) if days else 1


def integer_ticks(top: float, most: int = 5) -> list[int]:
    """Whole-number tick values from 0 to ``top`` (counts have no halves), at most ``most``+1."""
    top = max(int(math.ceil(top)), 1)
    step = max(1, int(math.ceil(top / most)))
    return list(range(0, top + 1, step))


def _stagger(key_events: Sequence[dict], min_days: float) -> list[list[dict]]:
    """Key events split into label rows so that no two labels of a row are closer than
    ``min_days`` (markers 5 and 6 two days apart must not read as "56")."""
    import datetime as dt
    rows: list[list[dict]] = []
    last: list[dt.date] = []
    for k in sorted(key_events, key=lambda k: str(k["date"])):
        d = dt.date.fromisoformat(str(k["date"])[:10])
        for r, prev in enumerate(last):
            if (d - prev).days >= min_days:
                rows[r].append(dict(k))
                last[r] = d
                break
        else:
            rows.append([dict(k)])
            last.append(d)
    return rows


# --------------------------------------------------------------------- map

@lru_cache(maxsize=1)
def _topology() -> dict:
    path = assets_dir() / "countries-50m.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def _ring(arcs, idx: list[int]) -> list[list[float]]:
    out: list[list[float]] = []
    for i in idx:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        out.extend([list(p) for p in (pts if not out else pts[1:])])
    return out


def countries_geojson(bbox: tuple[float, float, float, float]) -> list[dict]:
    """GeoJSON features of the countries (Natural Earth 1:50m) touching ``bbox``.

    ``bbox`` is (min_lon, min_lat, max_lon, max_lat) in degrees.
    """
    topo = _topology()
    arcs = _decode_arcs(topo)
    x0, y0, x1, y1 = bbox
    feats = []
    for geom in topo["objects"]["countries"]["geometries"]:
        if geom.get("type") == "Polygon":
            polys = [geom["arcs"]]
        elif geom.get("type") == "MultiPolygon":
            polys = geom["arcs"]
        else:
            continue
        rings = [[_ring(arcs, r) for r in poly] for poly in polys]
        xs = [p[0] for poly in rings for r in poly for p in r]
        ys = [p[1] for poly in rings for r in poly for p in r]
        if max(xs) < x0 or min(xs) > x1 or max(ys) < y0 or min(ys) > y1:
            continue
        inside = [p for poly in rings for p in poly[0] if x0 <= p[0] <= x1 and y0 <= p[1] <= y1]
        feats.append({"type": "Feature", "properties": {
            "name": geom.get("properties", {}).get("name", ""),
            "label_lon": sum(p[0] for p in inside) / len(inside) if inside else None,
            "label_lat": sum(p[1] for p in inside) / len(inside) if inside else None,
            "n_inside": len(inside)},
            "geometry": {"type": "MultiPolygon", "coordinates": rings}})
    return feats


def map_spec(points: Sequence[dict], sites: Sequence[dict],
             bbox: tuple[float, float, float, float], width: int = 720,
             height: int | None = None) -> SpecDict:
    """Events over country borders (Mercator, clipped to ``bbox``).

    Parameters
    ----------
    points
        Records ``{place, kind, longitude, latitude, events}``: ``kind`` is the
        stream label (attacks, strikes); one record per place and kind.
    sites
        Records ``{name, longitude, latitude, kind}`` of the case's bases.
    bbox
        (min_lon, min_lat, max_lon, max_lat), degrees.
    """
    x0, y0, x1, y1 = bbox

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span_x = math.radians(x1 - x0)
    span_y = merc(y1) - merc(y0)
    if height is None:
        height = int(round(width * span_y / span_x))
    scale = min(width / span_x, height / span_y)
    centre_lat = math.degrees(2 * math.atan(math.exp((merc(y0) + merc(y1)) / 2)) - math.pi / 2)
    projection = {"type": "mercator", "scale": scale, "center": [(x0 + x1) / 2, centre_lat],
                  "translate": [width / 2, height / 2],
                  "clipExtent": [[0, 0], [width, height]]}
    feats = countries_geojson(bbox)
    sites = _spread_labels([dict(s) for s in sites], scale)
    labels = [{"name": f["properties"]["name"], "longitude": f["properties"]["label_lon"],
               "latitude": f["properties"]["label_lat"]}
              for f in feats if f["properties"]["n_inside"] >= 20]
    kinds = sorted({p["kind"] for p in points})
    colour = {"field": "kind", "type": "nominal", "title": None,
              "legend": {"labelLimit": 420, "direction": "vertical"},
              "scale": {"domain": kinds, "range": [ATTACK, STRIKE, OKABE_ITO["green"]][:len(kinds)]}}
    lonlat = {"longitude": {"field": "longitude", "type": "quantitative"},
              "latitude": {"field": "latitude", "type": "quantitative"}}
    return _spec({
        "width": width, "height": height, "projection": projection,
        "layer": [
            {"data": {"values": feats, "format": {"type": "json"}},
             "mark": {"type": "geoshape", "fill": "#f2efe9", "stroke": "#8a8a8a",
                      "strokeWidth": 0.8}},
            {"data": {"values": labels},
             "mark": {"type": "text", "fontSize": 13, "color": "#9a9a9a", "fontStyle": "italic"},
             "encoding": {**lonlat, "text": {"field": "name"}}},
            {"data": {"values": list(points)},
             "mark": {"type": "circle", "opacity": 0.65, "stroke": "white", "strokeWidth": 0.6},
             "encoding": {**lonlat, "color": colour,
                          "size": {"field": "events", "type": "quantitative", "title": "events",
                                   "scale": {"range": [40, 900]},
                                   "legend": {"orient": "bottom-left", "direction": "vertical",
                                              "fillColor": "white"}},
                          "tooltip": [{"field": "place"}, {"field": "kind"},
                                      {"field": "events"}]}},
            {"data": {"values": list(sites)},
             "mark": {"type": "point", "shape": "triangle-up", "filled": True, "size": 60,
                      "color": "#222"},
             "encoding": {**lonlat, "tooltip": [{"field": "name"}]}},
            {"data": {"values": list(sites)},
             "mark": {"type": "text", "align": "left", "dx": 7, "dy": -6, "fontSize": 10,
                      "color": "#222"},
             "encoding": {"longitude": {"field": "longitude", "type": "quantitative"},
                          "latitude": {"field": "label_lat", "type": "quantitative"},
                          "text": {"field": "name"}}},
        ]})


def _spread_labels(sites: list[dict], scale: float, gap_px: float = 12.0) -> list[dict]:
    """Give each site a ``label_lat`` so that labels of nearby sites do not overprint."""
    per_deg = scale * math.pi / 180  # pixels per degree of longitude (Mercator)
    placed: list[tuple[float, float]] = []
    for s in sorted(sites, key=lambda s: (-s["latitude"], s["longitude"])):
        x = s["longitude"] * per_deg
        y = -math.degrees(math.log(math.tan(math.pi / 4 + math.radians(s["latitude"]) / 2))) * per_deg
        while any(abs(y - py) < gap_px and abs(x - px) < 130 for px, py in placed):
            y += gap_px
        placed.append((x, y))
        lat = math.degrees(2 * math.atan(math.exp(math.radians(-y / per_deg))) - math.pi / 2)
        s["label_lat"] = lat
    return sites


# ----------------------------------------------------------------- network

TIE_COLOURS = {"sponsors": OKABE_ITO["vermillion"], "member_of": OKABE_ITO["orange"],
               "part_of_state": OKABE_ITO["green"], "hosts": OKABE_ITO["blue"],
               "allied_with": OKABE_ITO["sky"], "hostile_to": OKABE_ITO["purple"]}


#: Node fill per kind of actor (the web app's network.js uses the same colours).
KIND_COLOURS = dict.fromkeys(["state"], "#0072B2") | {
    "government": "#56B4E9", "armed group": "#D55E00", "umbrella": "#E69F00",
    "state force": "#009E73", "legislature": "#CC79A7", "unattributed": "#999999",
    "organisation": "#F0E442", "coalition": "#ffffff"}


class _KindColours(dict):
    def __missing__(self, key: str) -> str:  # a kind added later: light grey, not a crash
        return "#dddddd"


KIND_COLOURS = _KindColours(KIND_COLOURS)


def network_spec(nodes: Sequence[dict], edges: Sequence[dict], width: int = 720,
                 height: int = 440) -> SpecDict:
    """Actors and ties from precomputed positions.

    ``nodes``: ``{id, name, short, actor_kind, x, y}`` (x, y in 0..1); ``edges``:
    ``{source, target, tie, x, y, x2, y2, ax, ay, angle, dashed}`` where (ax, ay) is where the arrow
    head sits and ``angle`` its direction in degrees (0 = up, clockwise).
    """
    kinds = [k.replace("_", " ") for k in TIE_COLOURS if any(e["tie"] == k.replace("_", " ") for e in edges)]
    # Node colours by kind of actor, the same as the web app's graph (and its legend).
    node_kinds = sorted({str(n["actor_kind"]) for n in nodes})
    xs = {"type": "quantitative", "axis": None, "scale": {"domain": [-0.08, 1.08]}}
    ys = {"type": "quantitative", "axis": None, "scale": {"domain": [1.1, -0.1]}}
    colour = {"field": "tie", "type": "nominal", "title": "tie",
              "scale": {"domain": kinds, "range": [TIE_COLOURS[k.replace(" ", "_")] for k in kinds]},
              "legend": {"orient": "bottom", "direction": "horizontal"}}
    return _spec({
        "width": width, "height": height,
        "layer": [
            {"data": {"values": list(edges)},
             "mark": {"type": "rule", "strokeWidth": 1.8, "opacity": 0.85},
             "encoding": {"x": {**xs, "field": "x"}, "y": {**ys, "field": "y"},
                          "x2": {"field": "x2"}, "y2": {"field": "y2"}, "color": colour,
                          "strokeDash": {"field": "dashed", "type": "nominal", "legend": None,
                                         "scale": {"domain": [False, True],
                                                   "range": [[1, 0], [5, 3]]}}}},
            {"data": {"values": list(edges)},
             "mark": {"type": "point", "shape": "triangle", "filled": True, "size": 70,
                      "opacity": 1},
             "encoding": {"x": {**xs, "field": "ax"}, "y": {**ys, "field": "ay"},
                          "angle": {"field": "angle", "type": "quantitative",
                                    "scale": {"domain": [0, 360], "range": [0, 360]}},
                          "color": {**colour, "legend": None}}},
            {"data": {"values": list(nodes)},
             "mark": {"type": "circle", "size": 260, "stroke": "#222", "strokeWidth": 1},
             "encoding": {"x": {**xs, "field": "x"}, "y": {**ys, "field": "y"},
                          "fill": {"field": "actor_kind", "type": "nominal", "title": "actor",
                                   "scale": {"domain": node_kinds,
                                             "range": [KIND_COLOURS[k] for k in node_kinds]},
                                   "legend": {"orient": "bottom"}},
                          "tooltip": [{"field": "name"}, {"field": "actor_kind"}]}},
            {"data": {"values": list(nodes)},
             "mark": {"type": "text", "dy": 17, "fontSize": 11, "baseline": "top",
                      "color": "#111"},
             "encoding": {"x": {**xs, "field": "x"}, "y": {**ys, "field": "y"},
                          "text": {"field": "short"}}},
        ]})


# ------------------------------------------------------- dynamics and fit

def coupling_spec(rows: Sequence[dict], width: int = 560,
                  title: str = "effect of one source event (95% interval)") -> SpecDict:
    """Forest plot: ``{pair, effect, low, high, verdict}`` per source -> target pair.

    A ``pair`` may hold ``\n``: the axis label then breaks there (one line per stream).
    ``title`` names the x axis (with its unit).  Rows with an ``href`` are links: the whole
    row (a transparent band behind the interval) opens it, not only the thin rule.
    """
    verdicts = ["excites", "inhibits", "unclear"]
    lines = max((str(r["pair"]).count("\n") + 1 for r in rows), default=1)
    mark, link = _links(rows)
    # A band over the row's full width: an easy target for a click (drawn first, under the
    # interval, and pickable because its fill is transparent rather than none).
    band = [{"mark": {"type": "rect", "fill": "transparent", **mark},
             "encoding": {**link, "x": {"value": 0}, "x2": {"value": "width"}}}] if link else []
    return _spec({
        "width": width, "height": {"step": 22 + 13 * lines}, "data": {"values": list(rows)},
        "encoding": {"y": {"field": "pair", "type": "nominal", "title": None, "sort": None,
                           "axis": {"labelLimit": 380, "labelExpr": "split(datum.label, '\\n')",
                                    "labelFontSize": 10.5}}},
        "layer": band + [
            {"mark": {"type": "rule", "color": "#444", "strokeDash": [2, 2]},
             "encoding": {"x": {"datum": 0}, "y": None}},
            {"mark": {"type": "rule", "strokeWidth": 2.2, **mark},
             "encoding": {**link, "x": {"field": "low", "type": "quantitative",
                                "title": title},
                          "x2": {"field": "high"},
                          "color": {"field": "verdict", "type": "nominal", "title": None,
                                    "scale": {"domain": verdicts,
                                              "range": [ATTACK, STRIKE, OKABE_ITO["grey"]]}}}},
            {"mark": {"type": "point", "filled": True, "size": 70, **mark},
             "encoding": {**link, "x": {"field": "effect", "type": "quantitative"},
                          "color": {"field": "verdict", "type": "nominal", "legend": None,
                                    "scale": {"domain": verdicts,
                                              "range": [ATTACK, STRIKE, OKABE_ITO["grey"]]}}}},
        ]})


def skill_spec(rows: Sequence[dict], width: int = 520) -> SpecDict:
    """Bars of forecast skill over the reference: ``{model, metric, skill}``."""
    return _spec({
        "width": width, "height": {"step": 16}, "data": {"values": list(rows)},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "model", "type": "nominal", "title": None, "sort": None},
            "yOffset": {"field": "metric", "type": "nominal"},
            "x": {"field": "skill", "type": "quantitative", "axis": {"format": "%"},
                  "title": "skill over the Poisson baseline (higher is better)"},
            "color": {"field": "metric", "type": "nominal", "title": "score",
                      "scale": {"range": [OKABE_ITO["blue"], OKABE_ITO["orange"]]}}}})


def coverage_spec(store_rows: Sequence[dict], tallies: Sequence[dict],
                  width: int = 640) -> SpecDict:
    """Cumulative attacks in the store (line) against published tallies (points).

    ``store_rows``: ``{date, cumulative}``; ``tallies``: ``{date, published, qualifier}``.
    """
    x = {"field": "date", "type": "temporal", "scale": _UTC, "axis": _DATE_AXIS}
    return _spec({
        "width": width, "height": 220,
        "layer": [
            {"data": {"values": list(store_rows)},
             "mark": {"type": "line", "interpolate": "step-after", "color": ATTACK,
                      "strokeWidth": 2},
             "encoding": {"x": x, "y": {"field": "cumulative", "type": "quantitative",
                                        "title": "attacks, cumulative"}}},
            {"data": {"values": list(tallies)},
             "mark": {"type": "point", "filled": True, "size": 45, "opacity": 0.8},
             "encoding": {"x": x, "y": {"field": "published", "type": "quantitative"},
                          "shape": {"field": "qualifier", "type": "nominal",
                                    "title": "published count"},
                          "color": {"value": "#333"},
                          "tooltip": [{"field": "date"}, {"field": "published"},
                                      {"field": "qualifier"}]}},
        ]})


def _wrap_title(text: str, chars: int, max_lines: int = 3) -> list[str]:
    """A panel title as lines of at most ``chars`` characters (the last one cut with …)."""
    import textwrap
    lines = textwrap.wrap(str(text), width=max(chars, 8)) or [""]
    if len(lines) > max_lines:
        last = " ".join(lines[max_lines - 1:])
        lines = lines[:max_lines - 1] + [last[:chars - 1].rstrip() + "…"]
    return lines


def fan_spec(rows: Sequence[dict], stream_label: str, width: int = 220,
             columns: int = 3) -> SpecDict:
    """Fan charts, one panel per option: ``{option, day, q05, q25, q50, q75, q95}``.

    ``day`` counts from the scenario start; values are cumulative events.  Panels come in
    the order the options first appear; a row may carry ``title`` (the panel's heading,
    wrapped onto up to three lines), else the heading is ``option``.  The panels are
    concatenated, not faceted, so a grid with fewer options than cells draws no empty
    panel; all panels share their scales.
    """
    order: list[str] = []
    titles: dict[str, str] = {}
    for r in rows:
        if r["option"] not in titles:
            order.append(r["option"])
            titles[r["option"]] = str(r.get("title") or r["option"])
    n = len(order)
    columns = max(1, min(columns, n)) if n else 1
    chars = int(width / 7.4)
    heads = {o: _wrap_title(titles[o], chars) for o in order}
    n_lines = max((len(h) for h in heads.values()), default=1)
    x = {"field": "day", "type": "quantitative", "title": "days from the decision"}
    panels = []
    for i, opt in enumerate(order):
        first_col, last_row = i % columns == 0, i + columns >= n
        xi = {**x, "title": x["title"] if last_row else None}
        # The stream's name is the chart's caption; the axis says what is counted (a long
        # stream label as an axis title is clipped at the panel's height).
        y_title = (stream_label if len(stream_label) <= 24 else "cumulative events") \
            if first_col else None
        # Same height for every heading: pad with no-break spaces (Vega drops lines that are
        # plain spaces, and panels with shorter headings then sit higher than their row).
        lines = heads[opt] + ["\u00a0"] * (n_lines - len(heads[opt]))
        panels.append({
            "title": {"text": lines, "fontSize": 12, "fontWeight": "bold", "anchor": "start",
                      "limit": width + 40},
            "width": width, "height": 130,
            "transform": [{"filter": {"field": "option", "equal": opt}}],
            "layer": [
                {"mark": {"type": "area", "color": OKABE_ITO["sky"], "opacity": 0.35},
                 "encoding": {"x": xi, "y": {"field": "q05", "type": "quantitative",
                                             "title": y_title},
                              "y2": {"field": "q95"}}},
                {"mark": {"type": "area", "color": OKABE_ITO["blue"], "opacity": 0.45},
                 "encoding": {"x": xi, "y": {"field": "q25", "type": "quantitative"},
                              "y2": {"field": "q75"}}},
                {"mark": {"type": "line", "color": "#111", "strokeWidth": 1.6},
                 "encoding": {"x": xi, "y": {"field": "q50", "type": "quantitative"}}},
            ]})
    return _spec({
        "data": {"values": list(rows)},
        "columns": columns, "concat": panels, "spacing": {"row": 14, "column": 18},
        "resolve": {"scale": {"x": "shared", "y": "shared"}}})
