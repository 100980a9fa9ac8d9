"""ICEWS coded event files (Harvard Dataverse ``.tab``): tab-separated, header row.

Columns: ``Event ID, Event Date, Source Name, Source Sectors, Source Country,
Event Text, CAMEO Code, Intensity, Target Name, Target Sectors, Target Country,
Story ID, Sentence Number, Publisher, City, District, Province, Country,
Latitude, Longitude``.  Ids are ``icews:<Event ID>:<Event Date>``.  ``CAMEO Code``
maps to PLOVER as in GDELT (longest match in the shipped table).  ICEWS's own
``Intensity`` (its CAMEO/Goldstein score) is kept as raw information in
``provenance`` (JSON), next to the event text, sentence number and publisher;
redline's ``intensity`` column is computed on its own scale like every format.
``Story ID`` → ``sources`` as ``icews-story:<id>``.  ``NA`` (R's missing) is NULL.
"""

from __future__ import annotations

from pathlib import Path

from redline.data.fields import sql_checked
from redline.data.importers.base import Importer, csv_header, register, sql_str
from redline.data.importers.gdelt import cameo_relation_sql
from redline.errors import SchemaError

__all__ = ["IcewsImporter", "ICEWS_COLUMNS"]

ICEWS_COLUMNS: tuple[str, ...] = (
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text",
    "CAMEO Code", "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID",
    "Sentence Number", "Publisher", "City", "District", "Province", "Country", "Latitude",
    "Longitude",
)
REQUIRED = ("Event ID", "Event Date", "Source Name", "CAMEO Code", "Target Name")


def _c(name: str) -> str:
    """Raw column → NULL when empty, blank or NA."""
    return f"CASE WHEN trim(\"{name}\") IN ('', 'NA') THEN NULL ELSE trim(\"{name}\") END"


@register
class IcewsImporter(Importer):
    """ICEWS events; ids ``icews:<Event ID>:<Event Date>``."""

    format = "icews"
    delimiter = "\t"
    id_column = "Event ID"

    def native_id(self, event_id: str) -> str:
        # stored as icews:<Event ID>:<Event Date>
        return event_id.split(":")[1] if event_id.count(":") >= 2 else super().native_id(event_id)
    checks = [("Event Date", "date"), ("Latitude", "lat"), ("Longitude", "lon")]

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        first = head.split(b"\n", 1)[0].decode("utf-8", "replace")
        cols = {c.strip().strip('"\ufeff') for c in first.rstrip("\r").split("\t")}
        return {"Event ID", "Event Date", "CAMEO Code"} <= cols

    def validate_header(self, path: Path) -> None:
        cols = [c.strip() for c in csv_header(path, "\t")]
        self._columns = set(cols)
        missing = [c for c in REQUIRED if c not in self._columns]
        if missing:
            raise SchemaError(f"missing column {missing[0]!r}", file=str(self.path), line=1,
                              field=missing[0],
                              expected="an ICEWS tab file with the columns " + ", ".join(ICEWS_COLUMNS))

    def relation_sql(self, path: Path) -> str:
        raw = (f"read_csv({sql_str(str(path))}, header=true, all_varchar=true, delim='\\t', "
               f"quote='', escape='', strict_mode=true, null_padding=false)")
        return cameo_relation_sql(raw, "CAMEO Code")

    def _col(self, name: str) -> str:
        return _c(name) if name in getattr(self, "_columns", ICEWS_COLUMNS) else "NULL"

    def select_exprs(self) -> dict[str, str]:
        c = self._col
        prov = (f"json_object('icews_intensity', try_cast({c('Intensity')} AS DOUBLE), "
                f"'event_text', {c('Event Text')}, 'sentence', try_cast({c('Sentence Number')} AS INTEGER), "
                f"'publisher', {c('Publisher')}, 'source_sectors', {c('Source Sectors')}, "
                f"'target_sectors', {c('Target Sectors')})::VARCHAR")
        summary = (f"concat_ws(' ', {c('Source Name')}, '—', {c('Event Text')}, '—', "
                   f"{c('Target Name')})")
        story = c("Story ID")
        return {
            "event_id": (f"coalesce('icews:' || {c('Event ID')} || ':' || {c('Event Date')}, "
                         "error('missing Event ID'))"),
            "date": sql_checked("date", c("Event Date")),
            "date_precision": "'day'",
            "actor_raw": c("Source Name"),
            "target_raw": c("Target Name"),
            "event_type": "_cameo_type",
            "raw_type": c("CAMEO Code"),
            "mode": "_cameo_mode",
            "country": c("Country"),
            "place": f"coalesce({c('City')}, {c('District')}, {c('Province')})",
            "latitude": sql_checked("lat", c("Latitude")),
            "longitude": sql_checked("lon", c("Longitude")),
            "killed": "NULL::INTEGER",
            "summary": summary,
            "sources": f"CASE WHEN {story} IS NULL THEN NULL ELSE ['icews-story:' || {story}] END",
            "provenance": prov,
        }

    def iter_rows(self, path: Path):
        # NA is R's missing value: the SQL reads it as NULL, so must the diagnosis.
        for line, row in super().iter_rows(path):
            yield line, {k: ("" if v.strip() == "NA" else v) for k, v in row.items()}

    def row_problem(self, row: dict[str, str]) -> tuple[str, str, str] | None:
        for k in ("Event ID", "Event Date"):
            if not (row.get(k) or "").strip():
                return (k, row.get(k, ""), f"a non-empty {k}")
        return None
