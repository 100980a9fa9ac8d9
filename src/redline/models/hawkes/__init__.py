"""Hawkes models: likelihoods (pure functions), estimators and simulation."""

from redline.models.hawkes._daily import DailyHawkes
from redline.models.hawkes._estimators import Hawkes
from redline.models.hawkes._inference import ResidualsResult
from redline.models.hawkes._likelihood import daily_state, hawkes_exp_loglik
from redline.models.hawkes._simulate import simulate_daily_paths, simulate_hawkes

__all__ = [
    "DailyHawkes",
    "Hawkes",
    "ResidualsResult",
    "daily_state",
    "hawkes_exp_loglik",
    "simulate_daily_paths",
    "simulate_hawkes",
]
