"""What the app holds between requests: the store, the cases it may show, caches.

Nothing here computes: the caches keep the results of library calls (a fit, an
analysis, a scenario run) keyed by the store's version, so a page that needs a
fitted model does not refit on every request, and an ingest invalidates them.
Rendered pages have a cache of their own (``bucket="pages"``), so paging through
a large store cannot evict a fit.  Concurrent callers of a key wait for the first
(single-flight) instead of computing it again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from redline.errors import UnknownCaseError

__all__ = ["WebState", "MAX_UPLOAD_BYTES"]

#: Uploads larger than this are refused (``redline serve --max-upload-mb``).
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
#: The caches and their sizes (entries): library results, rendered pages, blocks of
#: event rows (5,000 rows of the table's 10 columns each).
BUCKETS = {"data": 512, "pages": 4096, "blocks": 48}


class WebState:
    """The store and settings of one app.

    Parameters
    ----------
    store
        Any redline store (``redline.open_store(...)``).
    cases
        Case name -> folder the app may show; the built-in cases when None.
        Names are the only way a request names a case, so no request can reach
        a folder outside this mapping.
    allow_ingest
        Accept uploads (``redline serve --allow-ingest``); read-only otherwise.
    """

    def __init__(self, store, cases: dict[str, Path] | None = None, allow_ingest: bool = False,
                 max_upload_bytes: int = MAX_UPLOAD_BYTES) -> None:
        from redline.data.case import builtin_cases
        from redline.data.pool import pooled
        self.store = pooled(store)
        self.cases = dict(builtin_cases() if cases is None else cases)
        self.allow_ingest = allow_ingest
        self.max_upload_bytes = max_upload_bytes
        from redline.web.runs import RunBook
        where = getattr(store, "path", None)
        # Finished runs are files beside the store (never rows in it): permalinks that
        # outlive a restart, and a read-only store stays read-only.
        self.runs = RunBook(Path(str(where)).parent / "runs" if where else None)
        self._caches: dict[str, OrderedDict[tuple, Any]] = {b: OrderedDict() for b in BUCKETS}
        self._locks: dict[tuple, threading.Lock] = {}
        self._guard = threading.Lock()
        self._version = 0

    # -- cases -------------------------------------------------------------
    def case(self, name: str):
        """The case called ``name``; only names in :attr:`cases` resolve."""
        from redline.data.case import load_case
        folder = self.cases.get(name)
        if folder is None:
            raise UnknownCaseError(f"no case named {name!r}",
                                   expected="one of " + ", ".join(self.cases))
        return self.cached(("case", name), lambda: load_case(folder))

    @property
    def default_case(self) -> str | None:
        return next(iter(self.cases), None)

    # -- store version and caches -------------------------------------------
    def store_version(self) -> tuple:
        """Changes whenever the store's files change (an ingest from here or elsewhere)."""
        path = Path(str(getattr(self.store, "path", "")))
        stamp: tuple = (self._version,)
        for p in (path, Path(f"{path}.wal")):
            try:
                st = p.stat()
                stamp += (st.st_mtime_ns, st.st_size)
            except OSError:
                stamp += (None,)
        return stamp

    def invalidate(self) -> None:
        with self._guard:
            self._version += 1
            for cache in self._caches.values():
                cache.clear()

    def cached(self, key: tuple, compute: Callable[[], Any], size: int | None = None,
               single: bool = True, bucket: str = "data") -> Any:
        """``compute()`` once per key and store version.

        Concurrent callers of the same key wait for the first instead of computing it
        again (``single=False`` lets them compute side by side, for trivial work).
        ``bucket`` names the LRU the value lives in (:data:`BUCKETS`, with its size).
        """
        cache = self._caches[bucket]
        size = size or BUCKETS[bucket]
        full = key + self.store_version()
        with self._guard:
            if full in cache:
                cache.move_to_end(full)
                return cache[full]
            lock = self._locks.setdefault((bucket,) + key, threading.Lock()) if single else None
            if len(self._locks) > 4 * sum(BUCKETS.values()):  # unused locks of evicted keys
                self._locks = {k: v for k, v in self._locks.items()
                               if v.locked() or k == (bucket,) + key}
        if lock is None:
            return self._keep(cache, full, compute(), size)
        with lock:
            with self._guard:
                if full in cache:
                    return cache[full]
            return self._keep(cache, full, compute(), size)

    def _keep(self, cache: OrderedDict, full: tuple, value: Any, size: int) -> Any:
        with self._guard:
            cache[full] = value
            while len(cache) > size:
                cache.popitem(last=False)
        return value
