"""Agreement with tick (the reference implementation of exponential Hawkes)."""

from __future__ import annotations

import numpy as np
import pytest

from redline.models import Hawkes, hawkes_exp_loglik, simulate_hawkes

tick_hawkes = pytest.importorskip(
    "tick.hawkes", reason="tick is not importable (it needs numpydoc and six at run time)"
)

MU = np.array([0.3, 0.2, 0.25])
ADJ = np.array([[0.3, 0.2, 0.0], [0.1, 0.4, 0.1], [0.0, 0.2, 0.3]])
DECAY = 2.0
END = 3000.0


@pytest.fixture(scope="module")
def events():
    return simulate_hawkes(MU, ADJ, DECAY, END, random_state=0)


def test_loglik_equals_tick(events):
    model = tick_hawkes.ModelHawkesExpKernLogLik(DECAY).fit(events, end_times=END)
    n = sum(len(e) for e in events)
    rng = np.random.default_rng(0)
    for _ in range(3):
        mu = rng.uniform(0.05, 0.5, 3)
        adj = rng.uniform(0.0, 0.4, (3, 3))
        ours = hawkes_exp_loglik(events, END, mu, adj, DECAY)
        # tick's loss is -(loglik + n_streams * end_time) / n_events: the same
        # likelihood up to a constant that does not depend on the parameters.
        theirs = -model.loss(np.r_[mu, adj.ravel()]) * n - 3 * END
        assert ours == pytest.approx(theirs, rel=1e-9)


def test_mle_beats_tick_least_squares(events):
    ours = Hawkes(decay=DECAY).fit(events, end_time=END)
    lsq = tick_hawkes.HawkesExpKern(DECAY, gofit="least-squares", max_iter=1000, tol=1e-10)
    lsq.fit(events)
    ll_tick = hawkes_exp_loglik(events, END, lsq.baseline, lsq.adjacency, DECAY)
    assert ours.loglik_ >= ll_tick - 1e-8
    # Both estimate the same process.
    assert np.abs(ours.adjacency_ - lsq.adjacency).max() < 0.1
