"""Does the web app's kept DuckDB connection (``redline.data.pool``) pay? Reads of one
events page, through the plain store and the pooled one, in the same run.

    PYTHONPATH=src python bench/web_pool.py [N]

Prints the time per read of each and the ratio plain / pooled.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from redline.data.filters import EventFilter
from redline.data.pool import pooled
from redline.data.store import DuckDBStore

CASE = "us-iran-proxies-2023"


def per_read(store, n: int) -> float:
    filt = EventFilter(event_types=("ASSAULT",))
    store.events(filt, limit=50)  # warm both the same way
    t0 = time.perf_counter()
    for i in range(n):
        store.events(filt, limit=50, offset=i % 100)
    return (time.perf_counter() - t0) / n


def main(n: int = 200) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        DuckDBStore(path).ingest(CASE)
        plain = per_read(DuckDBStore(path), n)
        kept = per_read(pooled(DuckDBStore(path)), n)
    print(f"{n} reads of a 50-row events page: plain store {1000 * plain:.1f} ms a read, "
          f"kept connection {1000 * kept:.1f} ms a read; plain / kept = {plain / kept:.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
