"""Cheap reads for the web app: one read-only DuckDB kept open while the app is busy.

Opening a DuckDB file and binding Ibis to it cost 10-30 ms, more than most queries
of a page.  :class:`PooledDuckDBStore` is the app's :class:`~redline.data.store.DuckDBStore`
with one read-only connection kept open and a small pool of its cursors, each with
its Ibis table (:data:`CURSORS`; a thread takes one for a query and gives it back):
a query then pays only for itself, a burst of requests on fresh server threads
does not build a table per thread, and at most that many queries run at once.

The connection is closed after :data:`IDLE_SECONDS` without a read, so a
``redline ingest`` in another process can take the file when the app is idle, and
before any write through this store (an upload), which waits for running reads
and holds new ones until it is done.
"""

from __future__ import annotations

import atexit
import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from redline.data.store import DuckDBStore

__all__ = ["PooledDuckDBStore", "pooled", "IDLE_SECONDS", "CURSORS"]

#: Cursors (with their Ibis tables) in the pool: queries that run at once.
CURSORS = 4

#: Close the kept connection after this many seconds without a read (reopening it costs
#: each serving thread a new cursor and Ibis table: a burst after a pause would pay that).
IDLE_SECONDS = 10.0


class PooledDuckDBStore(DuckDBStore):
    """A DuckDB store whose reads share one kept read-only connection (cursor per thread)."""

    def __init__(self, path, read_only: bool = False) -> None:
        super().__init__(path, read_only=read_only)
        self._cond = threading.Condition()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._generation = 0
        self._active = 0
        self._writing = False
        self._last = time.monotonic()
        self._free: list = []  # Ibis tables on cursors of the kept connection, not in use
        self._made = 0
        self._closer: threading.Thread | None = None
        atexit.register(self._close_at_exit)

    def __repr__(self) -> str:
        return f"PooledDuckDBStore({str(self.path)!r})"

    # -- the kept connection ----------------------------------------------
    def _open(self) -> None:
        """Open the kept connection (called with the condition held)."""
        self._con = _open_read_only(self)
        self._generation += 1
        if self._closer is None or not self._closer.is_alive():
            self._closer = threading.Thread(target=self._close_when_idle, daemon=True,
                                            name="redline-store-idle")
            self._closer.start()

    def _close_when_idle(self) -> None:
        while True:
            time.sleep(IDLE_SECONDS / 3)
            with self._cond:
                if self._con is None:
                    self._closer = None
                    return
                if self._active == 0 and time.monotonic() - self._last > IDLE_SECONDS:
                    self._close()

    def _close_at_exit(self) -> None:
        # A daemon thread may still be reading (Ctrl+C during warm-up or a run):
        # closing under it aborts the process, and the OS frees the file anyway.
        with self._cond:
            if self._active:
                return
            try:
                self._close()
            except duckdb.Error:
                pass

    def _close(self) -> None:
        self._free.clear()
        self._made = 0
        if self._con is not None:
            try:
                self._con.close()
            finally:
                self._con = None

    def close(self) -> None:
        """Close the kept connection now (reopened by the next read)."""
        with self._cond:
            while self._active:
                self._cond.wait()
            self._close()

    @contextlib.contextmanager
    def _reading(self) -> Iterator[tuple[int, duckdb.DuckDBPyConnection]]:
        with self._cond:
            while self._writing:
                self._cond.wait()
            if self._con is None:
                self._open()
            self._active += 1
            generation, con = self._generation, self._con
            assert con is not None  # opened above
        try:
            yield generation, con
        finally:
            with self._cond:
                self._active -= 1
                self._last = time.monotonic()
                self._cond.notify_all()

    # -- the store's interface --------------------------------------------
    @contextlib.contextmanager
    def connect(self, write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if write:
            with self._cond:
                while self._writing:
                    self._cond.wait()
                self._writing = True
                while self._active:
                    self._cond.wait()
                self._close()  # a read-only connection would refuse the writer
            try:
                with super().connect(write=True) as con:
                    yield con
            finally:
                with self._cond:
                    self._writing = False
                    self._cond.notify_all()
            return
        with self._reading() as (_, con):
            cur = con.cursor()
            try:
                yield cur
            finally:
                cur.close()

    @contextlib.contextmanager
    def table(self):
        """The events table on a pooled cursor of the kept connection, for one operation."""
        import ibis
        with self._reading() as (generation, con):
            with self._cond:
                while not self._free and self._made >= CURSORS:
                    self._cond.wait()
                table = self._free.pop() if self._free else None
                if table is None:
                    self._made += 1
            try:
                if table is None:
                    # through the store's own relation: a store written by an older redline
                    # reads its newer columns as NULL (a read-only cursor cannot migrate it)
                    cur = con.cursor()
                    table = ibis.duckdb.from_connection(cur).table(self.events_relation(cur))
                yield table
            finally:
                with self._cond:
                    if table is None:  # making it failed
                        self._made -= 1
                    elif generation == self._generation and self._con is not None:
                        self._free.append(table)
                    self._cond.notify_all()


def _open_read_only(store: DuckDBStore) -> duckdb.DuckDBPyConnection:
    """A read-only connection; failures raise the store's own errors (no store, busy, ...)."""
    if store.path.exists():
        try:
            return duckdb.connect(str(store.path), read_only=True)
        except duckdb.Error:
            pass
    with DuckDBStore.connect(store):  # raises the StoreError that says what is wrong
        pass
    return duckdb.connect(str(store.path), read_only=True)  # pragma: no cover - a race


_POOLS: dict[str, PooledDuckDBStore] = {}
_POOLS_GUARD = threading.Lock()


def pooled(store):
    """``store`` with pooled reads when it is a plain DuckDB file store; else ``store`` itself.

    One pool per file in a process (two apps over one file share it): DuckDB refuses a
    writer while another read-only connection to the file is open in the process.
    """
    if type(store) is not DuckDBStore:
        return store
    key = str(Path(store.path).resolve())
    with _POOLS_GUARD:
        if key not in _POOLS:
            _POOLS[key] = PooledDuckDBStore(store.path, read_only=store.read_only)
        return _POOLS[key]
