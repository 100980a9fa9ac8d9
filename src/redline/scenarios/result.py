"""The result of a scenario run: outcome distributions, motive scores, ranking."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from redline.diagnostics import Diagnostic, Diagnostics
from redline.scenarios.motives import MIN_HISTORY_EVENTS

__all__ = ["ScenarioResult", "summarise_metric", "scenario_guards", "fatality_bounds", "score_interval",
           "EXPLOSIVE_FENCE", "history_count"]

_Q = (0.05, 0.25, 0.5, 0.75, 0.95)


def _r(x: float | np.floating, nd: int = 6) -> float:
    """Round for output: stable text across platforms, no false precision."""
    return float(round(float(x), nd))


#: For values that come without the simulator's flag of run-away paths (see
#: :func:`summarise_metric`): a path whose count lies beyond
#: ``q75 + EXPLOSIVE_FENCE * max(IQR, 1)`` of all paths (or is not finite) is counted as explosive.  For a stable count distribution (Poisson,
#: negative binomial, geometric tails) the chance of such a path is far below 1e-6, so a
#: path there comes from a parameter draw under which the process grows without bound.
EXPLOSIVE_FENCE = 20.0

#: The level of the intervals reported for outcomes (5-95%).
INTERVAL_LEVEL = 0.90


def _explosive(values: np.ndarray) -> np.ndarray:
    """Boolean mask of explosive paths (see :data:`EXPLOSIVE_FENCE`)."""
    finite = np.isfinite(values)
    if not finite.any():
        return ~finite
    q25, q75 = np.quantile(values[finite], [0.25, 0.75])
    fence = q75 + EXPLOSIVE_FENCE * max(q75 - q25, 1.0)
    return ~finite | (values > fence)


def _quantile_interval(x: np.ndarray, centre: float, level: float = INTERVAL_LEVEL
                       ) -> tuple[float, float, float]:
    """The central ``level`` quantile interval of ``x``, widened until it holds ``centre``.

    Returns ``(low, high, level_used)``.  ``centre`` is a weighted mean of ``x`` and so
    lies within its range: the widening always ends, at worst at (min, max), level 1.
    """
    lvl = level
    while True:
        a = (1 - lvl) / 2
        lo, hi = np.quantile(x, [a, 1 - a])
        if lo - 1e-12 * max(1.0, abs(lo)) <= centre <= hi + 1e-12 * max(1.0, abs(hi)) or lvl >= 1:
            return float(min(lo, centre)), float(max(hi, centre)), lvl
        lvl = min(1.0, lvl + 0.01)


def summarise_metric(values: np.ndarray, batch_means: np.ndarray, probability: bool,
                     explosive: np.ndarray | None = None) -> dict[str, Any]:
    """Distribution of one metric over simulated paths.

    Parameters
    ----------
    values : array of shape (n_paths,)
        The metric on every path, in batch order (batches as :func:`numpy.array_split`
        cuts ``n_paths`` into ``len(batch_means)`` parts; each batch used one draw of the
        fitted parameters).
    batch_means : array of shape (n_batches,)
        The metric's mean over each batch's paths.
    probability : bool
        A probability metric (paths hold indicators or per-path probabilities).
    explosive : bool array of shape (n_paths,), optional
        The simulator's own flag: the metric's stream ran away on the path (its rate
        passed the model's ``explosive_rate_``).  Without it (values that come from
        elsewhere), a count path beyond the :data:`EXPLOSIVE_FENCE` of all paths counts
        as exploded.  A probability is bounded whatever the path did: every path counts.

    Returns
    -------
    dict
        ``mean``: mean over the stable paths (all of them unless some exploded).
        ``interval``: the 5-95% range of the metric's expected value under the
        uncertainty of the fitted parameters: the batch means with their Monte Carlo
        noise removed (each is pulled towards the overall mean by the factor that
        leaves only the between-draw variance, method of moments); ``interval_level``
        is 0.9 unless it had to be widened to hold ``mean`` (a very skewed spread).
        ``mc_error``: Monte Carlo standard error of ``mean`` (spread of the batch means
        over the square root of their number).  ``mc_share``: the share of the batch
        means' variance that is Monte Carlo noise.  ``headline``/``headline_stat``/
        ``headline_interval``: the number to state first: the mean with ``interval``,
        or, for an ``unstable`` outcome (``explosive_share`` of paths exploded), the
        path median ``quantiles.q50`` with the 5-95% path range.  Counts also get path
        quantiles, ``sd`` and ``p_zero``; probabilities repeat the mean as ``probability``.
        The mean's ``headline_interval`` is ``interval`` widened, where it is narrower, to
        the mean +- 1.645 ``mc_error`` (so a run whose spread is all Monte Carlo noise does
        not show a zero-width interval).
    """
    values = np.asarray(values, dtype=float)
    batch_means = np.asarray(batch_means, dtype=float)
    n_b = max(1, len(batch_means))
    parts = np.array_split(values, n_b)
    if explosive is not None and np.shape(explosive) != values.shape:
        raise ValueError(f"explosive has shape {np.shape(explosive)}, values {values.shape}")
    if probability:
        bad = np.zeros(values.size, bool)
    elif explosive is not None:
        bad = np.asarray(explosive, bool) | ~np.isfinite(values)
    else:
        bad = _explosive(values)
    bad_parts = np.array_split(bad, n_b)
    share = float(bad.mean()) if values.size else 0.0
    # per batch: mean, variance and size of its stable paths
    bm, bv, bn = [], [], []
    for p, b in zip(parts, bad_parts):
        s = p[~b]
        if s.size:
            bm.append(s.mean())
            bv.append(s.var(ddof=1) if s.size > 1 else 0.0)
            bn.append(s.size)
    bm_a, bv_a, bn_a = np.asarray(bm), np.asarray(bv), np.asarray(bn, float)
    if bm_a.size == 0:  # every path exploded: nothing stable to summarise
        mean = float("nan")
        lo = hi = float("nan")
        lvl, mc, mc_share = INTERVAL_LEVEL, float("nan"), float("nan")
    else:
        mean = float((bm_a * bn_a).sum() / bn_a.sum())
        if bm_a.size > 1:
            var_b = float(bm_a.var(ddof=1))
            noise = float(np.mean(bv_a / bn_a))
            mc = float(np.sqrt(var_b / bm_a.size))
            mc_share = min(1.0, noise / var_b) if var_b > 0 else (1.0 if noise > 0 else 0.0)
            shrink = np.sqrt(max(0.0, 1.0 - mc_share))
        else:
            stable = values[~bad]
            mc = float(stable.std(ddof=1) / np.sqrt(stable.size)) if stable.size > 1 else 0.0
            mc_share, shrink = 1.0, 0.0
        param = mean + shrink * (bm_a - mean)
        lo, hi, lvl = _quantile_interval(param, mean)
    out: dict[str, Any] = {"mean": _r(mean), "interval": [_r(lo), _r(hi)],
                           "interval_level": _r(lvl, 2), "mc_error": _r(mc),
                           "mc_share": _r(mc_share, 3)}
    # rounding may not move the mean out of its interval
    out["interval"] = [min(out["interval"][0], out["mean"]), max(out["interval"][1], out["mean"])]
    if probability:
        out["probability"] = out["mean"]
    else:
        finite = values[np.isfinite(values)]
        qs = np.quantile(finite, _Q) if finite.size else np.full(len(_Q), np.nan)
        out["quantiles"] = {f"q{int(q * 100):02d}": _r(v) for q, v in zip(_Q, qs)}
        stable = values[~bad]
        out["sd"] = _r(stable.std()) if stable.size else float("nan")
        out["p_zero"] = _r((values == 0).mean())
    if share > 0:
        out["unstable"] = True
        out["explosive_share"] = _r(share)
        q = out["quantiles"]
        out["headline_stat"] = "median"
        out["headline"] = q["q50"]
        out["headline_interval"] = [q["q05"], q["q95"]]
    else:
        # the interval a reader is shown: parameter uncertainty, widened where needed by
        # the Monte Carlo error of the mean itself (90%: 1.645 standard errors)
        z = 1.6448536269514722
        m, e = out["mean"], out["mc_error"] if np.isfinite(out["mc_error"]) else 0.0
        out["headline_stat"] = "mean"
        out["headline"] = m
        out["headline_interval"] = [_r(min(out["interval"][0], m - z * e)),
                                    _r(max(out["interval"][1], m + z * e))]
        if probability:
            out["headline_interval"] = [max(0.0, out["headline_interval"][0]),
                                        min(1.0, out["headline_interval"][1])]
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
        The Beta posterior of the per-attack fatality probability and its counts, the
        attacks without a casualty field (``unknown``), the bounds when they are all
        or none fatal, and the ``assumption`` in words (:func:`fatality_bounds`).
    assumptions : list of dict
        Every number not fitted from data, with its justification.
    options : list of dict
        ``id``, ``label``, ``actor``, ``outcomes`` (metric id -> distribution),
        ``motives`` (actor -> score, low, high), ``red_lines`` (mean responses per path).
    fan : dict
        option -> stream -> dates, mean and daily / cumulative quantiles 5/25/50/75/95.
    ranking : list of dict
        Options by the deciding actor's motive score, with intervals and
        P(first) under parameter uncertainty.  ``low``/``high`` (here and in each
        option's ``motives``) are the score's 5-95% under parameter uncertainty with
        Monte Carlo noise removed, widened where narrower to +- 1.645 ``mc_error``;
        ``low_parameters``/``high_parameters`` are the interval before that widening
        (:func:`score_interval`).
    sensitivity : dict
        P(first) when the weights vary (Dirichlet), and the smallest weight
        shift that swaps the top two.
    backtest : dict or None
        ``observed``, ``quantile`` (mid-quantile of the observed count in the
        simulated distribution) and the covariates the model lacks.
    diagnostics : Diagnostics
        What the run could not support (the model's own, then the scenario's guards:
        exploded paths, thin normalisations, identical options, assumed metrics);
        those about one option are repeated in that option's ``diagnostics``.
    ranking_withheld : list of str
        Why the ranking must not be stated as a judgment (empty when it may).
    ranking_caveats : list of dict
        What a statement of the ranking must say beside it: thin normalisations
        (``kind``, ``objective``, ``label``, ``history``, ``floor``, ``text``).
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
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    ranking_withheld: list[str] = field(default_factory=list)
    ranking_caveats: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        # a result read back from its result.json carries its diagnostics as plain dicts
        if not isinstance(self.diagnostics, Diagnostics):
            self.diagnostics = Diagnostics(
                d if not isinstance(d, dict) else Diagnostic.from_dict(d)
                for d in self.diagnostics or [])

    @classmethod
    def build(cls, spec, sm, options, runs, scores, ranking, sensitivity, backtest, n_paths, seed,
              n_batches) -> ScenarioResult:
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
            outcomes = {k: summarise_metric(run["values"][k], run["batch_means"][k], probs[k],
                                            explosive=run.get("explosive", {}).get(k))
                        for k in run["values"]}
            mot = {actor: {k: _r(v) for k, v in sc[opt.id].items() if k != "objectives"}
                   for actor, sc in scores.items()}
            for actor, m in mot.items():
                m.update(score_interval(spec, run, actor, scores[actor]))
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
        by_opt = {o["id"]: o["motives"].get(spec.actor, {}) for o in opts}
        for r in ranking:  # the same score interval as the option's (parameters + MC error)
            m = by_opt.get(r["option"], {})
            for k in ("low", "high", "mc_error", "low_parameters", "high_parameters"):
                if k in m:
                    r[k] = m[k]
        sens = _round_tree(sensitivity)
        bt = _round_tree(backtest) if backtest else None
        settings = {"paths": n_paths, "seed": seed, "batches": n_batches,
                    "decision_day": str(spec.decision_day), "horizon_days": spec.horizon_days,
                    "fit": {k: v for k, v in sm.settings.items()
                            if k in ("start", "end", "streams", "covariates", "link", "family",
                                     "uncertainty", "n_boot")}}
        metrics = [{"id": x.id, "label": x.label, "kind": x.kind} for x in spec.metrics]
        fatality = fatality_bounds(sm)
        diags, withheld, caveats = scenario_guards(spec, sm, runs, opts)
        if fatality.get("unknown"):
            diags.add("analysis.fatality_missing", fatality["assumption"],
                      subject=("stream", fatality["stream"]))
        for o in opts:
            o["diagnostics"] = diags.about("option", o["id"]).to_list()
        return cls(spec.name, spec.title, spec.case, spec.actor, settings, model, fatality,
                   metrics, assumptions, opts, motives, ranking, sens, bt, fan, diags, withheld,
                   caveats)

    # --------------------------------------------------------------- views
    def to_dict(self, fan: bool = True) -> dict[str, Any]:
        """JSON-serialisable form (keys: options, ranking, sensitivity, backtest, ...)."""
        out = {"scenario": self.scenario, "title": self.title, "case": self.case,
               "actor": self.actor, "settings": self.settings, "model": self.model,
               "fatality": _round_tree(self.fatality), "metrics": self.metrics,
               "assumptions": self.assumptions, "options": self.options,
               "motives": self.motives, "ranking": self.ranking,
               "sensitivity": self.sensitivity, "backtest": self.backtest,
               "ranking_withheld": list(self.ranking_withheld),
               "ranking_caveats": list(self.ranking_caveats),
               "diagnostics": self.diagnostics.to_list()}
        if fan:
            out["fan"] = self.fan
        return out

    def outcome_table(self) -> pd.DataFrame:
        """Option x metric: headline and its interval.

        The headline is the mean with its 5-95% parameter interval, or for an unstable
        outcome the median with its 5-95% path range, marked ``median``.
        """
        rows = []
        for o in self.options:
            row = {"option": o["id"], "label": o["label"]}
            for m in self.metrics:
                d = o["outcomes"][m["id"]]
                lo, hi = d.get("headline_interval", d["interval"])
                v = d.get("headline", d["mean"])
                tag = " (median)" if d.get("headline_stat") == "median" else ""
                row[m["id"]] = f"{v:.3g} [{lo:.3g}, {hi:.3g}]{tag}"
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


def score_interval(spec, run: dict, actor: str, actor_scores: dict) -> dict[str, Any]:
    """The motive score's interval with Monte Carlo noise separated from parameters.

    A path's score is the weighted sum of its objectives' utilities (an affine map of
    the path's metrics), so the option's score is the mean of the path scores and each
    batch's score the mean over its paths; :func:`summarise_metric` then splits the
    spread of the batch scores into parameter uncertainty and Monte Carlo noise.

    Returns ``low``/``high`` (the parameter interval widened, where narrower, to the
    score +- 1.645 ``mc_error``), ``low_parameters``/``high_parameters`` and ``mc_error``;
    empty when the actor has no motive.
    """
    from redline.scenarios.motives import ObjectiveScale, normalised_weights
    motive = spec.motive(actor)
    scales = actor_scores.get("_scales", {})
    if motive is None or not motive.objectives or not scales:
        return {}
    w = normalised_weights([ob.weight for ob in motive.objectives])
    path = None
    for wk, ob in zip(w, motive.objectives):
        sc = scales[ob.id]
        u = ObjectiveScale(sc["offset"], sc["scale"], ob.direction, sc["kind"])(run["values"][ob.metric])
        path = wk * u if path is None else path + wk * u
    assert path is not None  # motive.objectives is not empty
    n_b = len(run["batch_means"][motive.objectives[0].metric])
    bm = np.array([p.mean() for p in np.array_split(path, n_b)])
    out = summarise_metric(path, bm, probability=True)  # (no explosion fence, no quantiles)
    z, m, e = 1.6448536269514722, out["mean"], out["mc_error"]
    e = e if np.isfinite(e) else 0.0
    return {"low": _r(min(out["interval"][0], m - z * e)), "high": _r(max(out["interval"][1], m + z * e)),
            "low_parameters": out["interval"][0], "high_parameters": out["interval"][1],
            "mc_error": out["mc_error"]}


def fatality_bounds(sm) -> dict[str, Any]:
    """The fatality estimate with its missing-data assumption stated and bounded.

    The Beta posterior uses only the attacks whose casualty field is recorded
    (``known``): it assumes the others kill at the same rate (missing at random).
    Attacks without the field (``unknown``, from the stream's history) bound the
    share: none of them fatal (``low``) or all of them (``high``).
    """
    fat = dict(sm.fatality or {})
    if not fat:
        return fat
    stream = fat.get("stream")
    hist = getattr(sm, "history", None)
    if hist is None or stream not in hist:
        fat["assumption"] = ("attacks without a recorded casualty field are assumed to kill at "
                             "the rate of those with one (missing at random); not bounded: the "
                             "stream is not in the simulated history")
        return fat
    total = int(hist[stream].sum())
    known, killed = int(fat["known"]), int(fat["killed"])
    unknown = max(0, total - known)
    fat.update({"total": total, "unknown": unknown,
                "share_if_none_of_the_unknown_killed": killed / total if total else float("nan"),
                "share_if_all_of_the_unknown_killed": (killed + unknown) / total if total else float("nan")})
    fat["assumption"] = (
        f"{unknown} of the {total} attacks of {stream} up to the decision day have no casualty "
        f"field; the fatality probability ({fat['mean']:.3g}) uses the {known} with one and "
        "assumes the others kill at the same rate (missing at random). Counting them as none "
        f"fatal or all fatal bounds the share of fatal attacks between "
        f"{fat['share_if_none_of_the_unknown_killed']:.3g} and "
        f"{fat['share_if_all_of_the_unknown_killed']:.3g}.") if unknown else (
        "every attack up to the decision day has a casualty field: no missing-data assumption")
    return fat


def history_count(spec, sm, metric_id: str) -> float | None:
    """The count a ``history`` normalisation divides by: the metric's stream over the
    metric's days (else the horizon) up to the decision day; None for other metrics."""
    m = spec.metric(metric_id)
    if m.kind != "count" or sm.history is None or m.stream not in sm.history:
        return None
    days = m.days or spec.horizon_days
    return float(sm.history[m.stream].iloc[-days:].sum())


def scenario_guards(spec, sm, runs: dict[str, dict], opts: list[dict]
                    ) -> tuple[Diagnostics, list[str], list[dict[str, Any]]]:
    """The scenario's guards: diagnostics, the reasons to withhold the ranking, and the
    caveats that downgrade it.

    * an outcome with exploded paths (``unstable``) -> ``scenarios.explosive_paths``;
    * an interval widened to hold its mean -> ``scenarios.interval_widened``;
    * Monte Carlo noise above half the batch means' variance -> ``scenarios.monte_carlo_noise``;
    * a ``history`` normalisation on fewer than ``MIN_HISTORY_EVENTS`` events ->
      ``scenarios.thin_normalisation``;
    * options with the same outcomes on every path -> ``scenarios.identical_options``;
    * metrics of kind ``p_assumed_event`` -> ``scenarios.assumption_metric``.

    The ranking is withheld when an objective of the deciding actor rests on an
    unstable outcome; a thin normalisation of one of its objectives (floored, so
    it cannot decide alone) is a caveat the ranking judgment states.
    """
    d = Diagnostics(getattr(sm.model, "diagnostics_", None) or [])
    labels = {m.id: m.label for m in spec.metrics}
    unstable: set[str] = set()
    noisy: list[float] = []
    n_out = sum(len(o["outcomes"]) for o in opts)
    for o in opts:
        for mid, out in o["outcomes"].items():
            if out.get("unstable"):
                unstable.add(mid)
                d.add("scenarios.explosive_paths",
                      f"option {o['id']}: {100 * out['explosive_share']:.2g}% of the paths of "
                      f"“{labels.get(mid, mid)}” exploded; the headline is the median "
                      f"{out['quantiles']['q50']:.4g}, the mean {out['mean']:.3g} is over the "
                      "stable paths only.", subject=("option", o["id"]))
            if out.get("interval_level", 0.9) > 0.9 + 1e-9:
                d.add("scenarios.interval_widened",
                      f"option {o['id']}: the interval of “{labels.get(mid, mid)}” is a "
                      f"{100 * out['interval_level']:.0f}% range (the 90% range did not hold "
                      "the mean).", subject=("option", o["id"]))
            if out.get("mc_share", 0.0) > 0.5 and out.get("mc_error", 0.0) > 0:
                noisy.append(out["mc_share"])
    if noisy:
        d.add("scenarios.monte_carlo_noise",
              f"for {len(noisy)} of the {n_out} option outcomes, Monte Carlo noise is more than "
              f"half of the spread of the batch means (up to {100 * max(noisy):.0f}%); their "
              "intervals have that noise removed, but differences between options smaller than "
              "two Monte Carlo errors are not resolved: run more paths to read them.")
    withheld: list[str] = []
    caveats: list[dict[str, Any]] = []
    for motive in spec.motives:
        for ob in motive.objectives:
            deciding = motive.actor == spec.actor and ob.weight > 0
            if ob.norm.kind == "history":
                h = history_count(spec, sm, ob.metric)
                if h is not None and 0 < h < MIN_HISTORY_EVENTS:
                    d.add("scenarios.thin_normalisation",
                          f"{motive.actor}: “{ob.label}” is normalised by {h:g} "
                          f"{'event' if h == 1 else 'events'} before the decision day; the "
                          f"divisor was raised to {MIN_HISTORY_EVENTS}.",
                          subject=("metric", ob.metric))
                    if deciding:
                        caveats.append({
                            "kind": "thin_normalisation", "objective": ob.id, "label": ob.label,
                            "history": h, "floor": MIN_HISTORY_EVENTS,
                            "text": f"the objective “{ob.label}” is normalised by a history of "
                                    f"only {h:g} {'event' if h == 1 else 'events'}, raised to "
                                    f"{MIN_HISTORY_EVENTS}"})
            if deciding and ob.metric in unstable:
                withheld.append(f"“{labels.get(ob.metric, ob.metric)}” exploded on some paths, "
                                "so its mean (which the scores use) is not a stable number")
    ids = list(runs)
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            same = all(np.array_equal(runs[a]["values"][k], runs[b]["values"][k])
                       for k in runs[a]["values"])
            if same:
                d.add("scenarios.identical_options",
                      f"options {a} and {b} produced the same outcomes on every path: they tie "
                      "on every weighting of the motives.", subject=("option", b))
    for m in spec.metrics:
        if m.kind == "p_assumed_event":
            how = ("partly: a probability per simulated event, assumed" if m.per_event
                   else "only: no simulated event enters it")
            d.add("scenarios.assumption_metric",
                  f"“{m.label}” rests on assumed probabilities ({how}); its differences between "
                  "options are the assumptions', not the data's.", subject=("metric", m.id))
    return d, list(dict.fromkeys(withheld)), caveats


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
