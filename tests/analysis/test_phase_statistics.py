"""The statistics behind the phases: exact rate intervals and the scan statistic, from definitions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from redline.analysis.escalation import poisson_rate_ci, segment_counts


@pytest.mark.parametrize("events, days", [(0, 10), (1, 7), (12, 30), (85, 14)])
def test_poisson_rate_interval_from_its_tail_probabilities(events, days):
    lo, hi = poisson_rate_ci(events, days)
    if events:
        assert stats.poisson.sf(events - 1, lo * days) == pytest.approx(0.025, rel=1e-6)
    else:
        assert lo == 0
    assert stats.poisson.cdf(events, hi * days) == pytest.approx(0.025, rel=1e-6)


def _split_lr(y: np.ndarray, t: int) -> float:
    """Poisson likelihood ratio of one rate change at t against none, written out."""
    def ll(seg):
        return stats.poisson.logpmf(seg, seg.mean()).sum() if seg.sum() else 0.0
    return 2 * (ll(y[:t]) + ll(y[t:]) - ll(y))


def test_change_point_statistic_and_location_from_the_likelihood_ratio():
    rng = np.random.default_rng(9)
    y = np.r_[rng.poisson(1.0, 17), rng.poisson(3.5, 23)]
    days = pd.date_range("2023-01-01", periods=y.size, freq="D")
    res = segment_counts(pd.Series(y, index=days), min_size=5, penalty=0.0, n_sim=99)
    cps = res.change_points
    # with no penalty and phases of >= 5 days PELT may split more than once; the first
    # change point's statistic is the best split of the span up to the next one
    seg = res.segments
    bounds = [0] + list(np.cumsum(seg["days"]))
    a, t, b = bounds[0], bounds[1], bounds[2]
    local = y[a:b]
    lrs = {s: _split_lr(local, s) for s in range(5, len(local) - 5 + 1)}
    best = max(lrs, key=lrs.get)
    assert best == t - a
    assert cps["lr"].iloc[0] == pytest.approx(lrs[best], rel=1e-8)
    for row in seg.itertuples():
        assert (row.rate_low, row.rate_high) == pytest.approx(poisson_rate_ci(row.events, row.days))
        assert row.rate_per_day == pytest.approx(row.events / row.days)


def test_phase_result_repr_lists_each_phase():
    days = pd.date_range("2023-01-01", periods=20, freq="D")
    y = pd.Series(np.r_[np.zeros(10, int), np.full(10, 3)], index=days)
    res = segment_counts(y, min_size=5, n_sim=19, name="attacks")
    assert repr(res) == ("PhaseResult(attacks: 2023-01-01..2023-01-10 0.00/day; "
                         "2023-01-11..2023-01-20 3.00/day)")
