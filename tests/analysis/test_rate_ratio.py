"""The exact rate ratio of the deterrence windows, checked from its definition.

Fixtures have *unequal* exposures (a clipped window before a wave, or windows of
different lengths), so swapping ``t_a`` and ``t_b`` anywhere changes the answer.
The interval ends are checked by the property that defines them (the one-sided
binomial tail at each end is ``alpha / 2``), the p-value against a two-sided
exact conditional test written out here, and its calibration under a simulated
null of equal rates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from redline.analysis.deterrence import deterrence, rate_ratio_ci


def _exact_conditional_p(a: int, t_a: float, b: int, t_b: float) -> float:
    """Two-sided exact test of equal Poisson rates given a + b (sum of outcomes no likelier)."""
    n = a + b
    share = t_a / (t_a + t_b)
    pmf = stats.binom.pmf(np.arange(n + 1), n, share)
    return float(min(1.0, pmf[pmf <= pmf[a] * (1 + 1e-7)].sum()))


@pytest.mark.parametrize("a, t_a, b, t_b", [
    (3, 14, 9, 5),      # few after over a long window, many before over a clipped one
    (12, 4, 5, 28),     # the other way round
    (7, 10, 7, 3),
    (0, 9, 6, 2),
    (20, 28, 1, 7),
])
def test_rate_ratio_interval_and_p_value_from_their_definitions(a, t_a, b, t_b):
    alpha = 0.05
    rr, lo, hi, p = rate_ratio_ci(a, t_a, b, t_b, alpha)
    n = a + b
    if b:
        assert rr == pytest.approx((a / t_a) / (b / t_b))
    else:
        assert rr == np.inf

    def share(ratio):  # P(an event falls after) when rate_after = ratio * rate_before
        return ratio * t_a / (ratio * t_a + t_b)

    if a > 0:
        assert stats.binom.sf(a - 1, n, share(lo)) == pytest.approx(alpha / 2, rel=1e-6)
    else:
        assert lo == 0
    if a < n:
        assert stats.binom.cdf(a, n, share(hi)) == pytest.approx(alpha / 2, rel=1e-6)
    else:
        assert hi == np.inf
    assert lo <= rr <= hi
    assert p == pytest.approx(_exact_conditional_p(a, t_a, b, t_b), rel=1e-6)


def test_equal_rates_over_unequal_windows_are_not_a_change():
    # 2 events a day before (over 3 days) and after (over 21 days): the same rate.
    rr, lo, hi, p = rate_ratio_ci(42, 21, 6, 3)
    assert rr == pytest.approx(1.0)
    assert lo < 1 < hi and p > 0.5


def test_rate_ratio_p_values_calibrated_under_equal_rates():
    """Under equal rates, P(p <= level) is at most the level and not far below it.

    3000 pairs with 2 events a day over windows of 6 and 20 days (about 50
    events a pair, so the test's discreteness costs little size). Tolerance:
    4 binomial standard deviations of a share estimated from 3000 draws.
    """
    rng = np.random.default_rng(16)
    t_a, t_b, rate, n_sim = 6.0, 20.0, 2.0, 3000
    a = rng.poisson(rate * t_a, n_sim)
    b = rng.poisson(rate * t_b, n_sim)
    p = np.array([rate_ratio_ci(int(x), t_a, int(y), t_b)[3] for x, y in zip(a, b)])
    for level in (0.05, 0.1, 0.25, 0.5):
        tol = 4 * np.sqrt(level * (1 - level) / n_sim)
        share = float(np.mean(p <= level))
        assert 0.6 * level - tol <= share <= level + tol, (level, share)
    # and the rate-ratio intervals cover the true ratio 1 as often as they claim (or more:
    # exact intervals are conservative), but not always
    covered = np.mean([lo <= 1 <= hi for _, lo, hi, _ in
                       (rate_ratio_ci(int(x), t_a, int(y), t_b) for x, y in zip(a[:1500], b[:1500]))])
    tol = 4 * np.sqrt(0.05 * 0.95 / 1500)
    assert 0.95 - tol <= covered <= 0.995, covered


def test_clipped_window_before_a_wave_uses_its_own_exposure(make_case):
    # A wave on days 5-6: the 14-day window before it is clipped to days 0-4 (5 days),
    # the one after runs days 7-20 (14 days).  4 attacks before, 8 after, with attacks on
    # the first and last day of each window (and none on the wave's own days counted).
    ev = [{"day": d, "actor": "brigade", "target": "home"} for d in (0, 1, 3, 4, 5, 6)]
    ev += [{"day": d, "actor": "brigade", "target": "home"} for d in (7, 8, 9, 11, 12, 15, 18, 20, 21)]
    ev += [{"day": d, "actor": "brigade", "target": "home"} for d in (40, 55)]
    ev += [{"day": d, "actor": "home", "target": "brigade", "mode": "aerial"} for d in (5, 6)]
    store, case = make_case(ev, 60)
    res = deterrence(store, case, windows=(14,), fit_model=False)
    row = res.rates.iloc[0]
    assert (row.days_before, row.days_after) == (5, 14)
    assert (row.attacks_before, row.attacks_after) == (4, 8)
    assert row.rate_ratio == pytest.approx((8 / 14) / (4 / 5))
    rr, lo, hi, p = rate_ratio_ci(8, 14, 4, 5)
    assert (row.ci_low, row.ci_high, row.p_value) == pytest.approx((lo, hi, p))
    assert row.start == pd.Timestamp("2023-01-06")


def test_overlapping_windows_name_the_other_waves(make_case):
    # waves on days 10, 20 and 60-62; 14-day windows: the first two see each other
    ev = [{"day": d, "actor": "brigade", "target": "home"} for d in range(0, 90, 3)]
    ev += [{"day": d, "actor": "home", "target": "brigade", "mode": "aerial"} for d in (10, 20, 60, 61, 62)]
    store, case = make_case(ev, 90)
    rates = deterrence(store, case, windows=(14,), fit_model=False).rates.set_index("wave")
    assert rates.loc[1, "overlaps_other_waves"] == [2]
    assert rates.loc[2, "overlaps_other_waves"] == [1]
    assert rates.loc[3, "overlaps_other_waves"] == []
    assert (rates.loc[3, "days_before"], rates.loc[3, "days_after"]) == (14, 14)
    assert rates.loc[3, "strikes"] == 3
