# Static view of the lazily attached public names (see __init__.py).
from redline.analysis.backtest import backtest_case as backtest_case
from redline.analysis.fit import CaseFit as CaseFit
from redline.analysis.fit import coupling_table as coupling_table
from redline.analysis.fit import fit_case as fit_case
from redline.data.case import Case as Case
from redline.data.case import builtin_cases as builtin_cases
from redline.data.case import load_case as load_case
from redline.data.filters import EventFilter as EventFilter
from redline.data.open import open_store as open_store
from redline.data.store import DuckDBStore as DuckDBStore
from redline.data.store import IngestResult as IngestResult
from redline.data.streams import StreamData as StreamData
from redline.data.streams import covariate_frame as covariate_frame
from redline.data.streams import streams as streams
from redline.diagnostics import Diagnostic as Diagnostic
from redline.diagnostics import Diagnostics as Diagnostics
from redline.errors import RedlineError as RedlineError
from redline.models import (
    DailyHawkes as DailyHawkes,
)
from redline.models import (
    Hawkes as Hawkes,
)
from redline.models import (
    NegBinBaseline as NegBinBaseline,
)
from redline.models import (
    Persistence as Persistence,
)
from redline.models import (
    PoissonBaseline as PoissonBaseline,
)
from redline.models import (
    simulate_hawkes as simulate_hawkes,
)
from redline.reading import read_text as read_text

__version__: str
__all__: list[str]
