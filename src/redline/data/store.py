"""The event store: one DuckDB file (the embedded default).

All reads go through :mod:`redline.data.queries` (Ibis expressions, in the
engine-independent :class:`~redline.data.engines.base.EventReads`), so another
engine can run the same queries; writes (ingest) are DuckDB SQL in one
transaction.  A connection lives only as long as one operation, so readers in
other processes are not locked out longer than they must be.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import duckdb
import ibis
import pandas as pd

from redline.data.engines.base import EventReads
from redline.data.filters import EventFilter
from redline.data.schema import column_names, create_events_sql, intensity_sql
from redline.errors import (DuplicateIdError, EmptyInputError, InputError, StoreBusyError,
                            StoreError)

__all__ = ["DuckDBStore", "IngestResult", "default_store_path", "INGEST_MEMORY_LIMIT"]

#: DuckDB spills to disk past this, so a 2,000,000-row file ingests in bounded memory.
INGEST_MEMORY_LIMIT = os.environ.get("REDLINE_MEMORY_LIMIT", "500MB")


def default_store_path() -> Path:
    """``$REDLINE_STORE`` if set, else ``./redline.duckdb``."""
    return Path(os.environ.get("REDLINE_STORE") or "redline.duckdb")


@dataclass(frozen=True)
class IngestResult:
    """What one ingest did.  ``rows_added`` is 0 when the file was already in."""

    ingest_id: str
    file: str
    format: str
    rows_read: int
    rows_added: int
    seconds: float
    sha256: str
    #: rows whose id is already stored with other content (a revised record): the store
    #: keeps what it had, and says so rather than dropping the revision silently
    rows_changed: int = 0

    def __str__(self) -> str:
        text = (f"{self.file}: {self.rows_read:,} rows read, {self.rows_added:,} new "
                f"({self.format}, {self.seconds:.2f} s)")
        if self.rows_changed:
            text += (f"; {self.rows_changed:,} differ from the stored events of the same id, "
                     "which were kept (use a new store to take the revised records)")
        return text


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


_LOG_SQL = """CREATE TABLE IF NOT EXISTS ingest_log (
  ingest_id VARCHAR, file VARCHAR, sha256 VARCHAR, format VARCHAR, case_name VARCHAR,
  rows_read BIGINT, rows_added BIGINT, started TIMESTAMP, seconds DOUBLE)"""


class DuckDBStore(EventReads):
    """Events in one DuckDB file.

    Parameters
    ----------
    path
        The DuckDB file; created on first ingest.
    """

    engine = "duckdb"

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_store_path()

    def __repr__(self) -> str:
        return f"DuckDBStore({str(self.path)!r})"

    # -- connections -------------------------------------------------------
    @contextlib.contextmanager
    def connect(self, write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one operation; write=True creates the file and tables."""
        if not write and not self.path.exists():
            raise StoreError(f"no store at {self.path}", expected="run `redline ingest` first, "
                             "or pass --store / REDLINE_STORE naming an existing store")
        try:
            con = duckdb.connect(str(self.path), read_only=not write)
        except duckdb.IOException as exc:
            msg = str(exc)
            if "lock" in msg.lower():
                raise StoreBusyError(
                    f"the store {self.path} is busy: another process is writing to it",
                    expected="try again when that ingest has finished") from None
            raise StoreError(f"cannot open the store {self.path}: {msg.splitlines()[0]}") from None
        except duckdb.Error as exc:
            raise StoreError(f"cannot open the store {self.path}: {str(exc).splitlines()[0]}",
                             expected="a DuckDB file written by redline") from None
        try:
            if write:
                con.execute(create_events_sql())
                con.execute(_LOG_SQL)
            yield con
        finally:
            con.close()

    @contextlib.contextmanager
    def table(self) -> Iterator[ibis.expr.types.Table]:
        """The events table as an Ibis expression bound to a read-only connection."""
        with self.connect() as con:
            backend = ibis.duckdb.from_connection(con)
            yield backend.table("events")

    # -- ingest ------------------------------------------------------------
    def ingest(self, source: str | Path, fmt: str | None = None, case=None) -> IngestResult:
        """Add the events of a file (or a case folder / built-in case name) in one transaction.

        Raises an :class:`InputError` naming file, line and field when anything in
        the file is invalid; the store is then unchanged.
        """
        from redline.data.ingest import plan_ingest

        plan = plan_ingest(source, fmt, case)
        started = dt.datetime.now()
        t0 = time.perf_counter()
        with plan.importer.opened() as readable:
            plan.importer.validate_header(readable)
            with self.connect(write=True) as con:
                con.execute(f"SET memory_limit='{INGEST_MEMORY_LIMIT}'")
                con.execute("SET preserve_insertion_order=false")
                con.begin()
                try:
                    result = (self._already_in(con, plan, started, t0)
                              or self._ingest_in_tx(con, plan, readable, started, t0))
                    con.commit()
                except BaseException:
                    con.rollback()
                    raise
        return result

    def _already_in(self, con, plan, started, t0) -> IngestResult | None:
        """The same bytes were ingested before: log it and skip reading the file."""
        if con.execute("SELECT count(*) FROM ingest_log").fetchall()[0][0] == 0:
            return None  # a new store: hash in the background instead of waiting
        prev = con.execute("SELECT rows_read FROM ingest_log WHERE sha256 = ? AND format = ? "
                           "ORDER BY started DESC LIMIT 1", [plan.sha256, plan.format]).fetchall()
        if not prev:
            return None
        prev = prev[0]
        ingest_id = uuid.uuid4().hex[:12]
        seconds = time.perf_counter() - t0
        con.execute("INSERT INTO ingest_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [ingest_id, str(plan.display), plan.sha256, plan.format, plan.case_name,
                     prev[0], 0, started, seconds])
        return IngestResult(ingest_id, str(plan.display), plan.format, int(prev[0]), 0, seconds,
                            plan.sha256)

    def _ingest_in_tx(self, con, plan, readable: Path, started, t0) -> IngestResult:
        # One pass: DuckDB reads, checks and maps the file straight into `events`
        # (a staging table would write every row twice).  The checks that need
        # the whole file (missing dates, repeated ids, rows already stored) then
        # run on the rows of this ingest, which the transaction can still undo.
        imp = plan.importer
        exprs = imp.select_exprs()
        ingest_id = uuid.uuid4().hex[:12]
        aliases = pd.DataFrame({"name": list(imp.aliases), "id": list(imp.aliases.values())},
                               columns=["name", "id"]).astype(str)
        con.register("alias_frame", aliases)
        con.execute("CREATE TEMP TABLE aliases AS SELECT DISTINCT lower(trim(name)) AS name, "
                    "first(id) AS id FROM alias_frame GROUP BY ALL")
        con.unregister("alias_frame")
        had_rows = con.execute("SELECT count(*) FROM events").fetchall()[0][0] > 0
        computed = {
            "actor": "coalesce(a1.id, s.actor_raw)",
            "target": "coalesce(a2.id, s.target_raw)",
            "intensity": intensity_sql("s.event_type", "s.mode", "s.killed"),
            "machine_coded": "coalesce(s.machine_coded, false)" if "machine_coded" in exprs else "false",
            "source_format": f"'{plan.format}'",
            "ingest_id": f"'{ingest_id}'",
        }
        select_cols = []
        for c in column_names():
            if c in computed:
                select_cols.append(f"{computed[c]} AS \"{c}\"")
            elif c in exprs:
                select_cols.append(f"s.\"{c}\"")
            else:
                select_cols.append(f"NULL AS \"{c}\"")
        inner = ", ".join(f"{expr} AS \"{col}\"" for col, expr in exprs.items())
        try:
            rows_read = con.execute(
                f"""INSERT INTO events SELECT {', '.join(select_cols)}
                FROM (SELECT {inner} FROM {imp.relation_sql(readable)}) s
                LEFT JOIN aliases a1 ON a1.name = lower(trim(s.actor_raw))
                LEFT JOIN aliases a2 ON a2.name = lower(trim(s.target_raw))""").fetchall()[0][0]
        except (duckdb.BinderException, duckdb.CatalogException, duckdb.ParserException):
            raise  # a bug in an importer's SQL, not a problem of the file
        except duckdb.Error as exc:
            raise imp.diagnose(readable, str(exc)) from None
        if rows_read == 0:
            raise EmptyInputError("the file holds no events", file=str(plan.display),
                                  expected="a header row and at least one event row")
        mine = f"ingest_id = '{ingest_id}'"
        if con.execute(f"SELECT count(*) FROM events WHERE {mine} AND date IS NULL").fetchall()[0][0]:
            raise imp.diagnose(readable, "a row has no date")
        repeats = self._check_duplicates(con, imp, readable, plan, mine)
        if repeats:
            # exact repeats inside the file: keep the first copy
            con.execute(f"""DELETE FROM events WHERE {mine} AND rowid NOT IN
                            (SELECT min(rowid) FROM events WHERE {mine} GROUP BY event_id)""")
        changed = 0
        if had_rows:
            content = [c for c in column_names() if c not in ("event_id", "ingest_id")]
            new_h = ", ".join(f'n."{c}"' for c in content)
            old_h = ", ".join(f'o."{c}"' for c in content)
            changed = con.execute(
                f"""SELECT count(DISTINCT n.event_id) FROM events n JOIN events o
                    ON o.event_id = n.event_id AND o.ingest_id <> n.ingest_id
                    WHERE n.{mine} AND hash({new_h}) <> hash({old_h})""").fetchall()[0][0]
            con.execute(f"""DELETE FROM events WHERE {mine} AND event_id IN
                            (SELECT event_id FROM events WHERE NOT ({mine}))""")
        added = con.execute(f"SELECT count(*) FROM events WHERE {mine}").fetchall()[0][0] \
            if (repeats or had_rows) else rows_read
        seconds = time.perf_counter() - t0
        con.execute("INSERT INTO ingest_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [ingest_id, str(plan.display), plan.sha256, plan.format, plan.case_name,
                     rows_read, added, started, seconds])
        con.execute("DROP TABLE aliases")
        return IngestResult(ingest_id, str(plan.display), plan.format, rows_read, added,
                            seconds, plan.sha256, changed)

    def _check_duplicates(self, con, imp, readable: Path, plan, mine: str) -> bool:
        """True when ids repeat with identical rows; raise when they repeat with different ones."""
        dup = con.execute(f"SELECT event_id FROM events WHERE {mine} GROUP BY event_id "
                          "HAVING count(*) > 1 LIMIT 1").fetchall()
        if not dup:
            return False
        conflict = con.execute(
            f"""SELECT event_id FROM (SELECT event_id,
                   count(DISTINCT hash(*COLUMNS(* EXCLUDE (event_id, ingest_id)))) AS n
               FROM events WHERE {mine} GROUP BY event_id HAVING count(*) > 1) WHERE n > 1 LIMIT 1""").fetchall()
        if not conflict:
            return True
        event_id = conflict[0][0]
        native = imp.native_id(event_id)
        column = imp.id_column
        lines = [ln for ln, row in imp.iter_rows(readable)
                 if column and row.get(column, "").strip() == native][:2] if column else []
        raise DuplicateIdError(
            f"id {native!r} appears twice with different content"
            + (f" (lines {lines[0]} and {lines[1]})" if len(lines) == 2 else ""),
            file=str(plan.display), line=lines[1] if len(lines) == 2 else None,
            field=column, expected="each id once, or repeated rows identical")

    def ingest_frame(self, frame: pd.DataFrame, name: str, fmt: str = "text") -> IngestResult:
        """Add already-coded events (e.g. from ``redline read``), idempotently."""
        cols = column_names()
        missing = [c for c in ("event_id", "date") if c not in frame.columns]
        if missing:
            raise InputError(f"frame lacks column {missing[0]!r}", field=missing[0])
        df = frame.reindex(columns=[c for c in cols if c in frame.columns]).copy()
        if "actor_raw" not in df and "actor" in df:
            df["actor_raw"] = df["actor"]
        sha = hashlib.sha256(pd.util.hash_pandas_object(df.astype(str), index=False).values.tobytes()).hexdigest()
        started, t0 = dt.datetime.now(), time.perf_counter()
        ingest_id = uuid.uuid4().hex[:12]
        with self.connect(write=True) as con:
            con.begin()
            try:
                con.register("frame", df)
                sel = []
                for c in cols:
                    if c == "source_format":
                        sel.append(f"'{fmt}'")
                    elif c == "ingest_id":
                        sel.append(f"'{ingest_id}'")
                    elif c == "intensity" and c not in df:
                        sel.append(intensity_sql(*(f'"{k}"' if k in df else "NULL"
                                                   for k in ("event_type", "mode", "killed"))))
                    elif c in df:
                        sel.append(f"\"{c}\"")
                    else:
                        sel.append("NULL")
                added = con.execute(
                    f"INSERT INTO events SELECT DISTINCT ON (event_id) {', '.join(sel)} FROM frame f "
                    "WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = f.event_id)"
                ).fetchall()[0][0]
                con.execute("INSERT INTO ingest_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [ingest_id, name, sha, fmt, None, len(df), added, started,
                             time.perf_counter() - t0])
                con.unregister("frame")
                con.commit()
            except BaseException:
                con.rollback()
                raise
        return IngestResult(ingest_id, name, fmt, len(df), added, time.perf_counter() - t0, sha)

    def ingest_log(self) -> pd.DataFrame:
        with self.connect() as con:
            return con.execute("SELECT * FROM ingest_log ORDER BY started").df()

    def has_file(self, sha256: str) -> bool:
        if not self.path.exists():
            return False
        with self.connect() as con:
            return con.execute("SELECT count(*) FROM ingest_log WHERE sha256 = ?", [sha256]).fetchall()[0][0] > 0

    def export_parquet(self, dest: str | Path, filt: EventFilter | None = None) -> int:
        """Append the events ``filt`` selects to the Parquet dataset ``dest`` (year/month
        partitions); events already there are skipped.  Returns rows written."""
        from redline.data.engines.duckdb_parquet import export_connection_to_parquet
        with self.connect() as con:
            return export_connection_to_parquet(con, self, dest, filt)
