"""Details of the escalation module a planted bug would change: defaults, costs, columns, severity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from redline.analysis.case_streams import attack_and_strike
from redline.analysis.escalation import IntensityWeights, escalation_series, segment_counts


def test_default_pair_is_the_first_two_model_streams(make_case):
    _, case = make_case([{"day": 1, "actor": "brigade", "target": "home"}], 30)
    assert attack_and_strike(case, None, None) == ("attacks", "strikes")
    assert attack_and_strike(case, "casualty_attacks", None) == ("casualty_attacks", "strikes")
    assert attack_and_strike(case, None, "casualty_attacks") == ("attacks", "casualty_attacks")


def test_l2_cost_is_used_when_asked():
    rng = np.random.default_rng(3)
    y = np.r_[rng.poisson(5, 20), rng.poisson(1, 20)].astype(float)
    days = pd.date_range("2023-01-01", periods=40, freq="D")
    res = segment_counts(pd.Series(y, index=days), cost="l2", n_sim=19)
    sigma2 = float(np.var(np.diff(y)) / 2.0)
    assert res.cost == "l2" and "l2 cost" in res.method
    assert res.penalty == pytest.approx(2 * sigma2 * np.log(40))
    poisson = segment_counts(pd.Series(y, index=days), cost="poisson", n_sim=19)
    assert poisson.penalty == pytest.approx(2 * np.log(40)) and "poisson cost" in poisson.method


def test_severity_ignores_impossible_negative_casualties():
    w = IntensityWeights(type_scores={"ASSAULT": 2.0}, mode_scores={"drone": 1.0})
    ev = pd.DataFrame({"event_type": ["ASSAULT", "ASSAULT", "ASSAULT", "CONSULT"],
                       "mode": ["drone", "drone", None, "drone"],
                       "killed": [9, -3, None, 0], "injured": [0, -1, 99, 0]})
    got = w.score(ev).to_numpy()
    expected = [2 + 1 + 1.5 * np.log10(10), 2 + 1, 2 + 0.5 * np.log10(100), 0.0]
    np.testing.assert_allclose(got, expected)


def test_series_columns_start_with_period_and_scope(make_case):
    store, case = make_case([{"day": d, "actor": "brigade", "target": "home"} for d in (1, 2, 9)], 21)
    df = escalation_series(store, case, freq="W")
    assert list(df.columns[:2]) == ["period", "scope"]
