"""The store with the built-in case: counts, idempotence, the ingest log."""

from __future__ import annotations

from redline.data.case import load_case


def test_builtin_case_ingests_232_events_once(store):
    first = store.ingest("us-iran-proxies-2023")
    assert (first.format, first.rows_read, first.rows_added) == ("case", 233, 233)
    assert store.count() == 233
    again = store.ingest("us-iran-proxies-2023")
    assert (again.rows_read, again.rows_added) == (233, 0)
    assert store.count() == 233
    log = store.ingest_log()
    assert list(log.rows_added) == [233, 0] and log.case_name.eq("us-iran-proxies-2023").all()


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
    assert counts == {"case": 233, "icews": 3705}


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


def test_repeated_id_differing_only_after_the_first_column_is_refused(tmp_path, unchanged):
    """Two rows with one id and one date but different casualties are a conflict, not a
    repeat: the whole row is compared, not its first column."""
    import pytest

    from redline.data.store import DuckDBStore
    from redline.errors import DuplicateIdError
    store = DuckDBStore(tmp_path / "d.duckdb")
    store.ingest("us-iran-proxies-2023")
    bad = tmp_path / "dup.csv"
    bad.write_text("event_id,date,actor,event_type,killed\n"
                   "a1,2024-01-01,kh,ASSAULT,1\na1,2024-01-01,kh,ASSAULT,3\n", encoding="utf-8")
    with unchanged(store), pytest.raises(DuplicateIdError) as e:
        store.ingest(bad)
    assert "line 3" in str(e.value) and "lines 2 and 3" in str(e.value)


def test_revised_records_are_counted_not_silently_dropped(tmp_path):
    from redline.data.store import DuckDBStore
    store = DuckDBStore(tmp_path / "r.duckdb")
    first = tmp_path / "v1.csv"
    first.write_text("event_id,date,actor,event_type,killed\na1,2024-01-01,kh,ASSAULT,1\n",
                     encoding="utf-8")
    second = tmp_path / "v2.csv"
    second.write_text("event_id,date,actor,event_type,killed\na1,2024-01-01,kh,ASSAULT,3\n"
                      "a2,2024-01-02,kh,ASSAULT,1\n", encoding="utf-8")
    store.ingest(first)
    res = store.ingest(second)
    assert (res.rows_read, res.rows_added, res.rows_changed) == (2, 1, 1)
    assert "differ from the stored events" in str(res)
    assert store.events().set_index("event_id").loc["csv:a1", "killed"] == 1


def test_ingest_frame_keeps_one_row_per_id(tmp_path):
    import datetime as dt

    import pandas as pd

    from redline.data.store import DuckDBStore
    store = DuckDBStore(tmp_path / "f.duckdb")
    frame = pd.DataFrame({"event_id": ["t:1", "t:1"], "date": [dt.date(2024, 1, 2)] * 2,
                          "actor": ["iran", "iran"], "event_type": ["ASSAULT", "ASSAULT"]})
    assert store.ingest_frame(frame, "f").rows_added == 1
    assert store.count() == 1


def test_case_alias_naming_two_actors_is_refused(tmp_path):
    import shutil

    import pytest

    from redline.data.case import builtin_cases, load_case
    from redline.errors import ValidationError
    folder = tmp_path / "case"
    shutil.copytree(builtin_cases()["us-iran-proxies-2023"], folder)
    text = (folder / "case.yaml").read_text(encoding="utf-8")
    (folder / "case.yaml").write_text(text.replace("aliases: [Iran, Tehran,", "aliases: [KH, Iran, Tehran,"),
                                      encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        load_case(folder)
    assert "'KH'" in str(e.value) and "kataib_hezbollah" in str(e.value) and "line" in str(e.value)
