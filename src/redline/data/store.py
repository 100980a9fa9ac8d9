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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import ibis
import pandas as pd

from redline.data.engines.base import EventReads
from redline.data.filters import EventFilter
from redline.data.schema import (
    column_names,
    create_events_sql,
    intensity_sql,
    missing_columns,
    select_canonical_sql,
)
from redline.data.store_tables import (
    COLUMN_LIST,
    LOG_COLUMNS,
    LOG_SQL,
    REPLACED_SQL,
    log_row,
    migrate_store,
    settle_known_ids,
    sql_literal,
    strip_nul_bytes,
    table_columns,
)
from redline.errors import DuplicateIdError, EmptyInputError, InputError, StoreBusyError, StoreError

__all__ = ["DuckDBStore", "IngestResult", "default_store_path", "INGEST_MEMORY_LIMIT",
           "migrate_store"]

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
    #: conflicting rows: the id is already stored with other content and the row is not
    #: from a later release, so the store keeps what it had and says so
    rows_changed: int = 0
    #: rows from a later release that replaced the stored row of the same id (the
    #: replaced rows are kept in the table ``events_replaced``)
    rows_revised: int = 0
    #: rows whose id was already stored with the same content (nothing to do)
    rows_skipped: int = 0
    #: the source release the rows came from (UCDP ``'21.1'``), when known
    release: str | None = None
    #: rows whose text fields held NUL bytes, which were removed: counted, never silent
    nul_bytes_stripped: int = 0
    #: what the importer did to read the file (e.g. mixed line endings made regular)
    notes: tuple[str, ...] = ()

    @property
    def rows_conflicting(self) -> int:
        """Alias of :attr:`rows_changed`, the name the summary uses."""
        return self.rows_changed

    def __str__(self) -> str:
        text = (f"{self.file}: {self.rows_read:,} rows read, {self.rows_added:,} new "
                f"({self.format}{', release ' + self.release if self.release else ''}, "
                f"{self.seconds:.2f} s)")
        if self.rows_revised:
            text += (f"; {self.rows_revised:,} revised (a later release replaced the stored "
                     "row; the old rows are kept in events_replaced)")
        if self.rows_changed:
            text += (f"; {self.rows_changed:,} conflicting: they differ from the stored events "
                     "of the same id, which were kept (give the file's release with --release "
                     "if it is later than the stored one, or use a new store)")
        if self.rows_skipped:
            text += f"; {self.rows_skipped:,} skipped (already stored)"
        if self.nul_bytes_stripped:
            text += (f"; NUL bytes stripped from the text fields of {self.nul_bytes_stripped:,} "
                     "rows (stored without them)")
        for note in self.notes:
            text += f"; {note}"
        return text


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def _resolve_case_names(con, plan, case, readable: Path) -> None:
    """Re-resolve the names of every event of the case with the case as it is now, so an
    edited alias or pattern takes effect on the next ingest without a rebuild.  ``readable``
    is the file the ingest read (a copy with regular line endings when the case's own file
    mixes them, which DuckDB cannot read)."""
    if plan.case_name is None:
        return
    from redline.data.aliases import resolve_in_store
    from redline.data.case import Case, load_case
    obj = getattr(plan.importer, "case", None)
    if not isinstance(obj, Case):
        obj = case if isinstance(case, Case) else load_case(case)
    if plan.format == "case":
        # rows of a shared source (ucdp:123) stored before by a raw ingest join the case
        # that takes them in; a row another case holds stays with it
        imp = plan.importer
        con.execute(f"""UPDATE events SET case_id = {sql_literal(plan.case_name)}
                        WHERE case_id IS NULL AND event_id IN
                        (SELECT {imp.select_exprs()['event_id']} FROM {imp.relation_sql(readable)})""")
    resolve_in_store(con, obj, f"case_id = {sql_literal(plan.case_name)}")


class DuckDBStore(EventReads):
    """Events in one DuckDB file.

    Parameters
    ----------
    path
        The DuckDB file; created on first ingest.
    read_only
        Open only for reading: every connection is read-only (so another process may
        read at the same time, e.g. ``redline brief`` while ``redline serve`` runs)
        and :meth:`ingest` is refused.  A store written by an older redline is then
        read as if migrated (new columns NULL) without changing the file.
    """

    engine = "duckdb"

    def __init__(self, path: str | Path | None = None, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.read_only = read_only
        #: columns added by the last migration of this store (empty: it was current)
        self.migrated: list[str] = []
        self._current = False

    def __repr__(self) -> str:
        return f"DuckDBStore({str(self.path)!r})"

    # -- connections -------------------------------------------------------
    @contextlib.contextmanager
    def connect(self, write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one operation; write=True creates the file and tables
        and migrates a store written by an older redline."""
        if write and self.read_only:
            raise StoreError(f"the store {self.path} was opened read-only",
                             expected="open it with read_only=False to add events")
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
                con.execute(LOG_SQL)
                con.execute(REPLACED_SQL)
                added = migrate_store(con)
                if added:
                    self.migrated = added
            yield con
        finally:
            con.close()

    @contextlib.contextmanager
    def table(self) -> Iterator[ibis.expr.types.Table]:
        """The events table as an Ibis expression bound to a read-only connection."""
        with self.connect() as con:
            backend = ibis.duckdb.from_connection(con)
            yield backend.table(self.events_relation(con))

    def events_relation(self, con: duckdb.DuckDBPyConnection) -> str:
        """The name to read events from on ``con``: ``events``, or for a store written by
        an older redline a temporary view that adds the newer columns as NULL (a
        read-only connection cannot migrate the file)."""
        if self._current:
            return "events"
        present = table_columns(con, "events")
        if not missing_columns(present):
            self._current = True  # migrations only add columns: once current, always current
            return "events"
        con.execute("CREATE OR REPLACE TEMP VIEW events_current AS SELECT "
                    f"{select_canonical_sql(present)} FROM main.events")
        return "events_current"

    # -- ingest ------------------------------------------------------------
    def ingest(self, source: str | Path, fmt: str | None = None, case=None,
               release: str | None = None) -> IngestResult:
        """Add the events of a file (or a case folder / built-in case name) in one transaction.

        Parameters
        ----------
        source
            A file, a case folder or a built-in case name.
        fmt
            The format (sniffed when None).
        case
            A :class:`~redline.data.case.Case` (or its name) whose aliases resolve the
            names; its name is recorded as each new event's ``case_id``.
        release
            The source release (``'23.1'``) for formats that have releases (UCDP);
            read from the file name (``ged231``) when None.  A row replaces the stored
            row of the same id only when its release is later.

        Raises an :class:`InputError` naming file, line and field when anything in
        the file is invalid; the store is then unchanged.
        """
        from redline.data.ingest import plan_ingest

        plan = plan_ingest(source, fmt, case, release=release)
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
                    _resolve_case_names(con, plan, case, readable)
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
                           "AND case_name IS NOT DISTINCT FROM ? AND release IS NOT DISTINCT FROM ? "
                           "ORDER BY started DESC LIMIT 1",
                           [plan.sha256, plan.format, plan.case_name, plan.release]).fetchall()
        if not prev:
            return None
        rows = int(prev[0][0])
        ingest_id = uuid.uuid4().hex[:12]
        seconds = time.perf_counter() - t0
        log_row(con, dict(ingest_id=ingest_id, file=str(plan.display), sha256=plan.sha256,
                           format=plan.format, case_name=plan.case_name, rows_read=rows,
                           rows_added=0, started=started, seconds=seconds, rows_revised=0,
                           rows_conflicting=0, rows_skipped=rows, release=plan.release))
        return IngestResult(ingest_id, str(plan.display), plan.format, rows, 0, seconds,
                            plan.sha256, rows_skipped=rows, release=plan.release)

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
            "case_id": sql_literal(plan.case_name),
            "source_release": sql_literal(plan.release),
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
                f"""INSERT INTO events ({COLUMN_LIST}) SELECT {', '.join(select_cols)}
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
        nul = strip_nul_bytes(con, mine)
        if con.execute(f"SELECT count(*) FROM events WHERE {mine} AND date IS NULL").fetchall()[0][0]:
            raise imp.diagnose(readable, "a row has no date")
        repeats = self._check_duplicates(con, imp, readable, plan, mine)
        if repeats:
            # exact repeats inside the file: keep the first copy
            con.execute(f"""DELETE FROM events WHERE {mine} AND rowid NOT IN
                            (SELECT min(rowid) FROM events WHERE {mine} GROUP BY event_id)""")
        revised = conflicting = skipped = 0
        if had_rows:
            revised, conflicting, skipped = settle_known_ids(con, mine, ingest_id)
        added = con.execute(f"SELECT count(*) FROM events WHERE {mine}").fetchall()[0][0] \
            if (repeats or had_rows) else rows_read
        con.execute("DROP TABLE aliases")
        seconds = time.perf_counter() - t0
        log_row(con, dict(ingest_id=ingest_id, file=str(plan.display), sha256=plan.sha256,
                           format=plan.format, case_name=plan.case_name, rows_read=rows_read,
                           rows_added=added, started=started, seconds=seconds,
                           rows_revised=revised, rows_conflicting=conflicting,
                           rows_skipped=skipped, release=plan.release))
        return IngestResult(ingest_id, str(plan.display), plan.format, rows_read, added,
                            seconds, plan.sha256, conflicting, revised, skipped, plan.release,
                            nul, tuple(imp.notes))

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
        lines = imp.lines_of_id(readable, native)[:2] if column else []
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
                    f"INSERT INTO events ({COLUMN_LIST}) SELECT DISTINCT ON (event_id) "
                    f"{', '.join(sel)} FROM frame f "
                    "WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = f.event_id)"
                ).fetchall()[0][0]
                log_row(con, dict(ingest_id=ingest_id, file=name, sha256=sha, format=fmt,
                                   case_name=None, rows_read=len(df), rows_added=added,
                                   started=started, seconds=time.perf_counter() - t0,
                                   rows_skipped=len(df) - added))
                con.unregister("frame")
                con.commit()
            except BaseException:
                con.rollback()
                raise
        return IngestResult(ingest_id, name, fmt, len(df), added, time.perf_counter() - t0, sha)

    def ingest_log(self) -> pd.DataFrame:
        """One row per ingest: file, format, case, rows read/added/revised/conflicting/skipped."""
        with self.connect() as con:
            present = set(table_columns(con, "ingest_log"))
            cols = ", ".join(c if c in present else f"NULL AS {c}" for c in LOG_COLUMNS)
            return con.execute(f"SELECT {cols} FROM ingest_log ORDER BY started").df()

    def replaced_events(self) -> pd.DataFrame:
        """Rows a later release replaced: id, the replacing ingest, releases, old row as JSON."""
        with self.connect() as con:
            if "events_replaced" not in {r[0] for r in con.execute(
                    "SELECT table_name FROM information_schema.tables").fetchall()}:
                return pd.DataFrame(columns=["event_id", "replaced_by", "old_ingest_id",
                                             "old_release", "new_release", "old_row"])
            return con.execute("SELECT * FROM events_replaced ORDER BY event_id").df()

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
