"""The model-based view of deterrence finds a planted inhibition, and no effect when there is none.

Events are simulated from ``DailyHawkes(link="softplus")`` with known couplings
and written as a synthetic case; the view must report the sign that was
planted (strikes lower attacks), and "unclear" when the coupling is zero.
"""

from __future__ import annotations

import numpy as np
import pytest

from redline.analysis.deterrence import deterrence
from redline.models import simulate_daily_paths

N_DAYS = 500


def _events(strike_on_attack: float, seed: int) -> list[dict]:
    # stream 0: attacks (brigade -> home), stream 1: strikes (home -> brigade), which answer attacks
    mu = np.tile([0.4, -1.6], (N_DAYS, 1))
    adj = np.array([[0.3, strike_on_attack], [0.8, 0.0]])
    y = simulate_daily_paths(mu, adj, np.array([0.5, 0.3]), horizon=N_DAYS, n_paths=1,
                             link="softplus", random_state=seed)[0]
    ev = []
    for day in range(N_DAYS):
        ev += [{"day": day, "actor": "brigade", "target": "home"}] * int(y[day, 0])
        ev += [{"day": day, "actor": "home", "target": "brigade", "mode": "aerial"}] * int(y[day, 1])
    return ev


@pytest.mark.parametrize("coupling, verdict", [(-1.5, "inhibits (deterrence)"), (0.0, "unclear")])
def test_model_view_reports_the_planted_sign(make_case, coupling, verdict):
    store, case = make_case(_events(coupling, seed=21), N_DAYS)
    fit = deterrence(store, case, windows=(14,), fit_model=True).model["fits"][0]
    assert fit["verdict"] == verdict, fit
    # a 95% Wald interval: symmetric about the estimate, and the truth within 4 of its errors
    assert fit["high"] - fit["effect"] == pytest.approx(fit["effect"] - fit["low"], rel=1e-6)
    se = (fit["high"] - fit["low"]) / (2 * 1.959964)
    assert abs(fit["effect"] - coupling) < 4 * se
