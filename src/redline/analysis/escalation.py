"""How much violence, when: daily and weekly series, an intensity index, and phases.

Series
------
:func:`escalation_series` gives, per day or week and per stream (and for the
whole case), the number of events, casualties by side and an intensity index.
Casualty sums add the values the sources give; an event whose casualties are
unknown (NULL) adds nothing; ``killed_unknown`` counts the events whose
death toll the sources do not give (NULL, as opposed to 0).

Intensity index
---------------
The index of a period is the sum of the *severity* of its events
(:class:`IntensityWeights`), in points of the Goldstein-anchored scale the
store uses (see :func:`redline.data.schema.intensity_sql`)::

    severity = type_score(event_type)                      # max(0, -base(type)): ASSAULT 10,
                                                           #   MOBILIZE 7.2, THREATEN 5.8,
                                                           #   SANCTION 5.6, ACCUSE 2, ...;
                                                           #   cooperative types 0
             + mode_score(mode)     [ASSAULT, COERCE only]  # -MODE_ADJUSTMENT: cbrn 2,
                                                           #   missile/aerial/targeted/suicide 1,
                                                           #   drone/rocket/ied/artillery 0.5
             + 1.5 * log10(1 + killed)                     # ten deaths: +1.5
             + 0.5 * log10(1 + injured)                    # ten injured: +0.5

It is the store's ``intensity`` column turned into a positive hostility score
without its clip at -10 (every assault sits at the clip there, so the column
cannot tell an intercepted drone from Tower 22), plus an injuries term.  The
weights are choices, not estimates: pass other :class:`IntensityWeights` to
change them.

Phases
------
:func:`detect_phases` segments the daily counts of one stream into periods of
constant rate with PELT (``ruptures``), using a Poisson likelihood cost
(``cost="poisson"``, -2 log-likelihood of a constant rate per segment) or the
L2 cost, and a BIC penalty: ``2 log(n_days)`` per change point for the
Poisson cost (one extra rate and one location), ``2 sigma^2 log(n_days)`` for
L2 (``sigma^2`` from the day-to-day differences).  Each change point gets

* a p-value: a conditional Monte Carlo test of "no change" between its two
  neighbouring change points (given the events there, under no change every
  day is equally likely to hold each event: a multinomial), with the maximum
  likelihood-ratio over all split points as statistic, so searching for the
  location is accounted for;
* a 95% interval for its date: a parametric bootstrap of the two neighbouring
  segments at their fitted rates, locating the split again each time.

Both assume Poisson days.  Conflict events cluster (overdispersion; the
``dispersion`` column shows it), which makes the p-values too small and the
intervals too narrow; read them as lower bounds on the uncertainty.  The scan
test also takes the stretch between the neighbours as given, though the search
chose it on the same data: ``p_selection`` reruns the whole search on the days
in random order (:mod:`redline.analysis.phase_selection`), which accounts for
the selection and keeps the overdispersion; it is the p-value to report.

Coverage
--------
A stream may declare in ``case.yaml`` what its sources cover (``coverage:
{start, end, gaps}``).  A change point within ``edge_days`` of such an edge may
be the data thinning out rather than a change of behaviour: it is flagged
(``coverage_edge``) with an ``analysis.coverage_edge`` diagnostic, and the brief
does not report the phases it bounds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import ruptures as rpt
from ruptures.base import BaseCost
from scipy import stats

from redline.analysis._events import CaseEvents, as_case, load_case_events
from redline.analysis.case_streams import default_streams, json_records
from redline.analysis.phase_selection import pelt_poisson, selection_pvalues
from redline.data.case import Case
from redline.data.schema import MODE_ADJUSTMENT, type_base_intensity
from redline.diagnostics import Diagnostics
from redline.errors import AnalysisError

__all__ = ["IntensityWeights", "escalation_series", "detect_phases", "segment_counts",
           "PhaseResult", "CostPoisson", "poisson_rate_ci"]

CASE_SCOPE = "(case)"
_CASUALTIES = ("killed", "injured", "target_killed", "target_injured")
_VIOLENT = ("ASSAULT", "COERCE")
#: Days past which the search-adjusted p-values use 99 permutations, not 199 (about 11 years).
LONG_SERIES_DAYS = 4000


@dataclass(frozen=True)
class IntensityWeights:
    """Weights of the intensity index (see the module docstring).

    Parameters
    ----------
    type_scores
        Event type -> points; default ``max(0, -base(type))`` from the store's scale.
    mode_scores
        Mode -> extra points for violent types (ASSAULT, COERCE); default from
        :data:`redline.data.schema.MODE_ADJUSTMENT`.
    killed, injured
        Points per ``log10(1 + n)`` of deaths and injuries.
    """

    type_scores: Mapping[str, float] | None = None
    mode_scores: Mapping[str, float] | None = None
    killed: float = 1.5
    injured: float = 0.5

    def types(self) -> dict[str, float]:
        if self.type_scores is not None:
            return dict(self.type_scores)
        return {t: max(0.0, -v) for t, v in type_base_intensity().items()}

    def modes(self) -> dict[str, float]:
        if self.mode_scores is not None:
            return dict(self.mode_scores)
        return {m: -v for m, v in MODE_ADJUSTMENT.items()}

    def score(self, events: pd.DataFrame) -> pd.Series:
        """Severity of each event (points, >= 0), aligned with ``events``."""
        etype = events["event_type"]
        base = etype.map(self.types()).fillna(0.0).astype(float)
        mode = events["mode"].map(self.modes()).fillna(0.0).astype(float)
        mode = mode.where(etype.isin(_VIOLENT), 0.0)
        killed = pd.to_numeric(events["killed"], errors="coerce").fillna(0).clip(lower=0)
        injured = pd.to_numeric(events["injured"], errors="coerce").fillna(0).clip(lower=0)
        return (base + mode + self.killed * np.log10(1 + killed)
                + self.injured * np.log10(1 + injured)).astype(float)

    def as_dict(self) -> dict[str, Any]:
        return {"type_scores": self.types(), "mode_scores": self.modes(),
                "killed_per_log10": self.killed, "injured_per_log10": self.injured}


def _data(store, case, data: CaseEvents | None, start=None, end=None) -> CaseEvents:
    return data if data is not None else load_case_events(store, as_case(case), start, end)


def escalation_series(store, case: Case | str, freq: str = "D",
                      weights: IntensityWeights | None = None, streams: list[str] | None = None,
                      start: dt.date | None = None, end: dt.date | None = None,
                      data: CaseEvents | None = None) -> pd.DataFrame:
    """Per period and scope: events, casualties by side, intensity index, event ids.

    Parameters
    ----------
    freq
        ``"D"`` (days) or ``"W"`` (weeks starting Monday).
    streams
        Stream names; all the case's streams when None.  The scope ``"(case)"``
        (every case event) is always added.

    Returns
    -------
    DataFrame in long form with columns ``period`` (first day), ``scope``,
    ``events``, ``killed``, ``injured``, ``target_killed``, ``target_injured``,
    ``killed_unknown``, ``intensity`` and ``event_ids`` (list): every
    period of the window for every scope, zeros included.
    """
    if freq not in ("D", "W"):
        raise AnalysisError(f"unknown frequency {freq!r}", field="freq", expected="'D' or 'W'")
    data = _data(store, case, data, start, end)
    weights = weights or IntensityWeights()
    names = streams if streams is not None else [s.name for s in data.case.streams]
    for n in names:
        data.case.stream(n)
    ev = data.events.copy()
    ev["severity"] = weights.score(ev) if len(ev) else pd.Series(dtype=float)
    days = data.counts.index
    if freq == "D":
        ev["period"] = ev["date"]
        periods = days
    else:
        ev["period"] = ev["date"].dt.to_period("W-SUN").dt.start_time
        periods = pd.DatetimeIndex(sorted(set(days.to_period("W-SUN").start_time)))
    frames = []
    for scope in [*names, CASE_SCOPE]:
        sub = ev if scope == CASE_SCOPE else ev[ev["event_id"].isin(set(data.stream_ids[scope]))]
        frames.append(_aggregate(sub, periods, scope))
    return pd.concat(frames, ignore_index=True)


def _aggregate(ev: pd.DataFrame, periods: pd.DatetimeIndex, scope: str) -> pd.DataFrame:
    out = pd.DataFrame({"period": periods})
    g = ev.groupby("period")
    agg = pd.DataFrame({"events": g.size()})
    for c in _CASUALTIES:
        agg[c] = g[c].sum(min_count=0) if len(ev) else 0
    agg["killed_unknown"] = g["killed"].apply(lambda s: int(s.isna().sum())) if len(ev) else 0
    agg["intensity"] = g["severity"].sum() if len(ev) else 0.0
    agg["event_ids"] = g["event_id"].agg(list) if len(ev) else None
    out = out.merge(agg, left_on="period", right_index=True, how="left")
    for c in ("events", *_CASUALTIES, "killed_unknown"):
        out[c] = pd.to_numeric(out[c], errors="coerce").fillna(0).astype("int64")
    out["intensity"] = pd.to_numeric(out["intensity"], errors="coerce").fillna(0.0).round(3)
    out["event_ids"] = [v if isinstance(v, list) else [] for v in out["event_ids"]]
    out.insert(1, "scope", scope)
    return out


# ---------------------------------------------------------------- phases

class CostPoisson(BaseCost):
    """ruptures cost: -2 x Poisson log-likelihood of one constant rate on the segment.

    ``-2 (S log(S / n) - S)`` for ``S`` events in ``n`` days (the ``log y!``
    terms are the same for every segmentation and are dropped).
    """

    model = "poisson"

    def __init__(self) -> None:
        self.min_size = 1
        self._cs: np.ndarray | None = None
        self.signal: np.ndarray | None = None

    def fit(self, signal: np.ndarray) -> CostPoisson:
        self.signal = np.asarray(signal, float).reshape(len(signal), -1)
        y = self.signal[:, 0]
        self._cs = np.concatenate([[0.0], np.cumsum(y)])
        return self

    def error(self, start: int, end: int) -> float:
        assert self._cs is not None  # ruptures calls fit() first
        s = self._cs[end] - self._cs[start]
        n = end - start
        return 0.0 if s <= 0 else float(-2.0 * (s * np.log(s / n) - s))


def _xlogx_rate(s: np.ndarray, n: np.ndarray | float) -> np.ndarray:
    """``s log(s/n) - s`` with 0 log 0 = 0 (profile Poisson log-likelihood)."""
    s = np.asarray(s, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.where(s > 0, s * np.log(np.where(s > 0, s, 1.0) / n) - s, 0.0)
    return v


def _scan(y: np.ndarray, min_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Max likelihood-ratio of one split and its position, per row of ``y`` (B, m)."""
    y = np.atleast_2d(y)
    m = y.shape[1]
    taus = np.arange(min_size, m - min_size + 1)
    cs = np.cumsum(y, axis=1)
    total = cs[:, -1:]
    left = cs[:, taus - 1]
    lr = 2.0 * (_xlogx_rate(left, taus) + _xlogx_rate(total - left, m - taus)
                - _xlogx_rate(total, m))
    best = lr.argmax(axis=1)
    return lr[np.arange(len(y)), best], taus[best]


def poisson_rate_ci(events: int, days: float, alpha: float = 0.05) -> tuple[float, float]:
    """Exact (Garwood) interval of a Poisson rate, events per day."""
    if days <= 0:
        return (np.nan, np.nan)
    lo = 0.0 if events == 0 else stats.chi2.ppf(alpha / 2, 2 * events) / 2
    hi = stats.chi2.ppf(1 - alpha / 2, 2 * events + 2) / 2
    return float(lo / days), float(hi / days)


@dataclass
class PhaseResult:
    """Periods of constant event rate of one stream.

    Attributes
    ----------
    stream
        The stream segmented.
    segments
        DataFrame, one row per phase: ``start``, ``end`` (inclusive dates),
        ``days``, ``events``, ``rate_per_day`` with its exact 95% interval
        ``rate_low``/``rate_high``, ``dispersion`` (variance / mean of the daily
        counts; 1 for Poisson days), ``event_ids``.
    change_points
        DataFrame, one row per change: ``date`` (first day of the new phase),
        ``rate_before``, ``rate_after``, ``direction`` (rise/fall), ``lr``
        (likelihood-ratio statistic), ``p_value`` (scan test between the
        neighbours), ``p_selection`` (the whole search permuted: accounts for the
        selection; NaN for the L2 cost), ``date_low``/``date_high`` (95% bootstrap
        interval of the date), ``coverage_edge`` (within ``edge_days`` of an edge
        of the stream's declared coverage).
    diagnostics
        ``analysis.coverage_edge`` for each flagged change point.
    """

    stream: str
    segments: pd.DataFrame
    change_points: pd.DataFrame
    cost: str
    penalty: float
    min_size: int
    n_sim: int
    method: str = ""
    notes: list[str] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)

    def __repr__(self) -> str:
        parts = [f"{r.start:%Y-%m-%d}..{r.end:%Y-%m-%d} {r.rate_per_day:.2f}/day"
                 for r in self.segments.itertuples()]
        return f"PhaseResult({self.stream}: " + "; ".join(parts) + ")"

    def to_dict(self) -> dict[str, Any]:
        return {"stream": self.stream, "cost": self.cost, "penalty": self.penalty,
                "min_size": self.min_size, "n_sim": self.n_sim, "method": self.method,
                "notes": list(self.notes), "diagnostics": self.diagnostics.to_list(),
                "segments": json_records(self.segments), "change_points": json_records(self.change_points)}




def segment_counts(counts: pd.Series, cost: str = "poisson", min_size: int = 7,
                   penalty: float | None = None, n_sim: int = 999, random_state: int = 0,
                   ids_by_day: Mapping[pd.Timestamp, list[str]] | None = None,
                   name: str = "counts") -> PhaseResult:
    """Change points of a daily count series (see the module docstring for the method).

    Parameters
    ----------
    counts
        Series of non-negative counts, events per day, indexed by consecutive days.
    cost
        ``"poisson"`` or ``"l2"``.
    min_size
        Shortest phase, days.
    penalty
        PELT penalty per change point; the BIC rule when None.
    n_sim
        Monte Carlo draws for the p-values and the bootstrap of the dates.
    ids_by_day
        Day -> event ids, so each phase lists its events.
    """
    y = np.asarray(counts, float)
    n = len(y)
    if n < 2 * min_size:
        raise AnalysisError(f"{n} days are too few to look for a change with phases of "
                            f"at least {min_size} days", field="min_size",
                            expected=f"at least {2 * min_size} days of data, or a smaller min_size")
    if min_size < 1:
        raise AnalysisError("min_size must be at least 1 day", field="min_size", expected="an integer >= 1")
    if np.any(y < 0) or not np.all(np.isfinite(y)):
        raise AnalysisError("counts must be finite and non-negative", field="counts")
    index = pd.DatetimeIndex(counts.index)
    algo = None
    if cost == "poisson":
        pen = 2.0 * np.log(n) if penalty is None else float(penalty)
        rule = "2 log(n_days) (BIC: one rate and one location per change)"
    elif cost == "l2":
        sigma2 = float(np.var(np.diff(y)) / 2.0) or 1.0
        algo = rpt.Pelt(model="l2", min_size=min_size, jump=1)
        pen = 2.0 * sigma2 * np.log(n) if penalty is None else float(penalty)
        rule = f"2 sigma^2 log(n_days), sigma^2 = var(diff)/2 = {sigma2:.3g}"
    else:
        raise AnalysisError(f"unknown cost {cost!r}", field="cost", expected="'poisson' or 'l2'")
    if penalty is not None:
        rule = "given"
    if y.sum() <= 0:
        bkps = [n]
    elif algo is None:  # Poisson: the compiled exact search (ruptures' Python cost is slow)
        bkps = [*pelt_poisson(y, pen, min_size), n]
    else:
        bkps = algo.fit(y.reshape(-1, 1)).predict(pen=pen)
    bounds = [0, *bkps]
    segs = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        seg = y[a:b]
        ev = int(seg.sum())
        lo, hi = poisson_rate_ci(ev, b - a)
        mean = seg.mean()
        ids: list[str] = []
        if ids_by_day is not None:
            for d in index[a:b]:
                ids.extend(ids_by_day.get(d, []))
        segs.append({"start": index[a], "end": index[b - 1], "days": b - a, "events": ev,
                     "rate_per_day": mean, "rate_low": lo, "rate_high": hi,
                     "dispersion": float(seg.var(ddof=1) / mean) if mean > 0 and b - a > 1 else np.nan,
                     "event_ids": ids})
    rng = np.random.default_rng(random_state)
    cps = []
    for k in range(1, len(bounds) - 1):
        a, t, b = bounds[k - 1], bounds[k], bounds[k + 1]
        local = y[a:b]
        m, total = b - a, int(local.sum())
        obs, _ = _scan(local[None, :], min_size)
        null = rng.multinomial(total, np.full(m, 1.0 / m), size=n_sim)
        null_lr, _ = _scan(null, min_size)
        p = (1 + int(np.sum(null_lr >= obs[0] - 1e-9))) / (n_sim + 1)
        r1, r2 = y[a:t].mean(), y[t:b].mean()
        boot = np.concatenate([rng.poisson(r1, size=(n_sim, t - a)),
                               rng.poisson(r2, size=(n_sim, b - t))], axis=1)
        _, where = _scan(boot, min_size)
        lo_i, hi_i = np.percentile(where, [2.5, 97.5]).round().astype(int)
        cps.append({"date": index[t], "rate_before": r1, "rate_after": r2,
                    "direction": "rise" if r2 > r1 else "fall", "lr": float(obs[0]),
                    "p_value": p, "date_low": index[a + lo_i], "date_high": index[a + hi_i]})
    n_perm = 0
    if cost == "poisson" and cps:
        # A permuted series has one rate, so its search cannot prune and costs n_days^2:
        # past about eleven years of days, 99 permutations (p to 0.01) instead of 199.
        n_perm = max(99, min(n_sim, 199 if n <= LONG_SERIES_DAYS else 99))
        p_sel = selection_pvalues(y, list(bounds[1:-1]), pen, min_size, n_perm=n_perm,
                                  random_state=random_state)
        for c, p in zip(cps, p_sel):
            c["p_selection"] = float(p)
    for c in cps:
        c.setdefault("p_selection", np.nan)
        c["coverage_edge"] = False
    cols = ["date", "rate_before", "rate_after", "direction", "lr", "p_value", "p_selection",
            "date_low", "date_high", "coverage_edge"]
    search = "PELT (exact, compiled)" if algo is None else f"PELT (ruptures {rpt.__version__})"
    method = (f"{search}, {cost} cost, penalty {pen:.2f} = {rule}, "
              f"phases of at least {min_size} days; p-values: conditional Monte Carlo scan test "
              f"({n_sim} draws)"
              + (f" and, accounting for the search, the whole search rerun on the days permuted "
                 f"({n_perm} permutations)" if n_perm else "")
              + f"; date intervals: parametric bootstrap ({n_sim} draws)")
    notes = []
    disp = [s["dispersion"] for s in segs if np.isfinite(s["dispersion"])]
    if disp and max(disp) > 1.5:
        notes.append(f"daily counts are overdispersed within phases (variance/mean up to "
                     f"{max(disp):.1f}); the Poisson p-values and intervals understate the uncertainty")
    return PhaseResult(name, pd.DataFrame(segs), pd.DataFrame(cps, columns=cols), cost, float(pen),
                       min_size, n_sim, method, notes)


def detect_phases(store, case: Case | str, stream: str | None = None, cost: str = "poisson",
                  min_size: int = 7, penalty: float | None = None, n_sim: int = 999,
                  random_state: int = 0, start: dt.date | None = None, end: dt.date | None = None,
                  data: CaseEvents | None = None, edge_days: int = 14) -> PhaseResult:
    """Phases of a case stream's daily counts (default: the first of the case's model streams).

    ``edge_days``: a change point this close (days) to an edge of the stream's declared
    coverage is flagged (see the module docstring).

    Raises
    ------
    UnknownStreamError
        When the case has no stream of that name.
    """
    data = _data(store, case, data, start, end)
    stream = stream or default_streams(data.case)[0]
    data.case.stream(stream)
    ev = data.stream(stream)
    ids_by_day = ev.groupby("date")["event_id"].agg(list).to_dict()
    res = segment_counts(data.counts[stream], cost=cost, min_size=min_size, penalty=penalty,
                         n_sim=n_sim, random_state=random_state, ids_by_day=ids_by_day,
                         name=stream)
    flag_coverage_edges(res, data.case.stream(stream).coverage, edge_days)
    return res


def flag_coverage_edges(res: PhaseResult, coverage, edge_days: int = 14) -> None:
    """Mark the change points within ``edge_days`` of an edge of ``coverage`` (in place)."""
    if coverage is None or res.change_points.empty:
        return
    edges = [pd.Timestamp(d) for d in coverage.edges()]
    cp = res.change_points
    for i, d in enumerate(cp["date"]):
        near = [e for e in edges if abs((pd.Timestamp(d) - e).days) <= edge_days]
        if not near:
            continue
        cp.loc[cp.index[i], "coverage_edge"] = True
        res.diagnostics.add(
            "analysis.coverage_edge",
            f"the change point of {res.stream} on {pd.Timestamp(d):%-d %b %Y} lies "
            f"{abs((pd.Timestamp(d) - near[0]).days)} days from an edge of the stream's declared "
            f"coverage ({near[0]:%-d %b %Y}): it may mark the sources thinning out, not a change "
            "in behaviour.", subject=("stream", res.stream))
