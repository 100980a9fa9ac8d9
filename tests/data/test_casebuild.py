"""case init / case check on a foreign file, aliases without a rebuild, cases kept apart."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from redline.data.case import load_case
from redline.data.casebuild import guess_kind, init_case, slug_id
from redline.data.casecheck import check_case
from redline.data.filters import EventFilter, case_scope
from redline.data.store import DuckDBStore
from redline.data.streams import streams

FIX = Path(__file__).parent / "fixtures" / "casebuild"
# In redsea.csv the Houthis attack six ships in turn (40 attacks): USS Carney, USS Mason,
# USS Gravely, then three merchant ships; attack i goes to ship i mod 6.
USS_ATTACKS = sum(1 for i in range(40) if i % 6 < 3)


@pytest.fixture
def red_sea(tmp_path) -> Path:
    init_case(FIX / "redsea.csv", tmp_path / "red-sea", map_path=FIX / "redsea-map.yaml")
    return tmp_path / "red-sea"


def _edit(folder: Path, fn) -> None:
    p = folder / "case.yaml"
    doc = yaml.safe_load(p.read_text())
    fn(doc)
    p.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))


def test_ids_and_kinds():
    assert slug_id("Kata'ib Hezbollah") == "kataib_hezbollah"
    assert slug_id("3R") == "a_3r" and slug_id("Ançar Dine") == "ancar_dine"
    assert guess_kind("MV Rubymar") == "merchant_shipping"
    assert guess_kind("Civilians") == "civilians"
    assert guess_kind("Government of Iraq") == "government"


def test_init_proposes_actors_window_and_streams(red_sea):
    case = load_case(red_sea)
    assert case.name == "red-sea"
    assert (str(case.start), str(case.end)) == ("2024-01-01", "2024-03-19")
    ids = [a.id for a in case.actors]
    # busiest first: the Houthis (40 attacks + 31 strikes against + 2 other) before US CENTCOM
    assert ids[:2] == ["houthis_ansar_allah", "us_centcom"]
    assert "uss_carney" in ids and case.actor("mv_rubymar").kind == "merchant_shipping"
    text = (red_sea / "case.yaml").read_text()
    assert "kind: armed_group  # review: guessed from the name; 42 events as actor, 31 as target" in text
    # only the US strikes reach 30 events on one pair; each ship is attacked 6-7 times
    assert [s.name for s in case.streams] == ["us_centcom_attacks_on_houthis_ansar_allah"]
    assert case.model.streams == ["us_centcom_attacks_on_houthis_ansar_allah"]
    events = (red_sea / "events.csv").read_text().splitlines()
    assert len(events) == 80 and events[0].endswith(",extra")


def test_init_refuses_an_existing_case(red_sea):
    from redline.errors import InputError
    with pytest.raises(InputError, match="already holds"):
        init_case(FIX / "redsea.csv", red_sea, map_path=FIX / "redsea-map.yaml")


def test_check_lists_unresolved_names_and_thin_streams(red_sea):
    r = check_case(red_sea)
    assert r.events == 79 and r.unresolved == {} and r.actors_without_events == []
    assert r.stream_totals == {"us_centcom_attacks_on_houthis_ansar_allah": 31}
    assert r.ok
    # drop the ship actors, cover the US ships by one pattern: the merchant ships are left
    def edit(doc):
        doc["actors"] = [a for a in doc["actors"] if not a["id"].startswith(("uss_", "mv_", "marlin"))]
        doc["actors"].append({"id": "us_navy", "name": "US Navy", "kind": "state_force",
                              "aliases": ["USS *"]})
        doc["actors"].append({"id": "nobody", "name": "Nobody", "kind": "unattributed"})
    _edit(red_sea, edit)
    r = check_case(red_sea)
    assert r.unresolved == {"MV Rubymar": 7, "MV True Confidence": 6, "Marlin Luanda (tanker)": 6}
    assert r.actors_without_events == ["nobody"]
    assert not r.ok and r.diagnostics.has("case.actor_without_events")
    assert r.to_dict()["unresolved"][0] == {"name": "MV Rubymar", "events": 7, "note": None}


def test_check_warns_on_thin_streams_and_empty_window_ends(red_sea):
    def edit(doc):
        doc["end"] = "2024-06-30"
        doc["streams"].append({"name": "iran_accusations", "actors": ["iran"],
                               "event_types": ["ACCUSE"]})
    _edit(red_sea, edit)
    r = check_case(red_sea)
    assert r.stream_totals["iran_accusations"] == 6
    assert r.diagnostics.has("case.thin_stream", "iran_accusations")
    assert not r.diagnostics.has("case.thin_stream", "us_centcom_attacks_on_houthis_ansar_allah")
    assert r.diagnostics.has("case.window_edge_empty")
    months = r.stream_months["iran_accusations"]
    assert months["2024-01"] == 3 and months["2024-06"] == 0 and months.sum() == 6


def test_an_edited_alias_takes_effect_on_the_next_ingest(red_sea, tmp_path):
    store = DuckDBStore(tmp_path / "s.duckdb")
    store.ingest(red_sea)
    scope = case_scope("red-sea")
    assert store.count(EventFilter(**scope)) == 79
    assert store.count(EventFilter(targets="us_navy", **scope)) == 0

    def add_navy(doc):
        doc["actors"].append({"id": "us_navy", "name": "US Navy", "kind": "state_force",
                              "aliases": ["USS *"]})
        doc["actors"] = [a for a in doc["actors"] if not a["id"].startswith("uss_")]
    _edit(red_sea, add_navy)
    again = store.ingest(red_sea)
    assert again.rows_added == 0
    assert store.count(EventFilter(targets="us_navy", **scope)) == USS_ATTACKS
    ev = store.events(EventFilter(**scope))
    assert len(ev) == 79 and ev.event_id.is_unique
    # and back: the ship names become actors of their own again
    _edit(red_sea, lambda d: d["actors"][-1].update(aliases=[]))
    store.ingest(red_sea)
    assert store.count(EventFilter(targets="us_navy", **scope)) == 0
    assert store.count(EventFilter(targets="USS Carney", **scope)) == 7
    assert store.count(EventFilter(**scope)) == 79


def test_two_cases_sharing_an_actor_keep_their_own_counts(red_sea, tmp_path):
    other = tmp_path / "gulf"
    other.mkdir()
    (other / "events.csv").write_text(
        "event_id,date,actor,target,event_type,summary,sources\n"
        + "".join(f"g{i},2024-01-{i + 1:02d},United States,Iran,SANCTION,s,u{i}\n" for i in range(9)))
    (other / "case.yaml").write_text(
        "name: gulf\ntitle: g\ndescription: g\nstart: 2024-01-01\nend: 2024-03-02\n"
        "actors:\n - {id: united_states, name: United States, kind: state}\n"
        " - {id: iran, name: Iran, kind: state}\n"
        "streams:\n - {name: us_sanctions, actors: [united_states], event_types: [SANCTION]}\n"
        " - {name: iran_acts, actors: [iran]}\n")
    def edit(doc):
        for a in doc["actors"]:
            if a["id"] == "united_states":
                a["aliases"] = ["US CENTCOM"]
        doc["actors"] = [a for a in doc["actors"] if a["id"] != "us_centcom"]
        doc["streams"] = [{"name": "us_strikes", "actors": ["united_states"],
                           "event_types": ["ASSAULT"]},
                          {"name": "iran_acts", "actors": ["iran"]}]
        doc["model"]["streams"] = ["us_strikes"]
    _edit(red_sea, edit)
    store = DuckDBStore(tmp_path / "s.duckdb")
    store.ingest(red_sea)
    store.ingest(other)
    red, gulf = load_case(red_sea), load_case(other)
    us = EventFilter(actors="united_states")
    assert store.count(us.in_case(red)) == 31 and store.count(us.in_case(gulf)) == 9
    assert store.count(us) == 40
    assert int(streams(store, red).counts["iran_acts"].sum()) == 6
    assert int(streams(store, gulf).counts["iran_acts"].sum()) == 0
    assert int(streams(store, gulf).counts["us_sanctions"].sum()) == 9
    # the web app scopes with the same function
    from redline.web.routes._common import scope_of
    assert scope_of(red) == case_scope(red)


def test_a_file_ingested_for_a_case_joins_it(red_sea, tmp_path):
    extra = tmp_path / "more.csv"
    extra.write_text("event_id,date,actor,target,event_type,sources\n"
                     "m1,2024-02-01,Houthis (Ansar Allah),USS Carney,ASSAULT,x\n")
    store = DuckDBStore(tmp_path / "s.duckdb")
    store.ingest(red_sea)
    store.ingest(extra)                     # raw: belongs to no case
    assert store.count(EventFilter().in_case(load_case(red_sea))) == 79
    shutil.copy(extra, tmp_path / "more2.csv")
    (tmp_path / "more2.csv").write_text(extra.read_text().replace("m1,", "m2,"))
    store.ingest(tmp_path / "more2.csv", case=load_case(red_sea))
    f = EventFilter(actors="houthis_ansar_allah").in_case(load_case(red_sea))
    assert store.count(f) == 43


def _shared_ucdp(name: str) -> Path:
    import os
    p = Path(__file__).parents[3] / "shared" / "data" / "ucdp" / name
    if not p.exists():
        if os.environ.get("CI"):
            pytest.fail(f"shared data missing: {p}")
        pytest.skip(f"shared data not found at {p}")
    return p


def test_ucdp_case_keeps_ucdp_ids_mutual_pairs_and_takes_in_a_raw_ingest(tmp_path):
    src = _shared_ucdp("ged231-central-african-republic.csv")
    folder = tmp_path / "car"
    r = init_case(src, folder)
    assert r.format == "ucdp" and r.rows == 1848
    case = load_case(folder)
    # state-based and non-state fighting has no direction: one stream per pair, both ways
    fights = [s for s in case.streams if s.name.startswith("fighting_")]
    assert fights and all(sorted(s.actors) == sorted(s.targets) for s in fights)
    store = DuckDBStore(tmp_path / "s.duckdb")
    store.ingest(src)                                  # a raw ingest first: no case
    store.ingest(folder)
    ev = store.events(EventFilter().in_case(case))
    assert len(ev) == 1848 and ev.event_id.str.startswith("ucdp:").all()
    assert store.count(EventFilter()) == 1848          # one row per UCDP id, not two


def test_a_case_with_events_parquet_holding_cr_and_lf_bytes_ingests(tmp_path):
    """A Parquet file is binary: it was once 'repaired' as a text file with mixed line
    endings (every CR byte made LF), which corrupted it."""
    import pandas as pd
    folder = tmp_path / "pq"
    folder.mkdir()
    (folder / "case.yaml").write_text(
        "name: pq\ntitle: t\ndescription: d\nstart: 2024-01-01\nend: 2024-01-31\n"
        "actors:\n - {id: a, name: A, kind: armed_group}\n - {id: b, name: B, kind: state}\n")
    ev = pd.DataFrame({"event_id": ["p1", "p2"], "date": ["2024-01-02", "2024-01-03"],
                       "actor": ["A", "A"], "target": ["B", "B"],
                       "event_type": ["ASSAULT", "ASSAULT"],
                       "summary": ["a line\rbreak", "and\r\nanother\nsort"]})
    ev.to_parquet(folder / "events.parquet", compression=None)
    raw = (folder / "events.parquet").read_bytes()
    assert b"\r\n" in raw and raw.count(b"\r") > raw.count(b"\r\n")  # the bytes a text file mixing them has
    store = DuckDBStore(tmp_path / "s.duckdb")
    assert store.ingest(folder).rows_added == 2
    got = store.events().sort_values("event_id")
    assert list(got.summary) == ["a line\rbreak", "and\r\nanother\nsort"] and set(got.actor) == {"a"}
