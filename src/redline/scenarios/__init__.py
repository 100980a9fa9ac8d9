"""Scenarios: options run through a fitted model, outcomes scored by motives.

``spec`` is the file format, ``runner`` the Monte Carlo, ``motives`` the scoring.
"""

from redline.scenarios.result import ScenarioResult
from redline.scenarios.runner import run_scenario
from redline.scenarios.spec import ScenarioSpec, case_scenarios, find_scenario, load_scenario

__all__ = ["ScenarioResult", "ScenarioSpec", "case_scenarios", "find_scenario", "load_scenario",
           "run_scenario"]
