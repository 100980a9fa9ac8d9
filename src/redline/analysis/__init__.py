"""Analyses of a case: escalation phases, action and reaction, deterrence, the actor network.

Names are imported on first use.  The analysis functions share their module's name
(``redline.analysis.deterrence.deterrence``); import them from their module, since a
package attribute cannot be both a submodule and a function.  :func:`analyze` runs all
four.
"""

from __future__ import annotations

import lazy_loader as lazy

# Submodules load on first use, so ``redline.analysis.fit`` stays cheap to import.
__getattr__, __dir__, __all__ = lazy.attach(
    __name__,
    submod_attrs={
        # escalation: series, intensity index, phases
        "escalation": ["IntensityWeights", "escalation_series", "detect_phases", "segment_counts",
                       "PhaseResult", "poisson_rate_ci"],
        # reciprocity: action -> reaction
        "reciprocity": ["ReciprocityResult", "reaction_test", "default_pairs"],
        # deterrence: strike waves, rate ratios, model view
        "deterrence": ["DeterrenceResult", "strike_waves", "rate_ratio_ci"],
        # network: ties, dyads, sponsor chains, deniability
        "network": ["NetworkResult", "actor_graph", "sponsor_chains", "event_dyads",
                    "deniability"],
        # all four at once
        "report": ["AnalysisResult", "analyze"],
        "_events": ["CaseEvents", "load_case_events"],
    },
)
