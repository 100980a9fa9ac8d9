"""`redline read` as a user runs it on the reference analysis."""

import json
from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "us-strikes-iran-backed-groups-2024.txt"
GOLD = Path(__file__).resolve().parents[1] / "data" / "gold" / "reading_gold.jsonl"

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="../shared/seed is not beside the checkout")


def test_read_plover_lines(cli):
    r = cli("read", str(SEED), "--date", "2024-02-09", "--format", "plover")
    assert r.exit_code == 0, r.output
    objs = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    assert len(objs) >= 7
    tower = [o for o in objs if "Tower 22" in json.dumps(o)]
    assert tower, "the Tower 22 attack is coded"


def test_read_ingest_is_idempotent_and_marked(cli, tmp_path):
    store = tmp_path / "t.duckdb"
    r1 = cli("--store", str(store), "read", str(SEED), "--date", "2024-02-09", "--ingest")
    assert r1.exit_code == 0, r1.output
    r2 = cli("--store", str(store), "read", str(SEED), "--date", "2024-02-09", "--ingest")
    assert " 0 new" in " ".join(r2.output.split())
    import redline
    df = redline.open_store(store).events()
    assert len(df) > 0 and df["machine_coded"].all()
    assert (df["source_format"] == "text").all()
    prov = json.loads(df["provenance"].iloc[0])
    assert prov["document"].endswith("us-strikes-iran-backed-groups-2024.txt") and "sentence" in prov


def test_read_evaluate_prints_f1(cli):
    r = cli("read", "--evaluate", str(GOLD))
    assert r.exit_code == 0, r.output
    assert "event_type" in r.output and "f1" in r.output


def test_read_undecodable_file_is_a_clear_error(cli, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"US strikes in Iraq.\n\xff\xfe broken")
    r = cli("read", str(bad))
    assert r.exit_code != 0
    assert "bad.txt" in r.output and "UTF-8" in r.output
