"""Rolling-origin backtest of a case: the Hawkes model against every baseline."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from redline.data.case import Case, load_case
from redline.data.streams import covariate_frame
from redline.data.streams import streams as read_streams
from redline.errors import InputError

__all__ = ["backtest_case"]


def backtest_case(store, case: Case | str, horizon: int = 14, origins: str | int = "weekly",
                  start: str | dt.date | None = None, end: str | dt.date | None = None,
                  streams: list[str] | None = None, n_paths: int = 500, random_state: int = 1,
                  future_covariates: str = "hold", max_origins: int | None = None):
    """Fit on data before each origin, forecast ``horizon`` days, score (CRPS, log score).

    Models: DailyHawkes (the case's link, with its covariates), PoissonBaseline,
    NegBinBaseline and Persistence(7).  ``origins`` is ``"weekly"`` (every 7 days
    between ``start`` and ``end``) or a number of evenly spaced origins.  The
    default span runs from the middle of the case window to ``horizon`` days before
    its end, so every forecast can be scored.  ``future_covariates`` is passed to
    :func:`~redline.models.rolling_origin`: ``"hold"`` (default) keeps each
    covariate at its value on the day before the origin; ``"observed"`` gives the
    model the realised values and labels the result conditional on them.
    ``max_origins``: when weekly origins would be more than this many (a window of
    years), this many spread evenly over the same span instead (each origin refits
    every model, so the cost grows with their number).

    Returns
    -------
    :class:`redline.models.BacktestResult`
    """
    from redline.models import (
        DailyHawkes,
        NegBinBaseline,
        Persistence,
        PoissonBaseline,
        rolling_origin,
    )

    if isinstance(case, str):
        case = load_case(case)
    if horizon < 1:
        raise InputError("horizon must be at least 1 day", field="--horizon", expected="an integer >= 1")
    counts = read_streams(store, case, streams or case.model.streams or None).counts
    cov = None
    names = case.model.covariates
    if names:
        cov = covariate_frame(case, counts.index, names)
    idx = counts.index
    need = 30 + 2 * horizon
    if len(idx) < need:
        raise InputError(f"the case window holds {len(idx)} days, too few to backtest a "
                         f"{horizon}-day forecast", field="window",
                         expected=f"at least {need} days (30 to fit before the first origin, and "
                                  f"room for {horizon}-day forecasts after it)")
    first = pd.Timestamp(start) if start else idx[len(idx) // 2]
    last = pd.Timestamp(end) if end else idx[-horizon]
    if first < idx[30] or last > idx[-horizon] or last < first:
        raise InputError(f"origins must lie between {idx[30]:%Y-%m-%d} and {idx[-horizon]:%Y-%m-%d}",
                         field="--from/--to",
                         expected="dates leaving 30 days to fit before and the horizon after")
    if origins == "weekly":
        chosen = list(pd.date_range(first, last, freq="7D"))
        if max_origins is not None and len(chosen) > max_origins:
            chosen = list(pd.DatetimeIndex(pd.Series(pd.date_range(
                first, last, periods=max_origins)).dt.normalize()))
    else:
        try:
            k = int(origins)
        except ValueError:
            raise InputError(f"invalid origins {origins!r}", field="--origins",
                             expected="weekly, or a number such as 8") from None
        chosen = list(pd.DatetimeIndex(pd.Series(pd.date_range(first, last, periods=k)).dt.normalize()))
    link = case.model.link
    models = {
        "daily-hawkes": lambda: DailyHawkes(link=link, random_state=random_state),
        "poisson": PoissonBaseline,
        "negbin": NegBinBaseline,
        "persistence": lambda: Persistence(k=7),
    }
    # Fits that did not converge are counted on the result's diagnostics by
    # rolling_origin (not relabelled here as "unidentified parameters").
    return rolling_origin(counts, models, horizon=horizon, origins=chosen, covariates=cov,
                          n_paths=n_paths, random_state=random_state,
                          future_covariates=future_covariates)
