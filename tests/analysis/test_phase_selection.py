"""Selection-aware change-point p-values and coverage edges."""

from __future__ import annotations

import numpy as np
import pandas as pd
import ruptures as rpt

from redline.analysis.escalation import CostPoisson, detect_phases
from redline.analysis.phase_selection import optimal_partition, pelt_poisson, selection_pvalues


def test_dynamic_programme_finds_the_partition_pelt_finds():
    rng = np.random.default_rng(5)
    for _ in range(15):
        z = rng.poisson(rng.choice([0.3, 1.0, 2.5]), size=100).astype(float)
        z[30:60] += rng.poisson(1.5, 30)
        pen = 2 * np.log(len(z))
        want = rpt.Pelt(custom_cost=CostPoisson(), min_size=7, jump=1).fit(z.reshape(-1, 1)).predict(pen=pen)
        assert optimal_partition(z[None], pen, 7)[0] == want[:-1]


def test_pruned_search_finds_the_exact_optimum_of_the_full_programme():
    """PELT's pruning (delayed by the shortest phase) against the unpruned programme and
    ruptures, on series with and without changes, short phases and long, small penalties
    (many changes, where pruning works hardest) and large."""
    rng = np.random.default_rng(8)
    for it in range(300):
        n = int(rng.integers(20, 160))
        m = int(rng.integers(1, 10))
        z = rng.poisson(rng.choice([0.05, 0.4, 2.0]), n).astype(float)
        if it % 2:
            a = int(rng.integers(0, n - 5))
            z[a:a + 25] += rng.poisson(rng.choice([0.5, 3.0]), len(z[a:a + 25]))
        pen = float(rng.choice([0.2, 2.0, 2 * np.log(n), 12.0]))
        assert pelt_poisson(z, pen, m) == optimal_partition(z[None], pen, m)[0], (it, n, m, pen)
    z = np.r_[rng.poisson(0.3, 120), rng.poisson(2.5, 80), rng.poisson(0.8, 100)].astype(float)
    want = rpt.Pelt(custom_cost=CostPoisson(), min_size=7, jump=1).fit(z.reshape(-1, 1)).predict(
        pen=2 * np.log(len(z)))
    assert pelt_poisson(z, 2 * np.log(len(z)), 7) == want[:-1] and len(want) >= 3
    assert pelt_poisson(z[:10], 1.0, 7) == []


def test_selection_pvalues_are_calibrated_under_no_change():
    # 300 series without any change; a family-wise p (smallest over the change points the
    # search reports, 1 when it reports none) should fall below 0.1 in at most ~10% of
    # them: allowed 0.1 + 3 standard errors of a share of 300 (0.017 each)
    rng = np.random.default_rng(11)
    n, hits = 300, 0
    for _ in range(n):
        y = rng.negative_binomial(2, 2 / (2 + 0.6), size=90).astype(float)  # overdispersed
        pen = 2 * np.log(len(y))
        cps = optimal_partition(y[None], pen, 7)[0]
        if cps and selection_pvalues(y, cps, pen, 7, n_perm=49, random_state=1).min() <= 0.1:
            hits += 1
    assert hits / n <= 0.1 + 3 * np.sqrt(0.09 / n)


def test_a_real_change_keeps_a_small_selection_pvalue():
    rng = np.random.default_rng(2)
    y = np.r_[rng.poisson(0.2, 50), rng.poisson(2.0, 40)].astype(float)
    pen = 2 * np.log(len(y))
    cps = optimal_partition(y[None], pen, 7)[0]
    assert cps and abs(cps[0] - 50) <= 3
    assert selection_pvalues(y, cps, pen, 7, n_perm=99).min() <= 0.02


def _attack(day):
    return {"day": day, "actor": "brigade", "target": "home"}


def test_a_change_point_at_a_coverage_edge_is_flagged_not_a_phase(make_case):
    # attacks daily-ish for 60 days, then nothing: the sources stop on day 60
    rng = np.random.default_rng(0)
    days = [d for d in range(60) for _ in range(rng.poisson(1.5))]
    extra = ("\n".join(["", "  - name: covered", "    actors: [brigade]", "    targets: [home]",
                        "    event_types: [ASSAULT]", "    coverage: {start: 2023-01-01, end: 2023-03-02}"]))
    store, case = make_case([_attack(d) for d in days], n_days=100, extra=extra)
    ph = detect_phases(store, case, "covered", n_sim=99)
    cp = ph.change_points
    assert len(cp) == 1 and cp["date"].iloc[0] == pd.Timestamp("2023-03-02")
    assert bool(cp["coverage_edge"].iloc[0])
    assert ph.diagnostics.has("analysis.coverage_edge", "covered")
    # the same data in a stream without declared coverage: a plain change point
    plain = detect_phases(store, case, "attacks", n_sim=99)
    assert not plain.change_points["coverage_edge"].any() and not plain.diagnostics


def test_a_series_of_exactly_two_shortest_phases_can_split_in_the_middle():
    z = np.r_[np.zeros(7), np.full(7, 6.0)]
    assert pelt_poisson(z, 2 * np.log(len(z)), 7) == [7] == optimal_partition(z[None], 2 * np.log(14), 7)[0]
    assert pelt_poisson(z[:13], 1.0, 7) == []


def test_each_change_gains_what_merging_its_neighbours_would_cost():
    from redline.analysis.phase_selection import change_gains

    def cost(seg):
        s, m = seg.sum(), len(seg)
        return 0.0 if s <= 0 else -2.0 * (s * np.log(s / m) - s)
    y = np.r_[np.full(10, 1.0), np.full(10, 4.0), np.full(10, 2.0)]
    got = change_gains(y, [10, 20])
    want = [cost(y[:20]) - cost(y[:10]) - cost(y[10:20]),
            cost(y[10:]) - cost(y[10:20]) - cost(y[20:])]
    assert got.shape == (2,) and np.allclose(got, want)


def test_a_selection_p_value_is_never_below_one_over_the_permutations_plus_one():
    rng = np.random.default_rng(4)
    y = np.r_[rng.poisson(0.1, 60), rng.poisson(5.0, 60)].astype(float)
    cps = pelt_poisson(y, 2 * np.log(len(y)), 7)
    p = selection_pvalues(y, cps, 2 * np.log(len(y)), 7, n_perm=19)
    assert p.min() == 1 / 20          # no permutation reaches the planted change: (1 + 0) / 20
