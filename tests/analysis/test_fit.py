"""Fitting a case: the bridge between the store and the models."""

import numpy as np
import pandas as pd
import pytest

import redline
from redline.analysis.fit import fit_case, load_fit, parse_covariate, save_fit
from redline.errors import InputError, UnknownStreamError

CASE = "us-iran-proxies-2023"


@pytest.fixture(scope="module")
def store(builtin_store):
    return builtin_store


def test_streams_cover_the_window_with_zeros(store):
    case = redline.load_case(CASE)
    data = redline.streams(store, case)
    c = data.counts
    assert c.index[0] == pd.Timestamp(case.start) and c.index[-1] == pd.Timestamp(case.end)
    assert len(c) == (case.end - case.start).days + 1
    assert (c >= 0).all().all() and (c == 0).any().any()
    # each count is backed by event ids, and the totals agree with a direct query
    for name in c.columns:
        f = redline.EventFilter.from_stream(case.stream(name), case.start, case.end)
        assert int(c[name].sum()) == store.count(f) == len(data.event_ids[name])


def test_fit_case_recovers_case_defaults_and_roundtrips(store, tmp_path):
    f = fit_case(store, CASE)
    m = f.model
    assert list(m.stream_names_) == ["militia_attacks_on_us", "us_strikes_on_militias"]
    assert list(f.covariates.columns) == ["gaza_truce", "kh_suspension"]
    assert np.isfinite(m.loglik_)
    path = save_fit(f, tmp_path / "m.json")
    settings, m2 = load_fit(path)
    assert settings["streams"] == list(m.stream_names_)
    np.testing.assert_allclose(m2.adjacency_, m.adjacency_)
    np.testing.assert_allclose(m2.log_likelihood(f.counts, f.covariates), m.loglik_, rtol=1e-9)


def test_fit_case_window_and_explicit_covariate(store):
    import datetime as dt
    f = fit_case(store, CASE, covariates=["after_strikes=2024-02-02:"], end=dt.date(2024, 2, 29))
    assert f.counts.index[-1] == pd.Timestamp("2024-02-29")
    cov = f.covariates["after_strikes"]
    assert cov.loc[:"2024-02-01"].sum() == 0 and cov.loc["2024-02-02":].eq(1).all()


def test_parse_covariate_rejects_bad_specs():
    idx = pd.date_range("2024-01-01", periods=10)
    with pytest.raises(InputError, match="NAME=YYYY-MM-DD"):
        parse_covariate("truce=2024/01/01:", idx)
    with pytest.raises(InputError, match="ends before"):
        parse_covariate("x=2024-01-05:2024-01-02", idx)


def test_unknown_stream_and_covariate(store):
    with pytest.raises(UnknownStreamError, match="militia_attacks_on_us"):
        fit_case(store, CASE, streams=["no_such_stream"])
    with pytest.raises(InputError, match="gaza_truce"):
        fit_case(store, CASE, covariates=["no_such_covariate"])


class _CountingStore:
    """A store that counts the daily-count queries made through it."""

    def __init__(self, store):
        self._store, self.queries = store, 0

    def daily_counts(self, *args, **kwargs):
        self.queries += 1
        return self._store.daily_counts(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._store, name)


def test_fit_cache_fits_each_specification_once(store):
    from redline.analysis.fit import FitCache
    counting = _CountingStore(store)
    fits = FitCache(counting, CASE)
    case = fits.case
    a = fits.fit()
    # the case's defaults spelled out are the same specification
    b = fits.fit(list(case.model.streams), link=case.model.link,
                 covariates=list(case.model.covariates), start=case.start, end=case.end)
    assert a is b and fits.n_fitted == 1 and counting.queries == 1
    c = fits.fit(link="identity")
    assert c is not a and fits.n_fitted == 2
    assert counting.queries == 1  # same streams and window: counts read once
    np.testing.assert_array_equal(a.counts.to_numpy(), fit_case(store, CASE).counts.to_numpy())
    # the cached fit is the fit fit_case would make
    assert a.model.loglik_ == pytest.approx(fit_case(store, CASE).model.loglik_, rel=1e-12)


def test_scenario_takes_its_model_from_the_cache(store):
    from redline.analysis.fit import FitCache
    from redline.scenarios import load_scenario
    from redline.scenarios._setup import prepare
    spec, case = load_scenario("after-tower-22")
    fits = FitCache(store, case)
    sm = prepare(spec, case, store, fits=fits)
    assert fits.n_fitted == 1
    again = prepare(spec, case, store, fits=fits)
    assert again.model is sm.model and fits.n_fitted == 1
