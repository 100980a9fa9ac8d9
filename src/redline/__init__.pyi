# Static view of the lazily attached public names (see __init__.py).
from redline.analysis.backtest import backtest_case as backtest_case
from redline.analysis.fit import CaseFit as CaseFit, coupling_table as coupling_table, fit_case as fit_case
from redline.data.case import Case as Case, builtin_cases as builtin_cases, load_case as load_case
from redline.data.filters import EventFilter as EventFilter
from redline.data.open import open_store as open_store
from redline.data.store import DuckDBStore as DuckDBStore, IngestResult as IngestResult
from redline.data.streams import StreamData as StreamData, covariate_frame as covariate_frame, streams as streams
from redline.diagnostics import Diagnostic as Diagnostic, Diagnostics as Diagnostics
from redline.errors import RedlineError as RedlineError
from redline.models import (
    DailyHawkes as DailyHawkes,
    Hawkes as Hawkes,
    NegBinBaseline as NegBinBaseline,
    Persistence as Persistence,
    PoissonBaseline as PoissonBaseline,
    simulate_hawkes as simulate_hawkes,
)
from redline.reading import read_text as read_text

__version__: str
__all__: list[str]
