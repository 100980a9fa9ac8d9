"""JSON form of a fitted :class:`~redline.models.DailyHawkes` (saved next to the store).

The dict holds the hyper-parameters, the packed parameter vector, its standard
errors, the bootstrap replicates and the fitted data (counts, covariates, dates),
so a loaded model can simulate, forecast and compute residuals without refitting.
``nan`` becomes ``None`` (JSON null).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from redline.errors import ModelError
from redline.models.hawkes._likelihood import DailySpec

__all__ = ["daily_to_dict", "daily_from_dict"]

FORMAT = 1


def _finite_or_none(values: Any) -> list[float | None]:
    return [None if not np.isfinite(v) else float(v) for v in values]


def _none_to_nan(values: Any) -> list[float]:
    return [np.nan if v is None else float(v) for v in values]


def daily_to_dict(model: Any) -> dict[str, Any]:
    """Plain dict of lists, strings and numbers describing a fitted model."""
    dates = None
    if isinstance(model._index, pd.DatetimeIndex):
        dates = [d.strftime("%Y-%m-%d") for d in model._index]
    return {
        "model": "DailyHawkes",
        "format": FORMAT,
        "hyperparameters": {
            "link": model.link,
            "family": model.family,
            "n_boot": int(model.n_boot),
            "random_state": model.random_state,
            "max_iter": int(model.max_iter),
        },
        "stream_names": list(model.stream_names_),
        "covariate_names": list(model.covariate_names_),
        "params": model.params_.tolist(),
        "stderr_params": _finite_or_none(model._se_theta),
        "converged": bool(model.converged_),
        "n_iter": int(model.n_iter_),
        "y": model._y.astype(int).tolist(),
        "covariates": model._x.tolist(),
        "dates": dates,
        "bootstrap": None
        if model.bootstrap_ is None
        else [_finite_or_none(row) for row in model.bootstrap_],
    }


def daily_from_dict(cls: type, data: dict[str, Any]) -> Any:
    """Inverse of :func:`daily_to_dict`; ``cls`` is :class:`DailyHawkes`."""
    if not isinstance(data, dict) or data.get("model") != "DailyHawkes":
        got = data.get("model") if isinstance(data, dict) else type(data).__name__
        raise ModelError(f"not a DailyHawkes dict (model={got!r})", field="model",
                         expected="the output of DailyHawkes.to_dict()")
    if data.get("format") != FORMAT:
        raise ModelError(f"unsupported DailyHawkes format {data.get('format')!r}",
                         field="format", expected=str(FORMAT))
    model = cls(**data["hyperparameters"])
    d = len(data["stream_names"])
    model._y = np.asarray(data["y"], dtype=float).reshape(-1, d)
    model._x = np.asarray(data["covariates"], dtype=float).reshape(model._y.shape[0], -1)
    model._index = pd.DatetimeIndex(data["dates"]) if data.get("dates") else None
    model.stream_names_ = list(data["stream_names"])
    model.covariate_names_ = list(data["covariate_names"])
    model.converged_ = bool(data["converged"])
    model.n_iter_ = int(data["n_iter"])
    spec = DailySpec(d, len(model.covariate_names_), model.link, model.family)
    model._set_params(np.asarray(data["params"], dtype=float), spec)
    model._se_theta = np.asarray(_none_to_nan(data["stderr_params"]))
    model.stderr_ = model._unflatten(model._natural_se(model.params_, model._se_theta))
    boot = data.get("bootstrap")
    model.bootstrap_ = None if boot is None else np.array([_none_to_nan(r) for r in boot])
    model.n_boot_used_ = (0 if model.bootstrap_ is None
                          else int(np.isfinite(model.bootstrap_).all(axis=1).sum()))
    return model
