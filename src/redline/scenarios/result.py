"""The result of a scenario run: outcome distributions, motive scores, ranking."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["ScenarioResult", "summarise_metric"]

_Q = (0.05, 0.25, 0.5, 0.75, 0.95)


def _r(x: float, nd: int = 6) -> float:
    """Round for output: stable text across platforms, no false precision."""
    return float(round(float(x), nd))


def summarise_metric(values: np.ndarray, batch_means: np.ndarray, probability: bool) -> dict[str, Any]:
    """Distribution of one metric over paths.

    ``mean`` over all paths; ``interval``: 5-95% of the batch means (each batch
    one parameter draw: parameter plus Monte Carlo uncertainty of the mean).
    Counts also get path quantiles and ``p_zero``; probabilities are the mean of
    per-path indicators (or per-path probabilities).
    """
    lo, hi = np.quantile(batch_means, [0.05, 0.95])
    out: dict[str, Any] = {"mean": _r(values.mean()), "interval": [_r(lo), _r(hi)]}
    if probability:
        out["probability"] = out["mean"]
    else:
        qs = np.quantile(values, _Q)
        out["quantiles"] = {f"q{int(q * 100):02d}": _r(v) for q, v in zip(_Q, qs)}
        out["sd"] = _r(values.std())
        out["p_zero"] = _r((values == 0).mean())
    return out


@dataclass
class ScenarioResult:
    """Everything a scenario run produced; :meth:`to_dict` is the JSON form.

    Attributes
    ----------
    scenario, case : str
    settings : dict
        Paths, seed, batches, model settings, the decision day and horizon.
    model : dict
        Fitted estimates the run started from (baseline, couplings, decays).
    fatality : dict
        The Beta posterior of the per-attack fatality probability and its counts.
    assumptions : list of dict
        Every number not fitted from data, with its justification.
    options : list of dict
        ``id``, ``label``, ``actor``, ``outcomes`` (metric id -> distribution),
        ``motives`` (actor -> score, low, high), ``red_lines`` (mean responses per path).
    fan : dict
        option -> stream -> dates, mean and daily / cumulative quantiles 5/25/50/75/95.
    ranking : list of dict
        Options by the deciding actor's motive score, with intervals and
        P(first) under parameter uncertainty.
    sensitivity : dict
        P(first) when the weights vary (Dirichlet), and the smallest weight
        shift that swaps the top two.
    backtest : dict or None
        ``observed``, ``quantile`` (mid-quantile of the observed count in the
        simulated distribution) and the covariates the model lacks.
    """

    scenario: str
    title: str
    case: str
    actor: str
    settings: dict[str, Any]
    model: dict[str, Any]
    fatality: dict[str, Any]
    metrics: list[dict[str, Any]]
    assumptions: list[dict[str, Any]]
    options: list[dict[str, Any]]
    motives: dict[str, Any]
    ranking: list[dict[str, Any]]
    sensitivity: dict[str, Any]
    backtest: dict[str, Any] | None = None
    fan: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, spec, sm, options, runs, scores, ranking, sensitivity, backtest, n_paths, seed,
              n_batches) -> "ScenarioResult":
        m = sm.model
        names = list(m.stream_names_)
        model = {"streams": names, "exogenous_streams": list(spec.exogenous_streams),
                 "link": m.link, "family": m.family,
                 "covariates": list(m.covariate_names_),
                 "fit_window": f"{sm.settings.get('start')}..{sm.settings.get('end')}",
                 "baseline": {s: _r(v) for s, v in zip(names, np.asarray(m.baseline_))},
                 "coupling": [{"source": src, "target": tgt, "effect": _r(m.adjacency_[i, j])}
                              for i, tgt in enumerate(names) for j, src in enumerate(names)],
                 "half_life_days": {s: _r(v) for s, v in zip(names, np.asarray(m.half_life_))},
                 "coef": {tgt: {c: _r(m.coef_[i, k]) for k, c in enumerate(m.covariate_names_)}
                          for i, tgt in enumerate(names)},
                 "exogenous_rate": {s: _r(v) for s, v in zip(spec.exogenous_streams, sm.exo_rate)},
                 "uncertainty": sm.draws.method, "rejected_draws": sm.draws.rejected}
        assumptions = [{"id": a.id, "value": a.value, "unit": a.unit, "label": a.label,
                        "justification": a.justification, "sources": list(a.sources)}
                       for a in spec.assumptions]
        assumptions += [{"id": path, "value": v, "unit": None, "label": "written inline",
                         "justification": "(none given: a number in the option itself)",
                         "sources": []} for path, v in spec.inline_numbers()]
        for mv in spec.motives:
            for ob in mv.objectives:
                assumptions.append({"id": f"weight:{mv.actor}.{ob.id}", "value": ob.weight,
                                    "unit": "weight", "label": ob.label,
                                    "justification": ob.justification, "sources": list(ob.sources)})
        assumptions.append({"id": "sensitivity.concentration",
                            "value": spec.value(spec.sensitivity.concentration), "unit": None,
                            "label": "Dirichlet concentration of the weight sensitivity",
                            "justification": "How far the weights are varied: larger is closer "
                            "to the given weights.", "sources": []})
        probs = {x.id: x.is_probability for x in spec.metrics}
        opts = []
        for opt in options:
            run = runs[opt.id]
            outcomes = {k: summarise_metric(run["values"][k], run["batch_means"][k], probs[k])
                        for k in run["values"]}
            mot = {actor: {k: _r(v) for k, v in sc[opt.id].items() if k != "objectives"}
                   for actor, sc in scores.items()}
            fires = run["fires"]
            red = [] if fires is None or not fires.size else [_r(x) for x in fires.mean(axis=0)]
            opts.append({"id": opt.id, "label": opt.label, "actor": opt.actor, "outcomes": outcomes,
                         "motives": mot, "red_lines_mean_responses": red})
        fan = {}
        if sm.dates is not None:
            dates = [d.strftime("%Y-%m-%d") for d in sm.dates]
            for oid, run in runs.items():
                if "fan" not in run:
                    continue
                fan[oid] = {s: {"dates": dates, "mean": [_r(x, 4) for x in f["mean"]],
                                "daily": {f"q{int(q * 100):02d}": [_r(x, 3) for x in f["daily"][k]]
                                          for k, q in enumerate(_Q)},
                                "cumulative": {f"q{int(q * 100):02d}": [_r(x, 3) for x in f["cumulative"][k]]
                                               for k, q in enumerate(_Q)}}
                            for s, f in run["fan"].items()}
        motives = {actor: {"scales": _round_tree(sc["_scales"]),
                           "per_option": {o: _round_tree(sc[o]["objectives"])
                                          for o in sc if o != "_scales"}}
                   for actor, sc in scores.items()}
        ranking = [{k: _r(v) if isinstance(v, float) else v for k, v in r.items()} for r in ranking]
        sens = _round_tree(sensitivity)
        bt = _round_tree(backtest) if backtest else None
        settings = {"paths": n_paths, "seed": seed, "batches": n_batches,
                    "decision_day": str(spec.decision_day), "horizon_days": spec.horizon_days,
                    "fit": {k: v for k, v in sm.settings.items()
                            if k in ("start", "end", "streams", "covariates", "link", "family",
                                     "uncertainty", "n_boot")}}
        metrics = [{"id": x.id, "label": x.label, "kind": x.kind} for x in spec.metrics]
        return cls(spec.name, spec.title, spec.case, spec.actor, settings, model, sm.fatality,
                   metrics, assumptions, opts, motives, ranking, sens, bt, fan)

    # --------------------------------------------------------------- views
    def to_dict(self, fan: bool = True) -> dict[str, Any]:
        """JSON-serialisable form (keys: options, ranking, sensitivity, backtest, ...)."""
        out = {"scenario": self.scenario, "title": self.title, "case": self.case,
               "actor": self.actor, "settings": self.settings, "model": self.model,
               "fatality": _round_tree(self.fatality), "metrics": self.metrics,
               "assumptions": self.assumptions, "options": self.options,
               "motives": self.motives, "ranking": self.ranking,
               "sensitivity": self.sensitivity, "backtest": self.backtest}
        if fan:
            out["fan"] = self.fan
        return out

    def outcome_table(self) -> pd.DataFrame:
        """Option x metric: mean and 5-95% interval (probabilities as such)."""
        rows = []
        for o in self.options:
            row = {"option": o["id"], "label": o["label"]}
            for m in self.metrics:
                d = o["outcomes"][m["id"]]
                lo, hi = d["interval"]
                row[m["id"]] = f"{d['mean']:.3g} [{lo:.3g}, {hi:.3g}]"
            rows.append(row)
        return pd.DataFrame(rows)

    def motive_table(self) -> pd.DataFrame:
        """Option x actor: motive score and its 5-95% interval."""
        rows = []
        for o in self.options:
            row = {"option": o["id"]}
            for actor, s in o["motives"].items():
                row[actor] = f"{s['score']:+.3f} [{s['low']:+.3f}, {s['high']:+.3f}]"
            rows.append(row)
        return pd.DataFrame(rows)

    def assumption_table(self) -> pd.DataFrame:
        return pd.DataFrame([{"id": a["id"], "value": a["value"], "unit": a["unit"] or "",
                              "justification": a["justification"],
                              "sources": ", ".join(a["sources"])} for a in self.assumptions])

    def __repr__(self) -> str:
        top = self.ranking[0]["option"] if self.ranking else "?"
        return (f"ScenarioResult({self.scenario!r}: {len(self.options)} options, "
                f"{self.settings['paths']} paths, first: {top})")


def _round_tree(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _round_tree(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_round_tree(v) for v in x]
    if isinstance(x, (float, np.floating)):
        return _r(x)
    if isinstance(x, np.integer):
        return int(x)
    return x
