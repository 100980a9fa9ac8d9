"""Deterrence windows under overdispersion: agreement with statsmodels, calibration, Holm."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from statsmodels.stats import rates as sm_rates

from redline.analysis.deterrence import daily_dispersion, nb_rate_ratio, rate_ratio_ci


def test_exact_rate_ratio_p_agrees_with_statsmodels():
    for a, b, t_a, t_b in [(3, 9, 14, 14), (10, 4, 7, 10), (0, 6, 28, 28), (12, 12, 14, 20)]:
        _, _, _, p = rate_ratio_ci(a, t_a, b, t_b)
        want = sm_rates.test_poisson_2indep(a, t_a, b, t_b, method="exact-cond").pvalue
        assert p == pytest.approx(want, rel=1e-9)


def test_negative_binomial_interval_is_the_glm_wald_interval():
    rng = np.random.default_rng(4)
    y_b, y_a = rng.poisson(2.0, 14), rng.poisson(0.8, 14)
    alpha = 0.6
    y = np.r_[y_b, y_a]
    X = sm.add_constant(np.r_[np.zeros(14), np.ones(14)])
    fit = sm.GLM(y, X, family=sm.families.NegativeBinomial(alpha=alpha)).fit()
    lo, hi = np.exp(fit.conf_int()[1])
    got = nb_rate_ratio(int(y_a.sum()), 14, int(y_b.sum()), 14, alpha)
    assert got[0] == pytest.approx(lo, rel=1e-5) and got[1] == pytest.approx(hi, rel=1e-5)
    assert got[2] == pytest.approx(fit.pvalues[1], rel=1e-4)  # the GLM stops at its tolerance


def test_negative_binomial_p_is_calibrated_where_the_poisson_p_is_not():
    # 2,000 pairs of 14-day windows of the same overdispersed process (mean 1 a day,
    # alpha 1): a calibrated test rejects at 5% in about 5% of them (SE 0.5%); the
    # alpha is estimated from 200 days of the same process, as deterrence() does
    rng = np.random.default_rng(9)
    alpha_true, n = 1.0, 2000
    r = 1 / alpha_true

    def days(k):
        return rng.negative_binomial(r, r / (r + 1.0), size=k)
    est = daily_dispersion(days(200))
    rej_nb = rej_pois = 0
    for _ in range(n):
        a, b = int(days(14).sum()), int(days(14).sum())
        rej_nb += nb_rate_ratio(a, 14, b, 14, est)[2] <= 0.05
        rej_pois += rate_ratio_ci(a, 14, b, 14)[3] <= 0.05
    se = np.sqrt(0.05 * 0.95 / n)
    assert abs(est - alpha_true) < 0.5
    assert rej_nb / n <= 0.05 + 4 * se
    assert rej_pois / n > 0.05 + 4 * se      # the independent-events interval is too narrow here


def test_dispersion_is_zero_for_poisson_days_and_ignores_a_level_change():
    rng = np.random.default_rng(1)
    y = np.r_[rng.poisson(3.0, 150), rng.poisson(0.3, 150)]
    assert daily_dispersion(y) < 0.1


def test_holm_adjusted_p_sits_beside_the_raw_one(make_case):
    from redline.analysis.deterrence import deterrence as analyze_deterrence
    rng = np.random.default_rng(2)
    ev = [{"day": d, "actor": "brigade", "target": "home"} for d in range(150)
          for _ in range(rng.poisson(2.0 if d < 90 else 0.2))]
    ev += [{"day": d, "actor": "home", "target": "brigade"} for d in (30, 60, 88)]
    store, case = make_case(ev, 150)
    rates = analyze_deterrence(store, case, fit_model=False).rates
    ok = rates["p_nb"].notna()
    assert (rates.loc[ok, "p_holm"] >= rates.loc[ok, "p_nb"] - 1e-12).all()
    assert rates.loc[ok, "p_holm"].max() <= 1.0
    smallest = rates.loc[ok, "p_nb"].idxmin()
    assert rates.at[smallest, "p_holm"] == pytest.approx(min(1.0, ok.sum() * rates.at[smallest, "p_nb"]))
