"""Writers of small synthetic input files (made-up rows, never copied from a dataset)."""

from __future__ import annotations

import csv
from pathlib import Path

from redline.data.importers.gdelt import GDELT2_COLUMNS

#: ACLED's current (2023-) export layout, 31 columns.
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
)


def acled_row(i: int, **over) -> dict:
    row = {c: "" for c in ACLED_COLUMNS}
    row.update({
        "event_id_cnty": f"IRQ{1000 + i}", "event_date": f"2024-01-{10 + i % 20:02d}", "year": "2024",
        "time_precision": "1", "disorder_type": "Political violence",
        "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
        "actor1": "Military Forces of the United States (2021-)", "actor2": "Kata'ib Hezbollah",
        "inter1": "8", "inter2": "3", "interaction": "38", "iso": "368", "region": "Middle East",
        "country": "Iraq", "admin1": "Al Anbar", "location": "Al Qaim", "latitude": "34.3667",
        "longitude": "41.0833", "geo_precision": "1", "source": "Reuters; Shafaq News",
        "source_scale": "International", "notes": f"Synthetic test event {i}: a drone strike.",
        "fatalities": str(i % 3), "timestamp": "1706000000",
    })
    row.update(over)
    return row


def write_acled(path: Path, rows: list[dict], columns=ACLED_COLUMNS) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow(r)
    return path


def gdelt_row(i: int, **over) -> list[str]:
    row = {c: "" for c in GDELT2_COLUMNS}
    row.update({
        "GLOBALEVENTID": str(1100000000 + i), "SQLDATE": "20240202", "MonthYear": "202402",
        "Year": "2024", "FractionDate": "2024.0877", "Actor1Code": "USAMIL",
        "Actor1Name": "UNITED STATES", "Actor2Code": "IRQREB", "Actor2Name": "KATAIB HEZBOLLAH",
        "IsRootEvent": "1", "EventCode": "195", "EventBaseCode": "195", "EventRootCode": "19",
        "QuadClass": "4", "GoldsteinScale": "-10.0", "NumMentions": "10", "NumSources": "2",
        "NumArticles": "10", "AvgTone": "-5.2", "ActionGeo_Type": "4",
        "ActionGeo_FullName": "Al Qaim, Al Anbar, Iraq", "ActionGeo_CountryCode": "IZ",
        "ActionGeo_Lat": "34.3667", "ActionGeo_Long": "41.0833", "DATEADDED": "20240202230000",
        "SOURCEURL": f"https://news.example.com/{i}.html",
    })
    row.update(over)
    return [row[c] for c in GDELT2_COLUMNS]


def write_gdelt(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    return path
