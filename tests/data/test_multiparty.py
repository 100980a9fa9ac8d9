"""case check flags names that join several parties but resolve to one actor."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from redline.data.case import builtin_cases, load_case
from redline.data.casecheck import check_case
from redline.data.multiparty import multi_party_parts, parties_named, split_parties

FIX = Path(__file__).parent / "fixtures" / "multiparty"


def _line(path: Path, text: str) -> int:
    """1-based line of the first line of ``path`` holding ``text``."""
    return next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if text in ln)


def test_split_parties_cuts_at_every_separator_but_not_inside_parentheses():
    assert split_parties("A; B / C and D & E, F") == ["A", "B", "C", "D", "E", "F"]
    assert split_parties("Islamic Resistance in Iraq (suspected, per SOHR)") == [
        "Islamic Resistance in Iraq (suspected, per SOHR)"]
    assert split_parties("Asa'ib Ahl al-Haq") == ["Asa'ib Ahl al-Haq"]
    assert split_parties("Baghdad/Washington") == ["Baghdad/Washington"]  # no blanks: one name


def test_the_synthetic_case_flags_the_glued_names_and_only_them():
    r = check_case(FIX)
    found = {(m.field, m.value): m for m in r.multi_party}
    glued = "Brigade A and Brigade B"
    assert set(found) == {("actors[0].aliases", glued), ("actor", glued), ("target", glued),
                          ("target", "Brigade A leaders; Fly Valley Air")}
    alias = found[("actors[0].aliases", glued)]
    assert alias.alias and alias.actor == "brigade_a"
    assert alias.lines == (_line(FIX / "case.yaml", f'"{glued}"'),)
    assert alias.parts == {"Brigade A": "brigade_a", "Brigade B": "brigade_b"}
    events = FIX / "events.csv"
    actor = found[("actor", glued)]
    assert actor.lines == (_line(events, "V-02"), _line(events, "V-09")) and actor.count == 2
    assert found[("target", glued)].lines == (_line(events, "V-03"),)
    # resolved through the pattern "Brigade A leaders*"; ';' alone makes it a list
    sem = found[("target", "Brigade A leaders; Fly Valley Air")]
    assert sem.actor == "brigade_a" and sem.lines == (_line(events, "V-08"),)
    assert sem.parts == {"Brigade A leaders": "brigade_a", "Fly Valley Air": None}
    assert "split the row" in actor.expected and "remove this alias" in alias.expected
    # a review item like the others: the check is not ok
    assert not r.ok and sum(d.code == "case.multi_party_name" for d in r.diagnostics) == 4
    d = r.to_dict()["multi_party"]
    assert {"file", "line", "field", "value", "resolved_to", "expected"} <= set(d[0])
    assert d[0]["file"].endswith("case.yaml") and d[0]["resolved_to"] == "brigade_a"


def test_real_single_names_are_not_flagged():
    r = check_case(FIX)
    flagged = {m.value for m in r.multi_party}
    for name in ["Sons and Daughters of the Valley",   # 'and' inside a name, no part resolves
                 "Northland and allied forces",        # both parts name Northland
                 "Brigade B, Northland",               # a place after the comma
                 "Brigade A, VF",                      # a joint operation under the umbrella
                 "Brigade B & Brigade C"]:             # a joint actor of its own
        assert name not in flagged
    # the same names, judged one by one: a naive reading would flag all but the first
    case = load_case(FIX)
    res = case.resolver()
    assert parties_named("Northland and allied forces", res) == {
        "Northland": "northland", "allied forces": None}
    assert len({a for a in parties_named("Brigade B, Northland", res).values() if a}) == 2
    assert multi_party_parts("Brigade B, Northland", "brigade_b", res, {"northland"}) is None
    assert multi_party_parts("Brigade A, VF", "valley_front", res, (), {"valley_front"}) is None
    assert multi_party_parts("Brigade A, VF", "valley_front", res) is not None  # not a group
    assert multi_party_parts("Brigade B & Brigade C", "brigade_b_brigade_c", res) is None
    assert multi_party_parts("Brigade B & Brigade C", "brigade_b", res) is not None


def test_a_parquet_events_file_gives_the_same_lines(tmp_path):
    import pandas as pd
    folder = tmp_path / "valley"
    folder.mkdir()
    shutil.copy(FIX / "case.yaml", folder)
    pd.read_csv(FIX / "events.csv", dtype=str).to_parquet(folder / "events.parquet")
    got = {(m.field, m.value): m.lines for m in check_case(folder).multi_party}
    assert got == {(m.field, m.value): m.lines for m in check_case(FIX).multi_party}


def test_an_unresolved_name_of_two_parties_is_not_offered_as_an_alias():
    r = check_case(FIX)
    assert r.unresolved == {"Brigade B and Northland": 1}
    assert "do not add it as an alias" in r.split_notes["Brigade B and Northland"]
    assert r.to_dict()["unresolved"][0]["note"] == r.split_notes["Brigade B and Northland"]


def test_the_builtin_cases_have_no_multi_party_name():
    for name in builtin_cases():
        r = check_case(name)
        assert r.multi_party == [] and not r.diagnostics.has("case.multi_party_name"), name


def test_the_old_glued_coding_of_the_builtin_case_is_flagged(tmp_path):
    """The coding issue 18 found (two targets glued onto KH), put back on a copy."""
    folder = tmp_path / "case"
    shutil.copytree(builtin_cases()["us-iran-proxies-2023"], folder)
    glued = "Kata'ib Hezbollah; Kata'ib Sayyid al-Shuhada"
    yml = folder / "case.yaml"
    yml.write_text(yml.read_text().replace("Iraqi Hezbollah]", f'Iraqi Hezbollah, "{glued}"]'))
    ev = folder / "events.csv"
    lines = ev.read_text().splitlines(keepends=True)
    row = next(i for i, ln in enumerate(lines) if ln.startswith("USP-0138,"))
    lines[row] = lines[row].replace(",United States,Kata'ib Hezbollah,", f",United States,{glued},")
    ev.write_text("".join(lines))
    r = check_case(folder)
    got = {(m.field, m.value, m.lines) for m in r.multi_party}
    assert got == {("actors[3].aliases", glued, (_line(yml, glued),)),
                   ("target", glued, (row + 1,))}
    assert all(m.actor == "kataib_hezbollah" for m in r.multi_party)


@pytest.mark.parametrize("value", ["Kata'ib Hezbollah leaders; Fly Baghdad",
                                   "Kata'ib Hezbollah / Kata'ib Sayyid al-Shuhada",
                                   "Kata'ib Hezbollah & KSS"])
def test_builtin_names_glued_by_any_separator_are_flagged(value):
    case = load_case("us-iran-proxies-2023")
    assert multi_party_parts(value, "kataib_hezbollah", case.resolver()) is not None


def test_a_part_two_patterns_claim_names_no_one_instead_of_failing_the_check():
    from redline.data.aliases import AliasConflictError

    class Resolver:
        def resolve(self, name):
            if name == "Brigade X":
                raise AliasConflictError("two patterns")
            return {"Brigade A": "brigade_a", "Brigade B": "brigade_b"}.get(name)

    assert parties_named("Brigade A; Brigade X", Resolver()) == {"Brigade A": "brigade_a",
                                                                "Brigade X": None}
    assert multi_party_parts("Brigade A and Brigade B", "brigade_a", Resolver()) is not None
