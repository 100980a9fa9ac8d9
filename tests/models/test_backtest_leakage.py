"""Rolling-origin backtests never let a model see the day it forecasts, or later.

A spy model records what it was fitted on and what it was given to forecast.
The series counts days (``y[t] = t``) so the rows it saw name themselves; the
covariate likewise, so the covariates handed to the forecast can be checked to
be exactly those of the forecast days (held at the last day before the origin by default, or the observed ones when asked),
while the fit saw none of them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from redline.models import rolling_origin

HORIZON = 5


class Spy:
    """A model that forecasts Poisson(1) and remembers its inputs (class-level log)."""

    log: list[dict] = []

    def fit(self, y, covariates=None):
        y_arr = np.asarray(y, dtype=float)
        x_arr = None if covariates is None else np.asarray(covariates, dtype=float)
        self.entry = {"y": y_arr, "x_fit": x_arr,
                      "index": getattr(y, "index", None)}
        Spy.log.append(self.entry)
        return self

    def predictive_pmf(self, horizon, max_count, n_paths=1000, random_state=None,
                       covariates=None, history=None):
        self.entry["horizon"] = horizon
        self.entry["x_forecast"] = None if covariates is None else np.asarray(covariates, float)
        from scipy import stats
        k = np.arange(max_count + 1)
        n_streams = self.entry["y"].shape[1]
        return np.broadcast_to(stats.poisson.pmf(k, 1.0), (horizon, n_streams, max_count + 1)).copy()


def _series(n_days: int):
    days = pd.date_range("2024-01-01", periods=n_days, freq="D")
    t = np.arange(n_days)
    y = pd.DataFrame({"a": t, "b": t % 3}, index=days)
    x = pd.DataFrame({"day": t.astype(float)}, index=days)
    return y, x


@pytest.mark.parametrize("future", ["hold", "observed"])
@pytest.mark.parametrize("origins", [None, [12, 20, 31]])
def test_models_fit_only_on_days_before_each_origin(origins, future):
    Spy.log = []
    y, x = _series(40)
    res = rolling_origin(y, {"spy": Spy}, horizon=HORIZON, origins=origins, covariates=x,
                         n_paths=10, reference="spy", future_covariates=future)
    labels = pd.DatetimeIndex(res.scores["origin"].unique())
    rows = [y.index.get_loc(d) for d in labels]
    assert len(Spy.log) == len(rows) >= 3
    for o, entry in zip(rows, Spy.log):
        # fitted on exactly rows 0 .. o-1: the origin day and later never seen
        np.testing.assert_array_equal(entry["y"][:, 0], np.arange(o))
        assert entry["index"][-1] == y.index[o - 1]
        np.testing.assert_array_equal(entry["x_fit"][:, 0], np.arange(o))
        assert entry["horizon"] == HORIZON
        if future == "observed":
            # labelled conditional: the observed covariates of the forecast's own days only
            np.testing.assert_array_equal(entry["x_forecast"][:, 0], np.arange(o, o + HORIZON))
        else:
            # the default knows only what the origin knew: the last day before it, held
            np.testing.assert_array_equal(entry["x_forecast"][:, 0], np.full(HORIZON, o - 1))


def test_scores_are_of_the_forecast_days():
    """The spy forecasts Poisson(1) whatever it saw: its log score is that of y[o:o+h]."""
    from scipy import stats
    Spy.log = []
    y, x = _series(40)
    y["a"] = np.arange(40) % 4   # small counts: no score at the floor of the log score
    res = rolling_origin(y, {"spy": Spy}, horizon=HORIZON, origins=[25], covariates=x,
                         n_paths=10, reference="spy", metrics=("logscore",))
    got = res.scores.set_index("stream")["value"]
    for col in ("a", "b"):
        expected = -stats.poisson.logpmf(y[col].to_numpy()[25:25 + HORIZON], 1.0).mean()
        assert got[col] == pytest.approx(expected)
