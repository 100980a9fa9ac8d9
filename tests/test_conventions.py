"""The estimator contract, checked over every estimator in redline.models.

As in scikit-learn: ``__init__`` only stores its keyword arguments (no state, no
validation), settings round-trip through ``get_params``-style reads and a clone,
``fit`` returns ``self`` and sets learned attributes ending in ``_``, and every
method that needs a fit raises ``NotFittedError`` before one.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from redline.errors import NotFittedError
from redline.models import (
    DailyHawkes,
    Hawkes,
    NegBinBaseline,
    Persistence,
    PoissonBaseline,
    simulate_hawkes,
)
from redline.models._checks import clone, init_params

RNG = np.random.default_rng(0)
COUNTS = RNG.poisson([0.8, 0.4], size=(120, 2)).astype(float)
EVENTS = simulate_hawkes(np.array([0.5, 0.3]), np.array([[0.2, 0.1], [0.1, 0.2]]), 1.0, 200.0,
                         random_state=0)

# (estimator with non-default settings, fit arguments, calls that need a fit)
CASES = [
    (DailyHawkes(link="softplus", n_boot=0, random_state=3, max_iter=500), (COUNTS,),
     ["simulate(5)", "forecast(5)", "conf_int()", "log_likelihood(COUNTS)", "to_dict()",
      "draw_parameters(2)", "residuals(COUNTS)", "predictive_pmf(3, 10)"]),
    (Hawkes(decay=1.5, n_boot=0, random_state=2, max_iter=300), (EVENTS,),
     ["simulate(5.0)", "conf_int()", "log_likelihood(EVENTS)", "residuals()"]),
    (PoissonBaseline(), (COUNTS,), ["simulate(5)", "forecast(5)", "log_likelihood(COUNTS)"]),
    (NegBinBaseline(), (COUNTS,), ["simulate(5)", "forecast(5)", "log_likelihood(COUNTS)"]),
    (Persistence(k=3, floor=0.1), (COUNTS,), ["simulate(5)", "forecast(5)",
                                              "log_likelihood(COUNTS)"]),
]
IDS = [type(c[0]).__name__ for c in CASES]


def _init_names(cls) -> list[str]:
    sig = inspect.signature(cls.__init__)
    return [p.name for p in sig.parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


@pytest.mark.parametrize("est, fit_args, calls", CASES, ids=IDS)
def test_init_only_stores_its_arguments(est, fit_args, calls):
    assert sorted(vars(est)) == sorted(_init_names(type(est)))
    # defaults too: a bare construction holds nothing else
    assert sorted(vars(type(est)())) == sorted(_init_names(type(est)))


@pytest.mark.parametrize("est, fit_args, calls", CASES, ids=IDS)
def test_settings_round_trip_through_a_clone(est, fit_args, calls):
    params = init_params(est)
    assert sorted(params) == sorted(_init_names(type(est)))  # may be empty: no settings
    assert all(not k.endswith("_") for k in params)
    twin = clone(est)
    assert twin is not est and type(twin) is type(est) and init_params(twin) == params
    if hasattr(est, "get_params"):
        assert est.get_params() == params
        other = clone(est).set_params(**params)
        assert other.get_params() == params


@pytest.mark.parametrize("est, fit_args, calls", CASES, ids=IDS)
def test_not_fitted_error_before_fit(est, fit_args, calls):
    fresh = clone(est)
    for call in calls:
        with pytest.raises(NotFittedError):
            eval(f"fresh.{call}", {"fresh": fresh, "COUNTS": COUNTS, "EVENTS": EVENTS})


@pytest.mark.parametrize("est, fit_args, calls", CASES, ids=IDS)
def test_fit_returns_self_and_learns_only_underscored_attributes(est, fit_args, calls):
    fresh = clone(est)
    before = set(vars(fresh))
    assert fresh.fit(*fit_args) is fresh
    learned = {k for k in set(vars(fresh)) - before if not k.startswith("_")}
    assert learned and all(k.endswith("_") for k in learned), learned
    assert init_params(fresh) == init_params(est)  # fit does not change the settings
    # a clone of a fitted estimator is unfitted again
    with pytest.raises(NotFittedError):
        eval(f"c.{calls[0]}", {"c": clone(fresh), "COUNTS": COUNTS, "EVENTS": EVENTS})


def test_daily_hawkes_keeps_no_training_data():
    m = DailyHawkes().fit(COUNTS)
    big = [k for k, v in vars(m).items()
           if isinstance(v, np.ndarray) and v.ndim >= 1 and v.shape[0] == COUNTS.shape[0]]
    assert not big, big
    d = m.to_dict()
    assert "y" not in d and "covariates" not in d
