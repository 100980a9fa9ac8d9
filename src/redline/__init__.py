"""redline: analyse and simulate escalation between states and armed proxies.

The pipeline, one direction::

    evidence -> event store -> streams -> model (fit) -> scenarios -> implications -> brief

Quick start::

    import redline
    store = redline.open_store("redline.duckdb")
    store.ingest("us-iran-proxies-2023")
    case = redline.load_case("us-iran-proxies-2023")
    counts = redline.streams(store, case).counts        # (n_days, n_streams)
    fit = redline.fit_case(store, case)                  # DailyHawkes, softplus link

Names are imported on first use, so ``redline --help`` does not pay for numba.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "backtest_case": "redline.analysis.backtest",
    "CaseFit": "redline.analysis.fit",
    "coupling_table": "redline.analysis.fit",
    "fit_case": "redline.analysis.fit",
    "Case": "redline.data.case",
    "builtin_cases": "redline.data.case",
    "load_case": "redline.data.case",
    "EventFilter": "redline.data.filters",
    "open_store": "redline.data.open",
    "DuckDBStore": "redline.data.store",
    "IngestResult": "redline.data.store",
    "StreamData": "redline.data.streams",
    "covariate_frame": "redline.data.streams",
    "streams": "redline.data.streams",
    "RedlineError": "redline.errors",
    "DailyHawkes": "redline.models",
    "Hawkes": "redline.models",
    "NegBinBaseline": "redline.models",
    "Persistence": "redline.models",
    "PoissonBaseline": "redline.models",
    "simulate_hawkes": "redline.models",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'redline' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
