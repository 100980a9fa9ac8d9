"""Scores and pmfs of count forecasts against scipy and their definitions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from redline.models import scoring


def test_count_pmf_matches_scipy():
    mean = np.array([[0.3, 2.5], [4.0, 1.2]])
    k = np.arange(31)
    pois = scoring.count_pmf(mean, 30)
    np.testing.assert_allclose(pois, stats.poisson.pmf(k, mean[..., None]), rtol=1e-10, atol=1e-300)
    phi = np.array([0.5, 2.0])
    nb = scoring.count_pmf(mean, 30, phi)
    size = (1 / phi)[None, :, None]
    np.testing.assert_allclose(nb, stats.nbinom.pmf(k, size, size / (size + mean[..., None])),
                               rtol=1e-10, atol=1e-300)


def test_mixture_pmf_is_the_mean_over_paths():
    rng = np.random.default_rng(1)
    rates = rng.gamma(2.0, 1.0, size=(5, 3, 2))        # paths, days, streams
    mix = scoring.mixture_pmf(rates, 25)
    k = np.arange(26)
    expected = stats.poisson.pmf(k, rates[..., None]).mean(axis=0)
    np.testing.assert_allclose(mix, expected, rtol=1e-10)


def test_crps_from_pmf_by_its_definition():
    pmf = scoring.count_pmf(np.array([1.7]), 40)[0]
    for y in (0, 1, 3, 9):
        cdf = np.cumsum(pmf)
        expected = sum((cdf[k] - (k >= y)) ** 2 for k in range(41))
        assert scoring.crps_from_pmf(pmf, y) == pytest.approx(expected, rel=1e-12)


def test_crps_from_samples_by_its_definition():
    rng = np.random.default_rng(2)
    x = rng.poisson(3.0, size=(60, 2)).astype(float)
    y = np.array([2.0, 7.0])
    got = scoring.crps_from_samples(x, y)
    for j in range(2):
        e1 = np.abs(x[:, j] - y[j]).mean()
        e2 = np.abs(x[:, j][:, None] - x[:, j][None, :]).mean()
        assert got[j] == pytest.approx(e1 - e2 / 2, rel=1e-12)


def test_log_score_floor_and_grid():
    pmf = np.array([0.5, 0.3, 0.2, 0.0])
    np.testing.assert_allclose(scoring.log_score_from_pmf(np.stack([pmf, pmf]), [0, 2]),
                               -np.log([0.5, 0.2]))
    assert scoring.log_score_from_pmf(pmf, 3) == pytest.approx(-np.log(1e-12))
    assert scoring.log_score_from_pmf(pmf, 10) == pytest.approx(-np.log(1e-12))
    assert scoring.score_pmf(pmf[None], np.array([1]), "logscore") == pytest.approx(-np.log(0.3))


@pytest.mark.parametrize("dispersion", [None, np.array([0.8])])
def test_randomised_pit_uniform_under_the_true_model_and_not_otherwise(dispersion):
    """KS against Uniform(0, 1) at alpha = 0.001, on 4000 counts; a wrong mean is rejected."""
    rng = np.random.default_rng(3)
    mean = np.full((4000, 1), 2.2)
    if dispersion is None:
        y = rng.poisson(mean)
    else:
        size = 1 / dispersion
        y = rng.negative_binomial(size, size / (size + mean))
    u = scoring.randomised_pit(y, mean, dispersion, rng)
    assert stats.kstest(u.ravel(), "uniform").pvalue > 0.001
    wrong = scoring.randomised_pit(y, 1.5 * mean, dispersion, rng)
    assert stats.kstest(wrong.ravel(), "uniform").pvalue < 1e-6


def test_forecast_table_means_quantiles_and_dates():
    rng = np.random.default_rng(4)
    sims = rng.poisson(3.0, size=(500, 4, 2))
    index = pd.date_range("2024-01-01", periods=10, freq="D")
    tab = scoring.forecast_table(sims, (0.1, 0.9), ["a", "b"], index)
    assert list(tab["step"]) == [1, 1, 2, 2, 3, 3, 4, 4]
    assert list(tab["stream"]) == ["a", "b"] * 4
    assert tab["date"].iloc[0] == pd.Timestamp("2024-01-11")
    np.testing.assert_allclose(tab["mean"], sims.mean(axis=0).ravel())
    np.testing.assert_allclose(tab["q0.9"], np.quantile(sims, 0.9, axis=0).ravel())
    np.testing.assert_allclose(tab["q0.1"], np.quantile(sims, 0.1, axis=0).ravel())
