"""JSON form of a fitted :class:`~redline.models.DailyHawkes` (saved next to the store).

The dict holds the hyper-parameters, the packed parameter vector (layout:
:class:`~redline.models.hawkes._params.DailySpec`), its standard errors and
covariance, the bootstrap replicates, the fit's diagnostics and the few
summaries of the data that simulation and forecasts need (the excitation left at
the last day, the last covariates and date). The fitted data themselves are not
stored. ``nan`` becomes ``None`` (JSON null).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from redline.diagnostics import Diagnostics
from redline.errors import ModelError
from redline.models.hawkes._params import DailySpec

__all__ = ["daily_from_dict", "daily_to_dict"]

FORMAT = 2


def _finite_or_none(values: Any) -> list[float | None]:
    return [None if not np.isfinite(v) else float(v) for v in values]


def _none_to_nan(values: Any) -> list[float]:
    return [np.nan if v is None else float(v) for v in values]


def daily_to_dict(model: Any) -> dict[str, Any]:
    """Plain dict of lists, strings and numbers describing a fitted model."""
    return {
        "model": "DailyHawkes",
        "format": FORMAT,
        "hyperparameters": model.get_params(),
        "stream_names": list(model.stream_names_),
        "covariate_names": list(model.covariate_names_),
        "params": model.params_.tolist(),
        "stderr_params": _finite_or_none(model._se_theta),
        "covariance": model.covariance_.tolist(),
        "converged": bool(model.converged_),
        "n_iter": int(model.n_iter_),
        "n_days": int(model.n_days_),
        "loglik": float(model.loglik_),
        "end_state": model.end_state_.tolist(),
        "last_covariates": model.last_covariates_.tolist(),
        "last_date": model.last_date_,
        "max_count": float(model.max_count_),
        "bootstrap": None
        if model.bootstrap_ is None
        else [_finite_or_none(row) for row in model.bootstrap_],
        "diagnostics": model.diagnostics_.to_list(),
    }


def daily_from_dict(cls: type, data: dict[str, Any]) -> Any:
    """Inverse of :func:`daily_to_dict`; ``cls`` is :class:`DailyHawkes`."""
    if not isinstance(data, dict) or data.get("model") != "DailyHawkes":
        got = data.get("model") if isinstance(data, dict) else type(data).__name__
        raise ModelError(f"not a DailyHawkes dict (model={got!r})", field="model",
                         expected="the output of DailyHawkes.to_dict()")
    if data.get("format") != FORMAT:
        raise ModelError(f"unsupported DailyHawkes format {data.get('format')!r} (saved by an "
                         "older redline)", field="format",
                         expected=f"format {FORMAT}: fit the model again (`redline fit CASE`)")
    model = cls(**data["hyperparameters"])
    d = len(data["stream_names"])
    model.stream_names_ = list(data["stream_names"])
    model.covariate_names_ = list(data["covariate_names"])
    model.converged_ = bool(data["converged"])
    model.n_iter_ = int(data["n_iter"])
    spec = DailySpec(d, len(model.covariate_names_), model.link, model.family)
    model._set_params(np.asarray(data["params"], dtype=float), spec)
    model._se_theta = np.asarray(_none_to_nan(data["stderr_params"]))
    model.covariance_ = np.asarray(data["covariance"], dtype=float).reshape(
        spec.n_params, spec.n_params)
    model.stderr_ = model._unflatten(model._natural_se(model.params_, model._se_theta))
    model.n_days_ = int(data["n_days"])
    model.loglik_ = float(data["loglik"])
    model.aic_ = 2 * spec.n_params - 2 * model.loglik_
    model.bic_ = spec.n_params * np.log(model.n_days_ * d) - 2 * model.loglik_
    model.end_state_ = np.asarray(data["end_state"], dtype=float)
    model.last_covariates_ = np.asarray(data["last_covariates"], dtype=float)
    model.last_date_ = data.get("last_date")
    model.max_count_ = float(data["max_count"])
    model.diagnostics_ = Diagnostics.from_list(data.get("diagnostics") or [])
    boot = data.get("bootstrap")
    model.bootstrap_ = None if boot is None else np.array([_none_to_nan(r) for r in boot])
    model.n_boot_used_ = (0 if model.bootstrap_ is None
                          else int(np.isfinite(model.bootstrap_).all(axis=1).sum()))
    return model
