"""Events outside the case window are counted and named; coarse dates are flagged."""

from __future__ import annotations

from redline.analysis.window import date_precision, outside_window


def _attack(day, **kw):
    return {"day": day, "actor": "brigade", "target": "home", **kw}


def test_events_after_the_window_are_counted_per_stream(make_case):
    inside = [_attack(d) for d in (3, 10, 20)]
    after = [_attack(45), _attack(70), {"day": 50, "actor": "home", "target": "brigade"}]
    store, case = make_case(inside + after, n_days=40)
    ow = outside_window(store, case)
    assert ow.n_before == 0 and ow.n_after == 3 and ow.all_after == 3
    rows = ow.after.set_index("stream")
    assert rows.at["attacks", "events"] == 2 and rows.at["strikes", "events"] == 1
    assert str(rows.at["attacks", "first"]) == "2023-02-15" and str(rows.at["attacks", "last"]) == "2023-03-12"
    (s,) = ow.sentences()
    assert s.startswith("The store holds 3 more events of the case after 9 Feb 2023")
    assert "2 in “attacks” (15 Feb 2023 – 12 Mar 2023)" in s
    assert ow.diagnostics.has("analysis.events_outside_window")


def test_nothing_outside_the_window_says_nothing(make_case):
    store, case = make_case([_attack(d) for d in (1, 2, 30)], n_days=40)
    ow = outside_window(store, case)
    assert ow.sentences() == [] and not ow.diagnostics and not ow.data_after_end


def test_share_of_events_dated_to_a_month_is_flagged(make_case):
    from redline.data.streams import streams
    ev = [_attack(d) for d in range(0, 30, 3)] + [_attack(14, date_precision="month")] * 2
    store, case = make_case(ev, n_days=40)
    data = streams(store, case)
    table, diags = date_precision(store.events(), data.event_ids)
    row = table.set_index("stream").loc["attacks"]
    assert row["events"] == 12 and row["coarse"] == 2 and abs(row["share"] - 2 / 12) < 1e-12
    assert diags.has("analysis.imprecise_dates", "attacks")
    assert not diags.has("analysis.imprecise_dates", "strikes")
