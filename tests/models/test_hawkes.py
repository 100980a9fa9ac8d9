"""Continuous-time Hawkes: likelihood against a naive O(N^2) version and tick, recovery."""

from __future__ import annotations

import numpy as np
import pytest

from redline.errors import ModelError, NotFittedError
from redline.models import Hawkes, hawkes_exp_loglik, simulate_hawkes
from redline.models.hawkes._estimators import _FixedDecayObjective
from redline.models.hawkes._likelihood import hawkes_exp_loglik_grad, merge_events

MU = np.array([0.4, 0.25])
ADJ = np.array([[0.3, 0.4], [0.15, 0.2]])
DECAY = 1.5


def naive_loglik(events, end_time, mu, adj, decay):
    """Direct transcription of the definition: O(N^2), no recursion."""
    ll = 0.0
    for i, ev_i in enumerate(events):
        for t in ev_i:
            lam = mu[i]
            for j, ev_j in enumerate(events):
                past = ev_j[ev_j < t]
                lam += adj[i, j] * decay * np.exp(-decay * (t - past)).sum()
            ll += np.log(lam)
        ll -= mu[i] * end_time
        for j, ev_j in enumerate(events):
            ll -= adj[i, j] * (1.0 - np.exp(-decay * (end_time - ev_j))).sum()
    return ll


@pytest.fixture(scope="module")
def events():
    return simulate_hawkes(MU, ADJ, DECAY, 800.0, random_state=42)


def test_loglik_equals_naive(events):
    rng = np.random.default_rng(1)
    for _ in range(3):
        mu = rng.uniform(0.1, 1.0, 2)
        adj = rng.uniform(0.0, 0.6, (2, 2))
        dec = rng.uniform(0.3, 4.0)
        fast = hawkes_exp_loglik(events, 800.0, mu, adj, dec)
        slow = naive_loglik(events, 800.0, mu, adj, dec)
        assert fast == pytest.approx(slow, rel=1e-9)


def _num_grad(f, x, h=1e-6):
    g = np.empty_like(x)
    for k in range(x.size):
        up, dn = x.copy(), x.copy()
        step = h * max(1.0, abs(x[k]))
        up[k] += step
        dn[k] -= step
        g[k] = (f(up) - f(dn)) / (2 * step)
    return g


def test_gradients_match_finite_differences(events):
    times, marks = merge_events(events)
    theta = np.r_[0.3, 0.5, 0.2, 0.1, 0.3, 0.25, np.log(1.2)]

    def ll(th):
        return hawkes_exp_loglik(events, 800.0, th[:2], th[2:6].reshape(2, 2), np.exp(th[6]))

    _, gb, ga, gd = hawkes_exp_loglik_grad(times, marks, 800.0, theta[:2],
                                           theta[2:6].reshape(2, 2), 1.2)
    analytic = np.r_[gb, ga.ravel(), gd * 1.2]
    np.testing.assert_allclose(analytic, _num_grad(ll, theta), rtol=1e-6, atol=1e-5)
    # The fixed-decay objective used by fit (negative log-likelihood).
    obj = _FixedDecayObjective(times, marks, 800.0, 1.2, 2)
    nll, g = obj(theta[:6])
    assert nll == pytest.approx(-ll(theta), rel=1e-10)
    np.testing.assert_allclose(g, _num_grad(lambda th: obj(th)[0], theta[:6]), rtol=1e-6,
                               atol=1e-5)


def test_recovery_within_intervals():
    """Wald 95% coverage over 4 seeds x 6 parameters >= 75% (see the daily test)."""
    hits = total = 0
    for seed in range(4):
        ev = simulate_hawkes(MU, ADJ, DECAY, 3000.0, random_state=seed)
        m = Hawkes(decay=DECAY).fit(ev, end_time=3000.0)
        est = np.r_[m.baseline_, m.adjacency_.ravel()]
        se = np.r_[m.stderr_["baseline"], m.stderr_["adjacency"].ravel()]
        z = np.abs(est - np.r_[MU, ADJ.ravel()]) / se
        assert (z < 5).all(), z
        hits += int((z < 1.96).sum())
        total += z.size
    assert hits / total >= 0.75, (hits, total)


def test_decay_estimated(events):
    ev = simulate_hawkes(MU, ADJ, DECAY, 4000.0, random_state=3)
    m = Hawkes(decay=None).fit(ev, end_time=4000.0)
    ci = m.conf_int().set_index("parameter").loc["decay"]
    assert ci.low < DECAY < ci.high
    assert abs(m.decay_ - DECAY) < 0.3
    # The fitted decay is a maximum: it beats the fixed true decay's fit.
    fixed = Hawkes(decay=DECAY).fit(ev, end_time=4000.0)
    assert m.loglik_ >= fixed.loglik_ - 1e-6


def test_bootstrap_and_residuals(events):
    m = Hawkes(decay=DECAY, n_boot=15, random_state=0).fit(events, end_time=800.0)
    assert m.bootstrap_.shape == (15, 6)
    ci = m.conf_int()
    assert (ci.low <= ci.high).all()
    res = m.residuals()
    assert res.distribution == "expon"
    assert (res.ks_pvalue > 0.001).all()
    # A Poisson model (no excitation) is rejected by the same test.
    pois = Hawkes(decay=DECAY).fit(events, end_time=800.0)
    pois.adjacency_ = np.zeros((2, 2))
    pois.baseline_ = np.array([len(e) / 800.0 for e in events])
    assert pois.residuals().ks_pvalue.min() < 0.01


def test_simulated_counts_match_stationary_mean():
    end = 20_000.0
    ev = simulate_hawkes(MU, ADJ, DECAY, end, random_state=7)
    expected = np.linalg.solve(np.eye(2) - ADJ, MU) * end
    counts = np.array([len(e) for e in ev])
    # Cluster counts are overdispersed: allow 8% (several sd at this length).
    np.testing.assert_allclose(counts, expected, rtol=0.08)
    assert all((np.diff(e) >= 0).all() and e.max() <= end for e in ev)


def test_bad_input(events):
    with pytest.raises(ModelError, match="not sorted"):
        Hawkes().fit([np.array([1.0, 3.0, 2.0]), np.array([0.5])], end_time=5.0)
    with pytest.raises(ModelError, match="decay"):
        Hawkes(decay=0.0).fit(events, end_time=800.0)
    with pytest.raises(ModelError, match="decay"):
        Hawkes(decay=-1.0).fit(events, end_time=800.0)
    with pytest.raises(ModelError, match="stream 1 has no event"):
        Hawkes().fit([np.array([1.0, 2.0]), np.array([])], end_time=5.0)
    with pytest.raises(ModelError, match="end_time"):
        Hawkes().fit(events, end_time=10.0)
    with pytest.raises(NotFittedError):
        Hawkes().simulate(10.0)
    with pytest.raises(ModelError, match="decay"):
        simulate_hawkes(MU, ADJ, 0.0, 10.0)


def test_draw_parameters_follow_the_covariance():
    ev = simulate_hawkes(MU, ADJ, DECAY, 3000.0, random_state=7)
    m = Hawkes(decay=DECAY).fit(ev, end_time=3000.0)
    draws = m.draw_parameters(4000, random_state=0)
    base = np.array([dr["baseline"] for dr in draws])
    se = m.stderr_["baseline"]
    # 4000 draws: the mean within 4.5 standard errors of a mean, the sd within 6%
    assert (np.abs(base.mean(axis=0) - m.baseline_) < 4.5 * se / np.sqrt(4000)).all()
    np.testing.assert_allclose(base.std(axis=0), se, rtol=0.06)
    assert all(dr["decay"] == DECAY and (dr["adjacency"] >= 0).all() for dr in draws)
