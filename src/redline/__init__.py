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

import lazy_loader as lazy

__version__ = "0.1.0"

# Submodules load on first use (SPEC 1 lazy loading), so `redline --help` does not
# pay for numba and DuckDB; static type checkers read the stub beside this file.
__getattr__, __dir__, __all__ = lazy.attach(
    __name__,
    submod_attrs={
        "analysis.backtest": ["backtest_case"],
        "analysis.fit": ["CaseFit", "coupling_table", "fit_case"],
        "data.case": ["Case", "builtin_cases", "load_case"],
        "data.filters": ["EventFilter"],
        "data.open": ["open_store"],
        "data.store": ["DuckDBStore", "IngestResult"],
        "data.streams": ["StreamData", "covariate_frame", "streams"],
        "diagnostics": ["Diagnostic", "Diagnostics"],
        "errors": ["RedlineError"],
        "models": ["DailyHawkes", "Hawkes", "NegBinBaseline", "Persistence", "PoissonBaseline",
                   "simulate_hawkes"],
        "reading": ["read_text"],
    },
)
__all__ = [*__all__, "__version__"]
