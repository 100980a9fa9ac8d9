"""Scoring of motives: normalisation, direction and weights of objectives.

An actor's motive is a weighted set of objectives over outcome metrics. Each
objective turns the metric of an option into a *utility* (higher = better for
the actor):

* normalisation ``none``: ``u = v``; ``history``: ``u = v / h`` (``h`` the same
  metric observed over the days before the decision, floored at
  :data:`MIN_HISTORY_EVENTS` so that a history of one event cannot decide a
  ranking); ``value``: ``u = v / c``;
  ``range``: ``u = (v - min) / (max - min)`` over the options' means;
* direction ``maximise`` keeps ``u``; ``minimise`` takes ``-u`` (``1 - u`` for
  ``range``, so that range utilities stay in [0, 1]).

The motive score of an option is ``sum_k w_k u_k / sum_k w_k``. Scores of
different actors are not comparable with each other, only across options.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from redline.errors import ScenarioError

__all__ = ["ObjectiveScale", "MIN_HISTORY_EVENTS", "utilities", "weighted_score", "rank_first_probabilities",
           "smallest_flip", "normalised_weights"]


#: A ``history`` normalisation divides by the count observed before the decision day.
#: Below this many events that count is mostly chance (one strike more or less halves or
#: doubles every utility), so the divisor is floored here and a diagnostic says so.
MIN_HISTORY_EVENTS = 5


@dataclass(frozen=True)
class ObjectiveScale:
    """The affine map of one objective: ``u = sign * (v - offset) / scale (+ 1 if range-minimise)``."""

    offset: float
    scale: float
    direction: str
    kind: str

    def __call__(self, v: np.ndarray) -> np.ndarray:
        u = (np.asarray(v, dtype=float) - self.offset) / self.scale
        if self.direction == "maximise":
            return u
        return 1.0 - u if self.kind == "range" else -u


def make_scale(kind: str, direction: str, option_means: np.ndarray, history: float | None = None,
               value: float | None = None) -> ObjectiveScale:
    """The scale of one objective from its normalisation kind."""
    if kind == "none":
        return ObjectiveScale(0.0, 1.0, direction, kind)
    if kind == "history":
        if history is None or not np.isfinite(history) or history <= 0:
            raise ScenarioError(
                f"history normalisation needs a positive observed value, got {history!r}",
                field="normalisation", expected="a metric with events before the decision day, "
                "or normalisation 'range' / {kind: value, value: ...}")
        return ObjectiveScale(0.0, max(float(history), float(MIN_HISTORY_EVENTS)), direction, kind)
    if kind == "value":
        assert value is not None  # check_scenario: value normalisation needs a value
        return ObjectiveScale(0.0, float(value), direction, kind)
    if kind == "range":
        lo, hi = float(np.min(option_means)), float(np.max(option_means))
        return ObjectiveScale(lo, hi - lo if hi > lo else 1.0, direction, kind)
    raise ScenarioError(f"unknown normalisation {kind!r}", field="normalisation",
                        expected="none, history, value or range")


def utilities(values: np.ndarray, scales: list[ObjectiveScale]) -> np.ndarray:
    """Utilities of each objective, shape ``values.shape`` (first axis: objectives)."""
    return np.stack([s(v) for s, v in zip(scales, values)])


def normalised_weights(weights) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


def weighted_score(util: np.ndarray, weights) -> np.ndarray:
    """Motive score: weighted mean of the utilities over the first axis."""
    w = normalised_weights(weights)
    return np.tensordot(w, util, axes=(0, 0))


def rank_first_probabilities(util: np.ndarray, weights, concentration: float, draws: int,
                             rng: np.random.Generator) -> np.ndarray:
    """P(each option ranks first) when the weights vary around the given ones.

    Weights are drawn from ``Dirichlet(concentration * w / sum(w))`` (mean: the
    given weights; larger concentration: closer to them). Objectives with weight
    0 stay at 0.

    Parameters
    ----------
    util : array of shape (n_objectives, n_options)
    """
    w = normalised_weights(weights)
    active = w > 0
    W = np.zeros((draws, w.size))
    W[:, active] = rng.dirichlet(concentration * w[active], size=draws)
    scores = W @ util
    best = np.argmax(scores, axis=1)
    return np.bincount(best, minlength=util.shape[1]) / draws


def smallest_flip(util: np.ndarray, weights, first: int, second: int) -> dict:
    """The smallest shift of weight that makes ``second`` score at least ``first``.

    Weights are normalised to sum to 1. Moving weight ``t`` from objective ``a``
    to ``b`` changes ``score(first) - score(second)`` by ``t * (d_b - d_a)`` with
    ``d = u[:, first] - u[:, second]``. The cheapest flip (least total weight
    moved, an exact solution of this linear programme) gives to the objective with
    the smallest ``d`` and takes from those with the largest ``d`` first.

    Returns
    -------
    dict
        ``shift`` (total weight moved, 0..1; None when no reweighting flips the
        order), ``from`` (objective indices and amounts), ``to`` (index) and the
        resulting ``weights``; ``tie`` is True (and ``shift`` 0, ``to`` None) when
        the two already score the same.
    """
    w = normalised_weights(weights)
    d = util[:, first] - util[:, second]
    gap = float(w @ d)
    if gap <= 1e-12 * max(1.0, float(np.abs(util).max(initial=0.0))):
        # already level: no weight needs to move (identical options tie on every weighting)
        return {"shift": 0.0, "from": [], "to": None, "weights": w.tolist(), "tie": True}
    to = int(np.argmin(d))
    new = w.copy()
    moved, taken = 0.0, []
    for a in np.argsort(-d, kind="stable"):
        if a == to or d[a] <= d[to]:
            break
        per_unit = d[a] - d[to]
        need = gap / per_unit
        t = min(need, new[a])
        if t <= 0:
            continue
        new[a] -= t
        new[to] += t
        moved += t
        gap -= t * per_unit
        taken.append((int(a), float(t)))
        if gap <= 1e-12:
            return {"shift": moved, "from": taken, "to": to, "weights": new.tolist()}
    return {"shift": None, "from": [], "to": None, "weights": w.tolist()}
