"""Did attacks fall after strikes?  Rates around strike waves, and a model's view.

Strike waves
------------
Strikes (events of the response stream) are sorted by date; a strike less than
or equal to ``gap_days`` (default 3) days after the previous one joins its
wave, otherwise it opens a new wave.  A wave runs from its first to its last
strike day.

Rates before and after
----------------------
For each wave and window length ``w`` (default 7, 14 and 28 days), attacks are
counted on the ``w`` days before the wave's first day and the ``w`` days after
its last day (the wave's own days are in neither), clipped to the analysis
window; rates are attacks per day.  The rate ratio is ``rate_after /
rate_before`` with an exact interval: given ``n = a + b`` attacks in the two
windows, ``a`` (after) is binomial with ``p = RR t_a / (RR t_a + t_b)``; the
Clopper-Pearson interval of ``p`` gives the interval of ``RR``, and the exact
binomial test of ``RR = 1`` gives the p-value.

That exact interval assumes independent (Poisson) events, which the Hawkes premise
denies: attacks cluster.  Beside it each row carries a negative binomial view
(:func:`nb_rate_ratio`): daily counts with variance ``m + alpha m^2``, ``alpha``
estimated once for the attack stream from the days' deviations around a centred
15-day mean (so slow changes of level are not read as overdispersion), and the
Wald interval and p-value of the log rate ratio of the two windows (the negative
binomial GLM's, in closed form).  Many waves and windows are compared: ``p_holm`` is
the negative binomial p-value adjusted over all rows by Holm's method
(``statsmodels.stats.multitest.multipletests``).  ``verdict`` reads "fewer after" /
"more after" when that interval lies below / above 1 *and* ``p_holm`` < alpha, else
"inconclusive"; ``verdict_unadjusted`` is the reading of the interval alone.

Model-based view
----------------
:func:`redline.analysis.fit.fit_case` fits ``DailyHawkes(link="softplus")`` to
the two streams, with the case's model covariates (and once without them).
The coupling ``strikes -> attacks`` is signed: negative would mean strikes
lower the attack rate over the following days (inhibition), positive that they
raise it; its 95% Wald interval says whether the data can tell.

What this is not
----------------
A drop after a wave is an association.  Strikes follow surges of attacks, so
attack rates would tend to fall afterwards even with no effect (regression to
the mean); other things change in the same weeks (an announced suspension,
pressure from a host government, talks, a truce elsewhere); and many waves and
windows are compared, so a few intervals exclude 1 by chance.  Case
covariates that start or end inside a wave's windows are listed with each row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from redline.analysis._events import CaseEvents, as_case, load_case_events
from redline.analysis.case_streams import attack_and_strike, json_records
from redline.analysis.escalation import IntensityWeights
from redline.analysis.intervals import clopper_pearson
from redline.data.case import Case
from redline.errors import AnalysisError, RedlineError

__all__ = ["DeterrenceResult", "deterrence", "strike_waves", "rate_ratio_ci", "wave_rates",
           "DEFAULT_WINDOWS", "nb_rate_ratio", "daily_dispersion"]

DEFAULT_WINDOWS = (7, 14, 28)


def rate_ratio_ci(a: int, t_a: float, b: int, t_b: float,
                  alpha: float = 0.05) -> tuple[float, float, float, float]:
    """Ratio of Poisson rates ``(a / t_a) / (b / t_b)``, exact interval and p-value.

    Returns
    -------
    (rate_ratio, low, high, p_value); ``nan`` where undefined (no exposure, or
    no events in either window), ``inf`` for an open upper end.
    """
    if t_a <= 0 or t_b <= 0:
        return (np.nan, np.nan, np.nan, np.nan)
    n = a + b
    if n == 0:
        return (np.nan, 0.0, np.inf, 1.0)
    scale = t_b / t_a
    rr = np.inf if b == 0 else (a / t_a) / (b / t_b)
    # Given n = a + b events, a is Binomial(n, p) with p / (1 - p) = rr / scale.
    p_lo, p_hi = clopper_pearson(a, n, alpha)
    lo = p_lo / (1 - p_lo) * scale
    hi = np.inf if p_hi >= 1 else p_hi / (1 - p_hi) * scale
    p = stats.binomtest(int(a), int(n), t_a / (t_a + t_b)).pvalue
    return (float(rr), float(lo), float(hi), float(p))


def daily_dispersion(counts: np.ndarray, span: int = 15) -> float:
    """Negative binomial ``alpha`` of daily counts around a centred ``span``-day mean.

    ``alpha = max(0, mean((y - m)^2 - m) / mean(m^2))`` (method of moments), ``m`` the
    centred moving mean; 0 for Poisson days.
    """
    y = np.asarray(counts, float)
    if y.size < 3 or y.sum() == 0:
        return 0.0
    m = pd.Series(y).rolling(span, center=True, min_periods=1).mean().to_numpy()
    den = float(np.mean(m ** 2))
    return 0.0 if den <= 0 else max(0.0, float(np.mean((y - m) ** 2 - m)) / den)


def nb_rate_ratio(a: int, t_a: float, b: int, t_b: float, alpha_nb: float,
                  alpha: float = 0.05) -> tuple[float, float, float]:
    """Wald interval and p-value of ``(a/t_a) / (b/t_b)`` for negative binomial days.

    With daily mean ``m`` and variance ``m + alpha_nb m^2``, the log of a window's mean
    has variance ``(1 + alpha_nb m) / count``; the two windows are independent.  A window
    without events counts 0.5 (so the interval stays finite and wide).

    Returns
    -------
    (low, high, p_value); nan when a window has no days.
    """
    if t_a <= 0 or t_b <= 0:
        return (np.nan, np.nan, np.nan)
    a_, b_ = max(a, 0.5), max(b, 0.5)
    m_a, m_b = a_ / t_a, b_ / t_b
    se = np.sqrt((1 + alpha_nb * m_a) / a_ + (1 + alpha_nb * m_b) / b_)
    lr = np.log(m_a / m_b)
    z = stats.norm.ppf(1 - alpha / 2)
    p = float(2 * stats.norm.sf(abs(lr) / se))
    return float(np.exp(lr - z * se)), float(np.exp(lr + z * se)), p


def strike_waves(strikes: pd.DataFrame, gap_days: int = 3,
                 weights: IntensityWeights | None = None) -> pd.DataFrame:
    """Group strike events into waves (see the module docstring).

    Parameters
    ----------
    strikes
        Events with ``event_id``, ``date`` (Timestamp) and the columns
        :meth:`IntensityWeights.score` reads.

    Returns
    -------
    DataFrame: ``wave`` (1, 2, ...), ``start``, ``end``, ``strikes``,
    ``intensity`` (sum of severities), ``killed``, ``targets`` and
    ``strike_ids``.
    """
    if gap_days < 0:
        raise AnalysisError("gap_days must be >= 0", field="gap_days", expected="an integer >= 0")
    cols = ["wave", "start", "end", "strikes", "intensity", "killed", "targets", "strike_ids"]
    if strikes.empty:
        return pd.DataFrame(columns=cols)
    s = strikes.sort_values(["date", "event_id"]).copy()
    s["severity"] = (weights or IntensityWeights()).score(s)
    gap = s["date"].diff().dt.days.fillna(gap_days + 1)
    s["wave"] = (gap > gap_days).cumsum()
    rows = []
    for w, g in s.groupby("wave"):
        rows.append({"wave": int(w), "start": g["date"].min(), "end": g["date"].max(),
                     "strikes": len(g), "intensity": round(float(g["severity"].sum()), 3),
                     "killed": int(pd.to_numeric(g["killed"], errors="coerce").sum()),
                     "targets": sorted(set(g["target"].dropna())),
                     "strike_ids": g["event_id"].tolist()})
    return pd.DataFrame(rows, columns=cols)


def wave_rates(data: CaseEvents, attack: str, strike: str,
               windows: Sequence[int] = DEFAULT_WINDOWS, gap_days: int = 3,
               alpha: float = 0.05) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(waves, one row per wave and window) for two streams of ``data``."""
    _check_windows(windows, data.n_days)
    waves = strike_waves(data.stream(strike), gap_days)
    att = data.stream(attack)
    a_dates, a_ids = att["date"].to_numpy(), att["event_id"].to_numpy()
    disp = daily_dispersion(data.counts[attack].to_numpy()) if attack in data.counts else 0.0
    day = pd.Timedelta(days=1)
    rows = []
    for wv in waves.itertuples(index=False):
        for w in windows:
            b0, b1 = max(wv.start - w * day, data.start), wv.start - day
            f0, f1 = wv.end + day, min(wv.end + w * day, data.end)
            tb = max(0, (b1 - b0).days + 1)
            ta = max(0, (f1 - f0).days + 1)
            in_b = (a_dates >= b0.to_datetime64()) & (a_dates <= b1.to_datetime64())
            in_a = (a_dates >= f0.to_datetime64()) & (a_dates <= f1.to_datetime64())
            nb, na = int(in_b.sum()), int(in_a.sum())
            rr, lo, hi, p = rate_ratio_ci(na, ta, nb, tb, alpha)
            nlo, nhi, np_ = nb_rate_ratio(na, ta, nb, tb, disp, alpha) if nb + na else (np.nan,) * 3
            ids_b, ids_a = a_ids[in_b].tolist(), a_ids[in_a].tolist()
            rows.append({
                "wave": wv.wave, "start": wv.start, "end": wv.end, "strikes": wv.strikes,
                "window_days": int(w), "days_before": tb, "days_after": ta,
                "attacks_before": nb, "attacks_after": na,
                "rate_before": nb / tb if tb else np.nan, "rate_after": na / ta if ta else np.nan,
                "rate_ratio": rr, "ci_low": lo, "ci_high": hi, "p_value": p,
                "dispersion": disp, "nb_low": nlo, "nb_high": nhi, "p_nb": np_,
                "verdict": "no data" if nb + na == 0 else _verdict(nlo, nhi),
                "confounders": _covariates_changing(data.case, b0, f1),
                "overlaps_other_waves": _overlaps(waves, wv.wave, b0, f1),
                "strike_ids": list(wv.strike_ids), "attack_ids_before": ids_b,
                "attack_ids_after": ids_a, "event_ids": [*wv.strike_ids, *ids_b, *ids_a]})
    rates = pd.DataFrame(rows)
    rates["p_holm"] = np.nan
    if len(rates):
        from statsmodels.stats.multitest import multipletests
        ok = rates["p_nb"].notna().to_numpy()
        if ok.any():
            rates.loc[ok, "p_holm"] = multipletests(rates.loc[ok, "p_nb"].to_numpy(), method="holm")[1]
        # An interval that leaves out 1 is one comparison of many: the reading says fewer
        # or more only when the adjusted p agrees, so the table never reads "fewer after"
        # beside an adjusted p of 0.3.  The interval-only reading stays as its own column.
        rates["verdict_unadjusted"] = rates["verdict"]
        chance = rates["verdict"].isin(["fewer after", "more after"]) & ~(rates["p_holm"] < alpha)
        rates.loc[chance, "verdict"] = "inconclusive"
    return waves, rates


def _verdict(lo: float, hi: float) -> str:
    if not np.isfinite(lo):
        return "no data"
    if hi < 1:
        return "fewer after"
    if lo > 1:
        return "more after"
    return "inconclusive"


def _covariates_changing(case: Case, a: pd.Timestamp, b: pd.Timestamp) -> list[str]:
    out = []
    for c in case.covariates:
        for d in (c.start, c.end):
            if d is not None and a <= pd.Timestamp(d) <= b:
                out.append(f"{c.name} ({'starts' if d == c.start else 'ends'} {d})")
    return out


def _overlaps(waves: pd.DataFrame, me: int, a: pd.Timestamp, b: pd.Timestamp) -> list[int]:
    o = waves[(waves["wave"] != me) & (waves["end"] >= a) & (waves["start"] <= b)]
    return [int(x) for x in o["wave"]]


def _check_windows(windows: Sequence[int], n_days: int) -> None:
    if not len(windows):
        raise AnalysisError("no window lengths given", field="windows", expected="e.g. 7, 14, 28")
    for w in windows:
        if int(w) != w or w < 1:
            raise AnalysisError(f"the window of {w} days is empty", field="windows",
                                expected="whole numbers of days >= 1")
        if w >= n_days:
            raise AnalysisError(f"the window of {w} days is longer than the data ({n_days} days)",
                                field="windows", expected=f"windows shorter than {n_days} days")


@dataclass
class DeterrenceResult:
    """Attack rates around strike waves, the model-based effect, and what they support."""

    attack: str
    strike: str
    gap_days: int
    waves: pd.DataFrame
    rates: pd.DataFrame
    model: dict[str, Any]
    statements: list[str] = field(default_factory=list)
    #: the level the intervals and the adjusted p are read at (0.05: 95% intervals)
    alpha: float = 0.05

    @property
    def n_tested(self) -> int:
        """Wave x window rows with a test (events in them): the count Holm adjusts over."""
        return int(self.rates["p_nb"].notna().sum()) if "p_nb" in self.rates else len(self.rates)

    def __repr__(self) -> str:
        return (f"DeterrenceResult({self.strike} -> {self.attack}: {len(self.waves)} waves, "
                f"{len(self.rates)} wave x window rows)")

    def to_dict(self) -> dict[str, Any]:
        return {"attack_stream": self.attack, "strike_stream": self.strike,
                "wave_rule": f"strikes <= {self.gap_days} days apart form one wave",
                "strike_waves": json_records(self.waves), "waves": json_records(self.rates),
                "model": self.model, "statements": list(self.statements)}


def model_view(store, case: Case, attack: str, strike: str, start: dt.date, end: dt.date,
               alpha: float = 0.05, fits: Any = None) -> dict[str, Any]:
    """Signed strike -> attack effect of ``DailyHawkes(link="softplus")``, with and without covariates.

    ``fits`` (a :class:`~redline.analysis.fit.FitCache`) reuses fits already made.
    """
    from redline.analysis.fit import FitCache
    fits = fits or FitCache(store, case)

    out: dict[str, Any] = {"model": "DailyHawkes(link='softplus', family='poisson')",
                           "streams": [attack, strike], "fits": []}
    adjusted = [c for c in case.model.covariates]
    out["covariates_adjusted"] = adjusted
    out["covariates_not_adjusted"] = [c.name for c in case.covariates if c.name not in adjusted]
    for label, covs in (("with case covariates", adjusted), ("without covariates", [])):
        if label == "with case covariates" and not covs:
            continue
        entry: dict[str, Any] = {"label": label, "covariates": list(covs)}
        try:
            f = fits.fit([attack, strike], link="softplus", covariates=list(covs),
                         start=start, end=end)
        except (RedlineError, FloatingPointError, np.linalg.LinAlgError) as exc:
            entry["error"] = str(exc)
            out["fits"].append(entry)
            continue
        ci = f.model.conf_int(alpha=alpha)
        row = ci[(ci["parameter"] == "adjacency") & (ci["source"] == strike) & (ci["target"] == attack)].iloc[0]
        entry.update({"effect": float(row["estimate"]), "low": float(row["low"]),
                      "high": float(row["high"]), "verdict": _sign(row["low"], row["high"]),
                      "converged": bool(f.model.converged_), "loglik": float(f.model.loglik_),
                      # the fit's own diagnostics (the model core records them on the estimator)
                      "warnings": [d.message for d in (getattr(f.model, "diagnostics_", None) or [])]})
        cov = ci[(ci["parameter"] == "coef") & (ci["target"] == attack)]
        entry["covariate_effects"] = [{"covariate": r.source, "effect": float(r.estimate),
                                       "low": float(r.low), "high": float(r.high)}
                                      for r in cov.itertuples()]
        out["fits"].append(entry)
    return out


def _sign(lo: float, hi: float) -> str:
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "not identified"
    return "inhibits (deterrence)" if hi < 0 else ("excites (provocation)" if lo > 0 else "unclear")


def deterrence(store, case: Case | str, attack: str | None = None, strike: str | None = None,
               windows: Sequence[int] = DEFAULT_WINDOWS, gap_days: int = 3, alpha: float = 0.05,
               fit_model: bool = True, start: dt.date | None = None, end: dt.date | None = None,
               data: CaseEvents | None = None, fits: Any = None) -> DeterrenceResult:
    """Attack rates before and after each strike wave, and a Hawkes model's strike effect.

    Parameters
    ----------
    attack, strike
        Stream names; the first two of the case's model streams when None.
    windows
        Window lengths, days.
    gap_days
        Strikes at most this many days apart form one wave.
    fit_model
        Also fit the model-based view (about a second per fit).

    Raises
    ------
    UnknownStreamError, AnalysisError
    """
    data = data if data is not None else load_case_events(store, as_case(case), start, end)
    attack, strike = attack_and_strike(data.case, attack, strike)
    waves, rates = wave_rates(data, attack, strike, windows, gap_days, alpha)
    model = (model_view(store, data.case, attack, strike, data.start.date(), data.end.date(), alpha,
                        fits=fits) if fit_model else {})
    res = DeterrenceResult(attack, strike, gap_days, waves, rates, model, alpha=alpha)
    res.statements = _statements(res, data)
    return res


def _key_waves(waves: pd.DataFrame, case: Case) -> list[tuple[int, str]]:
    """The waves the statements describe: those the case marks as key events (by
    event id); else every wave when there are at most three; else the most intense."""
    out: list[tuple[int, str]] = []
    for ke in case.key_events:
        ids = set(ke.event_ids)
        for w in waves.itertuples(index=False):
            if ids & {i.split(":", 1)[-1] for i in w.strike_ids} and w.wave not in [x for x, _ in out]:
                out.append((int(w.wave), f"key event: {ke.label}"))
    if not out and len(waves) <= 3:
        out = [(int(w), "strike wave") for w in waves["wave"]]
    if not out and len(waves):
        top = waves.sort_values(["intensity", "strikes"], ascending=False).iloc[0]
        out.append((int(top["wave"]), "the most intense wave"))
    return out


def _fmt_rr(r, alpha: float = 0.05) -> str:
    """The ratio with the interval the reading uses (negative binomial where there is one)."""
    nb = np.isfinite(getattr(r, "nb_low", np.nan))
    lo, hi = (r.nb_low, r.nb_high) if nb else (r.ci_low, r.ci_high)
    hi_text = "inf" if not np.isfinite(hi) else f"{hi:.2f}"
    rr = "inf" if not np.isfinite(r.rate_ratio) else f"{r.rate_ratio:.2f}"
    return (f"{rr} ({100 * (1 - alpha):.0f}% CI {lo:.2f}-{hi_text}"
            + (", clustered attacks)" if nb else ")"))


def _statements(res: DeterrenceResult, data: CaseEvents) -> list[str]:
    out: list[str] = []
    r = res.rates
    if r.empty:
        return [f"No strikes of {res.strike!r} in the window: nothing to compare."]
    counts = r["verdict"].value_counts()
    n_chance = int((r["verdict"] != r.get("verdict_unadjusted", r["verdict"])).sum())
    out.append(f"{len(res.waves)} strike waves x {r['window_days'].nunique()} window lengths = "
               f"{len(r)} comparisons: {counts.get('fewer after', 0)} show fewer attacks after the "
               f"wave (interval below 1 and adjusted p < {res.alpha:g}), "
               f"{counts.get('more after', 0)} more (interval above 1, adjusted p < {res.alpha:g}), "
               f"{counts.get('inconclusive', 0)} cannot tell"
               + (f" ({n_chance} of them with an interval that leaves out 1 on its own, which "
                  f"{len(r)} comparisons can produce by chance)" if n_chance else "")
               + f", {counts.get('no data', 0)} have no data.")
    for wave, why in _key_waves(res.waves, data.case):
        top = res.waves[res.waves["wave"] == wave].iloc[0]
        rows = r[r["wave"] == wave]
        parts = [f"{x.window_days} days: {x.rate_before:.2f} -> {x.rate_after:.2f} attacks/day, "
                 f"ratio {_fmt_rr(x, res.alpha)}" for x in rows.itertuples()]
        span = (f"{top['start']:%Y-%m-%d}" if top["start"] == top["end"] else
                f"{top['start']:%Y-%m-%d}..{top['end']:%Y-%m-%d}")
        out.append(f"Around the wave of {span} ({why}; "
                   f"{top['strikes']} strike event(s): {', '.join(top['strike_ids'])}): "
                   + "; ".join(parts) + ".")
        conf = list(dict.fromkeys(c for cs in rows["confounders"] for c in cs))
        other = sorted({int(w) for ws in rows["overlaps_other_waves"] for w in ws})
        if conf or other:
            what = []
            if conf:
                what.append("changes the case records: " + ", ".join(conf))
            if other:
                dates = [f"{d:%Y-%m-%d}" for d in res.waves.set_index("wave").loc[other, "start"]]
                what.append("other strike waves: " + ", ".join(dates))
            out.append("  Inside these windows also fall " + "; ".join(what) + ". A change in "
                       "attacks around this wave cannot be credited to this wave alone.")
    for fit in res.model.get("fits", []):
        if "error" in fit:
            out.append(f"Model ({fit['label']}): the fit failed: {fit['error']}")
            continue
        msg = (f"Model ({fit['label']}): effect of one strike on the attack predictor "
               f"{fit['effect']:+.2f} (95% CI {fit['low']:+.2f} to {fit['high']:+.2f}): {fit['verdict']}.")
        if fit["verdict"] == "unclear":
            msg += " The data cannot tell whether strikes deter or provoke attacks."
        out.append(msg)
        for c in fit.get("covariate_effects", []):
            if c["high"] < 0 or c["low"] > 0:
                out.append(f"  {c['covariate']}: {c['effect']:+.2f} ({c['low']:+.2f} to {c['high']:+.2f}) "
                           f"on the attack predictor; it absorbs part of the change a strike effect "
                           f"would otherwise be credited with.")
    if res.model.get("covariates_not_adjusted"):
        out.append("Not adjusted for (defined by the case, left out of its model): "
                   + ", ".join(res.model["covariates_not_adjusted"]) + ".")
    out.append("These are associations in observational data. Strikes answer surges of attacks, so "
               "rates tend to fall afterwards even without an effect (regression to the mean); they do "
               "not show that strikes deterred anyone, nor that they did not.")
    return out
