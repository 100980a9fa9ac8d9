"""Analyses of a case: escalation phases, action and reaction, deterrence, the actor network.

Names are imported on first use (``redline.analysis.fit`` stays cheap to import).
The functions of the modules ``reciprocity``, ``deterrence`` and ``network`` are
exported here as ``analyze_reciprocity``, ``analyze_deterrence`` and
``analyze_network`` (a package attribute cannot be both a submodule and a function).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    # escalation: series, intensity index, phases
    "IntensityWeights": "redline.analysis.escalation",
    "escalation_series": "redline.analysis.escalation",
    "detect_phases": "redline.analysis.escalation",
    "segment_counts": "redline.analysis.escalation",
    "PhaseResult": "redline.analysis.escalation",
    "poisson_rate_ci": "redline.analysis.escalation",
    # reciprocity: action -> reaction
    "ReciprocityResult": "redline.analysis.reciprocity",
    "analyze_reciprocity": "redline.analysis.reciprocity",
    "reaction_test": "redline.analysis.reciprocity",
    "default_pairs": "redline.analysis.reciprocity",
    # deterrence: strike waves, rate ratios, model view
    "DeterrenceResult": "redline.analysis.deterrence",
    "analyze_deterrence": "redline.analysis.deterrence",
    "strike_waves": "redline.analysis.deterrence",
    "rate_ratio_ci": "redline.analysis.deterrence",
    # network: ties, dyads, sponsor chains, deniability
    "NetworkResult": "redline.analysis.network",
    "analyze_network": "redline.analysis.network",
    "actor_graph": "redline.analysis.network",
    "sponsor_chains": "redline.analysis.network",
    "event_dyads": "redline.analysis.network",
    "deniability": "redline.analysis.network",
    # all four at once
    "AnalysisResult": "redline.analysis.report",
    "analyze": "redline.analysis.report",
    "CaseEvents": "redline.analysis._events",
    "load_case_events": "redline.analysis._events",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'redline.analysis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
