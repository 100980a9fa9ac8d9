"""The count baselines' one-day-ahead likelihoods and scores, written out with scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from redline.errors import ModelError
from redline.models import NegBinBaseline, Persistence, PoissonBaseline


def _y(seed=8, n=60):
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.poisson(np.linspace(0.5, 4.0, n)), rng.poisson(1.2, n)])


def test_persistence_one_step_means_are_the_last_k_days():
    y = _y()
    k, floor = 5, 0.05
    m = Persistence(k=k, floor=floor).fit(y)
    means = np.empty(y.shape, float)
    for t in range(y.shape[0]):
        past = y[max(0, t - k):t]
        means[t] = np.maximum(past.mean(axis=0) if len(past) else 0.0, floor)
    expected = stats.poisson.logpmf(y, means).sum()
    assert m.loglik_ == pytest.approx(expected, rel=1e-10)
    # with a history the first days look back into it
    hist = np.array([[9, 0]] * 5)
    got = m.log_likelihood(y[:3], history=hist)
    full = np.vstack([hist, y[:3]])
    mh = np.array([np.maximum(full[t - k:t].mean(axis=0), floor) for t in range(5, 8)])
    assert got == pytest.approx(stats.poisson.logpmf(y[:3], mh).sum(), rel=1e-10)


@pytest.mark.parametrize("model", [PoissonBaseline(), NegBinBaseline(), Persistence(k=3)])
def test_loglik_score_is_the_mean_per_day_and_stream(model):
    y = _y(9)
    model.fit(y)
    test = _y(10, 20)
    assert model.score(test, metric="loglik") == pytest.approx(model.log_likelihood(test) / test.size)


def test_persistence_rejects_a_floor_that_is_not_positive():
    for floor in (0.0, -0.5):
        with pytest.raises(ModelError, match="floor"):
            Persistence(floor=floor).fit(_y())
    with pytest.raises(ModelError, match="k must"):
        Persistence(k=0).fit(_y())
