"""Options: pick a scenario, adjust it, run it with live progress (SSE), read the outcomes."""

from __future__ import annotations

import asyncio
import json
import math

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import StreamingResponse

from redline.errors import InputError, RedlineError, ScenarioError
from redline.scenarios.spec import check_scenario
from redline.web.plain import case_names
from redline.web.respond import page
from redline.web.routes._common import case_nav, twin, web

router = APIRouter()
MAX_PATHS = 20_000


def scenarios_of(case) -> dict:
    from redline.scenarios import case_scenarios
    return case_scenarios(case)


def load(st, case, name: str | None):
    """The case's scenario called ``name`` (its first when None); only the case's own files."""
    from redline.scenarios import load_scenario
    found = scenarios_of(case)
    if not found:
        raise InputError(f"case {case.name!r} has no scenarios", field="scenario",
                         expected="a scenarios/ folder in the case")
    name = name or next(iter(found))
    if name not in found:
        raise InputError(f"no scenario {name!r} in case {case.name!r}", field="scenario",
                         expected="one of " + ", ".join(found))
    return st.cached(("scenario", case.name, name), lambda: load_scenario(found[name])[0])


def _title(st, case, name: str) -> str:
    """A scenario's title for the picker (its file name when it cannot be read)."""
    from redline.errors import RedlineError
    try:
        return load(st, case, name).title or name
    except RedlineError:
        return name


def describe(spec) -> dict:
    """What the form shows: options, motives with weights, assumptions."""
    return {"name": spec.name, "title": spec.title, "description": spec.description,
            "actor": spec.actor, "decision_day": spec.decision_day,
            "horizon_days": spec.horizon_days,
            "options": [{"id": o.id, "label": o.label, "description": o.description}
                        for o in spec.options],
            "motives": [{"actor": m.actor, "objectives": [
                {"id": o.id, "label": o.label, "weight": o.weight, "direction": o.direction}
                for o in m.objectives]} for m in spec.motives],
            "assumptions": [{"id": a.id, "label": a.label or a.id, "value": a.value,
                             "unit": a.unit} for a in spec.assumptions]}


@twin(router, "/cases/{case}/options", summary="Scenarios and options of a case", tags=["options"],
      cache=False)  # it lists runs, which change without the store changing
def options(request: Request, case: str,
            scenario: str | None = Query(None, description="Scenario name (default: the first).")):
    """The case's scenarios; the chosen one's options, motive weights and assumptions."""
    st = web(request)
    c = st.case(case)
    names = list(scenarios_of(c))
    spec = load(st, c, scenario) if names else None
    data = {"title": f"Options · {c.title}", "case": case_nav(c, "options"),
            "scenarios": names, "scenario_titles": {n: _title(st, c, n) for n in names},
            "scenario": describe(spec) if spec else None,
            "max_paths": MAX_PATHS,
            "runs": [{"id": r.id, "scenario": r.scenario, "finished": r.finished,
                      "error": r.error, "paths": r.paths, "seconds": r.seconds,
                      "url": f"/cases/{case}/runs/{r.id}"}
                     for r in sorted(st.runs.runs.values(), key=lambda r: -r.started)
                     if r.case == case][:20],
            "names": case_names(c), "actor_names": {a.id: a.name for a in c.actors}}
    return page(request, "options.html", data)


def adjusted(spec, form, case) -> tuple:
    """``spec`` with the form's options, weights and assumption values (validated)."""
    def number(key: str, default: float, lo: float | None = 0.0) -> float:
        raw = form.get(key)
        if raw in (None, ""):
            return default
        try:
            v = float(raw)
        except ValueError:
            raise InputError(f"invalid number {raw!r}", field=key, expected="a number") from None
        if not math.isfinite(v) or (lo is not None and v < lo):
            raise InputError(f"invalid number {raw!r}", field=key,
                             expected="a finite number" + (f" >= {lo}" if lo is not None else ""))
        return v
    chosen = form.getlist("option") or [o.id for o in spec.options]
    unknown = [o for o in chosen if o not in {x.id for x in spec.options}]
    if unknown:
        raise InputError(f"no option {unknown[0]!r}", field="option",
                         expected="one of " + ", ".join(o.id for o in spec.options))
    motives = [m.model_copy(update={"objectives": [
        o.model_copy(update={"weight": number(f"w.{m.actor}.{o.id}", o.weight)})
        for o in m.objectives]}) for m in spec.motives]
    assumptions = [a.model_copy(update={"value": number(f"a.{a.id}", a.value, None)})
                   for a in spec.assumptions]
    spec = spec.model_copy(update={"options": [o for o in spec.options if o.id in chosen],
                                   "motives": motives, "assumptions": assumptions})
    try:  # the same checks as the file gets: a probability stays a probability
        check_scenario(spec, case)
    except ScenarioError as exc:
        raise InputError(exc.message, field=exc.field, expected=exc.expected) from None
    n_paths = int(number("paths", 2000, 1))
    if n_paths > MAX_PATHS:
        raise InputError(f"{n_paths} paths is more than this app runs", field="paths",
                         expected=f"at most {MAX_PATHS}")
    seed = int(number("seed", 1))
    return spec, n_paths, seed


def _work(st, run, spec, case, n_paths: int, seed: int):
    """Simulate (in the run book's worker thread); the result, or None with ``run.error``."""
    from redline.scenarios import run_scenario
    try:
        run.message = f"simulating {len(spec.options)} options × {n_paths:,} paths"
        run.total = len(spec.options) * n_paths
        finished: dict[str, int] = {}

        def advance(task: str, done: int, total: int) -> None:
            finished[task] = done
            run.done = sum(finished.values())
            run.message = f"{task}: {done:,} of {total:,} paths"

        result = run_scenario(spec, case, st.store, n_paths=n_paths, seed=seed,
                              backtest=False, progress=advance)
        run.done = run.total
        run.message = "done"
        return result
    except RedlineError as exc:
        run.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - a bug: report it without a trace
        run.error = f"the run failed ({type(exc).__name__}); see the server log"
        import logging
        logging.getLogger("redline.web").exception("scenario run failed")
    return None


@router.post("/cases/{case}/options/run", summary="Start a scenario run", tags=["options"],
             responses={429: {"description": "too many runs waiting"}})
async def start_run(request: Request, case: str):
    """Start a run (form fields: scenario, option (repeated), paths, seed, ``w.ACTOR.OBJECTIVE``
    weights, ``a.ASSUMPTION`` values); answers with the run id and its progress URL. One run
    simulates at a time and a few may wait; more are refused (429)."""
    st = web(request)
    c = st.case(case)
    form = await request.form()
    scenario = form.get("scenario") or None
    if scenario is not None and not isinstance(scenario, str):  # an uploaded file
        raise InputError("the scenario field holds a file, not a name", field="scenario",
                         expected="the name of one of the case's scenarios")
    spec = load(st, c, scenario)
    spec, n_paths, seed = adjusted(spec, form, c)
    run = st.runs.start(case, spec.name, n_paths, seed,
                        lambda run: _work(st, run, spec, c, n_paths, seed))
    data = {"title": "Run", "case": case_nav(c, "options"), "run": {
        "id": run.id, "scenario": spec.name, "paths": n_paths, "seed": seed,
        "progress_url": f"/runs/{run.id}/progress",
        "result_url": f"/cases/{case}/runs/{run.id}"}}
    return page(request, "run_started.html", data, status=202)


@router.get("/runs/{run_id}/progress", summary="Progress of a run (server-sent events)",
            tags=["options"], response_class=StreamingResponse)
async def progress(request: Request, run_id: str):
    """``text/event-stream``: ``progress`` events, then one ``done`` (or ``failed``) event."""
    run = web(request).runs.get(run_id)
    if run is None:
        raise HTTPException(404, f"no run {run_id!r}")

    async def stream():
        while True:
            payload = {"message": run.message, "done": run.done, "total": run.total,
                       "seconds": run.seconds}
            if run.finished:
                kind = "failed" if run.error else "done"
                payload["error"] = run.error
                yield f"event: {kind}\ndata: {json.dumps(payload)}\n\n"
                return
            yield f"event: progress\ndata: {json.dumps(payload)}\n\n"
            if await request.is_disconnected():
                return
            await asyncio.sleep(0.5)
    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store"})


def fan_rows(result, stream: str) -> list[dict]:
    """The result's cumulative quantiles of ``stream`` as fan-chart rows (one per option, day)."""
    labels = {o["id"]: o["label"] for o in result.options}
    rows = []
    for oid, streams in result.fan.items():
        f = streams.get(stream)
        if f is None:
            continue
        q = f["cumulative"]
        for day in range(len(f["dates"])):
            rows.append({"option": labels.get(oid, oid), "day": day + 1,
                         **{k: q[k][day] for k in ("q05", "q25", "q50", "q75", "q95")}})
    return rows


@twin(router, "/cases/{case}/runs/{run_id}", summary="Result of a scenario run", tags=["options"],
      cache=False)  # a pending run's page must not be kept: it changes when the run ends
def run_result(request: Request, case: str, run_id: str):
    """Fan charts, option × outcome and option × motive tables, the ranking. A permalink:
    finished runs are read from their ``result.json`` beside the store."""
    from redline.reports.charts import fan_spec
    st = web(request)
    c = st.case(case)
    run = st.runs.get(run_id)
    if run is None or run.case != case:
        raise HTTPException(404, f"no run {run_id!r}")
    if run.error:
        raise InputError(f"the run failed: {run.error}")
    res = st.runs.result(run_id) if run.finished else None
    if res is None:
        data = {"title": "Running", "case": case_nav(c, "options"), "pending": True,
                "run": {"id": run.id, "message": run.message, "seconds": run.seconds}}
        r = page(request, "run.html", data, status=202)
        r.headers["Cache-Control"] = "no-store"
        r.headers["Refresh"] = "3"
        return r
    labels = {s.name: s.label or s.name for s in c.streams}
    stream = res.model["streams"][0]
    fans = [{"stream": s, "label": labels.get(s, s),
             "spec": fan_spec(fan_rows(res, s), labels.get(s, s), width=240, columns=2)}
            for s in res.model["streams"]]
    data = {"title": f"Run · {res.title}", "case": case_nav(c, "options"), "pending": False,
            "run": {"id": run.id, "scenario": res.scenario, "seconds": run.seconds,
                    "url": f"/cases/{case}/runs/{run.id}"},
            "result": res.to_dict(fan=False), "fans": fans, "first_stream": stream,
            "outcomes": res.outcome_table().to_dict(orient="records"),
            "motive_table": res.motive_table().to_dict(orient="records"),
            "actor_names": {a.id: a.name for a in c.actors},
            "option_labels": {o["id"]: o["label"] for o in res.options},
            "same_outcomes": same_outcomes(res)}
    return page(request, "run.html", data)


def same_outcomes(res) -> list[list[str]]:
    """Groups of options whose simulated outcomes are identical (the model gives them no
    different effect, e.g. sanctions with no modelled channel): worth saying on the page."""
    groups: dict[str, list[str]] = {}
    for o in res.options:
        key = json.dumps(o["outcomes"], sort_keys=True)
        groups.setdefault(key, []).append(o["label"])
    return [g for g in groups.values() if len(g) > 1]
