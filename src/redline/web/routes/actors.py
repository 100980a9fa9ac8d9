"""Actors: the list, and a page per actor with ties, dyads, timeline and motives."""

from __future__ import annotations

import pandas as pd
from fastapi import APIRouter, Request

from redline.data.filters import EventFilter
from redline.web.respond import page, records
from redline.web.routes._common import case_nav, scope_of, twin, web

router = APIRouter()


def actor_table(store, case) -> pd.DataFrame:
    """The case's actors with their centrality (:func:`redline.analysis.network.network`)."""
    from redline.analysis.network import network
    table = network(store, case).actors
    names = {a.id: a.name for a in case.actors}
    table.insert(1, "name", table["actor"].map(names))
    return table


@twin(router, "/cases/{case}/actors", summary="Actors of a case", tags=["actors"])
def actors(request: Request, case: str):
    """Every actor of the case: kind, ties, events by and against it, centrality."""
    st = web(request)
    c = st.case(case)
    table = st.cached(("actors", case), lambda: actor_table(st.store, c), single=True)
    els = elements(c, None, pd.DataFrame())
    data = {"title": f"Actors · {c.title}", "case": case_nav(c, "actors"),
            "actors": records(table), "elements": els, **legend_of(els)}
    return page(request, "actors.html", data)


def legend_of(els: list[dict]) -> dict:
    """What the graph's legend must show: the kinds of actor and tie drawn."""
    return {"kinds": sorted({e["data"]["kind"] for e in els if "source" not in e["data"]}),
            "tie_kinds": sorted({e["data"]["kind"] for e in els if e["data"].get("layer") == "tie"}),
            "has_events": any(e["data"].get("layer") == "events" for e in els)}


def elements(case, focus: str | None, dyads: pd.DataFrame) -> list[dict]:
    """Cytoscape.js elements: actors, ties, and the event dyads of ``focus``."""
    known = {a.id for a in case.actors}
    ties = [t for t in case.ties if focus is None or focus in (t.source, t.target)]
    ids = {focus} if focus else set(known)
    for t in ties:
        ids |= {t.source, t.target}
    dy = dyads[dyads["actor"].isin(known) & dyads["target"].isin(known)] if len(dyads) else dyads
    for r in dy.itertuples():
        ids |= {r.actor, r.target}
    nodes = [{"data": {"id": a.id, "label": a.name, "kind": a.kind,
                       "focus": a.id == focus, "href": f"/cases/{case.name}/actors/{a.id}"}}
             for a in case.actors if a.id in ids]
    edges = [{"data": {"id": f"tie{i}", "source": t.source, "target": t.target, "kind": t.kind,
                       "label": t.kind.replace("_", " "), "layer": "tie"}}
             for i, t in enumerate(ties)]
    edges += [{"data": {"id": f"ev{i}", "source": r.actor, "target": r.target, "kind": "events",
                        "label": f"{int(r.events)} events", "layer": "events",
                        "events": int(r.events)}}
              for i, r in enumerate(dy.itertuples()) if r.actor != r.target]
    return nodes + edges


def actor_timeline(store, case, actor_id: str, label: str) -> dict:
    """The brief's timeline chart: events by the actor and against it, per day; a day's bar
    links to the events by (or against) the actor that day."""
    from redline.reports.charts import timeline_spec
    from redline.web.links import key_event_links, with_day_links
    # The case's events only (as the events page its bars open): an actor two cases share
    # must not count the other case's events.
    scope = scope_of(case)
    by = store.daily_counts({"by": EventFilter(actors=(actor_id,), **scope),
                             "against": EventFilter(targets=(actor_id,), **scope)},
                            case.start, case.end)
    daily = [{"date": pd.Timestamp(r.date).date().isoformat(), "stream": s, "count": int(getattr(r, s))}
             for r in by.itertuples() for s in ("by", "against")]
    daily = with_day_links(daily, case.name, lambda r: {
        ("actor" if r["stream"] == "by" else "target"): actor_id})
    keys = key_event_links([{"n": i + 1, "date": k.date.isoformat(), "label": k.label}
                            for i, k in enumerate(case.key_events)], case.name)
    return timeline_spec(daily, {"by": f"Events by {label}", "against": f"Events against {label}"},
                         keys, width=600)


def motives(case, actor_id: str) -> list[dict]:
    """The actor's motives in the case's scenarios (weighted objectives), if any."""
    try:
        from redline.scenarios import case_scenarios, load_scenario
    except ImportError:  # pragma: no cover
        return []
    out = []
    for name, path in case_scenarios(case).items():
        spec, _ = load_scenario(path)
        m = spec.motive(actor_id)
        if m is None:
            continue
        out.append({"scenario": name, "title": spec.title, "objectives": [
            {"label": o.label, "metric": spec.metric(o.metric).label, "direction": o.direction,
             "weight": o.weight, "justification": o.justification, "sources": list(o.sources)}
            for o in m.objectives]})
    return out


@twin(router, "/cases/{case}/actors/{actor}", summary="One actor", tags=["actors"])
def actor(request: Request, case: str, actor: str):
    """An actor's ties, dyads (who it acts on, who acts on it), timeline and motives."""
    st = web(request)
    c = st.case(case)
    a = c.actor(actor)

    def compute() -> dict:
        dyads = pd.concat([st.store.dyads(EventFilter(actors=(a.id,))),
                           st.store.dyads(EventFilter(targets=(a.id,)))]).drop_duplicates(
                               subset=["actor", "target"]).sort_values("events", ascending=False)
        return {"dyads": dyads, "timeline": actor_timeline(st.store, c, a.id, a.name),
                "motives": motives(c, a.id)}
    got = st.cached(("actor", case, a.id), compute, single=True)
    names = {x.id: x.name for x in c.actors}
    ties = [{"from": t.source, "from_name": names.get(t.source, t.source), "kind": t.kind,
             "to": t.target, "to_name": names.get(t.target, t.target), "since": t.since,
             "until": t.until, "note": t.note, "sources": list(t.sources)}
            for t in c.ties if a.id in (t.source, t.target)]
    data = {"title": f"{a.name} · {c.title}", "case": case_nav(c, "actors"),
            "actor": a.model_dump(), "ties": ties, "dyads": records(got["dyads"]),
            "timeline": got["timeline"], "motives": got["motives"], "names": names}
    data["elements"] = elements(c, a.id, got["dyads"])
    data.update(legend_of(data["elements"]))
    return page(request, "actor.html", data)
