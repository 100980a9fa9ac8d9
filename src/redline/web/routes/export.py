"""Export from every view: the table behind it as CSV, JSON or Parquet, with provenance."""

from __future__ import annotations

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Query, Request

from redline.data.filters import EventFilter
from redline.errors import InputError
from redline.web.params import FilterParams, parse_date
from redline.web.respond import EXPORT_FORMATS, export_response, provenance
from redline.web.routes._common import case_filter, web

router = APIRouter()

VIEWS = ("events", "change", "actors", "dyads", "coupling", "phases", "deterrence",
         "reciprocity", "backtest", "outcomes", "motives")


def _table(st, c, view: str, f: FilterParams, asof: str | None, actor: str | None,
           run: str | None) -> tuple[pd.DataFrame, dict]:
    """The table of ``view`` and the parameters that chose it."""
    if view == "events":
        filt = case_filter(f, c)
        return st.store.events(filt), filt.as_dict()
    if view == "change":
        from redline.web.routes.overview import change_table, last_event_date
        day = parse_date(asof, "asof") or last_event_date(st.store, c)
        rows = [{"stream": r["stream"], "label": r["label"], **w}
                for r in change_table(st.store, c, day) for w in r["windows"]]
        return pd.DataFrame(rows), {"asof": day.isoformat()}
    if view == "actors":
        from redline.web.routes.actors import actor_table
        return st.cached(("actors", c.name), lambda: actor_table(st.store, c), single=True), {}
    if view == "dyads":
        if actor:
            c.actor(actor)
            df = pd.concat([st.store.dyads(EventFilter(actors=(actor,))),
                            st.store.dyads(EventFilter(targets=(actor,)))]).drop_duplicates(
                                subset=["actor", "target"])
            return df, {"actor": actor}
        filt = case_filter(f, c)
        return st.store.dyads(filt), filt.as_dict()
    if view == "coupling":
        from redline.web.routes.dynamics import fitted
        f_, ct = fitted(st, c)
        return ct, {"fit": f_.settings}
    if view in ("phases", "deterrence", "reciprocity"):
        from redline.web.routes.dynamics import analysis
        res = analysis(st, c)
        if view == "phases":
            return res.phases.segments, {"stream": res.phases.stream}
        if view == "deterrence":
            return res.deterrence.rates, {"attack": res.deterrence.attack,
                                          "strike": res.deterrence.strike}
        return pd.concat([r.by_k.assign(action=r.action, reaction=r.reaction)
                          for r in res.reciprocity], ignore_index=True), {}
    if view == "backtest":
        from redline.web.routes.dynamics import backtest
        return backtest(st, c).summary, {"horizon": 14}
    r = st.runs.get(run or "")
    res = st.runs.result(r.id) if r is not None and r.case == c.name and r.finished else None
    if res is None:
        raise HTTPException(404, f"no finished run {run!r}")
    table = res.outcome_table() if view == "outcomes" else res.motive_table()
    return table, {"run": r.id, "scenario": r.scenario, **res.settings}


@router.get("/cases/{case}/export/{view}.{fmt}", summary="Export a view's table",
            tags=["export"])
def export(request: Request, case: str, view: str, fmt: str,
           f: FilterParams = Depends(FilterParams.dep),
           asof: str | None = Query(None, description="As-of date for the change table."),
           actor: str | None = Query(None, description="Actor id for the dyads table."),
           run: str | None = Query(None, description="Run id for outcomes and motives.")):
    """The table behind a view as CSV (leading ``#`` provenance lines), JSON (a top-level
    ``provenance`` object) or Parquet (``redline.provenance`` key-value metadata)."""
    st = web(request)
    c = st.case(case)
    if view not in VIEWS:
        raise InputError(f"no exportable view {view!r}", field="view",
                         expected="one of " + ", ".join(VIEWS))
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r}", field="format",
                         expected="one of " + ", ".join(EXPORT_FORMATS))
    df, params = _table(st, c, view, f, asof, actor, run)
    prov = provenance(request, st, view, params, case=c.name, rows=len(df))
    return export_response(df, fmt, prov, f"{c.name}-{view}")
