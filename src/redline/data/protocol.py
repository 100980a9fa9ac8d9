"""The :class:`Store` protocol: what every event store offers, whatever its engine.

The DuckDB file (:class:`~redline.data.store.DuckDBStore`), the Parquet folder read
by DuckDB (:class:`~redline.data.engines.duckdb_parquet.ParquetStore`) and the Parquet
dataset read by Spark (:class:`~redline.data.engines.spark.SparkStore`) all satisfy
it, so code above ``data`` names ``Store`` in its signatures rather than one class or
``Any``.  It is a structural type: nothing has to inherit from it, and
``isinstance(x, Store)`` checks that the methods are there (not their signatures).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:  # pragma: no cover - typing only
    import ibis.expr.types as ir
    import pandas as pd

    from redline.data.filters import EventFilter

__all__ = ["Store"]


@runtime_checkable
class Store(Protocol):
    """An event store: canonical events, read through Ibis, written by ingest.

    Attributes
    ----------
    engine
        ``"duckdb"`` or ``"spark"``.
    path
        The DuckDB file, dataset folder or URI.
    read_only
        True when :meth:`ingest` is refused (a store opened for reading, or Spark).
    """

    engine: str
    path: Any
    read_only: bool

    def table(self) -> contextlib.AbstractContextManager[ir.Table]:
        """The canonical events as an Ibis table bound to this engine."""
        ...

    def execute(self, build: Callable[[ir.Table], ir.Expr]) -> pd.DataFrame:
        """Run ``build(events_table)`` and return the result as a DataFrame."""
        ...

    def events(self, filt: EventFilter | None = None, limit: int | None = None,
               offset: int = 0) -> pd.DataFrame:
        """Events matching ``filt`` in canonical columns, by date then id."""
        ...

    def count(self, filt: EventFilter | None = None) -> int:
        """Number of events matching ``filt``."""
        ...

    def dyads(self, filt: EventFilter | None = None) -> pd.DataFrame:
        """Events, assaults, deaths and intensity per (actor, target) pair."""
        ...

    def daily_counts(self, streams: Mapping[str, EventFilter], start: dt.date,
                     end: dt.date) -> pd.DataFrame:
        """Events per day (rows) and stream (columns), days with events only."""
        ...

    def weekly_counts(self, filt: EventFilter, by: str, names: list[str]) -> pd.DataFrame:
        """Events per week for each value ``names`` of column ``by``."""
        ...

    def monthly_by(self, filt: EventFilter, by: str) -> pd.DataFrame:
        """Events per month and value of ``by`` (long form)."""
        ...

    def overview(self, filt: EventFilter | None = None) -> dict:
        """Events, first/last date, machine-coded rows, distinct sources."""
        ...

    def export(self, dest: str | Path, fmt: str, filt: EventFilter | None = None) -> int:
        """Write matching events to a CSV, JSON or Parquet file; rows written."""
        ...

    def ingest(self, source: str | Path, fmt: str | None = None, case: Any = None,
               release: str | None = None) -> Any:
        """Add a file's events (raises :class:`StoreError` on read-only stores)."""
        ...

    def ingest_log(self) -> pd.DataFrame:
        """One row per ingest."""
        ...
