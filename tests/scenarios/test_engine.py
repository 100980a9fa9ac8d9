"""The daily simulator (``simulate_daily``, the engine of every daily simulation)
against closed forms and against an independent numpy reference.

Tolerances: every check compares a Monte Carlo mean of N independent paths with
its exact value, and allows 4.5 standard errors (estimated from the sample).
For one check the chance of a false failure is below 1e-5; the seeds are fixed,
so a pass is reproducible, and a real error of one standard error's size or
more (e.g. an off-by-one day in the kernel) moves the mean by far more.
"""

from __future__ import annotations

import numpy as np

from redline.models import Interventions, RedLineRule, path_seeds_for, simulate_daily
from redline.scenarios.runner import _longest_zero_run, batch_sizes

Z = 4.5


def simulate_batch(seed, mu, adjacency, decay, state, injections, n_paths, link,
                   p_fatal=None, fatal_stream=-1, rules=()):
    """One batch as the scenario runner runs it: per-path seeds from one seed."""
    sim = simulate_daily(
        mu, adjacency, decay, horizon=mu.shape[0], n_paths=n_paths, link=link,
        initial_state=state, path_seeds=path_seeds_for(seed, n_paths),
        interventions=Interventions(injections=injections, rules=list(rules),
                                    fatal_stream=fatal_stream,
                                    fatal_probability=0.0 if p_fatal is None else p_fatal))
    return sim.counts, sim.fatal, sim.fires


def _reference_paths(mu, A, decay, s0, H, N, rng):
    """The recursion written day by day in plain numpy, vectorised over paths (softplus)."""
    r = np.exp(-decay)
    S = np.tile(s0, (N, 1))
    out = np.empty((N, H, mu.size), dtype=np.int64)
    for t in range(H):
        lam = np.logaddexp(0.0, mu + ((1 - r) * S) @ A.T)
        y = rng.poisson(lam)
        out[:, t] = y
        S = r * S + y
    return out


def _close(samples: np.ndarray, exact: float) -> None:
    se = samples.std(ddof=1) / np.sqrt(samples.size)
    assert abs(samples.mean() - exact) <= Z * max(se, 1e-12), (samples.mean(), exact, se)


def test_no_couplings_gives_poisson_with_known_mean():
    H, N = 30, 20000
    mu = np.tile([0.4, 1.5], (H, 1))
    counts, _, _ = simulate_batch(3, mu, np.zeros((2, 2)), np.ones(2), np.zeros(2),
                                  np.zeros((H, 2), int), N, "identity")
    for i, rate in enumerate([0.4, 1.5]):
        total = counts[:, :, i].sum(axis=1)
        _close(total, H * rate)
        # Poisson: the variance equals the mean (relative tolerance of a sample variance
        # of 20000 Poisson draws: sd about sqrt(2/N) = 1%; 5% is > 4.5 sd).
        assert abs(total.var() / total.mean() - 1) < 0.05


def test_softplus_baseline_is_softplus_of_the_predictor():
    H, N = 20, 20000
    eta = -0.3
    counts, _, _ = simulate_batch(4, np.full((H, 1), eta), np.zeros((1, 1)), np.ones(1),
                                  np.zeros(1), np.zeros((H, 1), int), N, "softplus")
    _close(counts.sum(axis=(1, 2)), H * np.log1p(np.exp(eta)))


def test_coupled_mean_follows_the_exact_recursion():
    # Identity link: E[y_t] = mu + A (1 - r) E[S_t], E[S_{t+1}] = r E[S_t] + E[y_t] + inj_t.
    H, N = 25, 20000
    mu = np.array([0.5, 0.2])
    A = np.array([[0.3, 0.6], [0.2, 0.1]])
    decay = np.array([0.5, 1.2])
    s0 = np.array([2.0, 1.0])
    inj = np.zeros((H, 2), int)
    inj[5, 1] = 3
    counts, _, _ = simulate_batch(5, np.tile(mu, (H, 1)), A, decay, s0, inj, N, "identity")
    r = np.exp(-decay)
    S = s0.copy()
    for t in range(H):
        m = mu + A @ ((1 - r) * S) + inj[t]
        for i in range(2):
            _close(counts[:, t, i].astype(float), m[i])
        S = r * S + m


def test_agrees_with_an_independent_numpy_reference():
    H, N = 20, 20000
    mu = np.array([0.2, -0.5])
    A = np.array([[-0.8, 1.2], [0.5, 0.1]])
    decay = np.array([0.4, 0.9])
    s0 = np.array([3.0, 0.5])
    ours, _, _ = simulate_batch(6, np.tile(mu, (H, 1)), A, decay, s0, np.zeros((H, 2), int),
                                N, "softplus")
    ref = _reference_paths(mu, A, decay, s0, H, N, np.random.default_rng(6))
    for t in (0, 1, 5, 19):
        for i in range(2):
            a, b = ours[:, t, i].astype(float), ref[:, t, i].astype(float)
            se = np.sqrt(a.var() / N + b.var() / N)
            assert abs(a.mean() - b.mean()) <= Z * se


def test_fatal_attacks_thin_a_poisson_stream():
    # Attacks ~ Poisson(2) a day, each fatal with p = 0.02: fatal attacks over 30 days
    # are Poisson(30 * 2 * 0.02), so P(none) = exp(-1.2).
    H, N = 30, 20000
    counts, fatal, _ = simulate_batch(7, np.full((H, 1), 2.0), np.zeros((1, 1)), np.ones(1),
                                      np.zeros(1), np.zeros((H, 1), int), N, "identity",
                                      p_fatal=np.full(N, 0.02), fatal_stream=0)
    _close((fatal.sum(axis=1) > 0).astype(float), 1 - np.exp(-1.2))
    assert (fatal <= counts[:, :, 0]).all()


def test_red_line_that_always_fires():
    # Stream 0 gets one forced event on day 0; the rule (prob 1) answers with 5 events
    # of stream 1 (whose own rate is 0) after 2-5 days, once. So stream 1 has exactly
    # 5 events per path, on day 2, 3, 4 or 5 with probability 1/4 each.
    H, N = 12, 20000
    inj = np.zeros((H, 2), int)
    inj[0, 0] = 1
    rules = [RedLineRule(series=0, at_least=1, window=7, probability=1.0, stream=1, count=5,
                         delay=(2, 5), max_fires=1)]
    counts, _, fires = simulate_batch(8, np.zeros((H, 2)), np.zeros((2, 2)), np.ones(2),
                                      np.zeros(2), inj, N, "identity", rules=rules)
    assert (counts[:, :, 1].sum(axis=1) == 5).all()
    assert (fires[:, 0] == 1).all()
    day = counts[:, :, 1].argmax(axis=1)
    assert set(np.unique(day)) == {2, 3, 4, 5}
    for d in (2, 3, 4, 5):
        _close((day == d).astype(float), 0.25)


def test_red_line_probability_and_max_fires():
    # A trigger every day for 60 days, window 3: checks on days 0, 3, 6, ...; p = 0.3
    # and at most 2 answers per path: the number of answers is min(2, Binomial(20, 0.3)).
    H, N = 60, 20000
    inj = np.zeros((H, 2), int)
    inj[:, 0] = 1
    rules = [RedLineRule(series=0, at_least=1, window=3, probability=0.3, stream=1, count=1,
                         delay=(1, 1), max_fires=2)]
    _, _, fires = simulate_batch(9, np.zeros((H, 2)), np.zeros((2, 2)), np.ones(2), np.zeros(2),
                                 inj, N, "identity", rules=rules)
    from scipy.stats import binom
    k = np.arange(21)
    exact = float((np.minimum(k, 2) * binom.pmf(k, 20, 0.3)).sum())
    _close(fires[:, 0].astype(float), exact)


def test_same_seed_same_paths_other_seed_other_paths():
    H = 15
    args = (np.full((H, 2), 0.7), np.array([[0.2, 0.1], [0.3, 0.0]]), np.ones(2), np.zeros(2),
            np.zeros((H, 2), int), 300, "identity")
    a = simulate_batch(11, *args, p_fatal=np.full(300, 0.1), fatal_stream=0)
    b = simulate_batch(11, *args, p_fatal=np.full(300, 0.1), fatal_stream=0)
    c = simulate_batch(12, *args, p_fatal=np.full(300, 0.1), fatal_stream=0)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not np.array_equal(a[0], c[0])


def test_longest_zero_run_and_batches():
    x = np.array([[0, 0, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0]])
    assert _longest_zero_run(x).tolist() == [3, 0, 6]
    assert sum(batch_sizes(10_000)) == 10_000 and len(batch_sizes(10_000)) == 100
    assert batch_sizes(7) == [7]


def test_count_quantiles_match_numpy_inverted_cdf():
    from redline.scenarios.runner import count_quantiles
    rng = np.random.default_rng(0)
    q = np.array([0.05, 0.25, 0.5, 0.75, 0.95])
    for n in (1, 7, 100, 1000):
        x = rng.poisson(2.0, (n, 20, 3)).astype(np.int64)
        assert np.array_equal(count_quantiles(x, q), np.quantile(x, q, axis=0, method="inverted_cdf"))


def test_explosive_paths_are_counted_per_path():
    # Supercritical (branching ratio 1.3): every path's rate passes 1,000/day within
    # 120 days. Subcritical (0.5) with a rate of 0.5/day: the stationary mean is 1/day,
    # and a rate of 1,000 is out of reach.
    H, N = 120, 200
    hot = simulate_daily(np.full(1, 0.5), np.array([[1.3]]), np.ones(1), horizon=H, n_paths=N,
                         random_state=0, explosive_rate=1000.0)
    cold = simulate_daily(np.full(1, 0.5), np.array([[0.5]]), np.ones(1), horizon=H, n_paths=N,
                          random_state=0, explosive_rate=1000.0)
    assert hot.explosive_share > 0.95 and hot.diagnostics.has("simulate.explosive")
    assert cold.explosive_share == 0.0 and not cold.diagnostics
    # rates are capped, so even exploded paths stay finite
    assert np.isfinite(hot.counts).all()


def test_a_run_away_is_flagged_on_the_streams_it_reaches_only():
    """Stream 0 excites itself past criticality; stream 1 is driven by nothing but its own
    baseline: every path flags stream 0 and none flags stream 1, whose counts stay ordinary."""
    H, N = 120, 100
    A = np.array([[1.3, 0.0], [0.0, 0.3]])
    sim = simulate_daily(np.array([0.5, 0.5]), A, np.ones(2), horizon=H, n_paths=N,
                         random_state=1, explosive_rate=1000.0)
    assert sim.explosive_streams.shape == (N, 2)
    assert sim.explosive_streams[:, 0].mean() > 0.95 and not sim.explosive_streams[:, 1].any()
    assert np.array_equal(sim.explosive, sim.explosive_streams.any(axis=1))
    # coupled the other way (1 feeds on 0), the run-away reaches stream 1 as well
    fed = simulate_daily(np.array([0.5, 0.5]), np.array([[1.3, 0.0], [0.5, 0.3]]), np.ones(2),
                         horizon=H, n_paths=N, random_state=1, explosive_rate=1000.0)
    assert fed.explosive_streams[:, 1].mean() > 0.9


def test_the_run_away_day_is_kept_so_an_earlier_window_is_unaffected():
    """A slightly supercritical stream runs away late on many paths: a count over the first
    60 days of a 90-day run must not drop those paths (their first 60 days are ordinary)."""
    sim = simulate_daily(np.array([0.3]), np.array([[1.03]]), np.array([0.5]), horizon=90,
                         n_paths=2000, random_state=3, return_rates=True, explosive_rate=50.0)
    day = sim.explosive_day[:, 0]
    assert (day >= 0).sum() > 50
    # the day recorded is the first day the rate passed the threshold
    for p in np.flatnonzero(day >= 0)[:20]:
        r = sim.rates[p, :, 0]
        assert r[day[p]] > 50.0 and (r[:day[p]] <= 50.0).all()
    late = (day >= 60).sum()
    assert late > 0.8 * (day >= 0).sum()     # most run-aways come after day 60
    assert np.array_equal(sim.explosive, day >= 0)


def test_per_path_regimes_match_separate_runs():
    # A baseline change on half of the paths gives those paths exactly what a run with
    # the change on every path gives them: the seeds follow the path, not the batch.
    H, N = 30, 40
    mu = np.tile([0.6, 0.3], (H, 1))
    A = np.array([[0.2, 0.3], [0.1, 0.2]])
    seeds = path_seeds_for(5, N)
    scale = np.ones((N, H, 2))
    scale[::2, 10:, 0] = 0.2
    mixed = simulate_daily(mu, A, np.ones(2), horizon=H, n_paths=N, path_seeds=seeds,
                           interventions=Interventions(baseline_scale=scale)).counts
    all_on = simulate_daily(mu, A, np.ones(2), horizon=H, n_paths=N, path_seeds=seeds,
                            interventions=Interventions(baseline_scale=scale[0])).counts
    none = simulate_daily(mu, A, np.ones(2), horizon=H, n_paths=N, path_seeds=seeds).counts
    assert np.array_equal(mixed[::2], all_on[::2])
    assert np.array_equal(mixed[1::2], none[1::2])
    assert not np.array_equal(mixed[::2], none[::2])


def test_coupling_changes_apply_in_order():
    H, N = 40, 20000
    inj = np.zeros((H, 2), int)
    inj[0, 1] = 10
    # coupling 1 -> 0 set to 0.5 then halved: 10 injected events add 0.25 * 10 = 2.5
    # expected events of stream 0 over the kernel (decay 1, horizon long enough).
    iv = Interventions(injections=inj, couplings=[(0, 1, "value", 0.5), (0, 1, "factor", 0.5)])
    sim = simulate_daily(np.zeros(2), np.zeros((2, 2)), np.ones(2), horizon=H, n_paths=N,
                         random_state=1, interventions=iv)
    _close(sim.counts[:, :, 0].sum(axis=1).astype(float), 2.5 * (1 - np.exp(-1.0 * (H - 1))))


def test_softplus_runaway_is_counted_and_inhibition_is_not():
    # Softplus: a positive self-coupling of 1.5 grows like a supercritical linear
    # process once rates are large; the same coupling with the baseline held far
    # below zero (and a strong inhibitor) stays small.
    H, N = 150, 200
    hot = simulate_daily(np.full(1, 0.5), np.array([[1.5]]), np.ones(1), horizon=H, n_paths=N,
                         link="softplus", random_state=0, explosive_rate=1000.0)
    calm = simulate_daily(np.array([-6.0, -1.0]), np.array([[1.5, -8.0], [0.5, 0.0]]),
                          np.ones(2), horizon=H, n_paths=N, link="softplus", random_state=0,
                          explosive_rate=1000.0)
    assert hot.explosive_share > 0.9
    assert calm.explosive_share == 0.0


def test_rates_are_kept_only_when_asked_for():
    """Rates are (n_paths, horizon, n_streams) floats: worth their memory only for an exact
    predictive pmf, so a plain simulation leaves them out and counts are the same either way."""
    mu, adj, decay = np.array([0.3, 0.1]), np.array([[0.2, 0.1], [0.0, 0.3]]), np.array([1.0, 1.0])
    plain = simulate_daily(mu, adj, decay, horizon=20, n_paths=50, random_state=4)
    both = simulate_daily(mu, adj, decay, horizon=20, n_paths=50, random_state=4,
                          return_rates=True)
    assert plain.rates is None
    assert both.rates is not None and both.rates.shape == (50, 20, 2) and (both.rates > 0).all()
    np.testing.assert_array_equal(plain.counts, both.counts)
