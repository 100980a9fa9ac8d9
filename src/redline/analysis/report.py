"""One call for the questions an analyst asks first: :func:`analyze`.

It reads the case's events once and runs the four analyses over them:
phases of the attack stream (:mod:`~redline.analysis.escalation`),
action-reaction pairs (:mod:`~redline.analysis.reciprocity`), rates around
strike waves and the model's strike effect (:mod:`~redline.analysis.deterrence`),
and the actor network with its deniability measures
(:mod:`~redline.analysis.network`).  Every figure keeps the ids of the events
it was computed from.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from redline.analysis._events import as_case, load_case_events
from redline.analysis.case_streams import default_streams, json_records
from redline.analysis.deterrence import DEFAULT_WINDOWS, DeterrenceResult, deterrence
from redline.analysis.escalation import (
    IntensityWeights,
    PhaseResult,
    detect_phases,
    escalation_series,
)
from redline.analysis.network import NetworkResult, network
from redline.analysis.reciprocity import ReciprocityResult, default_pairs, reciprocity
from redline.data.case import Case
from redline.diagnostics import Diagnostics

__all__ = ["AnalysisResult", "analyze"]


@dataclass
class AnalysisResult:
    """The four analyses of one case, with the series they rest on.

    Attributes
    ----------
    daily, weekly
        :func:`~redline.analysis.escalation.escalation_series` at ``"D"`` and ``"W"``.
    phases
        Change points of the attack stream.
    reciprocity
        One result per (action, reaction) pair.
    deterrence
        Rates around strike waves and the model-based effect.
    network
        Actor graph, chains, centrality, dyads and deniability.
    diagnostics
        Every analysis's diagnostics, with the events outside the window and the
        share of events dated only to a week, a month or a year.
    outside
        Events of the case's streams the store holds before / after the window
        (``before``, ``after``, ``sentences``).
    """

    case: Case
    start: dt.date
    end: dt.date
    daily: pd.DataFrame
    weekly: pd.DataFrame
    phases: PhaseResult
    reciprocity: list[ReciprocityResult]
    deterrence: DeterrenceResult
    network: NetworkResult
    weights: IntensityWeights = field(default_factory=IntensityWeights)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    outside: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (f"AnalysisResult({self.case.name} {self.start}..{self.end}: "
                f"{len(self.phases.segments)} phases, {len(self.reciprocity)} pairs, "
                f"{len(self.deterrence.waves)} strike waves, deniable share "
                f"{self.network.deniability['deniable_share']:.2f})")

    def totals(self) -> pd.DataFrame:
        """Per scope: events, casualties by side and intensity over the whole window."""
        cols = ["events", "killed", "injured", "target_killed", "target_injured",
                "killed_unknown", "intensity"]
        return self.daily.groupby("scope", sort=False)[cols].sum().reset_index()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: keys ``case``, ``window``, ``escalation``, ``phases``,
        ``reciprocity``, ``deterrence``, ``network``."""
        weekly = self.weekly[self.weekly["events"] > 0]
        return {
            "case": self.case.name, "window": [self.start.isoformat(), self.end.isoformat()],
            "escalation": {"intensity_weights": self.weights.as_dict(),
                           "totals": json_records(self.totals()), "weekly": json_records(weekly)},
            "phases": self.phases.to_dict(),
            "reciprocity": [r.to_dict() for r in self.reciprocity],
            "deterrence": self.deterrence.to_dict(),
            "network": self.network.to_dict(),
            "outside_window": self.outside,
            "diagnostics": self.diagnostics.to_list(),
        }

    def to_json(self, indent: int | None = 1) -> str:
        return json.dumps(self.to_dict(), indent=indent, default=_default, allow_nan=False)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by a file-friendly name (what ``--out`` writes as CSV)."""
        out = {"series_daily": self.daily, "series_weekly": self.weekly, "totals": self.totals(),
               "phases": self.phases.segments, "change_points": self.phases.change_points}
        for r in self.reciprocity:
            key = f"{r.action}__{r.reaction}"
            out[f"reaction_{key}"] = r.by_k
            out[f"reaction_pairs_{key}"] = r.pairs
            out[f"reaction_lags_{key}"] = r.lag_counts
        out["strike_waves"] = self.deterrence.waves
        out["wave_rates"] = self.deterrence.rates
        out["actors"] = self.network.actors
        out["dyads"] = self.network.dyads
        d = self.network.deniability
        out["claims"] = d["claims"]
        out["attribution"] = d["attribution"]
        out["strike_targets"] = d["strike_targets"]
        return out

    def write(self, folder: str | Path) -> list[Path]:
        """Write every table as CSV and the whole result as ``analysis.json``."""
        from redline.data.export import write_frame

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, df in self.tables().items():
            p = folder / f"{name}.csv"
            write_frame(df, p, "csv")
            written.append(p)
        p = folder / "analysis.json"
        p.write_text(self.to_json(), encoding="utf-8")
        written.append(p)
        return written


def _default(o: Any) -> Any:
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating, float)):
        return float(o) if np.isfinite(o) else None
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (dt.date, pd.Timestamp)):
        return o.isoformat()
    if isinstance(o, set):
        return sorted(o)
    raise TypeError(f"cannot serialise {type(o).__name__}")


def analyze(store, case: Case | str, attack: str | None = None, strike: str | None = None,
            pairs: Sequence[tuple[str, str]] | None = None, reaction_window: int = 14,
            windows: Sequence[int] = DEFAULT_WINDOWS, gap_days: int = 3, min_phase_days: int = 7,
            phase_cost: str = "poisson", n_sim: int = 999, fit_model: bool = True,
            start: dt.date | None = None, end: dt.date | None = None,
            weights: IntensityWeights | None = None, random_state: int = 0,
            fits: Any = None) -> AnalysisResult:
    """Run the four analyses of ``case`` on the events in ``store``.

    Parameters
    ----------
    attack, strike
        The attack and response streams; the first two of the case's model
        streams when None.
    pairs
        (action, reaction) stream pairs; :func:`~redline.analysis.reciprocity.default_pairs`
        when None.
    reaction_window
        Longest reaction lag, days.
    windows
        Window lengths around strike waves, days.
    gap_days
        Strikes at most this many days apart form one wave.
    min_phase_days
        Shortest phase of the change-point detection, days.
    fit_model
        Fit the Hawkes model for the model-based deterrence view.
    fits
        A :class:`~redline.analysis.fit.FitCache` whose fits that view reuses.

    Raises
    ------
    UnknownStreamError, AnalysisError
    """
    case = as_case(case)
    weights = weights or IntensityWeights()
    data = load_case_events(store, case, start, end)
    names = default_streams(case)
    attack = attack or names[0]
    strike = strike or (names[1] if len(names) > 1 else None)
    for n in [attack, strike, *(x for p in (pairs or []) for x in p)]:
        if n is not None:
            case.stream(n)
    daily = escalation_series(store, case, "D", weights, data=data)
    weekly = escalation_series(store, case, "W", weights, data=data)
    phases = detect_phases(store, case, attack, cost=phase_cost, min_size=min_phase_days,
                           n_sim=n_sim, random_state=random_state, data=data)
    chosen = list(pairs) if pairs is not None else default_pairs(case, attack, strike)
    recip = [reciprocity(store, case, a, b, window=reaction_window, data=data) for a, b in chosen]
    deter = deterrence(store, case, attack, strike, windows=windows, gap_days=gap_days,
                       fit_model=fit_model, data=data, fits=fits)
    net = network(store, case, attack, strike, weights=weights, data=data)
    res = AnalysisResult(case, data.start.date(), data.end.date(), daily, weekly, phases, recip,
                         deter, net, weights)
    res.diagnostics.extend(phases.diagnostics)
    res.diagnostics.extend(net.diagnostics)
    if start is None and end is None:  # the case window: say what lies outside it
        from redline.analysis.window import date_precision, outside_window
        ow = outside_window(store, case)
        res.outside = {"before": ow.n_before, "after": ow.n_after, "case_events_before": ow.all_before,
                       "case_events_after": ow.all_after,
                       "sentences": ow.sentences({s.name: s.label or s.name for s in case.streams})}
        res.diagnostics.extend(ow.diagnostics)
        ids = {s.name: data.stream(s.name)["event_id"].tolist() for s in case.streams}
        _, prec = date_precision(data.events, ids)
        res.diagnostics.extend(prec)
    return res

