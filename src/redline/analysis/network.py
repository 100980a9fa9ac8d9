"""Who is tied to whom, who acts on whom, and how deniable the violence is.

Graph
-----
:func:`actor_graph` builds a ``networkx.MultiDiGraph`` over the case's actors:
one edge per tie (``layer="tie"``, key = the tie kind: sponsors, member_of,
part_of_state, hosts, allied_with, hostile_to) and one edge per event dyad
(``layer="events"``, key ``"events"``: who acted on whom, with ``events``,
``violent`` (ASSAULT/COERCE), ``killed``, ``intensity`` (summed severity,
:class:`redline.analysis.escalation.IntensityWeights`) and ``event_ids``).
Names in events that resolve to no case actor stay out of the graph and appear
in the dyad table only.

Sponsor chains
--------------
A chain starts at a ``sponsors`` tie ``S -> P`` and then follows ``member_of``
ties *in reverse* (from an organisation to its members), as long as it finds
new actors: ``iran -sponsors-> islamic_resistance_in_iraq <-member_of-
kataib_hezbollah`` is the chain ``iran > islamic_resistance_in_iraq >
kataib_hezbollah``.  Only maximal chains are listed; a sponsor's *proxies* are
every actor on its chains.  *State embedding* chains follow ``member_of``
forwards and end with a ``part_of_state`` tie (``kataib_hezbollah >
popular_mobilization_forces > iraq_government``).

Deniability
-----------
Each attack (event of the attack stream) is put in one class by its claim
(``claimed_by``, resolved to a case actor through the case's names and
aliases; text in parentheses and a second claimant after "and"/";" are
dropped when the full text does not resolve): ``unclaimed`` (no claim),
``umbrella`` (the claimant is an actor of kind umbrella),
``unattributed`` (kind unattributed), ``named_group`` (armed_group or
state_force), ``state``, or ``other_claimant`` (a name the case does not
know).  The same classes by the *attributed* actor (``actor``) give the
attribution view.  The deniable share is unclaimed + umbrella + unattributed,
with an exact (Clopper-Pearson) 95% interval; its parts are reported apart,
because they mean different things: an umbrella claim is a chosen cover, while an
unclaimed row may only be a claim the sources did not record.  When most claimed
attacks are claimed openly (a named group or a state), the unclaimed rows are read
as missing claims, not as deniability: ``deniability_reading`` says so and an
``analysis.open_claims`` diagnostic is recorded.  For strikes (the response
stream) the share that hit each sponsor itself versus its proxies is counted
by target; ``on_sponsor_territory`` counts those of the strikes on the sponsor
that happened in the sponsor's own country (a strike on IRGC-linked sites in
Iraq hits the sponsor's forces, not its territory).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from redline.analysis._events import CaseEvents, as_case, load_case_events
from redline.analysis.case_streams import attack_and_strike, json_records
from redline.analysis.escalation import IntensityWeights
from redline.analysis.intervals import clopper_pearson
from redline.data.case import Case
from redline.diagnostics import Diagnostics

__all__ = ["NetworkResult", "network", "actor_graph", "sponsor_chains", "embedding_chains",
           "event_dyads", "deniability", "resolve_claimant"]

_VIOLENT = ("ASSAULT", "COERCE")
_DENIABLE = ("unclaimed", "umbrella", "unattributed")
#: Share of claimed attacks claimed openly above which unclaimed rows are read as
#: missing claims rather than deniability.
OPEN_CLAIM_SHARE = 0.5
# keyed by str | None: looked up with kinds.get(actor), None for an actor the case lacks
_KIND_CLASS: dict[str | None, str] = {"umbrella": "umbrella", "unattributed": "unattributed", "armed_group": "named_group",
               "state_force": "named_group", "state": "state"}


def event_dyads(events: pd.DataFrame, weights: IntensityWeights | None = None) -> pd.DataFrame:
    """Who acted on whom: one row per (actor, target) with a target.

    Columns: ``actor``, ``target``, ``events``, ``violent`` (ASSAULT/COERCE),
    ``killed`` (sum of known values), ``intensity`` (summed severity of the
    violent events), ``share_of_violence`` (of all violent severity),
    ``cumulative_share``, ``first``, ``last``, ``event_ids``; sorted by
    intensity, then events.
    """
    ev = events[events["target"].notna() & events["actor"].notna()].copy()
    cols = ["actor", "target", "events", "violent", "killed", "intensity", "share_of_violence",
            "cumulative_share", "first", "last", "event_ids"]
    if ev.empty:
        return pd.DataFrame(columns=cols)
    ev["violent"] = ev["event_type"].isin(_VIOLENT)
    ev["severity"] = (weights or IntensityWeights()).score(ev).where(ev["violent"], 0.0)
    g = ev.groupby(["actor", "target"], sort=False)
    out = pd.DataFrame({
        "events": g.size(), "violent": g["violent"].sum().astype(int),
        "killed": g["killed"].sum(min_count=0).astype("int64"),
        "intensity": g["severity"].sum().round(3),
        "first": g["date"].min(), "last": g["date"].max(),
        "event_ids": g["event_id"].agg(list)}).reset_index()
    total = out["intensity"].sum()
    out = out.sort_values(["intensity", "events", "actor", "target"],
                          ascending=[False, False, True, True]).reset_index(drop=True)
    out["share_of_violence"] = out["intensity"] / total if total > 0 else 0.0
    out["cumulative_share"] = out["share_of_violence"].cumsum()
    return out[cols]


def actor_graph(case: Case, dyads: pd.DataFrame) -> nx.MultiDiGraph:
    """Ties and event dyads of ``case`` as one multigraph (see the module docstring)."""
    g = nx.MultiDiGraph(name=case.name)
    for a in case.actors:
        g.add_node(a.id, name=a.name, kind=a.kind, country=a.country)
    for t in case.ties:
        g.add_edge(t.source, t.target, key=t.kind, layer="tie", kind=t.kind,
                   since=t.since, until=t.until, sources=list(t.sources))
    for r in dyads.itertuples(index=False):
        if r.actor in g and r.target in g:
            g.add_edge(r.actor, r.target, key="events", layer="events", events=int(r.events),
                       violent=int(r.violent), killed=int(r.killed), intensity=float(r.intensity),
                       event_ids=list(r.event_ids))
    return g


def _tie_edges(g: nx.MultiDiGraph, kind: str) -> list[tuple[str, str]]:
    return [(u, v) for u, v, k in g.edges(keys=True) if k == kind]


def sponsor_chains(g: nx.MultiDiGraph) -> list[list[str]]:
    """Maximal chains: a ``sponsors`` tie, then ``member_of`` ties in reverse."""
    members: dict[str, list[str]] = {}
    for m, org in _tie_edges(g, "member_of"):
        members.setdefault(org, []).append(m)
    chains: list[list[str]] = []

    def extend(path: list[str]) -> None:
        nxt = [m for m in sorted(members.get(path[-1], [])) if m not in path]
        if not nxt:
            chains.append(path)
        for m in nxt:
            extend([*path, m])

    for s, p in sorted(_tie_edges(g, "sponsors")):
        extend([s, p])
    return chains


def embedding_chains(g: nx.MultiDiGraph) -> list[list[str]]:
    """Chains ``member_of``* then ``part_of_state``, from a group to a government or state."""
    up: dict[str, list[str]] = {}
    for m, org in _tie_edges(g, "member_of"):
        up.setdefault(m, []).append(org)
    state_of = dict(_tie_edges(g, "part_of_state"))
    out: list[list[str]] = []

    def walk(path: list[str]) -> None:
        here = path[-1]
        if here in state_of and len(path) > 1:
            out.append([*path, state_of[here]])
        for org in sorted(up.get(here, [])):
            if org not in path:
                walk([*path, org])

    for a, data in sorted(g.nodes(data=True)):
        if data.get("kind") in ("armed_group", "unattributed"):
            walk([a])
    return out


def resolve_claimant(text: Any, aliases: dict[str, str]) -> str | None:
    """The case actor id a ``claimed_by`` text names, or None (see the module docstring)."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    s = str(text).strip().lower()
    candidates = [s, re.sub(r"\s*\(.*?\)", "", s).strip()]
    candidates += [re.split(r"\s+and\s+|;", c)[0].strip() for c in candidates[1:]]
    for c in candidates:
        if c in aliases:
            return aliases[c]
    return None


def _share_table(classes: pd.Series, ids: pd.Series) -> pd.DataFrame:
    n = len(classes)
    rows = []
    for cls in ["unclaimed", "umbrella", "unattributed", "named_group", "state", "other_claimant", "other"]:
        m = classes == cls
        k = int(m.sum())
        if k == 0:
            continue
        lo, hi = clopper_pearson(k, n)
        rows.append({"class": cls, "attacks": k, "share": k / n, "share_low": lo, "share_high": hi,
                     "deniable": cls in _DENIABLE, "event_ids": ids[m].tolist()})
    return pd.DataFrame(rows, columns=["class", "attacks", "share", "share_low", "share_high",
                                       "deniable", "event_ids"])


def deniability(case: Case, attacks: pd.DataFrame, strikes: pd.DataFrame,
                g: nx.MultiDiGraph) -> dict[str, Any]:
    """Claim and attribution classes of the attacks; sponsor-vs-proxy targets of the strikes."""
    kinds = {a.id: a.kind for a in case.actors}
    aliases = case.alias_map()
    claimant = attacks["claimed_by"].map(lambda t: resolve_claimant(t, aliases))
    has_claim = attacks["claimed_by"].notna() & (attacks["claimed_by"].astype(str).str.strip() != "")
    claim_cls = pd.Series(np.where(~has_claim, "unclaimed", "other_claimant"), index=attacks.index)
    resolved = claimant.notna()
    claim_cls[resolved] = claimant[resolved].map(lambda a: _KIND_CLASS.get(kinds.get(a), "other"))
    attr_cls = attacks["actor"].map(lambda a: _KIND_CLASS.get(kinds.get(a), "other"))
    claims = _share_table(claim_cls, attacks["event_id"])
    attribution = _share_table(attr_cls, attacks["event_id"])
    n = len(attacks)
    k = int(claim_cls.isin(_DENIABLE).sum())
    lo, hi = clopper_pearson(k, n)
    chains = sponsor_chains(g)
    proxies: dict[str, set[str]] = {}
    for c in chains:
        proxies.setdefault(c[0], set()).update(c[1:])
    attackers = set(attacks["actor"].dropna())
    home = {a.id: a.country for a in case.actors}
    targets = []
    for s, px in sorted(proxies.items()):
        if not (px & attackers) and s not in attackers:
            continue
        hit_s = strikes[strikes["target"] == s]
        hit_p = strikes[strikes["target"].isin(px)]
        m = len(strikes)
        targets.append({"sponsor": s, "strikes": m, "on_sponsor": len(hit_s),
                        "on_proxies": len(hit_p), "on_other": m - len(hit_s) - len(hit_p),
                        "share_on_sponsor": len(hit_s) / m if m else np.nan,
                        "share_on_proxies": len(hit_p) / m if m else np.nan,
                        "sponsor_strike_countries": sorted(set(hit_s["country"].dropna())),
                        "on_sponsor_territory": int((hit_s["country"] == home.get(s)).sum()),
                        "sponsor_strike_ids": hit_s["event_id"].tolist(),
                        "proxy_strike_ids": hit_p["event_id"].tolist()})
    parts = {c: int((claim_cls == c).sum()) for c in ("unclaimed", "umbrella", "unattributed")}
    claimed = n - parts["unclaimed"]
    open_k = int(claim_cls.isin(["named_group", "state"]).sum())
    open_claims = claimed > 0 and open_k / claimed >= OPEN_CLAIM_SHARE
    pct = (lambda x: f"{100 * x / n:.0f}%") if n else (lambda x: "n/a")
    if not n:
        reading = "no attacks: nothing to measure"
    elif open_claims:
        reading = (f"{open_k} of the {claimed} claimed attacks ({100 * open_k / claimed:.0f}%) are "
                   "claimed openly by a named group or a state, so the attackers do not rely on "
                   f"deniability; the {parts['unclaimed']} unclaimed attacks ({pct(parts['unclaimed'])}) "
                   "more likely lack a recorded claim than hide a claimant")
    else:
        reading = (f"deniable share {pct(k)}: {parts['unclaimed']} attacks with no recorded claim "
                   f"({pct(parts['unclaimed'])}), {parts['umbrella']} claimed under an umbrella name "
                   f"({pct(parts['umbrella'])}), {parts['unattributed']} given to no named group "
                   f"({pct(parts['unattributed'])}); unclaimed rows may also be claims the sources "
                   "did not record")
    return {"attacks": n, "deniable_attacks": k, "deniable_share": k / n if n else np.nan,
            "deniable_share_low": lo, "deniable_share_high": hi,
            "unclaimed": parts["unclaimed"], "umbrella_claims": parts["umbrella"],
            "unattributed": parts["unattributed"], "open_claims": open_k,
            "attackers_claim_openly": bool(open_claims), "deniability_reading": reading,
            "claims": claims, "attribution": attribution,
            "strike_targets": pd.DataFrame(targets)}


@dataclass
class NetworkResult:
    """Ties, dyads, chains, centrality and deniability of a case."""

    graph: nx.MultiDiGraph
    actors: pd.DataFrame
    dyads: pd.DataFrame
    chains: list[list[str]]
    embedding: list[list[str]]
    deniability: dict[str, Any]
    attack: str
    strike: str
    notes: list[str] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)

    def __repr__(self) -> str:
        d = self.deniability
        return (f"NetworkResult({self.graph.number_of_nodes()} actors, {len(self.dyads)} dyads, "
                f"{len(self.chains)} sponsor chains, deniable share {d['deniable_share']:.2f})")

    def to_dict(self) -> dict[str, Any]:
        d = self.deniability
        den = {k: v for k, v in d.items() if not isinstance(v, pd.DataFrame)}
        den = {k: (float(v) if isinstance(v, (float, np.floating)) else v) for k, v in den.items()}
        for k in ("claims", "attribution", "strike_targets"):
            den[k] = json_records(d[k])
        return {"attack_stream": self.attack, "strike_stream": self.strike,
                "sponsor_chains": [" > ".join(c) for c in self.chains],
                "state_embedding": [" > ".join(c) for c in self.embedding],
                "actors": json_records(self.actors), "dyads": json_records(self.dyads),
                "deniability": den, "notes": list(self.notes),
                "diagnostics": self.diagnostics.to_list()}


def _centrality(case: Case, g: nx.MultiDiGraph) -> pd.DataFrame:
    ties = nx.Graph()
    ties.add_nodes_from(g.nodes)
    ties.add_edges_from((u, v) for u, v, d in g.edges(data=True) if d["layer"] == "tie")
    between = nx.betweenness_centrality(ties)
    ev = nx.DiGraph()
    ev.add_nodes_from(g.nodes)
    for u, v, d in g.edges(data=True):
        if d["layer"] == "events" and u != v and d["intensity"] > 0:
            ev.add_edge(u, v, weight=d["intensity"])
    pr = nx.pagerank(ev, weight="weight") if ev.number_of_edges() else {n: np.nan for n in g}
    rows = []
    for a in case.actors:
        out_e = [d for _, _, d in g.out_edges(a.id, data=True) if d["layer"] == "events"]
        in_e = [d for _, _, d in g.in_edges(a.id, data=True) if d["layer"] == "events"]
        rows.append({"actor": a.id, "kind": a.kind,
                     "ties": sum(1 for *_, d in g.edges(a.id, data=True) if d["layer"] == "tie")
                     + sum(1 for *_, d in g.in_edges(a.id, data=True) if d["layer"] == "tie"),
                     "events_out": sum(d["events"] for d in out_e),
                     "events_in": sum(d["events"] for d in in_e),
                     "intensity_out": round(sum(d["intensity"] for d in out_e), 3),
                     "intensity_in": round(sum(d["intensity"] for d in in_e), 3),
                     "tie_betweenness": between.get(a.id, 0.0),
                     "hostility_pagerank": pr.get(a.id, np.nan)})
    return pd.DataFrame(rows).sort_values(["intensity_out", "events_out"], ascending=False,
                                          ignore_index=True)


def network(store, case: Case | str, attack: str | None = None, strike: str | None = None,
            weights: IntensityWeights | None = None, start: dt.date | None = None,
            end: dt.date | None = None, data: CaseEvents | None = None) -> NetworkResult:
    """The actor network of a case, its sponsor chains and the deniability measures.

    Parameters
    ----------
    attack, strike
        Streams whose events are the attacks (for the claim shares) and the
        strikes (for sponsor-vs-proxy targets); the first two model streams when None.

    Notes
    -----
    ``tie_betweenness`` is betweenness centrality on the undirected tie graph
    (who brokers between others); ``hostility_pagerank`` is PageRank on the
    directed event graph weighted by violent intensity (who draws violence,
    directly or through those who draw it).
    """
    data = data if data is not None else load_case_events(store, as_case(case), start, end)
    attack, strike = attack_and_strike(data.case, attack, strike)
    dyads = event_dyads(data.events, weights)
    g = actor_graph(data.case, dyads)
    notes = []
    outside = dyads[~dyads["actor"].isin(g.nodes) | ~dyads["target"].isin(g.nodes)]
    if len(outside):
        notes.append(f"{int(outside['events'].sum())} event(s) in {len(outside)} dyad(s) name an actor "
                     "the case does not define; they are in the dyad table, not in the graph")
    den = deniability(data.case, data.stream(attack), data.stream(strike), g)
    res = NetworkResult(g, _centrality(data.case, g), dyads, sponsor_chains(g), embedding_chains(g),
                        den, attack, strike, notes)
    if den["attackers_claim_openly"]:
        res.diagnostics.add("analysis.open_claims", den["deniability_reading"] + ".",
                            subject=("stream", attack))
    return res
