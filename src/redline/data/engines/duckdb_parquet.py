"""Parquet datasets: the layout, how redline writes them, and DuckDB reading them.

A redline Parquet dataset is a folder::

    DIR/year=2024/month=2/case-<sha16>-0.parquet   events, canonical columns
    DIR/_redline_ingest_log.jsonl                   one JSON line per ingest/export

partitioned by the year and month of ``date`` (Hive style, so Spark, DuckDB,
BigQuery external tables and pandas all read it).  Files starting with ``_`` are
ignored by Spark and by redline's reader.

Writes go through the DuckDB store's own ingest code: the source is ingested into
a staging DuckDB file inside ``DIR`` (same importers, validation, ids and
intensity as ``redline ingest`` into a DuckDB store, in bounded memory), then
DuckDB ``COPY ... PARTITION_BY (year, month)`` streams the rows whose
``event_id`` is not yet in the dataset into new files named by the source's
SHA-256.  A source already in the log is skipped; re-writing it adds nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb
import ibis
import pandas as pd

from redline.data.engines.base import EventReads, check_columns
from redline.data.filters import EventFilter
from redline.data.importers.base import sql_str
from redline.data.protocol import Store
from redline.data.schema import column_names, select_canonical_sql
from redline.errors import StoreBusyError, StoreError

__all__ = ["ParquetStore", "DATA_GLOB", "LOG_NAME", "partitioned_select", "append_to_dataset",
           "is_parquet_dataset"]

DATA_GLOB = "year=*/month=*/*.parquet"
LOG_NAME = "_redline_ingest_log.jsonl"
_LOG_COLUMNS = ["ingest_id", "file", "sha256", "format", "case_name", "rows_read", "rows_added",
                "started", "seconds"]


def _columns_sql(prefix: str = "") -> str:
    return ", ".join(f'{prefix}"{c}"' for c in column_names())


def partitioned_select(select_sql: str) -> str:
    """``select_sql`` (canonical columns) plus the ``year`` and ``month`` partition keys."""
    return (f"SELECT {_columns_sql('s.')}, CAST(year(s.date) AS INTEGER) AS year, "
            f"CAST(month(s.date) AS INTEGER) AS month FROM ({select_sql}) s")


def is_parquet_dataset(path: str | Path) -> bool:
    """True when ``path`` is a folder (a redline Parquet dataset, possibly empty)."""
    p = Path(path)
    return p.is_dir() and not (p / "case.yaml").exists()


def data_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(DATA_GLOB))


def read_log(folder: Path) -> pd.DataFrame:
    path = folder / LOG_NAME
    rows = []
    if path.exists():
        with open(path, encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
    df = pd.DataFrame(rows, columns=_LOG_COLUMNS)
    df["started"] = pd.to_datetime(df["started"])
    return df.sort_values("started", kind="stable").reset_index(drop=True)


def append_log(folder: Path, record: dict) -> None:
    with open(folder / LOG_NAME, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, default=str) + "\n")


@contextlib.contextmanager
def dataset_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on the dataset for one writer (``_redline.lock``)."""
    import fcntl

    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "_redline.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise StoreBusyError(f"the Parquet dataset {folder} is busy: another process is "
                                 "writing to it", expected="try again when that ingest has finished") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def append_to_dataset(con: duckdb.DuckDBPyConnection, select_sql: str, folder: Path,
                      name: str) -> int:
    """Write the rows of ``select_sql`` whose ``event_id`` is not in ``folder`` yet.

    Streams through DuckDB ``COPY`` into a staging folder, then moves the files
    into place (``year=Y/month=M/<name>-<i>.parquet``).  Returns rows written.
    Call under :func:`dataset_lock`.
    """
    folder.mkdir(parents=True, exist_ok=True)
    existing = data_files(folder)
    if existing:
        glob = sql_str(str(folder / DATA_GLOB))
        select_sql = (f"SELECT * FROM ({select_sql}) n WHERE NOT EXISTS (SELECT 1 FROM "
                      f"read_parquet({glob}, hive_partitioning=false) d WHERE d.event_id = n.event_id)")
    staging = Path(tempfile.mkdtemp(prefix="_staging-copy-", dir=folder))
    try:
        copied = con.execute(
            f"COPY ({partitioned_select(select_sql)}) TO {sql_str(str(staging))} "
            f"(FORMAT parquet, PARTITION_BY (year, month), FILENAME_PATTERN '{name}-{{i}}', "
            f"OVERWRITE_OR_IGNORE)").fetchone()
        assert copied is not None  # COPY returns one row: the rows written
        written = copied[0]
        for f in staging.glob(DATA_GLOB):
            dest = folder / f.relative_to(staging)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(f, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return int(written or 0)


class ParquetStore(EventReads):
    """A redline Parquet dataset (folder), queried with DuckDB.

    Reads see every ``year=*/month=*/*.parquet`` file; writes (:meth:`ingest`,
    :meth:`ingest_frame`) append new files and never rewrite old ones.

    Parameters
    ----------
    path
        The dataset folder; created on first ingest.
    memory_limit
        DuckDB's memory limit for reads and writes (it spills to disk past it).
    """

    engine = "duckdb"

    def __init__(self, path: str | Path, memory_limit: str | None = None,
                 read_only: bool = False) -> None:
        from redline.data.store import INGEST_MEMORY_LIMIT
        self.path = Path(path)
        self.read_only = read_only
        self.memory_limit = memory_limit or INGEST_MEMORY_LIMIT
        self._db: duckdb.DuckDBPyConnection | None = None
        self._tables: dict[int, ibis.expr.types.Table] = {}  # per thread

    def __repr__(self) -> str:
        return f"ParquetStore({str(self.path)!r})"

    # -- reads -------------------------------------------------------------
    def _database(self) -> duckdb.DuckDBPyConnection:
        """The store's in-memory DuckDB, with views ``raw_events`` and ``events`` over the files.

        Made once per store (views expand the file glob at each query, so new files
        are seen); each operation then works on its own cursor.
        """
        if self._db is not None:
            return self._db
        files = data_files(self.path) if self.path.is_dir() else []
        if not files:
            raise StoreError(f"no Parquet dataset at {self.path}" if not self.path.is_dir()
                             else f"the Parquet dataset {self.path} holds no events",
                             expected="a folder written by `redline ingest --to-parquet DIR` or "
                             "`redline export --parquet DIR` (year=YYYY/month=M/*.parquet)")
        con = duckdb.connect()
        try:
            con.execute(f"SET memory_limit='{self.memory_limit}'")
            glob = sql_str(str(self.path.resolve() / DATA_GLOB))
            try:
                # Files written before a column existed lack it: only then read them by
                # name (union_by_name slows every scan, so it is not the default).
                row = con.execute(f"SELECT count(DISTINCT n) FROM (SELECT file_name, count(*) "
                                  f"AS n FROM parquet_schema({glob}) GROUP BY file_name)"
                                  ).fetchone()
                assert row is not None  # an aggregate returns one row
                widths = row[0]
                union = ", union_by_name=true" if widths > 1 else ""
                con.execute(f"CREATE VIEW raw_events AS SELECT * FROM read_parquet({glob}, "
                            f"hive_partitioning=false{union})")
                found = ibis.duckdb.from_connection(con).table("raw_events").schema()
            except duckdb.Error as exc:
                raise StoreError(f"cannot read the Parquet dataset {self.path}: "
                                 f"{str(exc).splitlines()[0]}") from None
            check_columns(found, str(self.path))
            con.execute(f"CREATE VIEW events AS SELECT {select_canonical_sql(found.names)} "
                        "FROM raw_events")
        except BaseException:
            con.close()
            raise
        self._db = con
        return con

    def close(self) -> None:
        """Close the store's DuckDB (it is reopened on the next query)."""
        if self._db is not None:
            self._tables.clear()
            self._db.close()
            self._db = None

    @contextlib.contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A DuckDB cursor with a view ``events`` over the dataset, for one operation."""
        cur = self._database().cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextlib.contextmanager
    def table(self) -> Iterator[ibis.expr.types.Table]:
        """The events as an Ibis table on this thread's cursor (kept for the store's life)."""
        db = self._database()
        key = threading.get_ident()
        if key not in self._tables:
            self._tables[key] = ibis.duckdb.from_connection(db.cursor()).table("events")
        yield self._tables[key]

    def run(self, expr):
        try:
            return expr.to_pandas()
        except duckdb.Error as exc:
            raise StoreError(f"cannot read the Parquet dataset {self.path}: "
                             f"{str(exc).splitlines()[0]}",
                             expected="files with the canonical event columns and types") from None

    def count(self, filt: EventFilter | None = None) -> int:
        try:
            return super().count(filt)
        except duckdb.Error as exc:
            raise StoreError(f"cannot read the Parquet dataset {self.path}: "
                             f"{str(exc).splitlines()[0]}") from None

    def ingest_log(self) -> pd.DataFrame:
        return read_log(self.path)

    def has_file(self, sha256: str) -> bool:
        return bool((read_log(self.path)["sha256"] == sha256).any())

    # -- writes ------------------------------------------------------------
    def ingest(self, source: str | Path, fmt: str | None = None, case=None,
               release: str | None = None):
        """Add a file's events as new Parquet files; a file already in adds nothing.

        Validation, ids and intensity are those of :meth:`DuckDBStore.ingest`
        (the same code runs on a staging file); memory stays bounded.
        """
        from redline.data.ingest import plan_ingest
        from redline.data.store import IngestResult

        self._refuse_if_read_only()
        t0 = time.perf_counter()
        plan = plan_ingest(source, fmt, case, release=release)
        with dataset_lock(self.path):
            log = read_log(self.path)
            done = log[log["sha256"] == plan.sha256]
            if len(done):
                return IngestResult(str(done["ingest_id"].iloc[0]), plan.display, plan.format,
                                    int(done["rows_read"].iloc[0]), 0,
                                    time.perf_counter() - t0, plan.sha256)
            with self._staging() as staging:
                res = staging.ingest(source, fmt, case, release=release)
                added = self._append_from(staging, f"{res.format}-{res.sha256[:16]}")
        # A dataset is append-only: rows whose id it already holds are skipped, never revised.
        result = IngestResult(res.ingest_id, res.file, res.format, res.rows_read, added,
                              time.perf_counter() - t0, res.sha256,
                              rows_skipped=res.rows_read - added, release=res.release,
                              nul_bytes_stripped=res.nul_bytes_stripped, notes=res.notes)
        self._log(result, plan.case_name, t0)
        return result

    def ingest_frame(self, frame: pd.DataFrame, name: str, fmt: str = "text"):
        """Add already-coded events, idempotently (as :meth:`DuckDBStore.ingest_frame`)."""
        from redline.data.store import IngestResult

        self._refuse_if_read_only()
        t0 = time.perf_counter()
        with dataset_lock(self.path):
            with self._staging() as staging:
                res = staging.ingest_frame(frame, name, fmt)
                added = self._append_from(staging, f"{fmt}-{res.sha256[:16]}-{res.ingest_id}")
        result = IngestResult(res.ingest_id, name, fmt, res.rows_read, added,
                              time.perf_counter() - t0, res.sha256)
        self._log(result, None, t0)
        return result

    def _refuse_if_read_only(self) -> None:
        if self.read_only:
            raise StoreError(f"the Parquet dataset {self.path} was opened read-only",
                             expected="open it with read_only=False to add events")

    @contextlib.contextmanager
    def _staging(self):
        from redline.data.store import DuckDBStore
        self.path.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix="_staging-", dir=self.path))
        try:
            yield DuckDBStore(tmp / "staging.duckdb")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _append_from(self, staging, name: str) -> int:
        if not staging.path.exists():
            return 0
        with staging.connect() as con:
            con.execute(f"SET memory_limit='{self.memory_limit}'")
            con.execute("SET preserve_insertion_order=false")
            return append_to_dataset(con, "SELECT * FROM events", self.path, name)

    def _log(self, result, case_name: str | None, t0: float) -> None:
        append_log(self.path, {
            "ingest_id": result.ingest_id, "file": result.file, "sha256": result.sha256,
            "format": result.format, "case_name": case_name, "rows_read": result.rows_read,
            "rows_added": result.rows_added,
            "started": (dt.datetime.now() - dt.timedelta(seconds=time.perf_counter() - t0)).isoformat(),
            "seconds": result.seconds})

    def export_parquet(self, dest: str | Path, filt: EventFilter | None = None) -> int:
        """Append this dataset's events (those ``filt`` selects) to the dataset ``dest``."""
        with self.connect() as con:
            return export_connection_to_parquet(con, self, dest, filt)


def export_connection_to_parquet(con: duckdb.DuckDBPyConnection, store: Store, dest: str | Path,
                                 filt: EventFilter | None) -> int:
    """Append the events of a DuckDB connection's ``events`` relation to dataset ``dest``.

    Events already in ``dest`` (same id) are skipped, so exporting twice adds nothing.
    """
    from redline.data import queries

    dest = Path(dest)
    if dest.resolve() == Path(store.path).resolve():
        raise StoreError(f"cannot export the dataset {dest} into itself", field="--parquet",
                         expected="another folder")
    t0 = time.perf_counter()
    relation = store.events_relation(con) if hasattr(store, "events_relation") else "events"
    table = ibis.duckdb.from_connection(con).table(relation)
    expr = table.filter(queries.filter_predicate(table, filt or EventFilter()))
    sql = ibis.to_sql(expr, dialect="duckdb")
    con.execute(f"SET memory_limit='{getattr(store, 'memory_limit', None) or _default_limit()}'")
    con.execute("SET preserve_insertion_order=false")
    with dataset_lock(dest):
        added = append_to_dataset(con, str(sql), dest, f"export-{uuid.uuid4().hex[:12]}")
    append_log(dest, {"ingest_id": uuid.uuid4().hex[:12], "file": str(store.path), "sha256": None,
                      "format": "store", "case_name": None, "rows_read": None,
                      "rows_added": added, "started": dt.datetime.now().isoformat(),
                      "seconds": time.perf_counter() - t0})
    return added


def _default_limit() -> str:
    from redline.data.store import INGEST_MEMORY_LIMIT
    return INGEST_MEMORY_LIMIT
