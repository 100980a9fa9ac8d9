"""Deniable share of attacks with every claim class present, unattributed ones included.

20 planted attacks: 3 unclaimed, 4 claimed by the umbrella (through an alias),
5 claimed by "Unknown gunmen" (an actor of kind unattributed), 6 by a named
group and 2 by a name the case does not know.  Deniable = unclaimed + umbrella
+ unattributed = 12 of 20, with the exact Clopper-Pearson interval.
"""

from __future__ import annotations

import pytest
from scipy import stats

from redline.analysis.network import network


def _attacks() -> list[dict]:
    ev = []
    plan = [("", "brigade", 3), ("Front Umbrella", "front", 4), ("Unknown gunmen", "unknowns", 5),
            ("Brigade", "brigade", 6), ("Somebody Else", "cell", 2)]
    day = 0
    for claim, actor, n in plan:
        for _ in range(n):
            ev.append({"day": day, "actor": actor, "target": "home", "claimed_by": claim})
            day += 2
    # strikes: one on the sponsor, three on its proxies
    ev.append({"day": 45, "actor": "home", "target": "patron", "mode": "aerial"})
    ev += [{"day": d, "actor": "home", "target": "brigade", "mode": "aerial"} for d in (46, 47, 48)]
    return ev


def test_deniable_share_counts_unattributed_claims(make_case):
    store, case = make_case(_attacks(), 60)
    d = network(store, case).deniability
    claims = d["claims"].set_index("class")
    assert dict(claims["attacks"]) == {"unclaimed": 3, "umbrella": 4, "unattributed": 5,
                                       "named_group": 6, "other_claimant": 2}
    assert dict(claims["deniable"]) == {"unclaimed": True, "umbrella": True, "unattributed": True,
                                        "named_group": False, "other_claimant": False}
    assert (d["attacks"], d["deniable_attacks"]) == (20, 12)
    assert d["deniable_share"] == pytest.approx(0.6)
    assert d["deniable_share_low"] == pytest.approx(stats.beta.ppf(0.025, 12, 9))
    assert d["deniable_share_high"] == pytest.approx(stats.beta.ppf(0.975, 13, 8))
    assert claims.loc["unattributed", "share"] == pytest.approx(0.25)
    # the attribution view classes the attacking actors themselves
    attribution = d["attribution"].set_index("class")
    assert dict(attribution["attacks"]) == {"umbrella": 4, "unattributed": 5, "named_group": 11}


def test_strikes_on_the_sponsor_and_on_its_proxies(make_case):
    store, case = make_case(_attacks(), 60)
    st = network(store, case).deniability["strike_targets"].set_index("sponsor").loc["patron"]
    assert (st["strikes"], st["on_sponsor"], st["on_proxies"], st["on_other"]) == (4, 1, 3, 0)
    assert (st["share_on_sponsor"], st["share_on_proxies"]) == (pytest.approx(0.25), pytest.approx(0.75))


def test_dyads_without_violence_have_no_share_of_it():
    import pandas as pd
    from redline.analysis.network import event_dyads
    ev = pd.DataFrame({"event_id": ["a", "b"], "actor": ["x", "y"], "target": ["y", "x"],
                       "event_type": ["CONSULT", "AGREE"], "mode": [None, None],
                       "killed": [None, None], "injured": [None, None],
                       "date": pd.to_datetime(["2023-01-01", "2023-01-02"])})
    d = event_dyads(ev)
    assert list(d["share_of_violence"]) == [0.0, 0.0]
    assert list(d["cumulative_share"]) == [0.0, 0.0]
