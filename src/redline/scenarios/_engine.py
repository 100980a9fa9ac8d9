"""The old names of the scenario day loop, now a thin caller of the one simulator.

The loop itself lives in :func:`redline.models.simulate_daily` (red lines, fatal
attacks and every other intervention are its inputs). This module only maps the
former call shape (rules as dicts, one batch seed) onto it, for code and tests
written against it; new code calls :func:`redline.models.simulate_daily`.
"""

from __future__ import annotations

import numpy as np

from redline.models import (
    FATALITIES,
    Interventions,
    RedLineRule,
    path_seeds_for,
    simulate_daily,
)

__all__ = ["SERIES_FATALITIES", "RuleArrays", "path_seeds_for", "simulate_batch"]

#: ``series`` value meaning "the simulated fatal attacks".
SERIES_FATALITIES = FATALITIES


class RuleArrays(list):
    """Red-line rules given as dicts (keys ``series``, ``at_least``, ``window``,
    ``prob``, ``stream``, ``count``, ``dmin``, ``dmax``, ``max_fires``), held as
    :class:`~redline.models.RedLineRule`."""

    def __init__(self, rules: list[dict] | None = None) -> None:
        super().__init__(
            RedLineRule(int(r["series"]), int(r["at_least"]), int(r["window"]), float(r["prob"]),
                        int(r["stream"]), int(r["count"]), (int(r["dmin"]), int(r["dmax"])),
                        int(r["max_fires"]))
            for r in (rules or []))


def simulate_batch(seed: int, mu: np.ndarray, adjacency: np.ndarray, decay: np.ndarray,
                   initial_state: np.ndarray, injections: np.ndarray, n_paths: int,
                   link: str = "softplus", dispersion: np.ndarray | None = None,
                   p_fatal: np.ndarray | None = None, fatal_stream: int = -1,
                   rules: list[RedLineRule] | None = None,
                   path_seeds: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(counts, fatal, fires)`` of ``n_paths`` paths sharing one parameter set.

    See :func:`redline.models.simulate_daily` for the shapes; per-path seeds come
    from ``seed`` unless ``path_seeds`` are given.
    """
    seeds = path_seeds_for(seed, n_paths) if path_seeds is None else path_seeds
    sim = simulate_daily(
        mu, adjacency, decay, horizon=np.shape(mu)[0], n_paths=n_paths, link=link,
        family="poisson" if dispersion is None else "negbin", dispersion=dispersion,
        initial_state=initial_state, path_seeds=seeds,
        interventions=Interventions(injections=injections, rules=list(rules or []),
                                    fatal_stream=fatal_stream,
                                    fatal_probability=0.0 if p_fatal is None else p_fatal))
    return sim.counts, sim.fatal, sim.fires
