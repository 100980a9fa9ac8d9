"""Fitting a case: its streams and covariates from the store, into a model.

This is the bridge the models cannot be (they never import the store): it reads
the daily counts of a case's streams, builds the covariates, fits, and keeps
the ids of the events behind every count so later figures can cite them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from redline.data.case import Case, load_case
from redline.data.streams import StreamData, covariate_frame
from redline.data.streams import streams as read_streams
from redline.errors import InputError

__all__ = [
    "MODEL_NAMES",
    "CaseData",
    "CaseFit",
    "FitCache",
    "coupling_table",
    "fit_case",
    "fit_path",
    "load_fit",
    "make_model",
    "parse_covariate",
    "save_fit",
]

MODEL_NAMES = ("daily-hawkes", "poisson", "negbin", "persistence")


def make_model(name: str, link: str = "softplus", family: str = "poisson", n_boot: int = 0,
               random_state: int | None = 0):
    """An unfitted model by its CLI name."""
    from redline.models import DailyHawkes, NegBinBaseline, Persistence, PoissonBaseline
    if name == "daily-hawkes":
        return DailyHawkes(link=link, family=family, n_boot=n_boot, random_state=random_state)
    if name == "poisson":
        return PoissonBaseline()
    if name == "negbin":
        return NegBinBaseline()
    if name == "persistence":
        return Persistence()
    raise InputError(f"unknown model {name!r}", field="--model", expected="one of " + ", ".join(MODEL_NAMES))


_COV = re.compile(r"^([a-z][a-z0-9_]*)=(\d{4}-\d{2}-\d{2})?:(\d{4}-\d{2}-\d{2})?$")


def parse_covariate(text: str, index: pd.DatetimeIndex) -> pd.Series:
    """``NAME=START:END`` (either date may be empty) -> a 0/1 daily series on ``index``."""
    m = _COV.match(text.strip())
    if not m:
        raise InputError(f"invalid covariate {text!r}", field="--covariate",
                         expected="NAME=YYYY-MM-DD:YYYY-MM-DD (either date may be left empty), "
                         "or the name of a covariate the case defines")
    name, a, b = m.groups()
    start = pd.Timestamp(a) if a else index.min()
    end = pd.Timestamp(b) if b else index.max()
    if end < start:
        raise InputError(f"covariate {name!r} ends before it starts", field="--covariate",
                         expected="START before END")
    return pd.Series(((index >= start) & (index <= end)).astype(float), index=index, name=name)


@dataclass
class CaseFit:
    """A fitted model of a case, with the data it was fitted on."""

    case: Case
    model: Any
    data: StreamData
    covariates: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def counts(self) -> pd.DataFrame:
        return self.data.counts

    def residuals(self):
        """The model's residuals on the data it was fitted to (the model keeps no data)."""
        cov = self.covariates if self.covariates.shape[1] else None
        return self.model.residuals(self.counts, cov)


class CaseData:
    """A case's stream counts read from the store once per command.

    Every stage of a command (the fit, the scenario's history, the brief's tables)
    asks this object for the streams it needs instead of querying the store
    again; each distinct (streams, window) is read once.

    Parameters
    ----------
    store
        Any redline store.
    case
        The case (or the name of a built-in one).
    """

    def __init__(self, store, case: Case | str) -> None:
        self.store = store
        self.case = load_case(case) if isinstance(case, str) else case
        self._streams: dict[tuple, StreamData] = {}

    def streams(self, names: list[str] | None = None, start: dt.date | None = None,
                end: dt.date | None = None) -> StreamData:
        """Daily counts of ``names`` (all streams when None) over ``start..end``."""
        key = (tuple(names) if names else None, start or self.case.start, end or self.case.end)
        if key not in self._streams:
            self._streams[key] = read_streams(self.store, self.case, names, start, end)
        return self._streams[key]


class FitCache:
    """Fitted models of one case, each distinct model specification fitted once.

    The key is the resolved specification (streams, model, link, family,
    covariates, window, bootstrap size, seed): ``fit()`` with the case's defaults
    and a call that spells the same defaults out share one fit. Give the cache to
    the stages of a command (brief, deterrence, scenarios, the web's dynamics
    page) so that they receive a fitted model instead of fitting again.

    Parameters
    ----------
    store, case
        As for :func:`fit_case`.
    data : CaseData, optional
        Where stream counts are read (one is made when None).
    """

    def __init__(self, store, case: Case | str, data: CaseData | None = None) -> None:
        self.data = data or CaseData(store, case)
        self.store, self.case = store, self.data.case
        self._fits: dict[str, CaseFit] = {}
        self.n_fitted = 0

    def key(self, streams: list[str] | None = None, model: str = "daily-hawkes",
            link: str | None = None, family: str = "poisson", covariates: list[str] | None = None,
            start: dt.date | None = None, end: dt.date | None = None, n_boot: int = 0,
            random_state: int = 0) -> str:
        """The resolved specification as a string (the cache key)."""
        case = self.case
        names = list(streams or case.model.streams or [s.name for s in case.streams])
        spec = {"streams": names, "model": model,
                "link": (link or case.model.link) if model == "daily-hawkes" else None,
                "family": family,
                "covariates": list(case.model.covariates if covariates is None else covariates),
                "start": str(start or case.start), "end": str(end or case.end),
                "n_boot": int(n_boot), "random_state": random_state}
        return json.dumps(spec, sort_keys=True)

    def fit(self, streams: list[str] | None = None, model: str = "daily-hawkes",
            link: str | None = None, family: str = "poisson", covariates: list[str] | None = None,
            start: dt.date | None = None, end: dt.date | None = None, n_boot: int = 0,
            random_state: int = 0) -> CaseFit:
        """The fit of this specification (see :func:`fit_case`), computed at most once."""
        args = (streams, model, link, family, covariates, start, end, n_boot, random_state)
        k = self.key(*args)
        if k not in self._fits:
            self._fits[k] = fit_case(self.store, self.case, *args, data=self.data)
            self.n_fitted += 1
        return self._fits[k]


def fit_case(store, case: Case | str, streams: list[str] | None = None,
             model: str = "daily-hawkes", link: str | None = None, family: str = "poisson",
             covariates: list[str] | None = None, start: dt.date | None = None,
             end: dt.date | None = None, n_boot: int = 0, random_state: int = 0,
             data: CaseData | None = None) -> CaseFit:
    """Fit ``model`` to the daily counts of ``case``'s streams in ``store``.

    Parameters
    ----------
    streams
        Stream names; the case's ``model.streams`` (or all streams) when None.
    covariates
        Case covariate names or ``NAME=START:END`` specs; the case's
        ``model.covariates`` when None, none when an empty list.
    start, end
        Fit window (inclusive); the case window when None.
    data
        Where to read the counts (:class:`CaseData`); the store directly when None.
        To fit each specification once per command, use :class:`FitCache`.
    """
    if isinstance(case, str):
        case = load_case(case)
    names = streams or case.model.streams or None
    sd = (data.streams(names, start, end) if data is not None
          else read_streams(store, case, names, start, end))
    index = sd.counts.index
    specs = case.model.covariates if covariates is None else covariates
    cov = pd.DataFrame(index=index)
    for spec in specs:
        if "=" in spec:
            s = parse_covariate(spec, index)
            cov[s.name] = s
        else:
            cov[spec] = covariate_frame(case, index, [spec])[spec]
    link = link or case.model.link
    est = make_model(model, link, family, n_boot, random_state)
    if model == "daily-hawkes":
        est.fit(sd.counts, cov if cov.shape[1] else None)
    else:
        est.fit(sd.counts)
    settings = {"model": model, "link": link if model == "daily-hawkes" else None,
                "family": family, "streams": list(sd.counts.columns),
                "covariates": specs, "start": str(index.min().date()),
                "end": str(index.max().date()), "n_boot": n_boot, "random_state": random_state}
    return CaseFit(case, est, sd, cov, settings)


def coupling_table(fit: CaseFit, alpha: float = 0.05) -> pd.DataFrame:
    """Who excites or inhibits whom: one row per (source, target) pair.

    Columns: source, target, effect (adjacency: expected extra target events per
    source event, or under softplus the signed change of the linear predictor),
    low, high (1 - alpha interval), verdict (excites / inhibits / unclear, by
    whether the interval excludes 0), half_life_days of the source's kernel.
    """
    m = fit.model
    ci = m.conf_int(alpha=alpha)
    adj = ci[ci["parameter"] == "adjacency"].copy()
    names = list(m.stream_names_)
    hl = dict(zip(names, np.asarray(m.half_life_, float)))
    rows = []
    for r in adj.itertuples(index=False):
        verdict = "excites" if r.low > 0 else ("inhibits" if r.high < 0 else "unclear")
        rows.append({"source": r.source, "target": r.target, "effect": r.estimate,
                     "low": r.low, "high": r.high, "verdict": verdict,
                     "half_life_days": hl.get(r.source, np.nan)})
    return pd.DataFrame(rows)


def fit_path(store_path: Path, case_name: str, model: str = "daily-hawkes",
             settings: dict[str, Any] | None = None, default: bool = True) -> Path:
    """Where a fitted model is saved: a folder next to the store.

    The fit with the case's default settings is ``<case>--<model>.json``; any other
    (other streams, covariates, link, window) gets a short hash of its settings in
    the name, so it never overwrites the default one.
    """
    name = f"{case_name}--{model}"
    if not default and settings is not None:
        import hashlib
        key = json.dumps({k: settings.get(k) for k in ("streams", "covariates", "link", "family",
                                                        "start", "end", "n_boot")},
                         sort_keys=True, default=str)
        name += "--" + hashlib.sha256(key.encode()).hexdigest()[:8]
    return Path(f"{store_path}.models") / f"{name}.json"


def save_fit(fit: CaseFit, path: Path) -> Path:
    """Save the fitted model and its settings as JSON (readable, diffable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"case": fit.case.name, "settings": fit.settings,
               "saved": dt.datetime.now().isoformat(timespec="seconds"),
               "model": fit.model.to_dict()}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, indent=1, default=_jsonable), encoding="utf-8")
    tmp.replace(path)
    return path


def load_fit(path: Path) -> tuple[dict[str, Any], Any]:
    """(settings, fitted DailyHawkes) saved by :func:`save_fit`."""
    from redline.models import DailyHawkes
    if not path.exists():
        raise InputError("no saved model here", file=str(path),
                         expected="run `redline fit CASE` first")
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["settings"], DailyHawkes.from_dict(data["model"])


def _jsonable(o: Any) -> Any:
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (dt.date, pd.Timestamp)):
        return o.isoformat()
    raise TypeError(f"cannot serialise {type(o).__name__}")
