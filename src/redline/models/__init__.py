"""Models of escalation: Hawkes processes and the baselines they are judged against.

``models`` depends on numpy, scipy, numba and pandas only: never on the event
store, plotting or the CLI.
"""

from redline.models.backtest import BacktestResult, rolling_origin
from redline.models.baselines import Conflictology, NegBinBaseline, Persistence, PoissonBaseline
from redline.models.hawkes import (
    DailyHawkes,
    Hawkes,
    ResidualsResult,
    daily_state,
    hawkes_exp_loglik,
    simulate_daily_paths,
    simulate_hawkes,
)
from redline.models.scoring import crps_from_pmf, crps_from_samples, log_score_from_pmf

__all__ = [
    "BacktestResult",
    "Conflictology",
    "DailyHawkes",
    "Hawkes",
    "NegBinBaseline",
    "Persistence",
    "PoissonBaseline",
    "ResidualsResult",
    "crps_from_pmf",
    "crps_from_samples",
    "daily_state",
    "hawkes_exp_loglik",
    "log_score_from_pmf",
    "rolling_origin",
    "simulate_daily_paths",
    "simulate_hawkes",
]
