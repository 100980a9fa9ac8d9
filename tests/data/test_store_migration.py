"""Stores written before the version-2 columns: migrated on write, read as NULL on read."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import pandas as pd
import pytest

from redline.data.schema import EVENT_COLUMNS, STORE_VERSION
from redline.data.store import DuckDBStore
from redline.errors import StoreBusyError, StoreError

V1 = [c.name for c in EVENT_COLUMNS if c.since == 1]
V2 = [c.name for c in EVENT_COLUMNS if c.since == 2]
OLD_LOG = ("ingest_id, file, sha256, format, case_name, rows_read, rows_added, started, seconds")


def _old_store(tmp_path):
    """A store as redline wrote it before version 2: v1 columns only, old ingest log."""
    new = DuckDBStore(tmp_path / "new.duckdb")
    new.ingest("us-iran-proxies-2023")
    old_path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(old_path))
    try:
        con.execute(f"ATTACH '{new.path}' AS n (READ_ONLY)")
        cols = ", ".join(f'"{c}"' for c in V1)
        con.execute(f"CREATE TABLE events AS SELECT {cols} FROM n.events")
        con.execute(f"CREATE TABLE ingest_log AS SELECT {OLD_LOG} FROM n.ingest_log")
    finally:
        con.close()
    return DuckDBStore(old_path)


def _columns(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [r[0] for r in con.execute("DESCRIBE events").fetchall()]
    finally:
        con.close()


def test_version_two_adds_the_columns_the_issue_asks_for():
    assert STORE_VERSION == 2
    assert set(V2) >= {"case_id", "extra", "mutual", "killed_low", "killed_high",
                       "location_precision", "actor_killed", "source_release"}
    # the raw names stay beside the resolved ids, so resolution can follow a changed case
    assert {"actor_raw", "target_raw"} <= set(V1)
    # new columns are appended: a migrated store keeps the column order of a new one
    names = [c.name for c in EVENT_COLUMNS]
    assert names[-len(V2):] == V2


def test_old_store_reads_without_being_changed(tmp_path):
    store = _old_store(tmp_path)
    before = _columns(store.path)
    ro = DuckDBStore(store.path, read_only=True)
    ev = ro.events()
    assert len(ev) == 233 and list(ev.columns) == [c.name for c in EVENT_COLUMNS]
    assert ev[V2].isna().all().all()
    assert ro.count() == 233 and len(ro.dyads()) > 0
    assert _columns(store.path) == before  # reading did not migrate the file
    with pytest.raises(StoreError, match="read-only"):
        ro.ingest("us-iran-proxies-2023")


def test_old_store_is_migrated_on_the_first_write(tmp_path):
    store = _old_store(tmp_path)
    before = store.events().set_index("event_id").sort_index()
    extra = tmp_path / "more.csv"
    extra.write_text("event_id,date,actor,event_type,killed\nm1,2024-03-01,kh,ASSAULT,2\n",
                     encoding="utf-8")
    res = store.ingest(extra)
    assert res.rows_added == 1
    assert store.migrated == V2 + ["ingest_log." + c for c in
                                   ("rows_revised", "rows_conflicting", "rows_skipped", "release")]
    assert _columns(store.path) == [c.name for c in EVENT_COLUMNS]
    after = store.events().set_index("event_id").sort_index()
    assert len(after) == len(before) + 1 == 234
    # the old rows are untouched in every old column, and unknown (NULL) in the new ones
    pd.testing.assert_frame_equal(after.loc[before.index, [c for c in V1 if c != "event_id"]],
                                  before[[c for c in V1 if c != "event_id"]])
    assert after.loc[before.index, V2].isna().all().all()
    log = store.ingest_log()
    assert len(log) == 2 and log.rows_skipped.isna().iloc[0] and log.rows_skipped.iloc[1] == 0
    # a second write finds nothing left to migrate
    store.migrated = []
    store.ingest(extra)
    assert store.migrated == []


def test_old_parquet_dataset_reads_new_columns_as_null(tmp_path):
    from redline.data.engines.duckdb_parquet import ParquetStore
    store = _old_store(tmp_path)
    folder = tmp_path / "pq" / "year=2024" / "month=1"
    folder.mkdir(parents=True)
    con = duckdb.connect(str(store.path), read_only=True)
    try:
        con.execute(f"COPY (SELECT * FROM events WHERE month(date) = 1 AND year(date) = 2024) "
                    f"TO '{folder / 'old.parquet'}' (FORMAT parquet)")
        n_jan = con.execute("SELECT count(*) FROM events WHERE month(date) = 1 "
                            "AND year(date) = 2024").fetchone()[0]
    finally:
        con.close()
    pq = ParquetStore(tmp_path / "pq")
    ev = pq.events()
    assert len(ev) == n_jan > 0 and ev[V2].isna().all().all()
    # files written now (with the new columns) sit beside the old ones
    new = tmp_path / "new.csv"
    new.write_text("event_id,date,actor,event_type\nn1,2024-01-15,kh,ASSAULT\n", encoding="utf-8")
    pq.ingest(new)
    pq.close()
    ev = ParquetStore(tmp_path / "pq").events().set_index("event_id")
    assert len(ev) == n_jan + 1 and pd.isna(ev.loc["csv:n1", "mutual"])
    assert ev.loc["csv:n1", "source_format"] == "csv"


def test_read_only_store_reads_while_another_process_reads(tmp_path):
    """`redline brief` (read-only) while `redline serve` (read-only) holds the file; a
    writer is then the one refused, with the store-busy message."""
    store = DuckDBStore(tmp_path / "s.duckdb")
    store.ingest("us-iran-proxies-2023")
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(store.path)!r}, read_only=True)
            con.execute("SELECT count(*) FROM events").fetchall()
            print("ready", flush=True)
            sys.stdin.readline()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        assert DuckDBStore(store.path, read_only=True).count() == 233
        with pytest.raises(StoreBusyError):
            DuckDBStore(store.path).ingest("us-iran-proxies-2023")
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_every_engine_satisfies_the_store_protocol(tmp_path):
    from redline.data.engines.duckdb_parquet import ParquetStore
    from redline.data.open import open_store
    from redline.data.protocol import Store
    assert isinstance(DuckDBStore(tmp_path / "x.duckdb"), Store)
    assert isinstance(ParquetStore(tmp_path / "p"), Store)
    ro = open_store(tmp_path / "x.duckdb", read_only=True)
    assert isinstance(ro, Store) and ro.read_only
    try:
        from redline.data.engines.spark import SparkStore
    except ImportError:  # pragma: no cover - spark is an extra
        return
    assert all(hasattr(SparkStore, m) for m in ("table", "events", "ingest", "ingest_log"))


def test_formats_doc_lists_every_store_column():
    from pathlib import Path
    doc = (Path(__file__).parents[2] / "docs" / "formats.md").read_text(encoding="utf-8")
    for c in EVENT_COLUMNS:
        assert f"| `{c.name}` | {c.sql} | {c.since} | {c.doc} |" in doc, c.name
