"""Log-likelihoods against scipy's own pmfs, computed outside redline.

Each model's ``loglik_`` must equal the sum of ``scipy.stats`` log pmfs of the
observed counts under the model's own fitted means.  The means are rebuilt here
from the fitted parameters with the recursion the docstring of ``DailyHawkes``
states, so a missing normalising term (``-log y!``), a swapped ``n``/``p`` of the
negative binomial or a wrong kernel all change the answer.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from redline.models import DailyHawkes, NegBinBaseline, PoissonBaseline, simulate_daily_paths


def _counts(seed: int, n_days: int = 400) -> np.ndarray:
    # Two streams with unequal rates and overdispersion, so y! matters (counts > 1).
    rng = np.random.default_rng(seed)
    mu = np.tile([1.5, 0.6], (n_days, 1))
    y = simulate_daily_paths(mu, np.array([[0.3, 0.2], [0.25, 0.1]]), np.array([0.8, 0.4]),
                             horizon=n_days, n_paths=1, link="identity", random_state=seed)[0]
    # extra-Poisson noise: a few bursty days
    y = y + rng.poisson(rng.gamma(0.5, 2.0, size=y.shape))
    assert y.max() >= 4
    return y


def _means(m: DailyHawkes, y: np.ndarray) -> np.ndarray:
    """lambda[t, i] from the fitted parameters (no covariates), independent of redline's code."""
    n, d = y.shape
    r = np.exp(-m.decay_)
    S = np.zeros(d)
    lam = np.empty((n, d))
    for t in range(n):
        eta = m.baseline_ if m.link == "identity" else np.log(np.expm1(m.baseline_))
        eta = eta + m.adjacency_ @ ((1 - r) * S)
        lam[t] = eta if m.link == "identity" else np.logaddexp(0.0, eta)
        S = r * S + y[t]
    return lam


@pytest.mark.parametrize("link", ["identity", "softplus"])
def test_daily_hawkes_negbin_loglik_is_the_scipy_sum(link):
    y = _counts(1)
    m = DailyHawkes(link=link, family="negbin").fit(y)
    lam = _means(m, y)
    size = 1.0 / m.dispersion_
    expected = stats.nbinom.logpmf(y, size[None, :], size[None, :] / (size[None, :] + lam)).sum()
    assert m.loglik_ == pytest.approx(expected, rel=1e-9, abs=1e-6)
    k = m.params_.size
    assert m.aic_ == pytest.approx(2 * k - 2 * expected, rel=1e-9)
    assert m.bic_ == pytest.approx(k * np.log(y.size) - 2 * expected, rel=1e-9)


@pytest.mark.parametrize("link", ["identity", "softplus"])
def test_daily_hawkes_poisson_loglik_is_the_scipy_sum(link):
    y = _counts(2)
    m = DailyHawkes(link=link).fit(y)
    expected = stats.poisson.logpmf(y, _means(m, y)).sum()
    assert m.loglik_ == pytest.approx(expected, rel=1e-9, abs=1e-6)


def test_negbin_baseline_loglik_and_dispersion_mle():
    y = _counts(3)
    m = NegBinBaseline().fit(y)
    size = 1.0 / m.dispersion_
    expected = stats.nbinom.logpmf(y, size, size / (size + m.rate_)).sum()
    assert m.loglik_ == pytest.approx(expected, rel=1e-9)
    np.testing.assert_allclose(m.rate_, y.mean(axis=0))
    # the size is the MLE: scipy's profile likelihood is lower on either side of it
    for j in range(2):
        def ll(s):
            return stats.nbinom.logpmf(y[:, j], s, s / (s + m.rate_[j])).sum()
        assert ll(size[j]) >= max(ll(size[j] * 1.05), ll(size[j] / 1.05))


def test_poisson_baseline_loglik():
    y = _counts(4)
    m = PoissonBaseline().fit(y)
    assert m.loglik_ == pytest.approx(stats.poisson.logpmf(y, y.mean(axis=0)).sum(), rel=1e-9)
