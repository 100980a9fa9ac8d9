"""The benchmark: scores against an independent implementation, folds that never
leak, calibrated nulls, and the summary's skill bookkeeping."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
import scoringrules as sr
from scipy import stats

import redline.models.benchmark as bm
from redline.models import Conflictology, crps_from_pmf, crps_from_samples, log_score_from_pmf
from redline.models.benchmark import BenchmarkSettings, UnitScores, evaluate_unit, run_benchmark
from redline.models.benchmark_summary import pit_distance, summarise
from redline.models.scoring import count_pmf

# ------------------------------------------------------------ independent scores

def test_crps_and_log_score_agree_with_scoringrules_poisson_and_negbin():
    rng = np.random.default_rng(4)
    mean = rng.gamma(1.0, 2.0, size=40) + 0.01
    y = rng.poisson(mean * rng.gamma(2.0, 0.5, size=40))
    pmf = count_pmf(mean, 400)
    np.testing.assert_allclose(crps_from_pmf(pmf, y), sr.crps_poisson(y, mean), rtol=1e-8,
                               atol=1e-10)
    np.testing.assert_allclose(log_score_from_pmf(pmf, y), sr.logs_poisson(y, mean), rtol=1e-9)
    phi = rng.uniform(0.05, 3.0, size=40)
    phi[:10] = rng.uniform(0.05, 0.9, size=10)
    size = 1.0 / phi
    pmf_nb = count_pmf(mean, 3000, dispersion=phi)
    np.testing.assert_allclose(crps_from_pmf(pmf_nb, y),
                               sr.crps_negbinom(y, size, size / (size + mean)), rtol=1e-7,
                               atol=1e-9)
    # scoringrules 0.10's logs_negbinom returns inf for a size below 1: checked there on
    # sizes >= 1, and everywhere against scipy's pmf.
    big = size >= 1
    np.testing.assert_allclose(log_score_from_pmf(pmf_nb, y)[big],
                               sr.logs_negbinom(y[big], size[big], mu=mean[big]), rtol=1e-8)
    np.testing.assert_allclose(log_score_from_pmf(pmf_nb, y),
                               -stats.nbinom.logpmf(y, size, size / (size + mean)), rtol=1e-9)


def test_crps_of_any_pmf_agrees_with_a_weighted_ensemble():
    # An irregular pmf (a Hawkes mixture looks like this): scoringrules scores it as an
    # ensemble on 0..K weighted by the pmf, with the exact energy-form estimator.
    rng = np.random.default_rng(7)
    pmf = rng.dirichlet(np.full(25, 0.3), size=6)
    y = np.array([0, 3, 7, 24, 11, 40])
    members = np.broadcast_to(np.arange(25.0), pmf.shape)
    ref = sr.crps_ensemble(y.astype(float), members, ens_w=pmf, estimator="nrg")
    np.testing.assert_allclose(crps_from_pmf(pmf, y), ref, rtol=1e-9)
    samples = rng.poisson(4.0, size=(300, 5)).astype(float)
    np.testing.assert_allclose(crps_from_samples(samples, [0, 2, 4, 9, 1]),
                               sr.crps_ensemble(np.array([0, 2, 4, 9, 1.0]), samples.T,
                                                estimator="nrg"), rtol=1e-9)


# ------------------------------------------------------------ baselines

def test_conflictology_is_the_empirical_distribution_of_the_window():
    y = np.r_[np.full(100, 9), np.zeros(6), np.ones(3), [2]]  # last 10 days: 6×0, 3×1, 1×2
    m = Conflictology(window=10).fit(y)
    pmf = m.predictive_pmf(3, 5)
    assert pmf.shape == (3, 1, 6)
    np.testing.assert_allclose(pmf[1, 0], [0.6, 0.3, 0.1, 0, 0, 0])
    # Counts above the window's largest have no mass: the log score hits its floor.
    assert log_score_from_pmf(pmf[0, 0], 4) == pytest.approx(-np.log(1e-12))
    assert m.simulate(4, n_paths=2000, random_state=0).mean() == pytest.approx(0.5, abs=0.05)


# ------------------------------------------------------------ folds

class _Spy:
    seen: ClassVar[list] = []

    def fit(self, y, covariates=None):
        self.last = float(np.asarray(y)[-1, 0])
        self.n = len(y)
        return self

    def predictive_pmf(self, horizon, max_count, n_paths=1, random_state=None, covariates=None):
        _Spy.seen.append((self.last, self.n))
        return count_pmf(np.full((horizon, 1), 1.0), max_count)


def test_no_model_sees_the_origin_day_or_later(monkeypatch):
    monkeypatch.setattr(bm, "make_model", lambda name, settings, seed: _Spy())
    days = pd.date_range("2001-01-01", periods=900)
    y = pd.Series(np.arange(900), index=days)  # day t holds the count t: leaks show
    st = BenchmarkSettings(origins="monthly", train_window=200, min_train=100, horizons=(7, 14))
    _Spy.seen = []
    res = evaluate_unit("u", y, ["a", "b"], st)
    rows = bm.unit_origins(days, st)
    assert rows and all(days[r].day == 1 for r in rows)
    assert [o for o in res.origins] == [days[r] for r in rows]
    assert len(_Spy.seen) == 2 * len(rows)
    for (last, n), r in zip(_Spy.seen[::2], rows):
        assert last == r - 1 and n == min(200, r)
    assert max(rows) + 14 <= 900


def test_a_failing_model_drops_the_fold_for_every_model(monkeypatch):
    FAIL_AT = None

    class Flaky(_Spy):
        def fit(self, y, covariates=None):
            from redline.errors import ModelError
            if len(y) == FAIL_AT:
                raise ModelError("flaky", field="y", expected="x")
            return super().fit(y)

    monkeypatch.setattr(bm, "make_model",
                        lambda name, settings, seed: Flaky() if name == "a" else _Spy())
    y = pd.Series(np.ones(400, dtype=int), index=pd.date_range("2001-01-01", periods=400))
    st = BenchmarkSettings(origins=6, train_window=500, min_train=100, horizons=(10,))
    FAIL_AT = bm.unit_origins(y.index, st)[1]
    res = evaluate_unit("u", y, ["a", "b"], st)
    assert len(res.origins) == 5 and res.crps.shape == (5, 2, 10)
    assert not np.isnan(res.crps).any()
    assert res.diagnostics.has("backtest.fold_failed", "u")


# ------------------------------------------------------------ calibrated nulls

def _poisson_units(n_units, n_days, rate, seed):
    rng = np.random.default_rng(seed)
    days = pd.date_range("2000-01-01", periods=n_days)
    return {f"u{i}": pd.Series(rng.poisson(rate, n_days), index=days) for i in range(n_units)}


def test_poisson_forecasts_of_poisson_data_are_calibrated():
    units = _poisson_units(4, 1200, 2.0, seed=1)
    st = BenchmarkSettings(horizons=(7,), origins=20, train_window=365, n_boot=200)
    res = run_benchmark(units, ["poisson", "negbin", "persistence", "conflictology"], st)
    s = res.summary.set_index("model")
    n_days = int(s.loc["poisson", "n_origins"]) * 7
    # Randomised PIT of a correct forecast is uniform: its 10-bin TV distance has a
    # null spread of about sqrt(10 * 0.1 * 0.9 / n) / 2 * 10 / pi (mean abs of normals).
    tol = 5 * 0.5 * 10 * np.sqrt(0.09 / n_days) * np.sqrt(2 / np.pi)
    assert s.loc["poisson", "pit_distance"] < tol
    # Day-level central intervals of a discrete pmf cover at least their level.
    assert s.loc["poisson", "coverage_90"] >= 0.9 - 3 * np.sqrt(0.09 / n_days)
    assert s.loc["poisson", "coverage_50"] >= 0.5 - 3 * np.sqrt(0.25 / n_days)
    # The randomised PIT covers exactly its level.
    assert abs(s.loc["poisson", "pit_coverage_90"] - 0.9) < 4 * np.sqrt(0.09 / n_days)
    # A 7-day mean is a noisier estimate of the same rate: persistence must lose.
    assert s.loc["persistence", "skill_vs_poisson_median"] < 0
    assert s.loc["poisson", "skill_vs_persistence_median"] > 0
    assert s.loc["poisson", "share_beating_persistence"] == 1.0
    for m in s.index:
        assert s.loc[m, "skill_vs_poisson_lo"] <= s.loc[m, "skill_vs_poisson_median"] \
            <= s.loc[m, "skill_vs_poisson_hi"]
    assert set(res.to_dict()) >= {"summary", "units", "diagnostics"}
    assert len(res.units) == 4 * 4


def test_hawkes_beats_poisson_on_self_exciting_units():
    from redline.models import simulate_daily_paths
    days = pd.date_range("2000-01-01", periods=1100)
    units = {}
    for i in range(3):
        y = simulate_daily_paths(np.array([0.2]), np.array([[0.7]]), np.array([0.3]),
                                 horizon=1100, n_paths=1, random_state=10 + i)[0, :, 0]
        units[f"u{i}"] = pd.Series(y, index=days)
    st = BenchmarkSettings(horizons=(7,), origins=40, train_window=500, n_paths=200, n_boot=100)
    res = run_benchmark(units, ["daily-hawkes"], st)
    s = res.summary.set_index("model")
    print(res.units)
    assert s.loc["daily-hawkes", "share_beating_poisson"] == 1.0
    assert s.loc["daily-hawkes", "skill_vs_poisson_median"] > 0.03


def test_units_with_zero_reference_crps_are_left_out_and_counted():
    def unit(name, crps_model, crps_ref):
        n = len(crps_model)
        arr = np.stack([crps_model, crps_ref, crps_ref], axis=1)[:, :, None]
        z = np.zeros_like(arr)
        return UnitScores(name, ["m", "poisson", "persistence"],
                          list(pd.date_range("2000-01-01", periods=n, freq="MS")), arr, z,
                          np.full_like(arr, 0.5), z + 1, z + 1, 10, {})
    results = [unit("a", np.full(8, 1.0), np.full(8, 2.0)),   # skill 0.5
               unit("b", np.full(8, 3.0), np.full(8, 2.0)),   # skill -0.5
               unit("c", np.full(8, 0.4), np.full(8, 0.5)),   # skill 0.2
               unit("z", np.full(8, 0.1), np.zeros(8))]       # undefined
    st = BenchmarkSettings(horizons=(1,), n_boot=300)
    summary, units, scores, _pit, diags = summarise(results, ["m", "poisson", "persistence"], st)
    row = summary.set_index("model").loc["m"]
    assert row["n_units_zero_poisson"] == 1
    assert row["skill_vs_poisson_median"] == pytest.approx(0.2)
    assert row["share_beating_poisson"] == pytest.approx(2 / 3)
    assert row["skill_vs_poisson_pooled"] == pytest.approx(1 - 4.4 / 4.5)
    assert row["skill_vs_poisson_lo"] <= 0.2 <= row["skill_vs_poisson_hi"]
    assert diags.has("benchmark.zero_reference")
    assert units.query("unit == 'z' and model == 'm'")["skill_vs_poisson"].isna().all()
    assert len(scores) == 4 * 8 * 3


def test_pit_distance():
    assert pit_distance((np.arange(1000) + 0.5) / 1000) == pytest.approx(0.0, abs=1e-12)
    assert pit_distance(np.full(50, 0.95)) == pytest.approx(0.9)


def test_skill_statement_reads_the_committed_summary():
    import json
    from importlib import resources

    from redline.errors import ModelError
    from redline.models.benchmark import skill_statement

    data = json.loads((resources.files("redline.models") / "benchmark_skill.json").read_text())
    s = skill_statement("hawkes-level", 14)
    row = next(r for r in data["summary"] if r["model"] == "hawkes-level" and r["horizon"] == 14)
    assert s["n_units"] == row["n_units"]
    assert f"{100 * row['share_beating_poisson']:.0f}% of units" in s["sentence"]
    assert f"covered {100 * row['coverage_90']:.0f}%" in s["sentence"]
    assert "UCDP" in s["citation"] and "CC BY 4.0" in s["citation"]
    with pytest.raises(ModelError, match="no committed benchmark row"):
        skill_statement("oracle", 14)
