"""case init / case check from the command line; piped output; names in filters; -o -."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

FIX = Path(__file__).parents[1] / "data" / "fixtures" / "casebuild"
CASE = "us-iran-proxies-2023"


def test_case_init_then_check(cli, tmp_path):
    folder = tmp_path / "red-sea"
    r = cli("case", "init", str(FIX / "redsea.csv"), str(folder), "--columns",
            str(FIX / "redsea-map.yaml"))
    assert r.exit_code == 0, r.output
    out = " ".join(r.output.split())
    assert "79 events (csv, 2024-01-01 .. 2024-03-19)" in out
    assert "does not hold): reliability" in out     # the unmapped column, listed
    assert "BLOCKADE (1)" in out                     # the unmapped value, with its count
    assert "redline case check" in out and (folder / "case.yaml").exists()
    r = cli("case", "check", str(folder), "--json")
    d = json.loads(r.stdout)
    assert r.exit_code == 0 and d["ok"] and d["events"] == 79
    assert d["streams"][0]["events"] == 31 and sum(d["streams"][0]["per_month"].values()) == 31


def test_case_init_reports_every_problem_and_writes_nothing(cli, tmp_path):
    text = (FIX / "redsea.csv").read_text().replace("01/01/2024", "2024-01-01") \
        .replace("RS-005;09/01/2024", "RS-005;9 Jan 2024")
    bad = tmp_path / "bad.csv"
    bad.write_text(text)
    r = cli("case", "init", str(bad), str(tmp_path / "c"), "--columns", str(FIX / "redsea-map.yaml"))
    assert r.exit_code == 1
    assert "2 problems" in r.output and "line 2" in r.output and "line 6" in r.output
    assert not (tmp_path / "c").exists()


def test_case_check_exits_non_zero_on_problems(cli, tmp_path):
    folder = tmp_path / "red-sea"
    cli("case", "init", str(FIX / "redsea.csv"), str(folder), "--columns", str(FIX / "redsea-map.yaml"))
    y = folder / "case.yaml"
    y.write_text(y.read_text().replace("  - id: uss_carney\n", "  - id: uss_carney_gone\n")
                 .replace("name: USS Carney", "name: USS Carnie"))
    r = cli("case", "check", str(folder), "--no-months")
    assert r.exit_code == 1
    assert "USS Carney" in r.output and "uss_carney_gone" in r.output


def test_cases_piped_keeps_whole_names(cli):
    r = cli("cases")
    hits = [ln for ln in r.output.splitlines() if CASE in ln]
    assert len(hits) == 1 and hits[0].startswith(CASE + "\t")


def test_events_by_name_alias_and_to_stdout(cli, case_store):
    by_id = cli("--store", str(case_store), "events", "--actor", "kataib_hezbollah", "-o", "-",
                "--format", "csv")
    by_name = cli("--store", str(case_store), "events", "--actor", "Kata'ib Hezbollah", "-o", "-",
                  "--format", "csv")
    n = len(by_id.stdout.splitlines())
    assert by_id.exit_code == 0 and n > 5 and by_name.stdout == by_id.stdout
    scoped = cli("--store", str(case_store), "events", "--case", CASE, "--actor", "KH",
                 "--format", "json", "-o", "-")
    rows = json.loads(scoped.stdout)
    assert len(rows) == n - 1 and {r["actor"] for r in rows} == {"kataib_hezbollah"}
    assert not Path("-").exists()


def test_read_only_commands_run_while_a_writer_holds_the_store(cli, case_store, tmp_path):
    """A read-only command opens the store read-only (only another writer would block it)."""
    con = duckdb.connect(str(case_store), read_only=True)  # another reader, as serve is
    try:
        r = cli("--store", str(case_store), "events", "--limit", "2")
        assert r.exit_code == 0, r.output
        r = cli("--store", str(case_store), "summary", CASE)
        assert r.exit_code == 0, r.output
    finally:
        con.close()


def test_fit_says_when_it_ingests_a_builtin_case(cli, tmp_path):
    store = tmp_path / "s.duckdb"
    r = cli("--store", str(store), "fit", CASE, "--model", "poisson", "--json")
    assert r.exit_code == 0
    assert "ingested" in r.output and "redline ingest us-iran-proxies-2023" in " ".join(r.output.split())
    r = cli("--store", str(store), "fit", CASE, "--model", "poisson", "--json")
    assert "ingested" not in r.output


def test_serve_says_what_the_store_holds_and_ingests_nothing(tmp_path, capsys):
    from redline.cli.app import console
    from redline.cli.serve import store_summary
    from redline.data.case import builtin_cases
    from redline.data.store import DuckDBStore
    store = DuckDBStore(tmp_path / "s.duckdb")
    store.ingest(CASE)
    before = store.count()
    with console.capture() as cap:
        for line in store_summary(DuckDBStore(store.path, read_only=True), dict(builtin_cases())):
            console.print(line)
    text = " ".join(cap.get().split())
    assert f"case {CASE}: 233 events" in text
    assert "case turkey-sdf-syria-2016: 0 events — add them with redline ingest turkey-sdf-syria-2016" in text
    assert store.count() == before


def test_serve_finds_a_case_ingested_from_a_folder_and_names_one_it_cannot(cli, tmp_path,
                                                                          monkeypatch):
    """A newcomer's own case, ingested as the tutorial says, shows in the web app without a
    --case option; one whose folder is gone is named with the option that shows it."""
    import shutil

    from redline.cli.serve import ingested_case_folders
    from redline.data.case import builtin_cases
    from redline.data.store import DuckDBStore
    monkeypatch.chdir(tmp_path)
    r = cli("case", "init", str(FIX / "redsea.csv"), "red-sea", "--columns",
            str(FIX / "redsea-map.yaml"))
    assert r.exit_code == 0, r.output
    store = DuckDBStore(tmp_path / "s.duckdb")
    store.ingest("red-sea")                   # relative, as typed
    found, missing = ingested_case_folders(store, dict(builtin_cases()))
    assert found == {"red-sea": (tmp_path / "red-sea").resolve()} and missing == []
    assert ingested_case_folders(store, {"red-sea": tmp_path})[0] == {}   # already known
    shutil.rmtree(tmp_path / "red-sea")
    assert ingested_case_folders(store, dict(builtin_cases())) == ({}, ["red-sea"])


def test_case_check_flags_names_of_several_parties(cli):
    folder = Path(__file__).parents[1] / "data" / "fixtures" / "multiparty"
    r = cli("case", "check", str(folder), "--no-months")
    out = " ".join(r.output.split())
    assert r.exit_code == 1
    assert "case.multi_party_name" in out and "events.csv, line 9, field target" in out
    assert "'Brigade A leaders; Fly Valley Air' names several parties" in out
    assert out.count("[warning] case.multi_party_name") == 4 and "4 names join several parties" in out
    assert "do not add it as an alias" in out                        # the unresolved list's note
    r = cli("case", "check", str(folder), "--json")
    d = json.loads(r.stdout)
    assert r.exit_code == 1 and not d["ok"]
    assert [(m["field"], m["line"]) for m in d["multi_party"]] == [
        ("actors[0].aliases", 13), ("actor", 3), ("target", 4), ("target", 9)]
    assert "Sons and Daughters of the Valley" not in {m["value"] for m in d["multi_party"]}
