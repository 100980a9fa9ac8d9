"""Phases and series: a planted change point is found; series add up."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from redline.analysis import IntensityWeights, detect_phases, escalation_series, segment_counts
from redline.errors import AnalysisError, UnknownStreamError


def _poisson_events(rates: list[tuple[int, int, float]], seed: int, actor="front") -> list[dict]:
    rng = np.random.default_rng(seed)
    out = []
    for a, b, lam in rates:
        for day in range(a, b):
            out += [{"day": day, "actor": actor, "target": "home"}] * int(rng.poisson(lam))
    return out


def test_planted_change_point_is_found(make_case):
    events = _poisson_events([(0, 60, 0.2), (60, 120, 2.0)], seed=1)
    store, case = make_case(events, 120)
    res = detect_phases(store, case, "attacks", n_sim=499)
    cps = res.change_points
    assert len(cps) == 1
    cp = cps.iloc[0]
    planted = pd.Timestamp(case.start) + pd.Timedelta(days=60)
    assert abs((cp["date"] - planted).days) <= 3
    assert cp["direction"] == "rise" and cp["p_value"] < 0.01
    assert cp["date_low"] <= planted <= cp["date_high"] + pd.Timedelta(days=3)
    seg = res.segments
    assert seg["events"].sum() == len(events)
    assert sorted(i for ids in seg["event_ids"] for i in ids) == sorted(
        store.events()["event_id"])
    assert seg.iloc[1]["rate_low"] < 2.0 < seg.iloc[1]["rate_high"]


def test_constant_rate_gives_one_phase():
    rng = np.random.default_rng(3)
    counts = pd.Series(rng.poisson(1.0, 150), index=pd.date_range("2023-01-01", periods=150))
    res = segment_counts(counts, n_sim=99)
    assert len(res.segments) == 1 and res.change_points.empty
    assert res.segments["events"].iloc[0] == counts.sum()


def test_l2_cost_finds_a_drop():
    counts = pd.Series([3] * 40 + [0] * 40, index=pd.date_range("2023-01-01", periods=80))
    res = segment_counts(counts, cost="l2", n_sim=99)
    assert list(res.change_points["date"]) == [pd.Timestamp("2023-02-10")]
    assert res.change_points["direction"].iloc[0] == "fall"


def test_series_add_up_and_weights(make_case):
    events = [{"day": 1, "actor": "front", "target": "home", "killed": 3, "target_killed": 3,
               "injured": 9, "target_injured": 9, "mode": "missile"},
              {"day": 1, "actor": "home", "target": "brigade", "mode": "aerial"},
              {"day": 9, "actor": "front", "target": "home", "event_type": "THREATEN",
               "mode": "statement"}]
    store, case = make_case(events, 20)
    daily = escalation_series(store, case, "D")
    weekly = escalation_series(store, case, "W")
    for df in (daily, weekly):
        tot = df.groupby("scope")["events"].sum()
        assert tot["(case)"] == 3 and tot["attacks"] == 1 and tot["strikes"] == 1
        assert df.groupby("scope")["killed"].sum()["(case)"] == 3
    assert len(daily[daily.scope == "(case)"]) == 20
    day1 = daily[(daily.scope == "attacks") & (daily.events > 0)].iloc[0]
    # ASSAULT 10 + missile 1 + 1.5 log10(4) + 0.5 log10(10)
    assert day1["intensity"] == pytest.approx(10 + 1 + 1.5 * np.log10(4) + 0.5, abs=1e-3)
    assert day1["event_ids"] == ["synthetic:E00001"]
    w = IntensityWeights(killed=0.0, injured=0.0)
    d2 = escalation_series(store, case, "D", weights=w)
    assert d2[(d2.scope == "attacks")]["intensity"].sum() == pytest.approx(11.0)


def test_bad_input(make_case):
    store, case = make_case([{"day": 1, "actor": "front", "target": "home"}], 30)
    with pytest.raises(UnknownStreamError):
        detect_phases(store, case, "no_such_stream")
    with pytest.raises(AnalysisError):
        detect_phases(store, case, "attacks", min_size=20)      # 30 days < 2 x 20
    import datetime as dt
    with pytest.raises(AnalysisError):
        escalation_series(store, case, "D", start=dt.date(2023, 1, 20), end=dt.date(2023, 1, 10))
    with pytest.raises(AnalysisError):
        escalation_series(store, case, "M")
