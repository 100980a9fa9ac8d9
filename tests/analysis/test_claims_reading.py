"""Deniability says what it counts, and adapts to attackers that claim openly."""

from __future__ import annotations

from redline.analysis.network import network


def _attacks(claims: list[str | None]) -> list[dict]:
    ev = [{"day": d, "actor": "brigade", "target": "home", **({"claimed_by": c} if c else {})}
          for d, c in enumerate(claims)]
    ev += [{"day": 40, "actor": "home", "target": "brigade", "mode": "aerial"}]
    return ev


def test_open_claims_are_not_read_as_deniability(make_case):
    # 6 attacks claimed by the Brigade in its own name, 4 with no recorded claim
    store, case = make_case(_attacks(["Brigade"] * 6 + [None] * 4), 50)
    res = network(store, case)
    d = res.deniability
    assert d["attackers_claim_openly"] and d["open_claims"] == 6 and d["unclaimed"] == 4
    assert "do not rely on deniability" in d["deniability_reading"]
    assert "4 unclaimed attacks (40%)" in d["deniability_reading"]
    assert res.diagnostics.has("analysis.open_claims")


def test_umbrella_claims_are_counted_apart_from_missing_claims(make_case):
    store, case = make_case(_attacks(["Front Umbrella"] * 5 + [None] * 3 + ["Brigade"] * 2), 50)
    res = network(store, case)
    d = res.deniability
    assert not d["attackers_claim_openly"]
    assert (d["umbrella_claims"], d["unclaimed"], d["open_claims"]) == (5, 3, 2)
    r = d["deniability_reading"]
    assert "deniable share 80%" in r and "5 claimed under an umbrella name (50%)" in r
    assert "3 attacks with no recorded claim (30%)" in r
    assert not res.diagnostics
