"""Input validation shared by every estimator in :mod:`redline.models`.

Each check raises a :class:`~redline.errors.ModelError` that names the field and
says what a valid value looks like, so the CLI can print it as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from redline.errors import ModelError, NotFittedError

__all__ = [
    "EstimatorMixin",
    "as_rng",
    "check_counts",
    "check_covariates",
    "check_events",
    "check_fitted",
    "check_horizon",
    "check_positive",
    "clone",
]


def as_rng(random_state: Any) -> np.random.Generator:
    """Turn ``None``, an int seed or a Generator into a Generator."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None or isinstance(random_state, (int, np.integer)):
        return np.random.default_rng(random_state)
    raise ModelError(
        f"random_state of type {type(random_state).__name__} cannot seed a generator",
        field="random_state",
        expected="None, an int or a numpy.random.Generator",
    )


def check_counts(
    y: Any, *, field: str = "y", allow_all_zero: bool = False
) -> tuple[np.ndarray, list[str], pd.Index | None]:
    """Validate a table of daily counts.

    Parameters
    ----------
    y
        Array-like of shape (n_days, n_streams) or (n_days,), or a DataFrame whose
        columns are stream names and whose index are the days.
    field
        Name used in error messages.
    allow_all_zero
        Whether a stream without any event is acceptable (it is not for fitting:
        its baseline would be estimated at the boundary 0).

    Returns
    -------
    counts : ndarray of float64, shape (n_days, n_streams)
    names : list of str
        Stream names (DataFrame columns, or ``stream_0``, ``stream_1``...).
    index : pandas.Index or None
        The DataFrame index, kept so forecasts can carry dates.
    """
    index = None
    if isinstance(y, pd.Series):
        y = y.to_frame()
    if isinstance(y, pd.DataFrame):
        names = [str(c) for c in y.columns]
        index = y.index
        try:
            arr = y.to_numpy(dtype=float)
        except (TypeError, ValueError) as exc:
            raise ModelError(
                f"{field} holds values that are not numbers ({exc})",
                field=field,
                expected="non-negative integer counts per day",
            ) from None
    else:
        try:
            arr = np.asarray(y, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ModelError(
                f"{field} holds values that are not numbers ({exc})",
                field=field,
                expected="non-negative integer counts per day",
            ) from None
        if arr.ndim == 1:
            arr = arr[:, None]
        names = [f"stream_{j}" for j in range(arr.shape[1])] if arr.ndim == 2 else []
    if arr.ndim != 2:
        raise ModelError(
            f"{field} has {arr.ndim} dimensions",
            field=field,
            expected="an array of shape (n_days, n_streams)",
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ModelError(
            f"{field} is empty (shape {arr.shape})",
            field=field,
            expected="at least one day and one stream",
        )
    bad = ~np.isfinite(arr)
    if bad.any():
        t, j = np.argwhere(bad)[0]
        raise ModelError(
            f"{field} has a missing or infinite value on day {t} of stream '{names[j]}'",
            field=field,
            expected="finite counts; fill days without events with 0",
        )
    if (arr < 0).any():
        t, j = np.argwhere(arr < 0)[0]
        raise ModelError(
            f"{field} has a negative count ({arr[t, j]:g}) on day {t} of stream '{names[j]}'",
            field=field,
            expected="non-negative integer counts per day",
        )
    if (arr != np.round(arr)).any():
        t, j = np.argwhere(arr != np.round(arr))[0]
        raise ModelError(
            f"{field} has a non-integer count ({arr[t, j]:g}) on day {t} of stream '{names[j]}'",
            field=field,
            expected="non-negative integer counts per day",
        )
    if not allow_all_zero:
        zero = np.flatnonzero(arr.sum(axis=0) == 0)
        if zero.size:
            raise ModelError(
                f"stream '{names[zero[0]]}' has no event in {arr.shape[0]} days; "
                "its rate cannot be estimated",
                field=field,
                expected="every stream with at least one event (drop empty streams)",
            )
    return arr, names, index


def check_covariates(
    x: Any, n_days: int, *, field: str = "covariates", n_cov: int | None = None
) -> tuple[np.ndarray, list[str]]:
    """Validate daily covariates; ``None`` gives an array of shape (n_days, 0)."""
    if x is None:
        if n_cov:
            raise ModelError(
                f"the model was fitted with {n_cov} covariates but none were given",
                field=field,
                expected=f"an array of shape ({n_days}, {n_cov})",
            )
        return np.zeros((n_days, 0)), []
    if isinstance(x, pd.Series):
        x = x.to_frame()
    if isinstance(x, pd.DataFrame):
        names = [str(c) for c in x.columns]
        arr = x.to_numpy(dtype=float)
    else:
        arr = np.asarray(x, dtype=float)
        if arr.ndim == 1:
            arr = arr[:, None]
        names = [f"x{k}" for k in range(arr.shape[1])] if arr.ndim == 2 else []
    if arr.ndim != 2 or arr.shape[0] != n_days:
        raise ModelError(
            f"{field} has shape {arr.shape}",
            field=field,
            expected=f"one row per day: shape ({n_days}, n_covariates)",
        )
    if n_cov is not None and arr.shape[1] != n_cov:
        raise ModelError(
            f"{field} has {arr.shape[1]} columns, the model was fitted with {n_cov}",
            field=field,
            expected=f"shape ({n_days}, {n_cov})",
        )
    if not np.isfinite(arr).all():
        t, k = np.argwhere(~np.isfinite(arr))[0]
        raise ModelError(
            f"{field} has a missing or infinite value on day {t} of '{names[k]}'",
            field=field,
            expected="finite numbers (e.g. 0/1 step indicators)",
        )
    return arr, names


def check_events(
    events: Any, end_time: float | None, *, field: str = "events"
) -> tuple[list[np.ndarray], float]:
    """Validate timestamped events for the continuous-time Hawkes model.

    Returns the per-stream float64 arrays and the end of the observation window
    (the last event time when ``end_time`` is None).
    """
    if isinstance(events, np.ndarray) and events.ndim == 1 and events.dtype != object:
        events = [events]
    if not isinstance(events, Sequence) and not isinstance(events, np.ndarray):
        raise ModelError(
            f"{field} is a {type(events).__name__}",
            field=field,
            expected="a list of 1-D sorted arrays of event times, one per stream",
        )
    out = []
    for j, ev in enumerate(events):
        arr = np.asarray(ev, dtype=float)
        if arr.ndim != 1:
            raise ModelError(
                f"stream {j} of {field} has shape {arr.shape}",
                field=f"{field}[{j}]",
                expected="a 1-D array of event times",
            )
        if not np.isfinite(arr).all():
            raise ModelError(
                f"stream {j} of {field} has a missing or infinite time",
                field=f"{field}[{j}]",
                expected="finite event times",
            )
        if arr.size and arr[0] < 0:
            raise ModelError(
                f"stream {j} of {field} has a negative time ({arr[0]:g})",
                field=f"{field}[{j}]",
                expected="times >= 0 measured from the start of the window",
            )
        if arr.size > 1 and (np.diff(arr) < 0).any():
            k = int(np.flatnonzero(np.diff(arr) < 0)[0])
            raise ModelError(
                f"stream {j} of {field} is not sorted: time {arr[k + 1]:g} "
                f"(position {k + 1}) comes after {arr[k]:g}",
                field=f"{field}[{j}]",
                expected="event times in increasing order (use numpy.sort)",
            )
        out.append(arr)
    if not out:
        raise ModelError(
            f"{field} holds no stream", field=field, expected="at least one stream"
        )
    last = max((a[-1] for a in out if a.size), default=0.0)
    if end_time is None:
        end_time = float(last)
    end_time = float(end_time)
    if not np.isfinite(end_time) or end_time <= 0 or end_time < last:
        raise ModelError(
            f"end_time {end_time:g} does not cover the events (last at {last:g})",
            field="end_time",
            expected=f"a number >= {last:g} (the end of the observation window)",
        )
    return out, end_time


def check_positive(value: Any, field: str, *, allow_none: bool = False) -> np.ndarray | None:
    """A strictly positive finite number or array (decays, horizons)."""
    if value is None and allow_none:
        return None
    arr = np.asarray(value, dtype=float)
    if not np.isfinite(arr).all() or (arr <= 0).any():
        raise ModelError(
            f"{field} must be > 0, got {value!r}",
            field=field,
            expected="a positive number (per day, or per time unit)",
        )
    return arr


def check_horizon(horizon: Any, field: str = "horizon") -> int:
    """A positive whole number of days."""
    try:
        h = int(horizon)
    except (TypeError, ValueError):
        h = -1
    if h != horizon or h <= 0:
        raise ModelError(
            f"{field} must be a positive whole number of days, got {horizon!r}",
            field=field,
            expected="an integer >= 1, e.g. 14",
        )
    return h


def check_fitted(model: Any, attribute: str = "params_") -> None:
    """Raise :class:`NotFittedError` when ``fit`` has not been called."""
    if not hasattr(model, attribute):
        raise NotFittedError(
            f"this {type(model).__name__} is not fitted yet; call fit(...) first",
            expected="model.fit(y) before this method",
        )


def _init_names(cls: type) -> list[str]:
    """Keyword arguments of ``cls.__init__`` (the estimator's settings)."""
    import inspect
    sig = inspect.signature(cls.__init__)  # type: ignore[misc]
    return [p.name for p in sig.parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


class EstimatorMixin:
    """``get_params`` / ``set_params`` read from ``__init__``'s signature, as in scikit-learn.

    An estimator's ``__init__`` only stores its keyword arguments under the same
    names, so its settings can be listed, copied and compared without fitting.
    """

    @classmethod
    def _param_names(cls) -> list[str]:
        return _init_names(cls)

    def get_params(self) -> dict[str, Any]:
        """The settings given to ``__init__`` (a new dict)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Any:
        """Change settings (not fitted state); returns self."""
        valid = self._param_names()
        for name, value in params.items():
            if name not in valid:
                raise ModelError(f"{type(self).__name__} has no setting {name!r}", field=name,
                                 expected="one of " + ", ".join(valid))
            setattr(self, name, value)
        return self


def init_params(estimator: Any) -> dict[str, Any]:
    """The settings of any estimator, read from its ``__init__`` signature.

    Works for estimators without :class:`EstimatorMixin` too, as long as they
    store each keyword argument under its own name (the estimator contract).
    """
    return {name: getattr(estimator, name) for name in _init_names(type(estimator))}


def clone(estimator: Any) -> Any:
    """A new, unfitted estimator with the same settings."""
    return type(estimator)(**init_params(estimator))
