"""Reciprocity's notes and errors say the right thing, with the right numbers."""

from __future__ import annotations

import pytest

from redline.analysis.reciprocity import reciprocity
from redline.errors import AnalysisError


def _events():
    ev = [{"day": d, "actor": "home", "target": "brigade", "mode": "aerial"} for d in (5, 20, 40)]
    # a reaction on the same day as the strike of day 20, and later ones
    ev += [{"day": d, "actor": "brigade", "target": "home"} for d in (7, 20, 23, 44, 50)]
    return ev


def test_same_day_pairs_are_noted_only_when_they_are_not_counted(make_case):
    store, case = make_case(_events(), 60)
    lag1 = reciprocity(store, case, "strikes", "attacks", window=7)
    assert any("share their day with a reaction" in n for n in lag1.notes)
    lag0 = reciprocity(store, case, "strikes", "attacks", window=7, min_lag=0)
    assert not any("share their day" in n for n in lag0.notes)


def test_too_long_window_says_how_long_it_may_be(make_case):
    store, case = make_case(_events(), 60)
    with pytest.raises(AnalysisError) as exc:
        reciprocity(store, case, "strikes", "attacks", window=60)
    assert exc.value.expected == "fewer than 30 days"
