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
from redline.data.streams import StreamData, covariate_frame, streams as read_streams
from redline.errors import InputError

__all__ = ["CaseFit", "fit_case", "parse_covariate", "coupling_table", "save_fit", "load_fit",
           "MODEL_NAMES", "make_model", "fit_path"]

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


def fit_case(store, case: Case | str, streams: list[str] | None = None,
             model: str = "daily-hawkes", link: str | None = None, family: str = "poisson",
             covariates: list[str] | None = None, start: dt.date | None = None,
             end: dt.date | None = None, n_boot: int = 0, random_state: int = 0) -> CaseFit:
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
    """
    if isinstance(case, str):
        case = load_case(case)
    names = streams or case.model.streams or None
    data = read_streams(store, case, names, start, end)
    index = data.counts.index
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
        est.fit(data.counts, cov if cov.shape[1] else None)
    else:
        est.fit(data.counts)
    settings = {"model": model, "link": link if model == "daily-hawkes" else None,
                "family": family, "streams": list(data.counts.columns),
                "covariates": specs, "start": str(index.min().date()),
                "end": str(index.max().date()), "n_boot": n_boot, "random_state": random_state}
    return CaseFit(case, est, data, cov, settings)


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
