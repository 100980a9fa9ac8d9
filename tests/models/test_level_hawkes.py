"""LevelHawkes: a baseline that follows the trailing level; warm starts."""

import numpy as np
import pytest

from redline.models import DailyHawkes, simulate_daily_paths
from redline.models.level_hawkes import LevelHawkes, trailing_level


def test_trailing_level_uses_only_past_days():
    y = np.arange(10.0).reshape(-1, 1)
    lv = trailing_level(y, 3)
    assert lv.shape == (11, 1)
    assert lv[5, 0] == pytest.approx((2 + 3 + 4) / 3)  # days 2..4 for day 5
    assert lv[10, 0] == pytest.approx((7 + 8 + 9) / 3)  # the day after the data
    assert lv[1, 0] == 0.0 and lv[0, 0] == lv[1, 0]


def _regime_data(seed=0):
    # Quiet and busy regimes of 400 days each, the same self-excitation in both.
    parts = []
    for k, mu in enumerate([0.1, 0.8, 0.1, 0.8]):
        parts.append(simulate_daily_paths(np.array([mu]), np.array([[0.3]]), np.array([0.7]),
                                          horizon=400, n_paths=1, random_state=seed + k)[0])
    return np.vstack(parts)


def test_level_absorbs_regimes_that_a_constant_baseline_reads_as_excitation():
    y = _regime_data()
    const = DailyHawkes().fit(y)
    lev = LevelHawkes(level_window=90, family="poisson").fit(y)
    assert lev.level_coef_[0, 0] > 0.3
    # The constant baseline explains the regimes by excitation: its branching ratio is
    # inflated well above the true 0.3; the level model's is closer to it.
    assert const.adjacency_[0, 0] > 0.45
    assert abs(lev.model_.adjacency_[0, 0] - 0.3) < abs(const.adjacency_[0, 0] - 0.3)
    pmf = lev.predictive_pmf(7, 40, n_paths=200, random_state=0)
    assert pmf.shape == (7, 1, 41)
    np.testing.assert_allclose(pmf.sum(axis=-1), 1.0, atol=1e-6)
