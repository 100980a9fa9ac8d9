"""What every store engine shares: the read methods, written once over ``table()``.

An engine (a DuckDB file, a Parquet folder read by DuckDB, a Parquet dataset read
by Spark) only has to give :meth:`EventReads.table`, a context manager that yields
the canonical events as an Ibis table.  Every read method builds an expression
from :mod:`redline.data.queries` on it, and :meth:`EventReads.run` executes it.
Engines may override one read method with a faster engine-specific path (the
DuckDB engines do for the weekly pivot); the engine tests check that both paths
give the same answer.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd

from redline.data import queries
from redline.data.filters import EventFilter
from redline.data.schema import EVENT_COLUMNS

__all__ = ["EventReads", "EXPECTED_TYPES", "check_columns", "ibis_event_schema"]

#: DuckDB type of each canonical column -> the type families a Parquet file may use.
_FAMILIES = {
    "VARCHAR": {"string"},
    "DATE": {"date"},
    "TIMESTAMP": {"timestamp"},
    "DOUBLE": {"float", "decimal"},
    "INTEGER": {"integer"},
    "BOOLEAN": {"boolean"},
    "VARCHAR[]": {"array<string>"},
}
EXPECTED_TYPES = {c.name: c.sql for c in EVENT_COLUMNS}


def ibis_event_schema() -> ibis.Schema:
    """The canonical events table as an Ibis schema (for unbound tables, e.g. BigQuery)."""
    to_ibis = {"VARCHAR": "string", "DATE": "date", "TIMESTAMP": "timestamp", "DOUBLE": "float64",
               "INTEGER": "int32", "BOOLEAN": "boolean", "VARCHAR[]": "array<string>"}
    return ibis.schema({c.name: to_ibis[c.sql] for c in EVENT_COLUMNS})


def _family(dtype: ibis.DataType) -> str:
    if dtype.is_array():
        return "array<string>" if dtype.value_type.is_string() else f"array<{dtype.value_type}>"
    for name in ("string", "date", "timestamp", "floating", "decimal", "integer", "boolean"):
        if getattr(dtype, f"is_{name}")():
            return {"floating": "float"}.get(name, name)
    return str(dtype)


def check_columns(found: ibis.Schema, where: str) -> None:
    """Raise :class:`StoreError` unless ``found`` has every canonical column in a usable type.

    Columns added after the first store version (:attr:`Column.since` > 1) may be
    absent: a dataset written before them is read with them NULL."""
    from redline.errors import StoreError

    optional = {c.name for c in EVENT_COLUMNS if c.since > 1}
    for col, sql in EXPECTED_TYPES.items():
        if col not in found and col in optional:
            continue  # written before the column existed: read as NULL
        if col not in found:
            raise StoreError(f"the Parquet dataset {where} has no column {col!r}", field=col,
                             expected="a dataset written by `redline ingest --to-parquet` or "
                             "`redline export --parquet` (canonical event columns)")
        fam = _family(found[col])
        if fam not in _FAMILIES[sql]:
            raise StoreError(f"the Parquet dataset {where} has column {col!r} of type "
                             f"{found[col]}", field=col, expected=f"{sql} ({col} in the redline schema)")


class EventReads:
    """The read methods of every store; subclasses provide :meth:`table`.

    Every method returns pandas (or a Python scalar/dict); only small results
    cross from the engine: event pages, dyad tables, daily count series.
    """

    engine = "?"
    #: False when the engine's Ibis backend cannot page with ``offset`` (Ibis 12's
    #: PySpark backend numbers rows without the sort order); pages are cut in pandas then.
    native_offset = True

    @contextlib.contextmanager
    def table(self) -> Iterator[ir.Table]:  # pragma: no cover - abstract
        """The canonical events as an Ibis table bound to this engine."""
        raise NotImplementedError
        yield

    def run(self, expr: ir.Expr) -> pd.DataFrame:
        """Execute an expression built on :meth:`table` and return a DataFrame."""
        return expr.to_pandas()

    def execute(self, build: Callable[[ir.Table], ir.Expr]) -> pd.DataFrame:
        """Run ``build(events_table) -> expr`` and return a DataFrame."""
        with self.table() as t:
            return self.run(build(t))

    def events(self, filt: EventFilter | None = None, limit: int | None = None,
               offset: int = 0) -> pd.DataFrame:
        """Events matching ``filt`` as a DataFrame in canonical columns, by date."""
        filt = filt or EventFilter()
        if offset and not self.native_offset:
            # Fetch the first limit+offset rows (a top-k on the engine) and drop the offset here.
            head = self.events(filt, None if limit is None else limit + offset, 0)
            return head.iloc[offset:].reset_index(drop=True)

        def build(t):
            e = queries.filter_events(t, filt)
            return e.limit(limit, offset=offset) if limit is not None else e
        return self.execute(build)

    def count(self, filt: EventFilter | None = None) -> int:
        filt = filt or EventFilter()
        with self.table() as t:
            return int(t.filter(queries.filter_predicate(t, filt)).count().execute())

    def dyads(self, filt: EventFilter | None = None) -> pd.DataFrame:
        return self.execute(lambda t: queries.dyads(t, filt or EventFilter()))

    def daily_counts(self, streams: Mapping[str, EventFilter], start: dt.date,
                     end: dt.date) -> pd.DataFrame:
        """Rows for days with events only; see :func:`redline.data.streams.stream_counts`."""
        return self.execute(lambda t: queries.daily_counts(t, streams, start, end))

    def weekly_counts(self, filt: EventFilter, by: str, names: list[str]) -> pd.DataFrame:
        return self.execute(lambda t: queries.weekly_counts(t, filt, by, names))

    def monthly_by(self, filt: EventFilter, by: str) -> pd.DataFrame:
        return self.execute(lambda t: queries.monthly_by(t, filt, by))

    def overview(self, filt: EventFilter | None = None) -> dict:
        """Events, first/last date, machine-coded rows and distinct sources."""
        return self.execute(lambda t: queries.overview(t, filt or EventFilter())).iloc[0].to_dict()

    def export(self, dest: str | Path, fmt: str, filt: EventFilter | None = None) -> int:
        """Write matching events to CSV, JSON (records) or Parquet; returns rows written."""
        from redline.data.export import write_frame
        df = self.events(filt)
        write_frame(df, dest, fmt)
        return len(df)
