"""Action and reaction: a planted lag is found and beats chance."""

from __future__ import annotations

import numpy as np
import pytest

from redline.analysis.reciprocity import reaction_test, reciprocity
from redline.errors import AnalysisError, UnknownStreamError


def _planted(lag: int = 2, n_days: int = 150, seed: int = 0) -> list[dict]:
    rng = np.random.default_rng(seed)
    strike_days = sorted(rng.choice(np.arange(5, n_days - 20), size=12, replace=False))
    ev = [{"day": d, "actor": "home", "target": "brigade", "mode": "aerial"} for d in strike_days]
    ev += [{"day": d + lag, "actor": "front", "target": "home"} for d in strike_days]
    noise = rng.choice(np.arange(n_days), size=10, replace=False)   # background attacks
    ev += [{"day": int(d), "actor": "unknowns", "target": "home"} for d in noise]
    return ev


def test_planted_lag_is_found(make_case):
    store, case = make_case(_planted(lag=2), 150)
    res = reciprocity(store, case, "strikes", "attacks", window=10)
    assert res.summary["actions"] == 12
    assert res.summary["median_lag_days"] <= 2
    row = res.by_k.set_index("k").loc[2]
    assert row["observed"] == 1.0
    assert row["chance"] < 0.5
    assert row["p_value"] < 0.05
    # every action keeps its id, every reaction too
    assert res.pairs["action_id"].str.startswith("synthetic:").all()
    assert res.pairs["reaction_id"].notna().all()
    assert set(res.lag_counts["lag_days"]) <= {1, 2}


def test_reaction_test_exact_over_shifts():
    counts = np.zeros(60)
    counts[[12, 32, 52]] = 1
    out = reaction_test([10, 30, 50], counts, ks=[1, 2, 3], window=5, min_lag=1)
    assert list(out["observed"]) == [0.0, 1.0, 1.0]
    assert out["n_shifts"] == 60 - 2 * 5 - 1
    # reactions sit 2 days after actions 20 days apart: shifts 19, 20, 39, 40 keep a
    # hit within 2 days for all three actions, so p = (1 + 4) / (1 + 49)
    assert out["p_value"][1] == pytest.approx(5 / 50)


def test_bad_input(make_case):
    store, case = make_case(_planted(), 150)
    with pytest.raises(UnknownStreamError):
        reciprocity(store, case, "strikes", "nope")
    with pytest.raises(AnalysisError):
        reciprocity(store, case, "strikes", "attacks", window=0)
    with pytest.raises(AnalysisError):
        reciprocity(store, case, "strikes", "attacks", window=400)
    with pytest.raises(AnalysisError):           # a stream without events in the window
        reciprocity(store, case, "casualty_attacks", "strikes")
