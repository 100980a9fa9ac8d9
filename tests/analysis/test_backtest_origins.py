"""The case backtest's origins: weekly, capped over long windows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from redline.analysis.backtest import backtest_case


def _events(n_days: int, seed: int = 0) -> list[dict]:
    rng = np.random.default_rng(seed)
    out = []
    for day in range(n_days):
        out += [{"day": day, "actor": "brigade", "target": "home"}] * int(rng.poisson(0.8))
        out += [{"day": day, "actor": "home", "target": "brigade", "mode": "aerial"}] * int(
            rng.poisson(0.3))
    return out


def test_weekly_origins_are_capped_and_spread_over_the_same_span(make_case):
    store, case = make_case(_events(400), 400)
    weekly = backtest_case(store, case, n_paths=50, streams=["attacks"])
    capped = backtest_case(store, case, n_paths=50, streams=["attacks"], max_origins=8)
    w = pd.DatetimeIndex(sorted(weekly.scores["origin"].unique()))
    c = pd.DatetimeIndex(sorted(capped.scores["origin"].unique()))
    assert len(w) > 8 and len(c) == 8
    assert c[0] == w[0] and abs((c[-1] - w[-1]).days) < 7  # the same span, evenly
    gaps = np.diff(c.asi8) / 86_400e9
    assert gaps.max() - gaps.min() <= 1
    # a cap above the weekly count changes nothing
    same = backtest_case(store, case, n_paths=50, streams=["attacks"], max_origins=len(w) + 5)
    assert list(pd.DatetimeIndex(sorted(same.scores["origin"].unique()))) == list(w)
