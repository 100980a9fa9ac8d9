"""The CLI as a user drives it: real commands, real store, output checked."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

CASE = "us-iran-proxies-2023"


def flat(text: str) -> str:
    """Output with line wraps undone, so assertions do not depend on terminal width."""
    return " ".join(text.split())


def test_demo_builds_store_and_prints_summary(cli, tmp_path):
    store = tmp_path / "demo.duckdb"
    r = cli("--store", str(store), "demo")
    assert r.exit_code == 0, r.output
    assert store.exists()
    assert "233 events of case us-iran-proxies-2023" in r.output
    assert "Events per month by type" in r.output and "ASSAULT" in r.output
    assert "2023-10-01 .. 2024-10-01" in r.output
    assert "sponsors" in r.output  # the ties table
    # running it again adds nothing
    r2 = cli("--store", str(store), "demo")
    assert "233 rows read, 0 new" in flat(r2.output)


def test_cases_and_actors(cli):
    r = cli("cases")
    assert r.exit_code == 0 and CASE in r.output
    r = cli("actors", CASE)
    assert r.exit_code == 0
    for name in ("kataib_hezbollah", "islamic_resistance_in_iraq", "member_of", "part_of_state", "hosts"):
        assert name in r.output


def test_events_filters_match_python(cli, case_store, tmp_path):
    out = tmp_path / "kh.csv"
    r = cli("--store", str(case_store), "events", "--actor", "kataib_hezbollah", "--format", "csv", "-o", str(out))
    assert r.exit_code == 0, r.output
    df = pd.read_csv(out)
    assert len(df) > 0 and set(df["actor"]) == {"kataib_hezbollah"}
    # every row keeps its source
    assert df["sources"].notna().all() and df["sources"].str.startswith("http").all()

    r = cli("--store", str(case_store), "events", "--type", "ASSAULT", "--mode", "drone",
            "--from", "2024-01-20", "--to", "2024-02-10", "--format", "json")
    rows = json.loads(r.stdout)
    assert rows and all(x["event_type"] == "ASSAULT" and x["mode"] == "drone" for x in rows)
    assert all("2024-01-20" <= x["date"][:10] <= "2024-02-10" for x in rows)
    assert any("Tower 22" in (x["place"] or "") for x in rows)


def test_events_table_and_text_search(cli, case_store):
    r = cli("--store", str(case_store), "events", "--text", "tower 22", "--limit", "5")
    # piped (as here): plain tab-separated lines, a header and at most --limit rows
    lines = r.stdout.splitlines()
    assert r.exit_code == 0 and lines[0].startswith("date\tactor\ttarget\ttype")
    assert 1 < len(lines) <= 6 and all(len(x.split("\t")) == len(lines[0].split("\t")) for x in lines)
    assert "Tower 22" in r.stdout and "events" in r.stderr


def test_events_parquet_roundtrip(cli, case_store, tmp_path):
    out = tmp_path / "all.parquet"
    r = cli("--store", str(case_store), "events", "--format", "parquet", "-o", str(out))
    assert r.exit_code == 0
    assert len(pd.read_parquet(out)) == 233


def test_bad_date_filter_is_a_clear_error(cli, case_store):
    r = cli("--store", str(case_store), "events", "--from", "2024-13-01")
    assert r.exit_code != 0
    assert "--from" in r.output and "YYYY-MM-DD" in r.output


def test_fit_json_and_saved_model(cli, case_store):
    r = cli("--store", str(case_store), "fit", CASE, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["settings"]["streams"] == ["militia_attacks_on_us", "us_strikes_on_militias"]
    assert len(out["coupling"]) == 4
    for row in out["coupling"]:
        # the verdict follows the interval's sign (its values are checked in tests/analysis)
        expected = "excites" if row["low"] > 0 else ("inhibits" if row["high"] < 0 else "unclear")
        assert row["verdict"] == expected, row
    assert Path(out["saved_to"]).exists()
    # no strike fell in the truce week: the covariate separates that stream and is dropped
    assert any(d["code"] == "fit.covariate_separates"
               and d["subject"] == {"kind": "parameter", "id": "coef:gaza_truce->us_strikes_on_militias"}
               for d in out["diagnostics"])


def test_fit_unknown_stream_names_the_valid_ones(cli, case_store):
    r = cli("--store", str(case_store), "fit", CASE, "--streams", "nope")
    assert r.exit_code != 0
    assert "nope" in r.output and "militia_attacks_on_us" in r.output


def test_backtest_table_has_every_model(cli, case_store):
    r = cli("--store", str(case_store), "backtest", CASE, "--origins", "3", "--paths", "200", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    models = {row["model"] for row in out["summary"]}
    assert models == {"daily-hawkes", "poisson", "negbin", "persistence"}
    poisson = [row for row in out["summary"] if row["model"] == "poisson"]
    assert all(abs(row["skill"]) < 1e-12 for row in poisson)  # the reference has skill 0 by definition


def test_console_entry_point_prints_error_without_traceback(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,actor,event_type\n2024-13-01,Iran,ASSAULT\n", encoding="utf-8")
    store = tmp_path / "s.duckdb"
    proc = subprocess.run([sys.executable, "-m", "redline", "--store", str(store), "ingest", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "line 2" in proc.stderr and "date" in proc.stderr and "2024-13-01" in proc.stderr


def test_user_mistakes_get_one_line_answers(cli, case_store, tmp_path):
    """What a new user tried: each answer names the problem without a traceback."""
    no_actor = tmp_path / "noactor.csv"
    no_actor.write_text("date,target,event_type\n2024-01-02,Iran,ASSAULT\n", encoding="utf-8")
    r = cli("--store", str(tmp_path / "s.duckdb"), "ingest", str(no_actor))
    assert r.exit_code != 0 and "missing column 'actor'" in r.output and "line 1" in r.output

    r = cli("--store", str(case_store), "summary", "no-such-case")
    assert r.exit_code != 0 and "no-such-case" in r.output

    r = cli("--store", str(case_store), "events", "--type", "NOPE")
    assert r.exit_code != 0 and "PLOVER types" in r.output

    r = cli("--store", str(case_store), "events", "--limit", "-1")
    assert r.exit_code != 0

    r = cli("--store", str(case_store), "events", "--actor", "No Such Group")
    assert r.exit_code == 0 and "0 events" in flat(r.output) or "event_id" not in r.output


def test_error_text_keeps_brackets(tmp_path):
    """A bad value like '[bold]2024' is reported as it is, not eaten as markup."""
    bad = tmp_path / "br.csv"
    bad.write_text("date,actor,event_type\n[bold]2024,Iran,ASSAULT\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "redline", "--store", str(tmp_path / "s.duckdb"),
                           "ingest", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 1 and "'[bold]2024'" in proc.stderr


def test_fit_with_other_settings_keeps_the_default_model_file(cli, tmp_path):
    store = tmp_path / "f.duckdb"
    a = json.loads(cli("--store", str(store), "fit", CASE, "--json").stdout)["saved_to"]
    b = json.loads(cli("--store", str(store), "fit", CASE, "--covariate", "gaza_truce",
                       "--json").stdout)["saved_to"]
    assert a != b and Path(a).exists() and Path(b).exists()
    assert Path(a).name == f"{CASE}--daily-hawkes.json"


def test_cases_and_actors_as_json(cli):
    cases = json.loads(cli("cases", "--json").stdout)
    assert sorted(c["name"] for c in cases) == sorted([CASE, "turkey-sdf-syria-2016"])
    out = json.loads(cli("actors", CASE, "--json").stdout)
    ids = {a["id"] for a in out["actors"]}
    assert {"iran", "kataib_hezbollah", "united_states"} <= ids
    for tie in out["ties"]:
        assert tie["from"] in ids and tie["to"] in ids and tie["sources"]


@pytest.mark.parametrize("args, field", [
    (["simulate", "after-tower-22", "--out", "/dev/null/x"], "--out"),
    (["brief", CASE, "-o", "/dev/null/x.html"], "--output"),
    (["analyze", CASE, "--out", "/dev/null/x"], "--out"),
])
def test_unwritable_outputs_fail_before_any_work(cli, case_store, args, field):
    r = cli("--store", str(case_store), *args)
    assert r.exit_code != 0 and field in r.output and "cannot write" in r.output


def test_negative_seed_is_refused(cli, case_store):
    r = cli("--store", str(case_store), "simulate", "after-tower-22", "--seed", "-1")
    assert r.exit_code != 0 and "--seed" in r.output


@pytest.mark.parametrize("hidden, args, extra", [
    ("spacy", ["read", "nothing.txt"], "read"),
    ("fastapi", ["serve", "--no-warm"], "web"),
])
def test_a_missing_extra_names_its_install_line(tmp_path, hidden, args, extra):
    # a module set to None in sys.modules is one Python cannot find: as if not installed
    code = (f"import sys; sys.modules[{hidden!r}] = None; from redline.cli import main; "
            f"sys.argv = ['redline', '--store', {str(tmp_path / 's.duckdb')!r}] + {args!r}; main()")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert f"pip install 'redline[{extra}]'" in proc.stderr.replace("\n", " ")
