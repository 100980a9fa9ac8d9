"""Action and reaction: does one stream's event tend to be followed by another's?

For every *action* (an event of one stream) the first *reaction* (an event of
another stream) that falls ``min_lag`` to ``window`` days after it is found;
the lags of these first reactions form the lag distribution.

Against chance
--------------
``P(reaction within k days)`` is the share of actions followed by at least one
reaction ``min_lag .. k`` days later.  What that share would be by chance is
found by a **circular-shift test**: the daily reaction series is rotated
against the actions by every admissible shift (all shifts of more than
``window`` days, in both directions, so no shifted copy keeps the real
alignment), which keeps the reactions' own clustering and total, and
destroys only their timing relative to the actions.  The p-value is
``(1 + #shifts with a share >= the observed) / (1 + #shifts)``, exact over the
shifts (no random draws).

The test runs over a span of days (``span``): ``"active"`` (default) from the
first event of either stream to ``window`` days after the last, so that the
months when neither stream is active do not make any pairing look unusual;
``"case"`` uses the whole case window.

Caveats: daily dates do not order events of the same day, so reactions count
from ``min_lag = 1`` day after the action by default.  Two streams that both
follow a third driver (the Gaza war) can look paired without reacting to each
other; and actions of the same day share their reactions, so they are not
independent trials (the p-value treats the shift, not the action, as the unit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from redline.analysis._events import CaseEvents, as_case, load_case_events
from redline.analysis.case_streams import default_streams, json_records
from redline.data.case import Case
from redline.errors import AnalysisError

__all__ = ["ReciprocityResult", "reciprocity", "reaction_test", "default_pairs", "DEFAULT_KS"]

DEFAULT_KS = (1, 2, 3, 5, 7, 14, 21, 28)


@dataclass
class ReciprocityResult:
    """How often, and how fast, ``reaction`` follows ``action``.

    Attributes
    ----------
    pairs
        DataFrame, one row per action: ``action_id``, ``action_date``,
        ``reaction_id`` (first reaction, or None), ``reaction_date``,
        ``lag_days``, ``reaction_ids`` (every reaction in the window).
    by_k
        DataFrame, one row per horizon ``k`` (days): ``n_actions`` (actions whose
        k-day window lies inside the span), ``observed`` (share followed by a
        reaction), ``chance`` (mean share over the shifts), ``ratio``,
        ``p_value``, ``action_ids`` (the actions followed by a reaction).
    lag_counts
        DataFrame ``lag_days``, ``actions``: the distribution of first-reaction lags.
    """

    action: str
    reaction: str
    window: int
    min_lag: int
    span_start: pd.Timestamp
    span_end: pd.Timestamp
    n_shifts: int
    pairs: pd.DataFrame
    by_k: pd.DataFrame
    lag_counts: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, Any]:
        lags = self.pairs["lag_days"].dropna()
        return {"actions": int(len(self.pairs)), "with_reaction": int(len(lags)),
                "median_lag_days": float(lags.median()) if len(lags) else None,
                "mean_lag_days": float(lags.mean()) if len(lags) else None}

    def __repr__(self) -> str:
        s = self.summary
        return (f"ReciprocityResult({self.action} -> {self.reaction}: {s['with_reaction']}/"
                f"{s['actions']} actions followed within {self.window} days, "
                f"median lag {s['median_lag_days']})")

    def to_dict(self) -> dict[str, Any]:
        return {"action": self.action, "reaction": self.reaction, "window_days": self.window,
                "min_lag_days": self.min_lag, "span": [self.span_start.date().isoformat(),
                                                       self.span_end.date().isoformat()],
                "n_shifts": self.n_shifts, **self.summary, "notes": list(self.notes),
                "by_k": json_records(self.by_k), "lag_counts": json_records(self.lag_counts),
                "pairs": json_records(self.pairs)}


def reaction_test(action_days: Sequence[int], reaction_counts: Sequence[float], ks: Sequence[int],
                  window: int, min_lag: int = 1) -> dict[str, Any]:
    """The circular-shift test on day offsets (the pure core of :func:`reciprocity`).

    Parameters
    ----------
    action_days
        Day offset (0-based, inside ``[0, n_days)``) of each action.
    reaction_counts
        Array of shape (n_days,), reactions per day.
    ks
        Horizons, days (each between ``min_lag`` and ``window``).

    Returns
    -------
    dict with ``observed`` (len(ks),), ``chance`` (len(ks),), ``p_value``
    (len(ks),), ``n_actions`` (len(ks),), ``reacted`` (n_actions, len(ks)) bool
    and ``n_shifts``.
    """
    r = (np.asarray(reaction_counts, float) > 0).astype(np.int64)
    n = len(r)
    d = np.asarray(action_days, np.int64)
    k_arr = np.asarray(ks, np.int64)
    shifts = np.arange(window + 1, n - window)
    if len(shifts) == 0:
        raise AnalysisError(f"a span of {n} days is too short for a {window}-day window",
                            field="window", expected=f"a window shorter than {max(1, (n - 1) // 2)} days")
    rolled = np.stack([r] + [np.roll(r, s) for s in shifts])            # (1 + S, n)
    cs = np.concatenate([np.zeros((len(rolled), 1), np.int64), np.cumsum(rolled, axis=1)], axis=1)
    lo = d + min_lag
    observed, chance, pvals, n_act = [], [], [], []
    reacted = np.zeros((len(d), len(k_arr)), bool)
    for j, k in enumerate(k_arr):
        inside = d + k <= n - 1
        n_act.append(int(inside.sum()))
        if not inside.any():
            observed.append(np.nan)
            chance.append(np.nan)
            pvals.append(np.nan)
            continue
        hit = (cs[:, d[inside] + k + 1] - cs[:, lo[inside]]) > 0       # (1 + S, n_inside)
        share = hit.mean(axis=1)
        reacted[np.flatnonzero(inside), j] = hit[0]
        observed.append(share[0])
        chance.append(share[1:].mean())
        pvals.append((1 + np.sum(share[1:] >= share[0] - 1e-12)) / (1 + len(shifts)))
    return {"observed": np.asarray(observed), "chance": np.asarray(chance),
            "p_value": np.asarray(pvals), "n_actions": np.asarray(n_act), "reacted": reacted,
            "n_shifts": len(shifts)}


def reciprocity(store, case: Case | str, action: str, reaction: str, window: int = 14,
                min_lag: int = 1, ks: Sequence[int] | None = None, span: str = "active",
                start: dt.date | None = None, end: dt.date | None = None,
                data: CaseEvents | None = None) -> ReciprocityResult:
    """Pair each ``action`` event with the first ``reaction`` event after it; test against chance.

    Parameters
    ----------
    action, reaction
        Stream names of the case (e.g. ``us_casualty_attacks``, ``us_strikes_on_militias``).
    window
        Longest lag that counts as a reaction, days.
    min_lag
        Shortest lag, days (1: the next day; 0 also counts the same day).
    ks
        Horizons of ``P(reaction within k days)``; :data:`DEFAULT_KS` up to ``window``.
    span
        ``"active"`` or ``"case"`` (see the module docstring).

    Raises
    ------
    UnknownStreamError
        For a stream the case does not define.
    AnalysisError
        For an empty or too long window, or a stream without events.
    """
    data = data if data is not None else load_case_events(store, as_case(case), start, end)
    for name in (action, reaction):
        data.case.stream(name)
    if window < 1:
        raise AnalysisError(f"the reaction window is empty ({window} days)", field="window",
                            expected="an integer >= 1 (days)")
    if min_lag < 0 or min_lag > window:
        raise AnalysisError(f"min_lag {min_lag} is outside 0..{window}", field="min_lag",
                            expected=f"an integer between 0 and the window ({window})")
    if window >= data.n_days:
        raise AnalysisError(f"the window ({window} days) is as long as the data ({data.n_days} days)",
                            field="window", expected=f"fewer than {data.n_days // 2} days")
    ks = sorted({k for k in (ks or DEFAULT_KS) if min_lag <= k <= window} | {window})
    act_ev, re_ev = data.stream(action), data.stream(reaction)
    if act_ev.empty or re_ev.empty:
        empty = action if act_ev.empty else reaction
        raise AnalysisError(f"stream {empty!r} has no events in {data.start:%Y-%m-%d}..{data.end:%Y-%m-%d}",
                            field="stream", expected="two streams with events in the window")
    first = min(act_ev["date"].min(), re_ev["date"].min())
    last = max(act_ev["date"].max(), re_ev["date"].max())
    if span == "active":
        s0, s1 = first, min(last + pd.Timedelta(days=window), data.end)
    elif span == "case":
        s0, s1 = data.start, data.end
    else:
        raise AnalysisError(f"unknown span {span!r}", field="span", expected="'active' or 'case'")
    counts = data.counts[reaction].loc[s0:s1].to_numpy()
    days = ((act_ev["date"] - s0) / pd.Timedelta(days=1)).to_numpy(int)
    test = reaction_test(days, counts, ks, window, min_lag)
    pairs = _pairs(act_ev, re_ev, window, min_lag)
    hit_ids = [act_ev["event_id"].to_numpy()[test["reacted"][:, j]].tolist() for j in range(len(ks))]
    obs, ch = test["observed"], test["chance"]
    by_k = pd.DataFrame({"k": ks, "n_actions": test["n_actions"], "observed": obs, "chance": ch,
                         "ratio": np.where(ch > 0, obs / np.where(ch > 0, ch, 1), np.nan),
                         "p_value": test["p_value"], "action_ids": hit_ids})
    lags = pairs["lag_days"].dropna().astype(int)
    lag_counts = (lags.value_counts().sort_index().rename_axis("lag_days").reset_index(name="actions")
                  if len(lags) else pd.DataFrame({"lag_days": [], "actions": []}))
    notes = []
    same_day = int(act_ev["date"].isin(set(re_ev["date"])).sum())
    if min_lag >= 1 and same_day:
        notes.append(f"{same_day} action(s) share their day with a reaction; with daily dates "
                     "their order is unknown and they are not counted (min_lag = 1)")
    if act_ev["date"].duplicated().any():
        notes.append(f"{int(act_ev['date'].duplicated().sum())} action(s) fall on a day with "
                     "another action and share its reactions")
    return ReciprocityResult(action, reaction, window, min_lag, s0, s1, test["n_shifts"], pairs,
                             by_k, lag_counts, notes)


def _pairs(act_ev: pd.DataFrame, re_ev: pd.DataFrame, window: int, min_lag: int) -> pd.DataFrame:
    r_dates = re_ev["date"].to_numpy()
    r_ids = re_ev["event_id"].to_numpy()
    rows = []
    for aid, ad in zip(act_ev["event_id"], act_ev["date"]):
        lo, hi = ad + pd.Timedelta(days=min_lag), ad + pd.Timedelta(days=window)
        m = (r_dates >= lo.to_datetime64()) & (r_dates <= hi.to_datetime64())
        if m.any():
            i = int(np.flatnonzero(m)[0])
            rd = pd.Timestamp(r_dates[i])
            rows.append({"action_id": aid, "action_date": ad, "reaction_id": r_ids[i],
                         "reaction_date": rd, "lag_days": float((rd - ad).days),
                         "reaction_ids": r_ids[m].tolist()})
        else:
            rows.append({"action_id": aid, "action_date": ad, "reaction_id": None,
                         "reaction_date": pd.NaT, "lag_days": np.nan, "reaction_ids": []})
    return pd.DataFrame(rows, columns=["action_id", "action_date", "reaction_id", "reaction_date",
                                       "lag_days", "reaction_ids"])


def default_pairs(case: Case, attack: str | None = None,
                  response: str | None = None) -> list[tuple[str, str]]:
    """Pairs analysed when none are given.

    For every stream with ``with_target_casualties: true`` (a red-line
    trigger), that stream -> the response stream; then both directions between
    the attack and the response stream (by default the first two of the case's
    model streams).
    """
    names = default_streams(case)
    attack = attack or names[0]
    response = response or (names[1] if len(names) > 1 else None)
    if response is None:
        return []
    out = [(s.name, response) for s in case.streams
           if s.with_target_casualties and s.name not in (attack, response)]
    return [*out, (attack, response), (response, attack)]
