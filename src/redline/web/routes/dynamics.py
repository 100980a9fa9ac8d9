"""Dynamics: the fitted model, phases, tit-for-tat, deterrence windows, backtest skill."""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter, Request

from redline.web.plain import case_names, named
from redline.web.respond import page, records
from redline.web.routes._common import case_nav, twin, web

router = APIRouter()


def fitted(st, case) -> dict:
    """``fit_case`` and ``coupling_table`` of the case (cached per store version)."""
    from redline.analysis.fit import coupling_table, fit_case

    def compute():
        f = fit_case(st.store, case)
        return f, coupling_table(f)
    return st.cached(("fit", case.name), compute, single=True)


def analysis(st, case):
    """``redline.analysis.analyze`` of the case (cached per store version)."""
    from redline.analysis.report import analyze

    return st.cached(("analysis", case.name), lambda: analyze(st.store, case), single=True)


def model_section(st, case) -> dict:
    from redline.reports.charts import coupling_spec
    from redline.reports.units import extra_events, first_day_change_pct, stream_rates
    f, ct = fitted(st, case)
    m = f.model
    labels = {s.name: s.label or s.name for s in case.streams}
    base, decay, link = stream_rates(m)
    rows = records(ct)
    for r in rows:
        r["source_label"] = labels.get(r["source"], r["source"])
        r["target_label"] = labels.get(r["target"], r["target"])
        r["pair"] = f"{r['source_label']}\n→ {r['target_label']}"
        b, k = base.get(r["target"], np.nan), decay.get(r["source"], np.nan)
        # The same effect in counts: extra target events after one source event, from a
        # quiet start (monotone in the coupling, so the interval maps end to end).
        r["extra_events"] = extra_events(r["effect"], b, k, link)
        r["extra_low"] = extra_events(r["low"], b, k, link)
        r["extra_high"] = extra_events(r["high"], b, k, link)
        r["first_day_pct"] = first_day_change_pct(r["effect"], b, k, link)
    from redline.web.links import events_url
    for r in rows:
        # A row of the forest plot (and the table's source cell) opens its source's events.
        r["source_href"] = events_url(case.name, stream=r["source"])
    spec = coupling_spec([{"pair": r["pair"], "effect": r["extra_events"], "low": r["extra_low"],
                           "high": r["extra_high"], "verdict": r["verdict"],
                           "href": r["source_href"]} for r in rows],
                         width=420, title="extra target events after one source event "
                         "(95% interval)")
    streams = [{"stream": s, "label": labels.get(s, s), "events": int(f.counts[s].sum()),
                "baseline_per_day": float(b)}
               for s, b in zip(m.stream_names_, np.asarray(m.baseline_, float))]
    return {"settings": f.settings, "coupling": rows, "coupling_spec": spec, "streams": streams,
            "branching_ratio": float(m.branching_ratio_), "loglik": float(m.loglik_),
            "aic": float(m.aic_), "converged": bool(m.converged_),
            "diagnostics": diagnostics_of(m, f, names=case_names(f.case))}


def diagnostics_of(*results, names: dict[str, str] | None = None) -> list[dict]:
    """The diagnostics the results carry (``diagnostics`` or ``diagnostics_``), as dicts,
    their messages with the case's ids written as its names."""
    out: list[dict] = []
    for r in results:
        d = getattr(r, "diagnostics_", None) or getattr(r, "diagnostics", None)
        if d:
            out.extend(d.to_list() if hasattr(d, "to_list") else list(d))
    return [{**d, "message": named(d["message"], names or {})} for d in out]


#: Deterrence rows (waves x windows) the page shows in full; past this, the rows of the
#: waves the statements describe and those that read a change, the rest folded away.
DETERRENCE_ROWS_SHOWN = 60


def _deterrence_table(det, case) -> dict:
    """``rows`` (all), ``shown`` (what the page lists open) and ``folded`` (the others)."""
    from redline.analysis.deterrence import _key_waves
    rows = deterrence_rows(det, case.name)
    tested = det.n_tested
    if len(rows) <= DETERRENCE_ROWS_SHOWN:
        return {"rows": rows, "shown": rows, "folded": [], "tested": tested}
    key = {w for w, _ in _key_waves(det.waves, case)}
    shown: list[dict] = []
    folded: list[dict] = []
    for r in rows:
        open_ = r["wave"] in key or r["verdict"] in ("fewer after", "more after")
        (shown if open_ else folded).append(r)
    return {"rows": rows, "shown": shown, "folded": folded, "tested": tested}


def deterrence_rows(det, case_name: str) -> list[dict]:
    """One row per strike wave and window: attack counts before and after (each a link to
    those events, not a list of ids), rates per day, the rate ratio as a percent change with
    its negative binomial interval and Holm-adjusted p-value (what the verdict reads), the
    verdict; the exact Poisson interval and p beside them for reference."""
    import datetime as dt
    import math
    day = dt.timedelta(days=1)
    rows = []
    for r in records(det.rates):
        start, end = dt.date.fromisoformat(r["start"]), dt.date.fromisoformat(r["end"])
        w = int(r["window_days"])
        # the windows as counted: cut at the case window's edges (days_before/after)
        tb, ta = int(r.get("days_before", w)), int(r.get("days_after", w))
        # (a wave on the case's first or last day has no window on that side: no link)
        before = {"stream": det.attack, "from": (start - tb * day).isoformat(),
                  "to": (start - day).isoformat()} if tb > 0 else None
        after = {"stream": det.attack, "from": (end + day).isoformat(),
                 "to": (end + ta * day).isoformat()} if ta > 0 else None
        rr = r.get("rate_ratio")

        def pct(v):
            return None if v is None or not math.isfinite(v) else 100.0 * (v - 1.0)
        # The verdict reads the negative binomial interval (attacks cluster), so the table
        # shows that one and its Holm-adjusted p; the exact (Poisson) ones stay in the JSON.
        rows.append({"wave": r["wave"], "start": r["start"], "end": r["end"],
                     "strikes": r["strikes"], "window_days": w,
                     "attacks_before": r["attacks_before"], "attacks_after": r["attacks_after"],
                     "rate_before": r["rate_before"], "rate_after": r["rate_after"],
                     "change_pct": pct(rr), "change_low": pct(r.get("nb_low")),
                     "change_high": pct(r.get("nb_high")), "p_value": r.get("p_holm"),
                     "p_unadjusted": r.get("p_nb"), "exact_low": pct(r.get("ci_low")),
                     "exact_high": pct(r.get("ci_high")), "p_exact": r.get("p_value"),
                     "verdict": r["verdict"], "before_query": before, "after_query": after,
                     "strike_query": {"stream": det.strike, "from": r["start"], "to": r["end"]}})
    return rows


@twin(router, "/cases/{case}/dynamics", summary="Dynamics of a case", tags=["dynamics"])
def dynamics(request: Request, case: str):
    """Who excites and inhibits whom (with intervals), phases, tit-for-tat, deterrence windows."""
    from redline.errors import RedlineError
    from redline.web.plain import case_names, linked_ids, named
    st = web(request)
    c = st.case(case)
    try:
        res = analysis(st, c)
    except RedlineError as exc:  # a window too short for phases: the model still shows
        data: dict[str, Any] = {"title": f"Dynamics · {c.title}", "case": case_nav(c, "dynamics"),
                "model": model_section(st, c), "not_run": exc.reason,
                "phases": None, "reciprocity": [], "deterrence": None, "diagnostics": [],
                "labels": {s.name: s.label or s.name for s in c.streams}}
        return page(request, "dynamics.html", data)
    phases = res.phases
    rec = [{"action": r.action, "reaction": r.reaction, "window_days": r.window, **r.summary,
            "by_k": records(r.by_k.drop(columns=["action_ids"], errors="ignore"))}
           for r in res.reciprocity]
    det = res.deterrence
    data = {"title": f"Dynamics · {c.title}", "case": case_nav(c, "dynamics"),
            "model": model_section(st, c),
            "phases": {"stream": phases.stream,
                       "notes": [named(n, case_names(c)) for n in phases.notes],
                       "segments": records(phases.segments.drop(columns=["event_ids"], errors="ignore")),
                       "change_points": records(phases.change_points)},
            "reciprocity": rec,
            "deterrence": {"attack": det.attack, "strike": det.strike,
                           "statements": [str(linked_ids(named(x, case_names(c)), c.name))
                                          for x in det.statements],
                           **_deterrence_table(det, c), "model": det.model},
            "diagnostics": diagnostics_of(res, names=case_names(c)),
            "labels": {s.name: s.label or s.name for s in c.streams}}
    return page(request, "dynamics.html", data)


def backtest(st, case):
    from redline.analysis.backtest import backtest_case
    from redline.reports.brief import BACKTEST_MAX_ORIGINS

    return st.cached(("backtest", case.name),
                     lambda: backtest_case(st.store, case, horizon=14, n_paths=300,
                                           max_origins=BACKTEST_MAX_ORIGINS), single=True)


@twin(router, "/cases/{case}/dynamics/backtest", summary="Backtest skill", tags=["dynamics"])
def backtest_page(request: Request, case: str):
    """Rolling-origin backtest (14-day horizon): CRPS and log score, skill over Poisson."""
    from redline.errors import InputError
    from redline.reports.charts import skill_spec
    st = web(request)
    c = st.case(case)
    try:
        bt = backtest(st, c)
    except InputError as exc:  # a window too short: said in the page, which loads it in place
        return page(request, "backtest.html", {
            "title": f"Backtest · {c.title}", "case": case_nav(c, "dynamics"),
            "not_run": exc.reason})
    summary = records(bt.summary)
    names = {"daily-hawkes": "self-exciting model", "negbin": "negative binomial",
             "persistence": "persistence"}
    metrics = {"crps": "forecast error (CRPS)", "logscore": "log score"}
    spec = skill_spec([{"model": names.get(r["model"], r["model"]),
                        "metric": metrics.get(r["metric"], r["metric"]), "skill": r["skill"]}
                       for r in summary if r["model"] != "poisson"], width=420)
    data = {"title": f"Backtest · {c.title}", "case": case_nav(c, "dynamics"),
            "summary": summary, "spec": spec, "horizon": 14,
            "model_names": {"daily-hawkes": "self-exciting model", "poisson": "Poisson baseline",
                            "negbin": "negative binomial", "negative-binomial": "negative binomial", "persistence": "persistence"},
            "metric_names": {"crps": "forecast error (CRPS)", "log_score": "log score",
                             "logscore": "log score"},
            "metric_terms": {"crps": "crps", "log_score": "log-score", "logscore": "log-score"},
            "origins": int(bt.scores["origin"].nunique())}
    return page(request, "backtest.html", data)
