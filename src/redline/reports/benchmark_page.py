"""The benchmark's HTML page and tables: skill by unit, PIT histograms, coverage.

Charts are Vega-Lite dicts drawn offline to inline SVG with the helpers of
:mod:`redline.reports.charts`; the page has no external reference.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pandas as pd

from redline.reports.charts import OKABE_ITO, _spec, render_svg

__all__ = ["coverage_by_horizon_spec", "pit_spec", "skill_by_unit_spec", "write_benchmark"]


def skill_by_unit_spec(units: pd.DataFrame, model: str, horizon: int,
                       width: int = 520) -> dict[str, Any]:
    """Dots of each unit's CRPS skill over Poisson and over persistence."""
    rows = []
    sub = units[(units["model"] == model) & (units["horizon"] == horizon)]
    for _, r in sub.iterrows():
        for ref in ("poisson", "persistence"):
            v = r.get(f"skill_vs_{ref}")
            if v is not None and pd.notna(v):
                rows.append({"unit": r["unit"], "reference": ref, "skill": float(v)})
    order = (sub.sort_values("skill_vs_poisson")["unit"].tolist() if len(sub) else [])
    return _spec({
        "title": f"{model}: CRPS skill by unit at {horizon} days (right of 0: better)",
        "width": width, "height": {"step": 13}, "data": {"values": rows},
        "layer": [
            {"mark": {"type": "rule", "color": "#999"}, "encoding": {"x": {"datum": 0}}},
            {"mark": {"type": "point", "filled": True, "size": 40},
             "encoding": {
                 "y": {"field": "unit", "type": "nominal", "sort": order, "title": None,
                       "axis": {"labelLimit": 260}},
                 "x": {"field": "skill", "type": "quantitative", "axis": {"format": "%"},
                       "title": "1 − CRPS(model) / CRPS(reference)"},
                 "color": {"field": "reference", "type": "nominal",
                           "scale": {"range": [OKABE_ITO["blue"], OKABE_ITO["orange"]]}}}},
        ]})


def pit_spec(pit: pd.DataFrame, horizon: int) -> dict[str, Any]:
    """Randomised PIT histograms, one panel per model (flat = calibrated)."""
    rows = pit[pit["horizon"] == horizon].to_dict(orient="records")
    return _spec({
        "title": f"PIT histograms at {horizon} days (flat at 0.1 when calibrated)",
        "data": {"values": rows},
        "facet": {"field": "model", "type": "nominal", "title": None},
        "columns": 4,
        "spec": {"width": 150, "height": 100, "layer": [
            {"mark": {"type": "bar", "color": OKABE_ITO["sky"]},
             "encoding": {"x": {"field": "bin", "type": "ordinal", "title": "PIT",
                                "axis": {"format": ".1f"}},
                          "y": {"field": "share", "type": "quantitative", "title": "share"}}},
            {"mark": {"type": "rule", "color": "#333", "strokeDash": [4, 3]},
             "encoding": {"y": {"datum": 0.1}}},
        ]}})


def coverage_by_horizon_spec(summary: pd.DataFrame, width: int = 420) -> dict[str, Any]:
    """Share of days inside the 50% and 90% intervals, by model and horizon."""
    rows = []
    for _, r in summary.iterrows():
        for level in (50, 90):
            rows.append({"model": r["model"], "horizon": int(r["horizon"]),
                         "interval": f"{level}%", "coverage": r[f"coverage_{level}"]})
    return _spec({
        "title": "Interval coverage by horizon (dashed: nominal)",
        "width": width, "height": 200, "data": {"values": rows},
        "layer": [
            {"mark": {"type": "line", "point": True},
             "encoding": {"x": {"field": "horizon", "type": "ordinal", "title": "horizon, days"},
                          "y": {"field": "coverage", "type": "quantitative",
                                "scale": {"domain": [0.4, 1.0]}, "axis": {"format": "%"}},
                          "color": {"field": "model", "type": "nominal"},
                          "strokeDash": {"field": "interval", "type": "nominal"}}},
            {"data": {"values": [{"y": 0.5}, {"y": 0.9}]},
             "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#999"},
             "encoding": {"y": {"field": "y", "type": "quantitative"}}},
        ]})


_COLS = ["model", "horizon", "n_units", "n_origins", "crps_mean", "log_score_mean",
         "coverage_50", "coverage_90", "pit_distance", "skill_vs_poisson_median",
         "skill_vs_poisson_lo", "skill_vs_poisson_hi", "share_beating_poisson",
         "skill_vs_persistence_median", "skill_vs_persistence_lo", "skill_vs_persistence_hi",
         "share_beating_persistence"]


def _table(df: pd.DataFrame) -> str:
    cols = [c for c in _COLS if c in df.columns]
    return df[cols].to_html(index=False, float_format=lambda v: f"{v:.4g}", na_rep="—",
                            border=0, classes="t")


def write_benchmark(result, out: Path, model: str | None = None, charts: bool = True) -> list[Path]:
    """Write the result's tables (CSV, Parquet, JSON) and ``benchmark.html`` to ``out``.

    Parameters
    ----------
    result : redline.models.benchmark.BenchmarkResult
    out : Path
        Folder (created).
    model : str, optional
        Model whose skill by unit is charted; default the first Hawkes model run.
    charts : bool
        Draw the charts (vl-convert); False writes the page with tables only.

    Returns
    -------
    list of Path
        The files written.
    """
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for name, df in (("summary", result.summary), ("units", result.units),
                     ("scores", result.scores), ("pit", result.pit)):
        for ext in ("csv", "parquet"):
            path = out / f"{name}.{ext}"
            df.to_csv(path, index=False) if ext == "csv" else df.to_parquet(path, index=False)
            files.append(path)
    path = out / "result.json"
    path.write_text(json.dumps(result.to_dict(), indent=1, default=str), encoding="utf-8")
    files.append(path)
    models = list(result.summary["model"].unique()) if len(result.summary) else []
    if model is None:
        model = next((m for m in models if "hawkes" in m), models[0] if models else None)
    horizons = sorted(result.summary["horizon"].unique()) if len(result.summary) else []
    h = 14 if 14 in horizons else (horizons[0] if horizons else None)
    n_units = len(result.units["unit"].unique()) if len(result.units) else 0
    parts = [f"<h1>Benchmark: {n_units} units</h1>",
             ("<p>Rolling-origin forecasts, each model fitted on the "
             f"{result.settings.train_window} days before each origin only. Lower CRPS and "
             "log score are better; skill = 1 − CRPS(model)/CRPS(reference), median over "
             "units with a 90% bootstrap interval (units, and blocks of "
             f"{result.settings.block} origins). Interval coverage is of the central "
             "prediction intervals of count forecasts, which hold at least their level, so "
             "a calibrated model covers a little more than nominal.</p>"),
             "<h2>Summary</h2>", _table(result.summary)]
    if charts and model is not None and h is not None:
        for spec in (skill_by_unit_spec(result.units, model, h), pit_spec(result.pit, h),
                     coverage_by_horizon_spec(result.summary)):
            parts.append(f"<figure>{render_svg(spec)}</figure>")
    if len(result.diagnostics):
        parts.append("<h2>Diagnostics</h2><ul>" + "".join(
            f"<li><code>{html.escape(d.code)}</code> {html.escape(d.message)}</li>"
            for d in result.diagnostics) + "</ul>")
    parts.append("<h2>Settings</h2><pre>" + html.escape(json.dumps(
        result.to_dict()["settings"], indent=1)) + "</pre>")
    page = ("<!doctype html><html><head><meta charset='utf-8'><title>redline benchmark</title>"
            "<style>body{font-family:'DejaVu Sans',sans-serif;max-width:1100px;margin:2em auto;"
            "color:#222}table.t{border-collapse:collapse;font-size:12px}table.t td,table.t th"
            "{padding:2px 6px;border-bottom:1px solid #ddd;text-align:right}"
            "figure{margin:1.5em 0}</style></head><body>" + "\n".join(parts) + "</body></html>")
    path = out / "benchmark.html"
    path.write_text(page, encoding="utf-8")
    files.append(path)
    return files
