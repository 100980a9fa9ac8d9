"""GDELT 2.0 event exports: 61 tab-separated columns, no header, plain or zipped.

One row per GDELT event; ids are ``gdelt:<GLOBALEVENTID>``.  ``EventCode`` (CAMEO)
maps to a PLOVER type and mode through the shipped table
(:func:`redline.data.schema.cameo_table`): the longest code of the table that the
event code starts with wins (``0231`` → ``0231``; an unlisted ``0239`` → ``023``;
else the two-digit root).  The place is ``ActionGeo``; ``country`` is the last part
of ``ActionGeo_FullName`` (a country name, as in ACLED and ICEWS), else the FIPS
code.  GDELT gives no casualty counts, so ``killed`` stays NULL; GoldsteinScale,
NumMentions, tone etc. are not carried over.  See ``docs/formats.md``.

Speed: DuckDB reads the file with explicit column names and no quoting, and the
CAMEO mapping is a hash join with a 300-row table, so there is no per-row Python.
"""

from __future__ import annotations

import contextlib
import csv
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import cast

from redline.data.fields import CHECKS, FieldCheck, sql_checked
from redline.data.importers.base import Importer, csv_header, register, sql_str
from redline.data.schema import cameo_table
from redline.errors import InputError, SchemaError

__all__ = ["GDELT2_COLUMNS", "GdeltImporter", "cameo_relation_sql"]

#: The 61 columns of a GDELT 2.0 event export, in file order (GDELT 2.0 codebook).
GDELT2_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)
assert len(GDELT2_COLUMNS) == 61

def _err(msg: str) -> str:
    """SQL that aborts the statement with ``msg`` (the importer then diagnoses the line)."""
    return "error(" + sql_str(msg) + ")"


_YMD = re.compile(r"^\s*\d{8}\s*$")


def _is_yyyymmdd(v: str) -> bool:
    import datetime as dt
    if not _YMD.match(v):
        return False
    try:
        dt.datetime.strptime(v.strip(), "%Y%m%d")
        return True
    except ValueError:
        return False


# A compact date, YYYYMMDD, as GDELT writes SQLDATE.  Registered next to the
# other checks so the SQL and the Python form stay together.
CHECKS.setdefault("yyyymmdd", FieldCheck(
    "yyyymmdd", "a date YYYYMMDD such as 20240128",
    lambda c: (f"CASE WHEN {c} IS NULL THEN NULL WHEN length({c}) = 8 "
               f"THEN coalesce(try_strptime({c}, '%Y%m%d')::DATE, {_err('bad date')}) "
               f"ELSE {_err('bad date')} END"),
    _is_yyyymmdd))


def _cameo_values() -> str:
    rows = []
    for code, (ptype, mode, _gold) in sorted(cameo_table().items()):
        rows.append(f"({sql_str(code)}, {sql_str(ptype) if ptype else 'NULL'}, "
                    f"{sql_str(mode) if mode else 'NULL'})")
    return "(VALUES " + ", ".join(rows) + ")"


def _cameo_case(code: str, width: int, pos: int) -> str:
    """CASE mapping the first ``width`` characters of ``code`` to field ``pos`` (0 type, 1 mode)."""
    # pos is 0 or 1: the type and mode fields, text (the Goldstein score, 2, is not asked for)
    whens = " ".join(f"WHEN {sql_str(k)} THEN {sql_str(cast(str, v[pos])) if v[pos] else 'NULL'}"
                     for k, v in sorted(cameo_table().items()) if len(k) == width)
    return f"CASE left({code}, {width}) {whens} ELSE NULL END"


def cameo_relation_sql(raw: str, code_col: str) -> str:
    """``raw`` (a relation) plus ``_cameo_type`` and ``_cameo_mode`` for ``code_col``.

    Longest match: the full code if the table lists it (one hash join with the
    table), else its first three digits, else its two-digit root (a CASE that
    runs only for the rare codes the table does not list).  Unknown codes give
    NULL (type unknown).
    """
    values = _cameo_values()
    code = f'r."{code_col}"'
    three = ", ".join(sql_str(k) for k in sorted(cameo_table()) if len(k) == 3)
    cols = []
    for pos, name in ((0, "_cameo_type"), (1, "_cameo_mode")):
        col = "t" if pos == 0 else "m"
        cols.append(f"CASE WHEN c.code IS NOT NULL THEN c.{col} "
                    f"WHEN length({code}) > 3 AND left({code}, 3) IN ({three}) "
                    f"THEN {_cameo_case(code, 3, pos)} "
                    f"WHEN length({code}) > 2 THEN {_cameo_case(code, 2, pos)} ELSE NULL END AS {name}")
    return (f"(SELECT r.*, {', '.join(cols)} "
            f"FROM {raw} r LEFT JOIN {values} c(code, t, m) ON c.code = {code})")


@register
class GdeltImporter(Importer):
    """GDELT 2.0 events (``*.export.CSV`` or ``*.export.CSV.zip``)."""

    format = "gdelt"
    delimiter = "\t"
    has_header = False
    id_column = "GLOBALEVENTID"
    checks = [("SQLDATE", "yyyymmdd"), ("ActionGeo_Lat", "lat"), ("ActionGeo_Long", "lon")]

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        name = Path(path).name.lower()
        if head.startswith(b"PK\x03\x04"):
            return name.endswith(".zip") and ("export" in name or name[:8].isdigit())
        first = head.split(b"\n", 1)[0]
        return first.count(b"\t") == len(GDELT2_COLUMNS) - 1 and first.split(b"\t", 1)[0].strip().isdigit()

    # -- reading -----------------------------------------------------------
    @contextlib.contextmanager
    def opened(self) -> Iterator[Path]:
        with open(self.path, "rb") as fh:
            is_zip = fh.read(4) == b"PK\x03\x04"
        if not is_zip:
            yield self.path
            return
        try:
            zf = zipfile.ZipFile(self.path)
        except zipfile.BadZipFile as exc:
            raise InputError(f"not a readable zip archive: {exc}", file=str(self.path),
                             expected="a GDELT export zip such as 20150218230000.export.CSV.zip") from None
        with zf:
            members = [m for m in zf.infolist() if not m.is_dir()]
            exports = [m for m in members if m.filename.lower().endswith(".export.csv")]
            if not exports:
                listed = ", ".join(m.filename for m in members[:5]) or "nothing"
                raise InputError(f"the zip holds no GDELT event export (it holds {listed})",
                                 file=str(self.path),
                                 expected="a zip with one <timestamp>.export.CSV inside")
            if len(exports) > 1:
                raise InputError(f"the zip holds {len(exports)} exports; ingest them one by one",
                                 file=str(self.path), expected="a zip with one .export.CSV")
            tmp = Path(tempfile.mkdtemp(prefix="redline-gdelt-"))
            try:
                target = tmp / Path(exports[0].filename).name
                with zf.open(exports[0]) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 22)
                yield target
            finally:
                shutil.rmtree(tmp, ignore_errors=True)

    def raw_columns(self, path: Path) -> list[str]:
        return list(GDELT2_COLUMNS)

    def validate_header(self, path: Path) -> None:
        fields = csv_header(path, "\t", csv.QUOTE_NONE)
        if len(fields) != len(GDELT2_COLUMNS):
            hint = (" (a GDELT 1.0 file has 57 or 58)" if len(fields) in (57, 58) else "")
            raise SchemaError(f"the first row has {len(fields)} tab-separated fields{hint}",
                              file=str(self.path), line=1,
                              expected="a GDELT 2.0 event export: 61 tab-separated fields, no header")
        if not fields[0].strip().isdigit():
            raise SchemaError(f"GLOBALEVENTID {fields[0][:40]!r} is not a number (a header row?)",
                              file=str(self.path), line=1, field="GLOBALEVENTID",
                              expected="a GDELT 2.0 export without a header row")

    def relation_sql(self, path: Path) -> str:
        cols = "{" + ", ".join(f"{sql_str(c)}: 'VARCHAR'" for c in GDELT2_COLUMNS) + "}"
        raw = (f"read_csv({sql_str(str(path))}, delim='\\t', header=false, quote='', escape='', "
               f"columns={cols}, auto_detect=false, strict_mode=true, null_padding=false)")
        return cameo_relation_sql(raw, "EventCode")

    def select_exprs(self) -> dict[str, str]:
        def c(name: str) -> str:
            return f"nullif(\"{name}\", '')"
        place = c("ActionGeo_FullName")
        return {
            "event_id": f"'gdelt:' || coalesce(trim(\"GLOBALEVENTID\"), {_err('missing GLOBALEVENTID')})",
            "date": sql_checked("yyyymmdd", c("SQLDATE")),
            "date_precision": "'day'",
            "actor_raw": f"coalesce({c('Actor1Name')}, {c('Actor1Code')})",
            "target_raw": f"coalesce({c('Actor2Name')}, {c('Actor2Code')})",
            "event_type": "_cameo_type",
            "raw_type": c("EventCode"),
            "mode": "_cameo_mode",
            "country": f"coalesce(nullif(split_part({place}, ', ', -1), ''), {c('ActionGeo_CountryCode')})",
            "place": place,
            "latitude": sql_checked("lat", c("ActionGeo_Lat")),
            "killed": "NULL::INTEGER",  # GDELT counts no casualties; unknown is NULL
            "longitude": sql_checked("lon", c("ActionGeo_Long")),
            "sources": f"CASE WHEN {c('SOURCEURL')} IS NULL THEN NULL ELSE [\"SOURCEURL\"] END",
        }

    def row_problem(self, row: dict[str, str]) -> tuple[str, str, str] | None:
        gid = row.get("GLOBALEVENTID", "")
        if not gid.strip():
            return ("GLOBALEVENTID", gid, "a numeric GDELT event id")
        if not (row.get("SQLDATE") or "").strip():
            return ("SQLDATE", row.get("SQLDATE", ""), CHECKS["yyyymmdd"].expected)
        return None
