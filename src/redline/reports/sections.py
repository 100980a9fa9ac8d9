"""The context of each section of the brief, built from the computed results.

Each ``*_section`` function takes the :class:`~redline.reports.brief.BriefResults`
and the brief's :class:`SourceList` (so citations are numbered in reading order)
and returns a dict the Jinja template renders.  No number here is typed by hand.
"""

from __future__ import annotations

import math
import re
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from markupsafe import Markup

from redline.reports import charts
from redline.reports.judgments import confounder_label, date_markup, fmt_date, fmt_num, fmt_p
from redline.reports.sources import SourceList

__all__ = ["what_happened_section", "who_section", "dynamics_section", "method_section",
           "native_id", "network_layout", "branching_sentence", "fmt_value"]


def native_id(event_id: str) -> str:
    return event_id.split(":", 1)[-1]


def _iso(d: Any) -> str:
    return pd.Timestamp(d).date().isoformat()


#: Deterrence rows (waves x windows) up to which every row cites its strikes.
DETERRENCE_CITE_ALL = 60


def _cite(src: SourceList, ids, res, use: str, show: int = 6) -> Markup:
    """Sources of the events ``ids`` for a table cell: the first ``show`` cited, the rest
    counted (a row of a long case rests on hundreds; the events file lists them all, and
    listing them here would make the source list run to thousands)."""
    refs: list[str] = []
    for i in ids:
        for r in res.sources_by_id.get(i, ()):
            if r not in refs:
                refs.append(r)
    head = src.markup(refs[:show], use=use, show=show)
    if len(refs) <= show:
        return head
    return Markup('{} <span class="more-sources">+{} more in the events file</span>').format(
        head, len(refs) - show)


# ------------------------------------------------------------ what happened

def what_happened_section(res, src: SourceList) -> dict[str, Any]:
    case, counts = res.case, res.counts
    labels = res.labels
    model_streams = list(res.fit.counts.columns) if res.fit is not None else list(counts.columns[:2])
    daily = [{"date": _iso(d), "stream": s, "count": int(counts.at[d, s])}
             for s in model_streams for d in counts.index if counts.at[d, s] > 0]
    key_rows = []
    for n, ke in enumerate(case.key_events, 1):
        ids = [res.full_id(i) for i in ke.event_ids]
        ids = [i for i in ids if i is not None]
        refs = [r for i in ids for r in res.sources_by_id.get(i, ())]
        summaries = [res.summary_by_id.get(i, "") for i in ids]
        key_rows.append({"n": n, "date": date_markup(ke.date), "iso": _iso(ke.date),
                         "label": ke.label, "ids": [native_id(i) for i in ids],
                         "summary": " ".join(s for s in summaries if s),
                         "cites": src.markup(refs, use=f"key event: {ke.label}")})
    waves = []
    if res.deterrence is not None:
        for w in res.deterrence.waves.itertuples(index=False):
            waves.append({"start": _iso(w.start),
                          "end": _iso(pd.Timestamp(w.end) + pd.Timedelta(days=1)),
                          "label": f"{w.strikes} strikes"})
    phases = []
    if res.phases is not None:
        top = float(res.phases.segments["rate_per_day"].max()) or 1.0
        for i, s in enumerate(res.phases.segments.itertuples(index=False)):
            prev = res.phases.segments.iloc[i - 1]["rate_per_day"] if i else 0.0
            rate = float(s.rate_per_day)
            name = ("peak" if rate >= top - 1e-12 else "calm" if rate < 0.05 * top
                    else "rising" if rate > prev else "falling")
            phases.append({"start": _iso(s.start),
                           "end": _iso(pd.Timestamp(s.end) + pd.Timedelta(days=1)),
                           "phase": name})
    others = []
    for s in counts.columns:
        if s in model_streams:
            continue
        for d in counts.index[counts[s] > 0]:
            others += [{"date": _iso(d), "stream": labels.get(s, s)}] * int(counts.at[d, s])
    timeline = charts.timeline_spec(daily, {s: labels.get(s, s) for s in model_streams},
                                    [{"n": r["n"], "date": r["iso"], "label": r["label"]}
                                     for r in key_rows], waves, phases, others)
    # map: attacks and strikes by place
    points = []
    for s in model_streams:
        ev = res.events[res.events["event_id"].isin(res.stream_ids.get(s, []))]
        ev = ev.dropna(subset=["latitude", "longitude"])
        grp = ev.groupby(["place", "latitude", "longitude"]).size().reset_index(name="events")
        for r in grp.itertuples(index=False):
            points.append({"place": r.place, "kind": labels.get(s, s), "latitude": float(r.latitude),
                           "longitude": float(r.longitude), "events": int(r.events)})
    sites = [{"name": s.name, "latitude": s.latitude, "longitude": s.longitude, "kind": s.kind}
             for s in case.sites if s.kind in ("base", "mission")]
    lons = [p["longitude"] for p in points + sites]
    lats = [p["latitude"] for p in points + sites]
    map_chart = None
    if lons:
        pad_x = max(1.5, 0.12 * (max(lons) - min(lons)))
        pad_y = max(1.2, 0.12 * (max(lats) - min(lats)))
        bbox = (min(lons) - pad_x, min(lats) - pad_y, max(lons) + pad_x, max(lats) + pad_y)
        map_chart = charts.map_spec(points, sites, bbox)
    located = int(sum(p["events"] for p in points))
    total = int(sum(len(res.stream_ids.get(s, [])) for s in model_streams))
    det = res.deterrence
    strike = det.strike if det is not None else (model_streams[1] if len(model_streams) > 1 else None)
    strike_label = res.noun(labels.get(strike, strike)) if strike else "responses"
    return {"timeline": timeline, "map": map_chart, "key_events": key_rows, "strike_label": strike_label,
            "located": located, "total": total,
            "n_waves": len(waves), "streams": [labels.get(s, s) for s in model_streams],
            "window": (date_markup(case.start), date_markup(case.end))}


# -------------------------------------------------------------- who is involved

_TIE_WORDS = {"sponsors": "sponsors", "member_of": "is a member of", "part_of_state": "is part of",
              "hosts": "hosts", "allied_with": "is allied with", "hostile_to": "is hostile to"}


def _is_constraint(t, actor: str) -> bool:
    """Ties that bind ``actor``: it is part of a state, or hosted by, part of, or opposed by another."""
    if t.source == actor:
        return t.kind == "part_of_state"
    return t.kind in ("hosts", "part_of_state", "hostile_to")


def network_layout(case, width: int = 860, height: int = 460) -> tuple[list[dict], list[dict]]:
    """Layered positions: sponsors above those they sponsor, members above umbrellas.

    Layers are the longest path in the graph of ``sponsors``, ``member_of`` and
    ``part_of_state`` ties.  Each connected part of that graph gets its own block
    of columns (widest first, actors tied by none of these kinds in a last
    column), so a sponsor chain reads top-down without crossing the others;
    within a layer actors are ordered by the mean position of their neighbours
    (a few barycentre sweeps).
    """
    g = nx.DiGraph()
    g.add_nodes_from(a.id for a in case.actors)
    for t in case.ties:
        if t.kind in ("sponsors", "member_of", "part_of_state"):
            g.add_edge(t.source, t.target)
    if not nx.is_directed_acyclic_graph(g):
        g = nx.DiGraph(nx.bfs_tree(g.to_undirected(), case.actors[0].id))
    layer = {n: 0 for n in g.nodes}
    for n in nx.topological_sort(g):
        for m in g.successors(n):
            layer[m] = max(layer[m], layer[n] + 1)
    order = [a.id for a in case.actors]
    parts = sorted((sorted(c, key=order.index) for c in nx.weakly_connected_components(g) if len(c) > 1),
                   key=lambda c: -len(c))
    alone = [n for n in order if g.degree(n) == 0]
    blocks: list[dict[int, list[str]]] = []
    for c in parts:
        lay: dict[int, list[str]] = {}
        for n in c:
            lay.setdefault(layer[n], []).append(n)
        blocks.append(lay)
    if alone:
        # actors without a tie sit in rows of a grid beside the tied ones (one per layer
        # stacked them into a single column, labels on top of each other)
        per_row = max(1, math.ceil(math.sqrt(2.0 * len(alone))))
        blocks.append({i: alone[i * per_row:(i + 1) * per_row]
                       for i in range(math.ceil(len(alone) / per_row))})
    widths = [max(len(v) for v in b.values()) for b in blocks]
    total = float(sum(widths)) or 1.0
    und = nx.Graph([(t.source, t.target) for t in case.ties])
    und.add_nodes_from(order)
    pos: dict[str, float] = {}
    x0 = 0.0
    spans = []
    for w in widths:
        spans.append((x0, x0 + w / total))
        x0 += w / total
    for _ in range(4):
        for b, (lo, hi) in zip(blocks, spans):
            for k in sorted(b):
                ids = b[k]
                for i, n in enumerate(ids):
                    pos.setdefault(n, lo + (hi - lo) * (i + 0.5) / len(ids))

                def bary(n: str) -> float:
                    nb = [pos[m] for m in und.neighbors(n) if m in pos and m != n]
                    return float(np.mean(nb)) if nb else pos[n]
                ids.sort(key=bary)
                for i, n in enumerate(ids):
                    pos[n] = lo + (hi - lo) * (i + 0.5) / len(ids)
    layers: dict[int, list[str]] = {}
    for b in blocks:
        for k, ids in b.items():
            layers.setdefault(k, []).extend(ids)
    depth = max(layers) if layers else 1
    names = {a.id: a for a in case.actors}
    # in a crowded layer every other actor drops half a row, so labels do not collide
    ys = {}
    for b, (lo, hi) in zip(blocks, spans):
        for k, ids in b.items():
            crowded = (hi - lo) * width / max(len(ids), 1) < 165
            for i, n in enumerate(sorted(ids, key=pos.__getitem__)):  # every id has a pos
                ys[n] = (k + (0.45 if crowded and i % 2 else 0.0)) / (max(depth, 1) + 0.45)
    nodes = [{"id": n, "name": names[n].name, "short": _short(names[n]),
              "actor_kind": names[n].kind.replace("_", " "), "x": pos[n], "y": ys[n]} for n in pos]
    xy = {d["id"]: (d["x"], d["y"]) for d in nodes}
    edges = []
    for t in case.ties:
        (x, y), (x2, y2) = xy[t.source], xy[t.target]
        # arrow head a little before the target; angle clockwise from "up" on screen
        ax, ay = x + 0.78 * (x2 - x), y + 0.78 * (y2 - y)
        angle = math.degrees(math.atan2((x2 - x) * width / 1.16, -(y2 - y) * height / 1.2)) % 360
        edges.append({"source": t.source, "target": t.target, "tie": t.kind.replace("_", " "),
                      "x": x, "y": y, "x2": x2, "y2": y2, "ax": ax, "ay": ay, "angle": angle,
                      "dashed": t.kind in ("hostile_to", "allied_with")})
    return nodes, edges


#: Words an acronym skips ("Islamic Resistance in Iraq" -> IRI).
_SMALL_WORDS = {"of", "in", "the", "and", "for", "al", "on", "at", "to"}
#: Longest node label of the network chart, characters.
_LABEL_CHARS = 26


def _short(actor) -> str:
    """A node label: the name without a bracketed note ("*" for an unattributed actor),
    "Gov." for "Government of"; a long name gives way to the actor's acronym alias (all
    capitals, up to six letters) or is cut with an ellipsis."""
    name = actor.name
    if getattr(actor, "kind", "") == "unattributed":
        name = re.sub(r"\s*\(.*?\)\s*$", "", name) + "*"
    else:
        name = re.sub(r"\s*\(.*?\)\s*$", "", name)
    name = name.replace("Government of ", "Gov. ")
    if len(name) <= _LABEL_CHARS:
        return name
    # an alias counts as the name's acronym only if it spells the name's initials: aliases
    # also hold member groups ("HTS" of "Other Syrian opposition groups")
    initials = "".join(w.removeprefix("al-")[:1] for w in re.split(r"[\s\-]+", actor.name)
                       if w and w.lower() not in _SMALL_WORDS and not w.startswith("("))
    for a in getattr(actor, "aliases", []) or []:
        if re.fullmatch(r"[A-Z][A-Z0-9]{1,5}", a) and a.upper() == initials.upper():
            return a
    return name[:_LABEL_CHARS - 1].rstrip(" ,") + "…"


def who_section(res, src: SourceList) -> dict[str, Any]:
    case = res.case
    nodes, edges = network_layout(case)
    names = {a.id: a.name for a in case.actors}
    ev = res.events
    cards = []
    motives_by_actor = {}
    if res.scenario is not None:
        for m in res.scenario.motives:
            motives_by_actor[m.actor] = m.objectives
    for a in case.actors:
        ties = []
        for t in case.ties:
            if a.id not in (t.source, t.target):
                continue
            other = t.target if t.source == a.id else t.source
            words = (f"{_TIE_WORDS[t.kind]} {names[other]}" if t.source == a.id
                     else f"{names[other]} {_TIE_WORDS[t.kind]} it")
            ties.append({"text": words, "note": t.note, "constraint": _is_constraint(t, a.id),
                         "cites": src.markup(t.sources, use=f"tie: {names[t.source]} {_TIE_WORDS[t.kind]} {names[t.target]}")})
        acts = ev[ev["actor"] == a.id]
        recv = ev[ev["target"] == a.id]
        did = (acts.groupby(["event_type", "target"]).size().reset_index(name="n")
               .sort_values("n", ascending=False).head(4))
        got = (recv.groupby(["event_type", "actor"]).size().reset_index(name="n")
               .sort_values("n", ascending=False).head(3))
        activity = []
        for r in did.itertuples(index=False):
            ids = acts[(acts["event_type"] == r.event_type) & (acts["target"] == r.target)]["event_id"]
            activity.append({"text": f"{r.event_type.lower()} → {names.get(r.target, r.target)}",
                             "n": int(r.n), "cites": _cite(src, ids, res, f"dyads of {a.name}", 3)})
        for r in got.itertuples(index=False):
            ids = recv[(recv["event_type"] == r.event_type) & (recv["actor"] == r.actor)]["event_id"]
            activity.append({"text": f"{r.event_type.lower()} ← {names.get(r.actor, r.actor)}",
                             "n": int(r.n), "cites": _cite(src, ids, res, f"dyads of {a.name}", 3)})
        motives = [{"label": o.label, "direction": o.direction, "weight": o.weight,
                    "metric": o.metric, "justification": o.justification,
                    "cites": src.markup(o.sources, use=f"motive of {a.name}: {o.label}")}
                   for o in motives_by_actor.get(a.id, [])]
        if not (ties or activity or motives):
            continue
        cards.append({"id": a.id, "name": a.name, "kind": a.kind.replace("_", " "),
                      "description": a.description, "ties": ties, "activity": activity,
                      "motives": motives,
                      "cites": src.markup(a.sources, use=f"actor: {a.name}") if a.sources else ""})
    cards.sort(key=lambda c: (not c["motives"], -sum(x["n"] for x in c["activity"])))
    return {"network": charts.network_spec(nodes, edges, width=860, height=460), "cards": cards,
            "has_motives": bool(motives_by_actor),
            "n_actors": len(case.actors), "n_ties": len(case.ties)}


# ------------------------------------------------------------------ dynamics

def _words_coupling(r, labels) -> str:
    """The row in plain words; labels keep their own capitals (``US``, ``Iran``)."""
    src, tgt = labels.get(r.source, r.source), labels.get(r.target, r.target)
    if r.source == r.target:
        base = f"{src} follow one another (self-excitation)"
    else:
        base = f"{src} → {tgt}"
    if r.verdict == "excites":
        return f"{base}: more of the first brings more of the second."
    if r.verdict == "inhibits":
        return f"{base}: more of the first brings less of the second (deterrence)."
    return f"{base}: the data cannot tell the sign (interval spans zero)."


def branching_sentence(value: float, link: str | None) -> str:
    """What the fitted branching ratio says, for its link and its side of 1.

    Under the identity link the ratio is the spectral radius of the excitation matrix:
    below 1 each burst dies out, at or above 1 the process is explosive.  Under softplus
    it is only the spectral radius of the positive couplings (effects on the predictor,
    not expected offspring), so neither side of 1 settles whether bursts die out.
    """
    shown, digits = fmt_num(value), 3
    while (float(shown.replace(",", "").replace("−", "-")) >= 1) != (value >= 1) and digits <= 8:
        shown, digits = f"{value:.{digits}f}", digits + 1  # 0.9996 is not "1.00"
    if (float(shown.replace(",", "").replace("−", "-")) >= 1) != (value >= 1):
        shown = "just under 1.0"
    if link == "softplus":
        side = ("above 1, but" if value >= 1 else "below 1, but")
        meaning = ("does not by itself mean the process is explosive" if value >= 1
                   else "does not by itself prove that every burst dies out")
        return (f"Branching ratio {shown}: {side} under the softplus link this is only the spectral "
                f"radius of the positive couplings, a rough guide, and {meaning}")
    if value >= 1:
        return (f"Branching ratio {shown}, at or above 1: the fitted process is explosive, so bursts "
                "do not die out on their own and long-range forecasts grow without bound")
    return f"Branching ratio {shown}, below 1: each burst dies out"


def dynamics_section(res, src: SourceList) -> dict[str, Any]:
    labels = res.labels
    out: dict[str, Any] = {}
    if res.coupling is not None:
        rows = []
        for r in res.coupling.itertuples(index=False):
            rows.append({"pair": f"{labels.get(r.source, r.source)} →\n{labels.get(r.target, r.target)}",
                         "effect": float(r.effect), "low": float(r.low), "high": float(r.high),
                         "verdict": r.verdict})
        out["coupling_chart"] = charts.coupling_spec(rows, width=440)
        out["coupling"] = [{"source": labels.get(r.source, r.source),
                            "target": labels.get(r.target, r.target),
                            "effect": fmt_num(r.effect, "signed"),
                            "interval": f"{fmt_num(r.low, 'signed')} to {fmt_num(r.high, 'signed')}",
                            "verdict": r.verdict,
                            "half_life": fmt_num(r.half_life_days),
                            "words": _words_coupling(r, labels)}
                           for r in res.coupling.itertuples(index=False)]
        m = res.fit.model
        link = res.fit.settings.get("link") or getattr(m, "link", None)
        out["fit"] = {"branching": fmt_num(float(m.branching_ratio_)),
                      "branching_text": branching_sentence(float(m.branching_ratio_), link),
                      "loglik": fmt_num(float(m.loglik_)),
                      "aic": fmt_num(float(m.aic_)), "converged": bool(m.converged_),
                      "link": link,
                      "baseline": [{"stream": res.noun(labels.get(s, s)), "rate": fmt_num(float(b))}
                                   for s, b in zip(m.stream_names_, np.asarray(m.baseline_))],
                      "residuals": [{"stream": res.noun(labels.get(r.stream, r.stream)),
                                     "ks": fmt_num(float(r.ks_statistic)),
                                     "p": fmt_num(float(r.ks_pvalue), "p"),
                                     "ok": float(r.ks_pvalue) > 0.05}
                                    for r in res.residuals.itertuples(index=False)]}
        ci = m.conf_int()
        cov = ci[ci["parameter"] == "coef"]
        out["covariates"] = [{"stream": res.noun(labels.get(r.target, r.target)),
                              "name": res.covariate_label(r.source),
                              "description": res.covariate_phrase(r.source),
                              "effect": fmt_num(r.estimate, "signed"),
                              "interval": f"{fmt_num(r.low, 'signed')} to {fmt_num(r.high, 'signed')}",
                              "cites": src.markup(res.covariate_sources.get(r.source, []),
                                                  use=f"covariate: {res.covariate_label(r.source)}")}
                             for r in cov.itertuples(index=False)
                             if np.isfinite(r.low) and abs(r.high - r.low) < 100]
        out["unidentified"] = [res.covariate_label(r.source) for r in cov.itertuples(index=False)
                               if not (np.isfinite(r.low) and abs(r.high - r.low) < 100)]
    if res.phases is not None:
        out["phases"] = [{"start": date_markup(s.start), "end": date_markup(s.end), "days": int(s.days),
                          "events": int(s.events), "rate": fmt_num(float(s.rate_per_day)),
                          "interval": f"{fmt_num(float(s.rate_low))} to {fmt_num(float(s.rate_high))}",
                          "cites": _cite(src, s.event_ids, res, "escalation phases", 3)}
                         for s in res.phases.segments.itertuples(index=False)]
        out["phase_stream"] = res.noun(labels.get(res.phases.stream, res.phases.stream))
        out["change_points"] = [{"date": date_markup(c.date), "direction": c.direction,
                                 "p": fmt_num(float(c.p_value), "p"),
                                 "p_sel": fmt_num(float(getattr(c, "p_selection", float("nan"))), "p"),
                                 "edge": bool(getattr(c, "coverage_edge", False)),
                                 "range": f"{fmt_date(c.date_low)} – {fmt_date(c.date_high)}"}
                                for c in res.phases.change_points.itertuples(index=False)]
    if res.deterrence is not None:
        rows = []
        keyed = {i for ke in res.case.key_events for i in ke.event_ids}
        covs = res.covariates_by_name
        # A long case has hundreds of waves: past DETERRENCE_CITE_ALL rows only the key
        # waves and the rows that read a change cite their strikes (the rest stay in the
        # data), or the source list runs to thousands of entries.
        cite_all = len(res.deterrence.rates) <= DETERRENCE_CITE_ALL
        for r in res.deterrence.rates.itertuples(index=False):
            hi = "∞" if not np.isfinite(r.ci_high) else fmt_num(r.ci_high)
            key = bool(keyed & {native_id(i) for i in r.strike_ids})
            cites = (_cite(src, r.strike_ids, res, "deterrence windows", 3)
                     if cite_all or key or r.verdict in ("fewer after", "more after") else "")
            nb_lo, nb_hi = getattr(r, "nb_low", float("nan")), getattr(r, "nb_high", float("nan"))
            p_holm = getattr(r, "p_holm", float("nan"))
            rows.append({"nb_interval": (f"{fmt_num(nb_lo)} to {fmt_num(nb_hi)}"
                                         if np.isfinite(nb_lo) else "n/a"),
                         "p_holm": fmt_p(float(p_holm)).removeprefix("= ") if np.isfinite(p_holm) else "n/a","wave": date_markup(r.start), "strikes": int(r.strikes), "w": int(r.window_days),
                         "before": int(r.attacks_before), "after": int(r.attacks_after),
                         "rr": fmt_num(r.rate_ratio), "interval": f"{fmt_num(r.ci_low)} to {hi}",
                         "verdict": r.verdict,
                         "key": key,
                         "confounders": ", ".join(confounder_label(c, covs, res.proper)
                                                  for c in r.confounders),
                         "cites": cites})
        out["deterrence"] = rows
        att = labels.get(res.deterrence.attack, res.deterrence.attack)
        out["deterrence_attack"] = att[:1].upper() + att[1:]
        out["deterrence_strike"] = res.noun(labels.get(res.deterrence.strike, res.deterrence.strike))
        out["deterrence_windows"] = sorted({int(w) for w in res.deterrence.rates["window_days"]})
        out["deterrence_model"] = []
        for f in res.deterrence.model.get("fits", []):
            if "effect" not in f:
                continue
            finite = np.isfinite([f["low"], f["high"]]).all()
            ci = (f"95% interval {fmt_num(f['low'], 'signed')} to {fmt_num(f['high'], 'signed')}"
                  if finite else "no finite interval: the data do not identify it")
            out["deterrence_model"].append({
                "label": f["label"], "text": (
                    f"one event of {out['deterrence_strike']} shifts the predictor of "
                    f"{res.noun(att)} by {fmt_num(f['effect'], 'signed')} ({ci}): {f['verdict']}")})
    if res.reciprocity:
        out["reciprocity"] = []
        for rec in res.reciprocity:
            s = rec.summary
            best = rec.by_k.sort_values("p_value").iloc[0] if len(rec.by_k) else None
            out["reciprocity"].append({
                "action": labels.get(rec.action, rec.action), "reaction": labels.get(rec.reaction, rec.reaction),
                "n": s["actions"], "with": s["with_reaction"], "window": rec.window,
                "median": fmt_num(s["median_lag_days"]) if s["median_lag_days"] is not None else "n/a",
                "k": int(best["k"]) if best is not None else None,
                "observed": fmt_num(float(best["observed"]), "share") if best is not None else "",
                "chance": fmt_num(float(best["chance"]), "share") if best is not None else "",
                "p": fmt_p(float(best["p_value"])).removeprefix("= ") if best is not None else ""})
    if res.backtest is not None:
        summ = res.backtest.summary
        out["backtest_chart"] = charts.skill_spec(
            [{"model": r.model, "metric": r.metric, "skill": float(r.skill)}
             for r in summ.itertuples(index=False)])
        out["backtest"] = [{"model": r.model, "metric": r.metric, "score": fmt_num(float(r.score), digits=3),
                            "skill": fmt_num(float(r.skill), "share"), "n": int(r.n)}
                           for r in summ.itertuples(index=False)]
        out["backtest_settings"] = res.backtest_settings
    return out


# -------------------------------------------------------------------- method

def coverage_table(res) -> dict[str, Any]:
    """Store cumulative attacks against each published tally (``tallies.csv``)."""
    tallies = res.tallies
    stream = res.attack_stream
    if tallies is None or stream is None:
        return {}
    ev = res.events[res.events["event_id"].isin(res.stream_ids.get(stream, []))]
    days = pd.to_datetime(ev["date"]).value_counts().sort_index()
    cum = days.cumsum()
    t = tallies.dropna(subset=["cumulative_attacks"]).copy()
    t["as_of_date"] = pd.to_datetime(t["as_of_date"])
    t = t[t["as_of_date"] <= pd.Timestamp(res.case.end)]
    if t.empty:
        return {}

    def store_at(d) -> int:
        c = cum[cum.index <= d]
        return int(c.iloc[-1]) if len(c) else 0
    rows = [{"date": r.as_of_date, "published": int(r.cumulative_attacks), "qualifier": r.qualifier,
             "store": store_at(r.as_of_date), "source": r.source_url}
            for r in t.itertuples(index=False)]
    last = t["as_of_date"].max()
    week = t[t["as_of_date"] > last - pd.Timedelta(days=7)]
    # a count far below the week's median counts something else (one country, one outlet)
    week = week[week["cumulative_attacks"] >= 0.8 * week["cumulative_attacks"].median()]
    pmin, pmax = int(week["cumulative_attacks"].min()), int(week["cumulative_attacks"].max())
    med = float(week["cumulative_attacks"].median())
    n = store_at(last)
    return {"rows": rows, "date": last, "store": n, "published_min": pmin, "published_max": pmax,
            "share": n / med, "share_low": n / pmax, "share_high": min(1.0, n / pmin),
            "sources": [s for s in week["source_url"] if isinstance(s, str)],
            "store_series": [{"date": _iso(d), "cumulative": int(v)} for d, v in cum.items()]}


def method_section(res, src: SourceList) -> dict[str, Any]:
    out: dict[str, Any] = {}
    cov = res.coverage
    if cov:
        stream = res.attack_stream
        out["coverage_label"] = res.noun(res.labels.get(stream, stream)) if stream else "events"
        out["coverage_chart"] = charts.coverage_spec(
            cov["store_series"], [{"date": _iso(r["date"]), "published": r["published"],
                                   "qualifier": r["qualifier"].replace("_", " ")} for r in cov["rows"]])
        out["coverage_rows"] = [{"date": date_markup(r["date"]), "published": r["published"],
                                 "qualifier": r["qualifier"].replace("_", " "), "store": r["store"],
                                 "share": fmt_num(r["store"] / r["published"], "share"),
                                 "cites": src.markup([r["source"]], use="published tally")}
                                for r in cov["rows"]]
    out["settings"] = [{"name": k, "value": Markup(", ").join(Markup("<code>{}</code>").format(x) for x in v)
                        if isinstance(v, list) else v}
                       for k, v in (res.fit.settings.items() if res.fit is not None else [])]
    out["covariates"] = [{"name": res.covariate_label(c.name), "id": c.name, "start": date_markup(c.start),
                          "end": date_markup(c.end) if c.end else "open",
                          "description": c.description,
                          "used": c.name in (res.fit.settings.get("covariates", []) if res.fit else []),
                          "cites": src.markup(c.sources, use=f"covariate: {res.covariate_label(c.name)}")}
                         for c in res.case.covariates]
    if res.scenario_result is not None:
        out["assumptions"] = [{"id": a["id"], "id_html": _breakable(a["id"]), "label": a.get("label") or a["id"].replace("_", " "),
                               "value": fmt_value(a["value"]),
                               "unit": _unit(a.get("unit") or "", res.labels),
                               "justification": a["justification"],
                               "cites": src.markup(a.get("sources") or [], use="assumption: " + (a.get("label") or a["id"].replace("_", " ")))}
                              for a in res.scenario_result.assumptions]
        out["scenario_settings"] = res.scenario_result.settings
    out["skill"] = benchmark_skill(res.fit.settings.get("model", "daily-hawkes")
                                   if res.fit is not None else "daily-hawkes")
    return out


def fmt_value(v: Any) -> str:
    """An assumption's value at the precision it was written: 0.005 stays 0.005, 1500 is 1,500."""
    if v is None:
        return ""
    x = float(v)
    if not math.isfinite(x):
        return fmt_num(x)
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}".replace("-", "−")
    return repr(x).replace("-", "−") if abs(x) >= 1e-4 else f"{x:g}".replace("-", "−")


def _unit(unit: str, labels: dict[str, str]) -> str:
    """An assumption's unit with stream ids written as the streams' labels."""
    for name in sorted(labels, key=len, reverse=True):
        if name in unit:
            unit = unit.replace(name, f"“{labels[name]}”")
    return unit


def _breakable(ident: str) -> Markup:
    """An identifier that may wrap after its underscores (``<wbr>``), copied unchanged."""
    return Markup("_<wbr>").join(ident.split("_"))


def benchmark_skill(model: str, horizon: int = 14) -> dict[str, Any] | None:
    """The committed cross-conflict benchmark's headline for ``model`` (see
    :func:`redline.models.benchmark.skill_statement`), or ``None`` when it has no row."""
    from redline.errors import RedlineError
    from redline.models.benchmark import skill_statement
    try:
        return skill_statement(model=model, horizon=horizon)
    except (RedlineError, OSError, KeyError):
        return None
