"""The guards of DailyHawkes.fit: each triggered by a small synthetic case, and not
triggered by a case that does not need it; parameter draws and log-scale intervals."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from redline.models import DailyHawkes, simulate_daily_paths

DECAY = np.array([0.7, 0.35])
ALPHA = np.array([[0.35, 0.25], [0.30, 0.15]])
BASE = np.array([0.4, 0.25])


def _healthy(n_days: int = 500, seed: int = 0) -> np.ndarray:
    return simulate_daily_paths(BASE, ALPHA, DECAY, horizon=n_days, n_paths=1,
                                random_state=seed)[0]


def _step(n_days: int) -> np.ndarray:
    return (np.arange(n_days) >= n_days // 2).astype(float)[:, None]


def test_healthy_data_trip_no_guard():
    y = _healthy()
    m = DailyHawkes().fit(y, covariates=_step(len(y)))
    codes = set(m.diagnostics_.codes())
    assert not codes & {"fit.thin_stream", "fit.covariate_separates", "fit.coefficient_dropped",
                        "fit.supercritical", "fit.not_converged"}
    assert not any(d.code == "fit.at_bound" and d.severity == "warning" for d in m.diagnostics_)


def test_thin_stream_gets_no_couplings_and_says_so():
    y = _healthy()
    y[:, 1] = 0
    y[[40, 200, 410], 1] = 1  # 3 events: fewer than the 5 needed
    m = DailyHawkes().fit(y)
    assert m.diagnostics_.has("fit.thin_stream", "stream_1")
    assert not m.diagnostics_.has("fit.thin_stream", "stream_0")
    msg = m.diagnostics_.about("stream", "stream_1")[0].message
    assert "3 event" in msg and "fewer than 5" in msg
    assert m.adjacency_[1, :].tolist() == [0.0, 0.0] and m.adjacency_[:, 1].tolist() == [0.0, 0.0]
    assert np.isnan(m.stderr_["adjacency"][1, 0]) and np.isnan(m.stderr_["adjacency"][0, 1])
    # its baseline is still estimated: 3 events in 500 days
    assert m.baseline_[1] == pytest.approx(3 / 500, rel=0.05)


def test_separating_covariate_is_dropped_for_that_stream_only():
    n = 400
    x = _step(n)
    y = _healthy(n, seed=3)
    y[n // 2:, 1] = 0  # stream 1 never fires while the step is on
    m = DailyHawkes().fit(y, covariates=x)
    assert m.diagnostics_.has("fit.covariate_separates", "coef:x0->stream_1")
    assert not m.diagnostics_.has("fit.covariate_separates", "coef:x0->stream_0")
    assert m.coef_[1, 0] == 0.0 and m.coef_[0, 0] != 0.0
    assert abs(m.coef_[0, 0]) < 5


def test_unidentified_coefficient_is_dropped_and_refitted():
    # A continuous covariate (so not a step that can separate) that is near zero on
    # every day but one: its effect rests on one day and cannot be pinned down.
    n = 400
    y = _healthy(n, seed=5)
    x = np.zeros((n, 1))
    x[123, 0] = 1e-3
    x[300, 0] = 2e-3
    m = DailyHawkes().fit(y, covariates=x)
    assert m.diagnostics_.has("fit.coefficient_dropped")
    assert (m.coef_ == 0.0).all()


def test_a_real_covariate_effect_is_kept():
    n = 800
    x = _step(n)
    mu = BASE * np.exp(x @ np.array([[0.6], [0.4]]).T)
    y = simulate_daily_paths(mu, ALPHA, DECAY, horizon=n, n_paths=1, random_state=2)[0]
    m = DailyHawkes().fit(y, covariates=x)
    assert not m.diagnostics_.has("fit.coefficient_dropped")
    assert m.coef_[0, 0] > 0.2


def test_baseline_driven_to_its_bound_is_reported():
    # Stream 1 is an exact echo of stream 0 one day later: no events of its own, so
    # its baseline goes to the optimiser's floor.
    rng = np.random.default_rng(0)
    y = np.zeros((400, 2))
    y[:, 0] = rng.poisson(0.5, 400)
    y[1:, 1] = y[:-1, 0]
    m = DailyHawkes().fit(y)
    hits = [d for d in m.diagnostics_ if d.code == "fit.at_bound"]
    assert any(d.subject_id == "baseline:->stream_1" and d.severity == "warning" for d in hits)


def test_positive_parameters_get_log_scale_intervals():
    # A thin stream's baseline: on the natural scale estimate - 1.96 se < 0.
    y = _healthy()
    y[:, 1] = 0
    y[[10, 300], 1] = 1
    m = DailyHawkes().fit(y)
    ci = m.conf_int(method="wald").set_index(["parameter", "target"])
    row = ci.loc[("baseline", "stream_1")]
    z = stats.norm.ppf(0.975)
    assert row.estimate - z * row.stderr < 0  # the symmetric interval would go negative
    assert 0 < row.low < row.estimate < row.high
    assert row.low * row.high == pytest.approx(row.estimate ** 2, rel=1e-9)
    # signed parameters keep symmetric intervals
    adj = ci.loc[("adjacency", "stream_0")].iloc[0]
    assert adj.high - adj.estimate == pytest.approx(adj.estimate - adj.low)


def test_wald_draws_follow_the_covariance():
    y = _healthy(800, seed=7)
    m = DailyHawkes(link="softplus").fit(y)
    draws = m.draw_parameters(4000, random_state=0)
    theta = np.array([m.spec_.pack(p) for p in draws])
    se = np.sqrt(np.diag(m.covariance_))
    free = se > 0
    # mean within 4.5 standard errors of the mean of 4000 draws; sd within 6%
    # (the sd of a sample sd of 4000 normal draws is about 1.1% of it)
    dev = np.abs(theta[:, free].mean(axis=0) - m.params_[free]) / (se[free] / np.sqrt(4000))
    assert (dev < 4.5).all()
    np.testing.assert_allclose(theta[:, free].std(axis=0), se[free], rtol=0.06)
    np.testing.assert_allclose(se[free], m._se_theta[free], rtol=1e-9)
    assert all(np.array_equal(p.adjacency, m.adjacency_)
               for p in m.draw_parameters(3, method="none"))


def test_bootstrap_draws_are_replicates():
    y = _healthy(300, seed=8)
    m = DailyHawkes(n_boot=8, random_state=0).fit(y)
    rows = {tuple(np.round(r, 10)) for r in m.bootstrap_ if np.isfinite(r).all()}
    for p in m.draw_parameters(20, random_state=1, method="bootstrap"):
        assert tuple(np.round(m.spec_.to_natural(m.spec_.pack(p)), 10)) in rows
