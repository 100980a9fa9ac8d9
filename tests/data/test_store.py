"""The store with the built-in case: counts, idempotence, the ingest log."""

from __future__ import annotations

from redline.data.case import load_case


def test_builtin_case_ingests_232_events_once(store):
    first = store.ingest("us-iran-proxies-2023")
    assert (first.format, first.rows_read, first.rows_added) == ("case", 232, 232)
    assert store.count() == 232
    again = store.ingest("us-iran-proxies-2023")
    assert (again.rows_read, again.rows_added) == (232, 0)
    assert store.count() == 232
    log = store.ingest_log()
    assert list(log.rows_added) == [232, 0] and log.case_name.eq("us-iran-proxies-2023").all()


def test_builtin_case_actors_resolve(store):
    store.ingest("us-iran-proxies-2023")
    ids = {a.id for a in load_case("us-iran-proxies-2023").actors}
    df = store.events()
    assert df.event_id.str.startswith("us-iran-proxies-2023:").all()
    resolved = df.actor.isin(ids).mean()
    assert resolved > 0.9, f"only {resolved:.0%} of actors resolve to case ids"
    tower22 = df[(df.date.dt.strftime("%Y-%m-%d") == "2024-01-28") & (df.event_type == "ASSAULT")]
    assert len(tower22) >= 1 and tower22.target_killed.max() == 3


def test_formats_mix_in_one_store(store, real_samples):
    store.ingest("us-iran-proxies-2023")
    store.ingest(real_samples / "icews-andybega" / "events.2018.sample.tab")
    counts = store.events().groupby("source_format").size().to_dict()
    assert counts == {"case": 232, "icews": 3705}


def test_ingest_frame_with_only_the_required_columns(tmp_path):
    """Coded events from Python need only event_id and date; the rest is NULL
    (intensity still computed from what is there), and a second call adds nothing."""
    import datetime as dt

    import pandas as pd

    from redline.data.store import DuckDBStore
    store = DuckDBStore(tmp_path / "f.duckdb")
    frame = pd.DataFrame({"event_id": ["x:1", "x:2"], "date": [dt.date(2024, 1, 2)] * 2,
                          "actor": ["iran", None], "event_type": ["ASSAULT", "ACCUSE"]})
    first = store.ingest_frame(frame, "frame")
    again = store.ingest_frame(frame, "frame")
    assert (first.rows_added, again.rows_added) == (2, 0)
    ev = store.events().set_index("event_id")
    assert ev.loc["x:1", "intensity"] == -10.0 and ev.loc["x:2", "intensity"] < 0
    assert pd.isna(ev.loc["x:1", "mode"]) and pd.isna(ev.loc["x:1", "killed"])
