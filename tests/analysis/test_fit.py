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
