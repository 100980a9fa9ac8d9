"""Backtest errors name what a valid value looks like, with the right numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from redline.errors import ModelError
from redline.models import PoissonBaseline, rolling_origin


def _y(n=30):
    days = pd.date_range("2024-03-01", periods=n, freq="D")
    return pd.DataFrame({"a": np.arange(n) % 3}, index=days)


def test_horizon_too_long_for_the_default_origins_says_how_long_it_may_be():
    # 30 days: the training half is 15 days, so at most 15 days of horizon
    with pytest.raises(ModelError) as exc:
        rolling_origin(_y(30), {"p": PoissonBaseline}, horizon=17, reference="p")
    assert exc.value.expected == "a horizon <= 15 days"


def test_first_day_as_origin_leaves_no_training_data():
    y = _y(30)
    with pytest.raises(ModelError, match="leaves no training data") as exc:
        rolling_origin(y, {"p": PoissonBaseline}, horizon=5, origins=[y.index[0]], reference="p")
    assert exc.value.expected == "rows 1..25"
    with pytest.raises(ModelError, match="is not a day of y"):
        rolling_origin(y, {"p": PoissonBaseline}, horizon=5, origins=["2023-01-01"], reference="p")
