"""Daily unit series for the benchmark."""

import pandas as pd
import pytest

from redline.data.units import daily_units
from redline.errors import InputError


def _events():
    rows = [("2020-01-01", "A", "B", "X"), ("2020-01-01", "B", "A", "X"),
            ("2020-01-03", "B", "A", "X"), ("2020-01-02", "C", "D", "Y"),
            ("2020-01-05", "C", None, "Y")]
    return pd.DataFrame(rows, columns=["date", "actor", "target", "country"])


def test_dyads_are_unordered_by_default_and_filled_to_the_last_day():
    u = daily_units(_events(), by="dyad", min_events=1)
    assert sorted(u) == ["A – B", "C – D"]
    ab = u["A – B"]
    assert ab.index[0] == pd.Timestamp("2020-01-01") and ab.index[-1] == pd.Timestamp("2020-01-05")
    assert ab.tolist() == [2, 0, 1, 0, 0]
    assert u["C – D"].tolist() == [1, 0, 0, 0]  # the event without a target is not a dyad's


def test_ordered_dyads_min_events_and_countries():
    u = daily_units(_events(), by="dyad", min_events=2, ordered=True)
    assert list(u) == ["B – A"]
    c = daily_units(_events(), by="country", min_events=2, end="2020-01-06")
    assert c["X"].tolist() == [2, 0, 1, 0, 0, 0] and c["Y"].sum() == 2
    with pytest.raises(InputError, match="--by"):
        daily_units(_events(), by="region")
    with pytest.raises(InputError, match="country"):
        daily_units(_events().drop(columns="country"), by="country")


def test_mutual_events_stay_unordered_when_dyads_are_ordered():
    ev = _events().assign(mutual=[True, True, False, False, False])
    u = daily_units(ev, by="dyad", min_events=1, ordered=True)
    # the two mutual A/B events are one unordered pair; the directed B→A one stands apart
    assert u["A – B"].sum() == 2 and u["B – A"].sum() == 1
