"""The app's DuckDB store keeps one read-only connection while busy, and lets writers in."""

from __future__ import annotations

import datetime as dt
import threading
import time

import duckdb
import pandas as pd

from redline.data import pool
from redline.data.filters import EventFilter
from redline.data.store import DuckDBStore

CASE = "us-iran-proxies-2023"


def test_pooled_reads_threads_writes_and_idle_close(tmp_path, monkeypatch):
    monkeypatch.setattr(pool, "IDLE_SECONDS", 0.3)
    path = tmp_path / "p.duckdb"
    DuckDBStore(path).ingest(CASE)
    s = pool.pooled(DuckDBStore(path))
    assert isinstance(s, pool.PooledDuckDBStore) and pool.pooled(DuckDBStore(path)) is s
    n = s.count()
    errors = []

    def read():
        try:
            for _ in range(5):
                assert len(s.events(EventFilter(event_types="ASSAULT"), limit=3)) == 3
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
    threads = [threading.Thread(target=read) for _ in range(6)]
    for t in threads:
        t.start()
    s.ingest_frame(pd.DataFrame([{  # a write waits for the reads, then they see it
        "event_id": "pool:1", "date": dt.date(2024, 1, 1), "actor": "a", "target": None,
        "event_type": "ASSAULT", "summary": "x", "machine_coded": True, "sources": ["s"]}]), "pool")
    for t in threads:
        t.join()
    assert not errors and s.count() == n + 1 and s._con is not None
    time.sleep(1.0)
    assert s._con is None  # idle: closed, so another process could write
    duckdb.connect(str(path)).close()
    assert s.count() == n + 1  # and reopened on the next read


def test_a_store_of_the_old_schema_is_read_through_the_pool_read_only(tmp_path):
    """serve opens the store read-only and pools its reads: a store written before the
    case_id/mutual columns cannot be migrated then, so the pool must read the store's
    relation that fills them in (case scope by the old id prefix still finds the case)."""
    import duckdb

    from redline.data.filters import EventFilter, case_scope
    from redline.data.pool import pooled
    from redline.data.store import DuckDBStore
    path = tmp_path / "old.duckdb"
    DuckDBStore(path).ingest("us-iran-proxies-2023")
    con = duckdb.connect(str(path))
    for col in ("case_id", "mutual", "extra", "killed_low", "killed_high", "actor_killed",
                "location_precision", "source_release"):
        con.execute(f'ALTER TABLE events DROP COLUMN "{col}"')
    con.close()
    ro = pooled(DuckDBStore(path, read_only=True))
    assert ro.read_only
    assert ro.count(EventFilter(**case_scope("us-iran-proxies-2023"))) == 233
