"""Alias patterns: whole names first, longer patterns before shorter, conflicts only when real."""

from __future__ import annotations

import datetime as dt

import pytest

from redline.data.aliases import AliasConflictError, AliasResolver, is_pattern
from redline.data.case import Actor, Case


def _case(*actors: tuple[str, list[str]]) -> Case:
    return Case(name="t", title="t", description="t", start=dt.date(2024, 1, 1),
                end=dt.date(2024, 2, 1),
                actors=[Actor(id=i, name=i.replace("_", " ").title(), kind="armed_group",
                              aliases=al) for i, al in actors])


def test_whole_names_win_over_patterns_and_ignore_case():
    r = AliasResolver(_case(("us_navy", ["USS *"]), ("houthis", ["uss carney"])))
    assert r.resolve("USS Carney") == "houthis"      # whole alias beats the pattern
    assert r.resolve("  uss eisenhower ") == "us_navy"
    assert r.resolve("Us Navy") == "us_navy"         # the actor's name
    assert r.resolve("us_navy") == "us_navy"         # its id
    assert r.resolve("USNS Supply") is None


def test_longer_pattern_wins():
    r = AliasResolver(_case(("merchant", ["* (container ship)"]), ("tankers", ["*ship)"])))
    assert r.resolve("Maersk Gibraltar (container ship)") == "merchant"
    assert r.resolve("Marlin Luanda (tanker ship)") == "tankers"


def test_brackets_are_literal_and_question_mark_is_one_character():
    assert not is_pattern("Houthis [Ansar Allah]")
    r = AliasResolver(_case(("houthis", ["Houthis [Ansar Allah]", "Ansar Allah ?"])))
    assert r.resolve("houthis [ansar allah]") == "houthis"
    assert r.resolve("Houthis A") is None            # [..] is not a character class
    assert r.resolve("Ansar Allah X") == "houthis"
    assert r.resolve("Ansar Allah XY") is None


def test_equal_patterns_of_different_actors_conflict_only_on_a_name_both_match():
    # 'USS *' and '*rney' both have four literal characters: the same precedence
    r = AliasResolver(_case(("a", ["USS *"]), ("b", ["*rney"])))
    assert r.resolve("USS Mason") == "a"             # only one matches: no error
    assert r.resolve("HMS Carney") == "b"
    with pytest.raises(AliasConflictError) as exc:
        r.resolve("USS Carney")
    assert "'USS *'" in str(exc.value) and "'*rney'" in str(exc.value)
    assert "actors[1].aliases" in str(exc.value)


def test_a_longer_pattern_settles_what_equal_ones_cannot():
    r = AliasResolver(_case(("a", ["USS *"]), ("b", ["*rney"]), ("c", ["USS C*"])))
    assert r.resolve("USS Carney") == "c"


def test_equal_patterns_of_one_actor_are_fine():
    r = AliasResolver(_case(("a", ["USS *", "*rney"])))
    assert r.resolve("USS Carney") == "a"


def test_resolve_all_leaves_out_unresolved():
    r = AliasResolver(_case(("a", ["x*"])))
    assert r.resolve_all(["xy", "zz", None, "xy"]) == {"xy": "a"}
