"""Importers: real samples, synthetic files of each layout, sniffing, mappings, idempotence."""

from __future__ import annotations

import zipfile

import pytest

from datahelpers import ACLED_COLUMNS, acled_row, gdelt_row, write_acled, write_gdelt
from redline.data.importers.base import sniff_format
from redline.data.schema import EVENT_TYPES

FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures"


# -- real samples (in ../shared, not in the repo) ------------------------------------------

def test_acled_legacy_2016_api_layout(store, real_samples):
    path = real_samples / "acled-AschHarwood" / "acled.csv"
    assert sniff_format(path) == "acled"
    res = store.ingest(path)
    assert (res.rows_read, res.rows_added) == (500, 500)
    df = store.events()
    assert df.event_id.str.match(r"^acled:\d+[A-Z]+$").all()
    assert set(df.event_type.dropna()) <= set(EVENT_TYPES)
    assert (df.date.min().date().isoformat(), df.date.max().date().isoformat()) >= ("2016-06", "2016-07")
    assert df.latitude.between(-90, 90).all() and df.killed.ge(0).all()
    # the 2016 types map: riots/protests and remote violence
    raw = df.set_index("raw_type").event_type
    assert raw.loc["Riots/Protests"].eq("PROTEST").all()
    assert raw.loc["Remote violence"].eq("ASSAULT").all()


def test_acled_2020_export_layout(store, real_samples):
    path = real_samples / "acled-RPanlilio" / "acled.csv"
    res = store.ingest(path, "acled")
    assert (res.rows_read, res.rows_added) == (5071, 5071)
    df = store.events()
    # '9-May-20' style dates parse; one row lacks event_id_cnty and gets a hashed id
    assert df.date.max().date().isoformat() == "2020-05-09"
    assert df.event_id.str.startswith("acled:md5:").sum() == 1
    by = df.groupby("raw_type").agg(t=("event_type", "first"), m=("mode", lambda s: set(s.dropna())))
    assert by.loc["Air/drone strike", "t"] == "ASSAULT" and by.loc["Air/drone strike", "m"] <= {"aerial", "drone"}
    assert by.loc["Shelling/artillery/missile attack", "m"] <= {"artillery", "missile", "rocket"}
    assert by.loc["Remote explosive/landmine/IED", "m"] == {"ied"}
    assert by.loc["Peaceful protest", "t"] == "PROTEST" and by.loc["Mob violence", "t"] == "PROTEST"
    assert by.loc["Agreement", "t"] == "AGREE" and by.loc["Arrests", "t"] == "COERCE"
    assert store.ingest(path, "acled").rows_added == 0


def test_gdelt_real_export(store, real_samples):
    path = real_samples / "gdelt2-export" / "20150218230000.export.CSV"
    assert sniff_format(path) == "gdelt"
    res = store.ingest(path)
    assert (res.rows_read, res.rows_added) == (2271, 2271)
    df = store.events()
    row = df.set_index("event_id").loc["gdelt:410412347"]
    assert (row.event_type, row["mode"], row.raw_type) == ("CONSULT", "visit", "043")
    assert row.country == "South Africa" and row.place.startswith("Waterkloof")
    assert row.target_raw == "PRESIDENT" and row.sources[0].startswith("http://www.dailymaverick")
    assert df.killed.isna().all()  # GDELT has no casualty counts: unknown, never 0
    assert store.ingest(path).rows_added == 0


def test_gdelt_zipped_export(store, real_samples, tmp_path):
    src = real_samples / "gdelt2-export" / "20150218230000.export.CSV"
    z = tmp_path / "20150218230000.export.CSV.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(src, src.name)
    assert sniff_format(z) == "gdelt"
    assert store.ingest(z).rows_added == 2271
    assert store.ingest(src).rows_added == 0  # same events, same ids


def test_icews_sample(store, real_samples):
    path = real_samples / "icews-andybega" / "events.2018.sample.tab"
    assert sniff_format(path) == "icews"
    res = store.ingest(path)
    assert (res.rows_read, res.rows_added) == (3705, 3705)
    df = store.events().set_index("event_id")
    row = df.loc["icews:32889836:2018-06-01"]
    assert (row.event_type, row.raw_type, row.actor_raw) == ("CONSULT", "040", "Foreign Affairs (Bangladesh)")
    assert row.sources == ["icews-story:47400351"]
    assert '"icews_intensity":1.0' in row.provenance.replace(" ", "")
    assert df.place.ne("NA").all() and df.country.notna().any()
    assert store.ingest(path).rows_added == 0


# -- synthetic files ----------------------------------------------------------------------

def test_acled_current_31_column_layout_and_aliases(store, tmp_path):
    rows = [acled_row(0), acled_row(1, sub_event_type="Shelling/artillery/missile attack",
                                     notes="Rockets hit the base."),
            acled_row(2, event_type="Strategic developments", sub_event_type="Agreement",
                      fatalities="", latitude="", longitude="")]
    path = write_acled(tmp_path / "acled-2024.csv", rows)
    assert len(ACLED_COLUMNS) == 31 and sniff_format(path) == "acled"
    store.ingest(path, case="us-iran-proxies-2023")
    df = store.events().set_index("event_id")
    assert list(df.index) == ["acled:IRQ1000", "acled:IRQ1001", "acled:IRQ1002"]
    assert df.loc["acled:IRQ1000", "mode"] == "drone"           # 'drone' in the notes
    assert df.loc["acled:IRQ1001", "mode"] == "rocket"
    assert df.loc["acled:IRQ1002", "event_type"] == "AGREE"
    assert df.loc["acled:IRQ1000", "sources"] == ["Reuters", "Shafaq News"]
    assert df.loc["acled:IRQ1000", "summary"].startswith("Synthetic test event 0")
    # unknown values are NULL, never 0
    assert df.loc["acled:IRQ1002", ["killed", "latitude"]].isna().all()
    # actor names resolve through the case's aliases; unknown ones keep the raw name
    assert df.loc["acled:IRQ1000", "target"] == "kataib_hezbollah"
    assert df.loc["acled:IRQ1000", "actor"] == "Military Forces of the United States (2021-)"


def test_gdelt_synthetic_codes_and_fallback(store, tmp_path):
    rows = [gdelt_row(0), gdelt_row(1, EventCode="0239", Actor1Name="", Actor1Code="IRN"),
            gdelt_row(2, EventCode="1831")]
    path = write_gdelt(tmp_path / "20240202230000.export.CSV", rows)
    store.ingest(path)
    df = store.events().set_index("event_id")
    assert (df.loc["gdelt:1100000000", "event_type"], df.loc["gdelt:1100000000", "mode"]) == ("ASSAULT", "aerial")
    assert df.loc["gdelt:1100000001", "event_type"] == "REQUEST"  # 0239 unlisted → 023
    assert df.loc["gdelt:1100000001", "actor_raw"] == "IRN"         # code when no name
    assert df.loc["gdelt:1100000002", "mode"] == "suicide"
    assert df.loc["gdelt:1100000000", "intensity"] < -9


def test_plover_fixture(store):
    path = FIXTURES / "plover_sample.jsonl"
    assert sniff_format(path) == "plover"
    res = store.ingest(path, case="us-iran-proxies-2023")
    assert res.rows_added == 5
    df = store.events().set_index("event_id")
    t22 = df.loc["plover:pl-0001"]
    assert (t22.event_type, t22["mode"], t22.place, t22.killed) == ("ASSAULT", "drone", "Tower 22", 3)
    assert t22.latitude == pytest.approx(33.32) and t22.target == "united_states"
    strike = df.loc["plover:pl-0002"]  # POLECAT-style keys, list location and mode
    assert (strike.event_type, strike.raw_type, strike["mode"], strike.place) == ("ASSAULT", "FIGHT", "aerial", "Al-Qaim")
    assert strike.sources == ["https://example.org/strike-wave"]
    reader = df.loc["plover:pl-0003"]  # what redline's text reader writes
    assert bool(reader.machine_coded) and reader.confidence == pytest.approx(0.8)
    assert df.loc["plover:pl-0004", "event_type"] == "ACCUSE"
    assert df.loc["plover:pl-0005", "event_type"] is None or df.loc["plover:pl-0005"].isna()["event_type"]
    assert store.ingest(path).rows_added == 0


def test_sniff_tells_formats_apart(tmp_path):
    acled = write_acled(tmp_path / "a.csv", [acled_row(0)])
    gdelt = write_gdelt(tmp_path / "g.CSV", [gdelt_row(0)])
    assert (sniff_format(acled), sniff_format(gdelt)) == ("acled", "gdelt")
    assert sniff_format(FIXTURES / "plover_sample.jsonl") == "plover"
