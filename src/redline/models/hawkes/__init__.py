"""Hawkes models: parameter layout, likelihoods (pure functions), estimators and simulation."""

from redline.models.hawkes._daily import DailyHawkes
from redline.models.hawkes._estimators import Hawkes
from redline.models.hawkes._inference import ResidualsResult
from redline.models.hawkes._likelihood import daily_state, hawkes_exp_loglik
from redline.models.hawkes._params import DailyParams, DailySpec, softplus, softplus_inv
from redline.models.hawkes._simulate import simulate_daily_paths, simulate_hawkes
from redline.models.hawkes._simulate_daily import (
    FATALITIES,
    DailySimulation,
    Interventions,
    RedLineRule,
    path_seeds_for,
    simulate_daily,
)

__all__ = [
    "FATALITIES",
    "DailyHawkes",
    "DailyParams",
    "DailySimulation",
    "DailySpec",
    "Hawkes",
    "Interventions",
    "RedLineRule",
    "ResidualsResult",
    "daily_state",
    "hawkes_exp_loglik",
    "path_seeds_for",
    "simulate_daily",
    "simulate_daily_paths",
    "simulate_hawkes",
    "softplus",
    "softplus_inv",
]
