"""Summary tables of a benchmark: scores, coverage, PIT and skill with intervals.

Skill of a model on a unit is ``1 - CRPS(model) / CRPS(reference)``, each the mean
over the unit's origins of the mean daily CRPS over the horizon.  A unit whose
reference CRPS is zero (no event and a reference that forecast none) has no
defined skill: it is left out of the skill columns and counted in
``n_units_zero_<reference>``.

The interval of the median skill over units is a two-level bootstrap: units are
resampled with replacement and, within each, origins are resampled in moving
blocks of ``settings.block`` consecutive origins (neighbouring months of one
conflict are not independent).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from redline.diagnostics import Diagnostics
from redline.models.backtest import block_bootstrap_indices

__all__ = ["REFERENCES", "pit_distance", "summarise"]

REFERENCES = ("poisson", "persistence")
_PIT_BINS = 10


def pit_distance(pit: np.ndarray) -> float:
    """Total-variation distance of a 10-bin PIT histogram from the uniform one.

    0 for a perfectly flat histogram, up to 0.9 when every value falls in one bin.
    """
    pit = np.asarray(pit, dtype=float).ravel()
    if pit.size == 0:
        return float("nan")
    hist = np.histogram(pit, bins=_PIT_BINS, range=(0.0, 1.0))[0] / pit.size
    return float(0.5 * np.abs(hist - 1.0 / _PIT_BINS).sum())


def _unit_means(results, m: int, h: int) -> list[np.ndarray]:
    """Per unit, the per-origin mean daily CRPS over the first h days (n_origins,)."""
    return [r.crps[:, m, :h].mean(axis=1) for r in results]


def _skill_bootstrap(model: list[np.ndarray], ref: list[np.ndarray], n_boot: int, block: int,
                     rng: np.random.Generator) -> np.ndarray:
    """Bootstrap replicates of the median unit skill, shape (n_boot,)."""
    per_unit = []
    for a, b in zip(model, ref):
        idx = block_bootstrap_indices(len(a), block, n_boot, rng)
        ma, mb = a[idx].mean(axis=1), b[idx].mean(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_unit.append(np.where(mb > 0, 1.0 - ma / mb, np.nan))
    skills = np.stack(per_unit, axis=1)  # (n_boot, n_units)
    pick = rng.integers(0, skills.shape[1], size=skills.shape)
    return np.nanmedian(np.take_along_axis(skills, pick, axis=1), axis=1)


def summarise(results: list, models: list[str], settings) -> tuple[
        pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, Diagnostics]:
    """Summary, per-unit, per-origin and PIT tables from :class:`UnitScores`.

    Returns
    -------
    summary, units, scores, pit : DataFrame
    diagnostics : Diagnostics
        Units left out (no origin survived) and units without a defined skill.
    """
    diags = Diagnostics()
    scored = [r for r in results if len(r.origins)]
    for r in results:
        if not len(r.origins):
            diags.add("benchmark.unit_unscored",
                      f"{r.unit}: no origin could be scored ({r.n_events} events)",
                      subject=("stream", r.unit))
    rng = np.random.default_rng(settings.random_state)
    summary_rows: list[dict[str, Any]] = []
    unit_rows: list[dict[str, Any]] = []
    score_frames = []
    pit_rows = []
    for h in settings.horizons:
        means = {name: _unit_means(scored, m, h) for m, name in enumerate(models)}
        for m, name in enumerate(models):
            crps = np.concatenate([r.crps[:, m, :h].mean(axis=1) for r in scored]) if scored \
                else np.array([])
            pit = np.concatenate([r.pit[:, m, :h].ravel() for r in scored]) if scored \
                else np.array([])
            row: dict[str, Any] = {
                "model": name, "horizon": int(h), "n_units": len(scored),
                "n_origins": int(crps.size),
                "crps_mean": _mean(crps),
                "log_score_mean": _mean([r.log_score[:, m, :h] for r in scored]),
                "coverage_50": _mean([r.in50[:, m, :h] for r in scored]),
                "coverage_90": _mean([r.in90[:, m, :h] for r in scored]),
                "pit_distance": pit_distance(pit),
                # Share of randomised PIT values in the central 50% / 90%: exactly the
                # level for a calibrated forecast, unlike the count intervals above.
                "pit_coverage_50": _central(pit, 0.5),
                "pit_coverage_90": _central(pit, 0.9),
            }
            hist = (np.histogram(pit, bins=_PIT_BINS, range=(0, 1))[0] / max(pit.size, 1))
            pit_rows += [{"model": name, "horizon": int(h), "bin": b / _PIT_BINS,
                          "share": float(v)} for b, v in enumerate(hist)]
            unit_skill = {}
            for ref in REFERENCES:
                a, b = means[name], means[ref]
                ma = np.array([x.mean() for x in a])
                mb = np.array([x.mean() for x in b])
                ok = mb > 0
                with np.errstate(divide="ignore", invalid="ignore"):
                    skill = np.where(ok, 1.0 - ma / mb, np.nan)
                unit_skill[ref] = skill
                row[f"skill_vs_{ref}_median"] = _median(skill[ok])
                if name == ref or not ok.any() or not settings.n_boot:
                    lo = hi = row[f"skill_vs_{ref}_median"]
                else:
                    boot = _skill_bootstrap([a[i] for i in np.flatnonzero(ok)],
                                            [b[i] for i in np.flatnonzero(ok)],
                                            settings.n_boot, settings.block, rng)
                    lo, hi = (float(v) for v in np.nanquantile(boot, [0.05, 0.95]))
                row[f"skill_vs_{ref}_lo"] = lo
                row[f"skill_vs_{ref}_hi"] = hi
                with np.errstate(divide="ignore", invalid="ignore"):
                    row[f"skill_vs_{ref}_pooled"] = (
                        float(1.0 - ma[ok].sum() / mb[ok].sum()) if ok.any() else None)
                row[f"share_beating_{ref}"] = (float((skill[ok] > 0).mean())
                                               if ok.any() else None)
                row[f"n_units_zero_{ref}"] = int((~ok).sum())
            summary_rows.append(row)
            for i, r in enumerate(scored):
                unit_rows.append({
                    "unit": r.unit, "model": name, "horizon": int(h),
                    "n_events": r.n_events, "n_origins": len(r.origins),
                    "crps_mean": float(r.crps[:, m, :h].mean()),
                    "log_score_mean": float(r.log_score[:, m, :h].mean()),
                    "coverage_50": float(r.in50[:, m, :h].mean()),
                    "coverage_90": float(r.in90[:, m, :h].mean()),
                    "pit_distance": pit_distance(r.pit[:, m, :h]),
                    **{f"skill_vs_{ref}": _num(unit_skill[ref][i]) for ref in REFERENCES},
                })
            for r in scored:
                score_frames.append(pd.DataFrame({
                    "unit": r.unit, "origin": pd.DatetimeIndex(r.origins), "model": name,
                    "horizon": int(h),
                    "crps": r.crps[:, m, :h].mean(axis=1),
                    "log_score": r.log_score[:, m, :h].mean(axis=1),
                    "coverage_50": r.in50[:, m, :h].mean(axis=1),
                    "coverage_90": r.in90[:, m, :h].mean(axis=1),
                }))
    for ref in REFERENCES:
        zero = [row for row in summary_rows if row[f"n_units_zero_{ref}"]]
        if zero:
            diags.add("benchmark.zero_reference",
                      f"{zero[0][f'n_units_zero_{ref}']} unit(s) have a zero {ref} CRPS at "
                      f"{zero[0]['horizon']} days and are left out of skill against {ref}",
                      severity="info")
    scores = (pd.concat(score_frames, ignore_index=True)
              if score_frames else pd.DataFrame())
    return (pd.DataFrame(summary_rows), pd.DataFrame(unit_rows), scores, pd.DataFrame(pit_rows),
            diags)


def _central(pit: np.ndarray, level: float) -> float | None:
    if pit.size == 0:
        return None
    a = (1.0 - level) / 2.0
    return float(((pit >= a) & (pit <= 1.0 - a)).mean())


def _mean(parts) -> float | None:
    if isinstance(parts, np.ndarray):
        return float(parts.mean()) if parts.size else None
    tot = sum(float(p.sum()) for p in parts)
    n = sum(p.size for p in parts)
    return tot / n if n else None


def _median(x: np.ndarray) -> float | None:
    return float(np.median(x)) if x.size else None


def _num(v: float) -> float | None:
    return None if not np.isfinite(v) else float(v)
