"""Models of escalation: Hawkes processes and the baselines they are judged against.

``models`` depends on numpy, scipy, numba, pandas and threadpoolctl only: never on the event
store, plotting or the CLI.
"""

from redline.models.backtest import BacktestResult, rolling_origin
from redline.models.baselines import Conflictology, NegBinBaseline, Persistence, PoissonBaseline
from redline.models.hawkes import (
    FATALITIES,
    DailyHawkes,
    DailyParams,
    DailySimulation,
    DailySpec,
    Hawkes,
    Interventions,
    RedLineRule,
    ResidualsResult,
    daily_state,
    hawkes_exp_loglik,
    path_seeds_for,
    simulate_daily,
    simulate_daily_paths,
    simulate_hawkes,
    softplus,
    softplus_inv,
)
from redline.models.scoring import crps_from_pmf, crps_from_samples, log_score_from_pmf

__all__ = [
    "FATALITIES",
    "BacktestResult",
    "Conflictology",
    "DailyHawkes",
    "DailyParams",
    "DailySimulation",
    "DailySpec",
    "Hawkes",
    "Interventions",
    "NegBinBaseline",
    "Persistence",
    "PoissonBaseline",
    "RedLineRule",
    "ResidualsResult",
    "crps_from_pmf",
    "crps_from_samples",
    "daily_state",
    "hawkes_exp_loglik",
    "log_score_from_pmf",
    "path_seeds_for",
    "rolling_origin",
    "simulate_daily",
    "simulate_daily_paths",
    "simulate_hawkes",
    "softplus",
    "softplus_inv",
]
