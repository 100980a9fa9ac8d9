"""Network: a planted sponsor chain, planted claim shares and strike targets."""

from __future__ import annotations

import pytest

from redline.analysis.network import event_dyads, network
from redline.errors import UnknownStreamError


def _events() -> list[dict]:
    ev = []
    ev += [{"day": d, "actor": "front", "target": "home", "claimed_by": "Front Umbrella"} for d in range(6)]
    ev += [{"day": 10 + d, "actor": "brigade", "target": "home", "claimed_by": "Brigade (statement)"}
           for d in range(3)]
    ev += [{"day": 20, "actor": "unknowns", "target": "home", "killed": 2, "target_killed": 2}]
    ev += [{"day": 30 + d, "actor": "home", "target": "patron", "mode": "aerial",
            "country": "Hostland"} for d in range(2)]
    ev += [{"day": 40 + d, "actor": "home", "target": "brigade", "mode": "aerial"} for d in range(3)]
    ev += [{"day": 50, "actor": "host_gov", "target": "home", "event_type": "ACCUSE", "mode": "statement"}]
    return ev


def test_planted_chain_and_deniability(make_case):
    store, case = make_case(_events(), 60)
    res = network(store, case)
    assert ["patron", "front", "brigade", "cell"] in res.chains
    assert ["brigade", "militia_force", "host_gov"] in res.embedding
    d = res.deniability
    claims = d["claims"].set_index("class")
    assert claims.loc["umbrella", "attacks"] == 6
    assert claims.loc["named_group", "attacks"] == 3       # "(statement)" dropped to resolve
    assert claims.loc["unclaimed", "attacks"] == 1
    assert d["deniable_share"] == pytest.approx(0.7)
    assert d["deniable_share_low"] < 0.7 < d["deniable_share_high"]
    assert len(claims.loc["umbrella", "event_ids"]) == 6
    st = d["strike_targets"].set_index("sponsor").loc["patron"]
    assert (st["strikes"], st["on_sponsor"], st["on_proxies"]) == (5, 2, 3)
    assert st["share_on_sponsor"] == pytest.approx(0.4)
    assert st["on_sponsor_territory"] == 0                   # struck in Hostland, not Patronia


def test_dyads_graph_and_centrality(make_case):
    store, case = make_case(_events(), 60)
    res = network(store, case)
    top = res.dyads.iloc[0]
    assert (top["actor"], top["target"], top["events"]) == ("front", "home", 6)
    assert res.dyads["events"].sum() == 16
    assert res.dyads["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    # the dyad table agrees with the store's own dyad query
    store_d = store.dyads().set_index(["actor", "target"])["events"]
    mine = res.dyads.set_index(["actor", "target"])["events"]
    assert mine.sort_index().to_dict() == store_d.sort_index().astype(int).to_dict()
    g = res.graph
    assert g.has_edge("patron", "front", key="sponsors")
    assert g.edges["front", "home", "events"]["events"] == 6
    actors = res.actors.set_index("actor")
    assert actors.loc["front", "tie_betweenness"] > 0          # brokers patron and its members
    assert actors.loc["home", "events_in"] == 11


def test_event_dyads_empty():
    import pandas as pd
    assert event_dyads(pd.DataFrame(columns=["actor", "target", "event_type", "mode", "killed",
                                              "injured", "date", "event_id"])).empty


def test_unknown_stream(make_case):
    store, case = make_case(_events(), 60)
    with pytest.raises(UnknownStreamError):
        network(store, case, attack="nope")
