"""Scenario files: the five invalid cases get clear errors; motive scoring."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from redline.errors import ScenarioError
from redline.scenarios import motives as mv
from redline.scenarios.spec import load_scenario

VALID = """\
name: tiny
title: A tiny scenario
case: us-iran-proxies-2023
actor: united_states
decision_day: 2024-01-29
horizon_days: 30
model:
  streams: [militia_attacks_on_us, us_strikes_on_militias]
  covariates: []
  link: identity
  start: 2023-10-17
metrics:
  - {id: attacks, label: Attacks, kind: count, stream: militia_attacks_on_us}
assumptions:
  - {id: p_answer, value: 0.5, justification: "A coin flip, for the test."}
options:
  - id: a
    label: Nothing
  - id: b
    label: Strike
    interventions:
      - {type: inject, stream: us_strikes_on_militias, day: 3, count: 2}
      - type: red_line
        when: {series: militia_attacks_on_us, at_least: 3, within_days: 7}
        probability: p_answer
        then: {stream: us_strikes_on_militias, count: 1, delay_days: [2, 5]}
motives:
  - actor: united_states
    objectives:
      - id: fewer_attacks
        label: Fewer attacks
        metric: attacks
        direction: minimise
        weight: 1.0
        normalisation: history
        justification: The point of the exercise, for the test.
        sources: ["seed:us-strikes-iran-backed-groups-2024"]
"""


def _write(tmp_path, text: str):
    p = tmp_path / "s.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def _line_of(text: str, needle: str) -> int:
    return next(i + 1 for i, line in enumerate(text.splitlines()) if needle in line)


def test_valid_file_loads(tmp_path):
    spec, case = load_scenario(_write(tmp_path, VALID))
    assert spec.name == "tiny" and case.name == "us-iran-proxies-2023"
    assert spec.value("p_answer") == 0.5
    assert spec.day_index(3) == 2
    assert ("options[1].interventions[0].count", 2.0) in spec.inline_numbers()


@pytest.mark.parametrize("old, new, field, needle, words", [
    ("stream: militia_attacks_on_us}", "stream: militia_attacks_on_uss}", "metrics[0].stream",
     "militia_attacks_on_uss", "unknown stream"),
    ("weight: 1.0", "weight: -0.5", "motives[0].objectives[0].weight", "weight: -0.5", "negative"),
    ("probability: p_answer", "probability: 1.5", "options[1].interventions[1].probability",
     "probability: 1.5", "above 1"),
    ("  - id: a\n    label: Nothing", "  - id: a\n    actor: hezbollah\n    label: Nothing",
     "options[0].actor", "actor: hezbollah", "not in case"),
    ("horizon_days: 30", "horizon_days: 0", "horizon_days", "horizon_days: 0", "at least 1"),
])
def test_invalid_files_get_clear_errors(tmp_path, old, new, field, needle, words):
    assert old in VALID
    text = VALID.replace(old, new, 1)
    if "horizon_days: 0" in text:  # the metric may not reach beyond the horizon either
        text = text.replace("kind: count, stream", "kind: count, stream")
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    e = err.value
    assert e.file == str(path)
    assert e.field == field
    assert e.line == _line_of(text, needle)
    assert words in str(e)
    assert e.expected  # says what a valid value looks like


def test_unknown_assumption_and_pydantic_errors_have_lines(tmp_path):
    text = VALID.replace("probability: p_answer", "probability: p_unknown")
    with pytest.raises(ScenarioError, match="unknown assumption 'p_unknown'") as err:
        load_scenario(_write(tmp_path, text))
    assert err.value.line == _line_of(text, "p_unknown")
    text = VALID.replace("direction: minimise", "direction: lower")
    with pytest.raises(ScenarioError) as err:
        load_scenario(_write(tmp_path, text))
    assert err.value.field == "motives[0].objectives[0].direction"
    assert err.value.line == _line_of(text, "direction: lower")


def test_unknown_scenario_name():
    with pytest.raises(ScenarioError, match="after-tower-22"):
        load_scenario("no-such-scenario")


# ---------------------------------------------------------------- motives

def test_scales_and_directions():
    v = np.array([10.0, 20.0, 30.0])
    assert mv.make_scale("history", "minimise", v, history=20.0)(v).tolist() == [-0.5, -1.0, -1.5]
    assert mv.make_scale("range", "minimise", v)(v).tolist() == [1.0, 0.5, 0.0]
    assert mv.make_scale("range", "maximise", v)(v).tolist() == [0.0, 0.5, 1.0]
    assert mv.make_scale("none", "maximise", v)(v).tolist() == v.tolist()
    with pytest.raises(ScenarioError):
        mv.make_scale("history", "minimise", v, history=0.0)


def test_rank_first_probabilities_concentrate_on_the_given_weights(rng):
    util = np.array([[1.0, 0.0], [0.0, 0.9]])
    p = mv.rank_first_probabilities(util, [0.5, 0.5], 1e6, 500, rng)
    assert p.tolist() == [1.0, 0.0]
    p = mv.rank_first_probabilities(util, [0.5, 0.5], 1.0, 4000, rng)
    assert 0.3 < p[1] < 0.7


def test_smallest_flip_is_the_least_weight_moved(rng):
    # Compare with a brute-force search over weight vectors on a fine grid.
    for _ in range(5):
        util = rng.normal(size=(3, 2))
        w = rng.dirichlet([2, 2, 2])
        s = mv.weighted_score(util, w)
        first, second = (0, 1) if s[0] >= s[1] else (1, 0)
        flip = mv.smallest_flip(util, w, first, second)
        grid = np.linspace(0, 1, 201)
        best = None
        for a, b in itertools.product(grid, grid):
            if a + b > 1:
                continue
            w2 = np.array([a, b, 1 - a - b])
            if w2 @ (util[:, first] - util[:, second]) <= 0:
                moved = 0.5 * np.abs(w2 - w).sum()
                best = moved if best is None else min(best, moved)
        if best is None:
            assert flip["shift"] is None
        else:
            assert flip["shift"] is not None
            assert flip["shift"] <= best + 1e-9          # never worse than the grid
            assert flip["shift"] >= best - 0.01          # and the grid is 0.005 fine
            w_after = np.array(flip["weights"])
            assert w_after @ (util[:, first] - util[:, second]) <= 1e-9
            assert abs(w_after.sum() - 1) < 1e-12 and (w_after >= -1e-12).all()
