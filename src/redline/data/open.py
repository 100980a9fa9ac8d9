"""Opening a store: which file, which engine."""

from __future__ import annotations

import os
from pathlib import Path

from redline.data.store import DuckDBStore, default_store_path
from redline.errors import EngineError

__all__ = ["open_store", "ENGINES"]

ENGINES = ("duckdb",)


def open_store(path: str | Path | None = None, engine: str | None = None, **options):
    """Open the event store.

    Parameters
    ----------
    path
        A DuckDB file; when None, ``$REDLINE_STORE``, else ``./redline.duckdb``.
    engine
        ``"duckdb"`` (default, or ``$REDLINE_ENGINE``).

    Returns
    -------
    A store whose query methods return pandas DataFrames.
    """
    engine = (engine or os.environ.get("REDLINE_ENGINE") or "duckdb").lower()
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}", field="--engine",
                          expected="one of " + ", ".join(ENGINES))
    return DuckDBStore(path if path is not None else default_store_path())
