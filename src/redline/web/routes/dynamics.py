"""Dynamics: the fitted model, phases, tit-for-tat, deterrence windows, backtest skill."""

from __future__ import annotations

import warnings

import numpy as np
from fastapi import APIRouter, Request

from redline.web.respond import page, records
from redline.web.routes._common import case_nav, twin, web

router = APIRouter()


def fitted(st, case) -> dict:
    """``fit_case`` and ``coupling_table`` of the case (cached per store version)."""
    from redline.analysis.fit import coupling_table, fit_case

    def compute():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f = fit_case(st.store, case)
        return f, coupling_table(f)
    return st.cached(("fit", case.name), compute, single=True)


def analysis(st, case):
    """``redline.analysis.analyze`` of the case (cached per store version)."""
    from redline.analysis.report import analyze

    def compute():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return analyze(st.store, case)
    return st.cached(("analysis", case.name), compute, single=True)


def model_section(st, case) -> dict:
    from redline.reports.charts import coupling_spec
    f, ct = fitted(st, case)
    m = f.model
    labels = {s.name: s.label or s.name for s in case.streams}
    rows = records(ct)
    for r in rows:
        r["source_label"] = labels.get(r["source"], r["source"])
        r["target_label"] = labels.get(r["target"], r["target"])
        r["pair"] = f"{r['source_label']} → {r['target_label']}"
    spec = coupling_spec([{k: r[k] for k in ("pair", "effect", "low", "high", "verdict")}
                          for r in rows], width=480)
    streams = [{"stream": s, "label": labels.get(s, s), "events": int(f.counts[s].sum()),
                "baseline_per_day": float(b)}
               for s, b in zip(m.stream_names_, np.asarray(m.baseline_, float))]
    return {"settings": f.settings, "coupling": rows, "coupling_spec": spec, "streams": streams,
            "branching_ratio": float(m.branching_ratio_), "loglik": float(m.loglik_),
            "aic": float(m.aic_), "converged": bool(m.converged_)}


@twin(router, "/cases/{case}/dynamics", summary="Dynamics of a case", tags=["dynamics"])
def dynamics(request: Request, case: str):
    """Who excites and inhibits whom (with intervals), phases, tit-for-tat, deterrence windows."""
    st = web(request)
    c = st.case(case)
    res = analysis(st, c)
    phases = res.phases
    rec = [{"action": r.action, "reaction": r.reaction, "window_days": r.window, **r.summary,
            "by_k": records(r.by_k.drop(columns=["action_ids"], errors="ignore"))}
           for r in res.reciprocity]
    det = res.deterrence
    data = {"title": f"Dynamics · {c.title}", "case": case_nav(c, "dynamics"),
            "model": model_section(st, c),
            "phases": {"stream": phases.stream, "notes": list(phases.notes),
                       "segments": records(phases.segments.drop(columns=["event_ids"], errors="ignore")),
                       "change_points": records(phases.change_points)},
            "reciprocity": rec,
            "deterrence": {"attack": det.attack, "strike": det.strike,
                           "statements": list(det.statements),
                           "waves": records(det.waves.drop(columns=["event_ids"], errors="ignore")),
                           "rates": records(det.rates.drop(columns=[x for x in det.rates.columns if x.endswith("_ids")])),
                           "model": det.model},
            "labels": {s.name: s.label or s.name for s in c.streams}}
    return page(request, "dynamics.html", data)


def backtest(st, case):
    from redline.analysis.backtest import backtest_case

    def compute():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return backtest_case(st.store, case, horizon=14, n_paths=300)
    return st.cached(("backtest", case.name), compute, single=True)


@twin(router, "/cases/{case}/dynamics/backtest", summary="Backtest skill", tags=["dynamics"])
def backtest_page(request: Request, case: str):
    """Rolling-origin backtest (14-day horizon): CRPS and log score, skill over Poisson."""
    from redline.reports.charts import skill_spec
    st = web(request)
    c = st.case(case)
    bt = backtest(st, c)
    summary = records(bt.summary)
    spec = skill_spec([{"model": r["model"], "metric": r["metric"], "skill": r["skill"]}
                       for r in summary if r["model"] != "poisson"], width=420)
    data = {"title": f"Backtest · {c.title}", "case": case_nav(c, "dynamics"),
            "summary": summary, "spec": spec, "horizon": 14,
            "origins": int(bt.scores["origin"].nunique())}
    return page(request, "backtest.html", data)
