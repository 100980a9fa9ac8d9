"""p-values of the tests redline reports, calibrated under simulated nulls.

A p-value is only worth printing if, when nothing is going on, ``P(p <= x)`` is
about ``x``.  Each test below simulates data under its method's null, collects
the p-values and compares their distribution with the uniform one by a binned
chi-square test at ``ALPHA`` (10 bins).  Discrete tests are conservative, so
for them the check is one of size instead: ``P(p <= x)`` at most ``x`` and not
far below it, with tolerances of 4 binomial standard deviations of a share
estimated from the number of simulated datasets.  A planted effect must also be
found, so a method that never rejects cannot pass either.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from redline.analysis.escalation import segment_counts
from redline.analysis.reciprocity import reaction_test

ALPHA = 0.001  # false alarm rate of each calibration check
DAYS = pd.date_range("2023-01-01", periods=29, freq="D")


def _chi2_uniform_p(p: np.ndarray, bins: int = 10) -> float:
    observed = np.histogram(p, bins=bins, range=(0.0, 1.0))[0]
    return float(stats.chisquare(observed).pvalue)


def _size_ok(p: np.ndarray, level: float, n: int) -> tuple[bool, float]:
    tol = 4 * np.sqrt(level * (1 - level) / n)
    share = float(np.mean(p <= level))
    return (0.5 * level - tol <= share <= level + tol), share


def test_change_point_p_values_uniform_under_a_constant_rate():
    """29 days of Poisson(2) counts, phases of at least 10 days and no penalty.

    With no penalty PELT always places the one change point 29 days allow, so no
    series is selected away and the scan test's p-value must be uniform.
    """
    rng = np.random.default_rng(4)
    p = []
    for i in range(500):
        y = pd.Series(rng.poisson(2.0, len(DAYS)), index=DAYS)
        cps = segment_counts(y, min_size=10, penalty=0.0, n_sim=199, random_state=i).change_points
        assert len(cps) == 1
        p.append(float(cps["p_value"].iloc[0]))
    p = np.asarray(p)
    assert _chi2_uniform_p(p) > ALPHA, np.histogram(p, 10, (0, 1))[0]
    ok, share = _size_ok(p, 0.05, len(p))
    assert ok, share


def test_change_point_p_value_small_for_a_planted_change():
    rng = np.random.default_rng(5)
    y = pd.Series(np.r_[rng.poisson(0.5, 14), rng.poisson(4.0, 15)], index=DAYS)
    cps = segment_counts(y, min_size=10, penalty=0.0, n_sim=199, random_state=0).change_points
    assert cps["p_value"].iloc[0] == pytest.approx(1 / 200)
    assert cps["direction"].iloc[0] == "rise"


def test_reciprocity_p_values_calibrated_when_reactions_ignore_actions():
    """Actions and reactions independent: the circular-shift p-value has its nominal size."""
    rng = np.random.default_rng(6)
    n_days, window, ks = 240, 7, (2, 7)
    p = {k: [] for k in ks}
    for _ in range(600):
        actions = np.flatnonzero(rng.random(n_days) < 0.08)
        reactions = rng.poisson(0.12, n_days)
        res = reaction_test(actions, reactions, ks, window)
        for j, k in enumerate(ks):
            p[k].append(res["p_value"][j])
    for k in ks:
        pk = np.asarray(p[k])
        for level in (0.05, 0.2, 0.5):
            ok, share = _size_ok(pk, level, len(pk))
            assert ok, (k, level, share)


def test_reciprocity_finds_a_planted_reaction():
    rng = np.random.default_rng(7)
    n_days = 240
    actions = np.flatnonzero(rng.random(n_days) < 0.08)
    reactions = rng.poisson(0.05, n_days)
    late = actions + 2
    np.add.at(reactions, late[late < n_days], 1)
    res = reaction_test(actions, reactions, (2, 7), 7)
    assert res["p_value"][0] <= 2 / (1 + res["n_shifts"])
    assert res["observed"][0] > 0.9 and res["chance"][0] < 0.3
