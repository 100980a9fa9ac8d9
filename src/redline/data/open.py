"""Opening a store: which file or dataset, which engine."""

from __future__ import annotations

import os
import re
from pathlib import Path

from redline.data.engines import ENGINES
from redline.data.protocol import Store
from redline.data.store import DuckDBStore, default_store_path
from redline.errors import EngineError, StoreError

__all__ = ["open_store", "ENGINES", "Store"]

# Schemes whose URIs name a host or bucket after '//' (a Path collapses '//' to '/').
_BUCKET_SCHEMES = ("s3", "s3a", "s3n", "gs", "abfs", "abfss", "wasb", "wasbs", "oss", "r2")


def _location(path: str | Path | None) -> str | None:
    """The store location as text, repairing URIs that went through ``pathlib.Path``."""
    if path is None:
        return None
    text = str(path)
    m = re.fullmatch(r"([a-z][a-z0-9+.-]*):/([^/].*)", text)
    if m and m.group(1) in _BUCKET_SCHEMES:
        text = f"{m.group(1)}://{m.group(2)}"
    return text


def open_store(path: str | Path | None = None, engine: str | None = None, *,
               spark_master: str | None = None, read_only: bool = False,
               **options) -> Store:
    """Open the event store.

    Parameters
    ----------
    path
        A DuckDB file, or a Parquet dataset folder (``year=*/month=*/*.parquet``,
        as written by ``redline ingest --to-parquet``); with the spark engine a
        Parquet folder or any URI Spark reads (``s3a://bucket/events``).  When
        None, ``$REDLINE_STORE``, else ``./redline.duckdb``.
    engine
        ``"duckdb"`` (default, or ``$REDLINE_ENGINE``) or ``"spark"``.
    spark_master
        For the spark engine: ``local[N]``, a cluster master URL or a Spark
        Connect address ``sc://host:15002`` (default ``$REDLINE_SPARK_MASTER``,
        else ``local[*]``).
    read_only
        Open for reading only (commands that do not add events): a DuckDB file is
        then opened with read-only connections, which any number of processes may
        hold while another reads too (``redline brief`` while ``redline serve``
        runs); ingesting into such a store raises :class:`StoreError`.  Spark
        stores are always read-only.
    **options
        Passed to the store class (e.g. ``session=`` or ``conf=`` for Spark).

    Returns
    -------
    A store whose query methods return pandas DataFrames: :class:`DuckDBStore`,
    :class:`~redline.data.engines.duckdb_parquet.ParquetStore` or
    :class:`~redline.data.engines.spark.SparkStore`.

    Raises
    ------
    EngineError
        Unknown engine, Spark unreachable; :class:`EngineUnavailableError` when
        the spark engine's packages are not installed.
    """
    engine = (engine or os.environ.get("REDLINE_ENGINE") or "duckdb").lower()
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}", field="--engine",
                          expected="one of " + ", ".join(ENGINES))
    location = _location(path) or os.environ.get("REDLINE_STORE")
    if engine == "spark":
        from redline.data.engines.spark import SparkStore, require_pyspark
        require_pyspark()
        if not location:
            raise StoreError("the spark engine needs a Parquet dataset", field="--store",
                             expected="--store DIR or $REDLINE_STORE naming a Parquet folder or URI "
                             "(write one with `redline ingest FILE --to-parquet DIR`)")
        if "://" not in location and Path(location).is_file():
            raise StoreError(f"{location} is a file; the spark engine reads Parquet datasets",
                             field="--store", expected="a dataset folder: `redline export --parquet "
                             "DIR` writes the DuckDB store out as one")
        return SparkStore(location, master=spark_master, **options)
    if location and "://" in location:
        raise StoreError(f"the duckdb engine reads local stores, not {location}", field="--store",
                         expected="a DuckDB file or Parquet folder, or --engine spark for URIs")
    if location and Path(location).is_dir():
        from redline.data.engines.duckdb_parquet import ParquetStore
        return ParquetStore(location, read_only=read_only, **options)
    return DuckDBStore(location if location is not None else default_store_path(),
                       read_only=read_only)
