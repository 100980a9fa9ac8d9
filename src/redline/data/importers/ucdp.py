"""UCDP Georeferenced Event Dataset (GED) CSVs: full releases, Candidate events, reduced copies.

Layouts read (columns found by name, so order and extra columns do not matter; plain
or gzipped):

- **full GED** (releases 19.1-25.1, 41-49 columns): ``id``, ``type_of_violence`` coded
  1/2/3, ``side_a``/``side_b``, ``date_start``/``date_end``, ``date_prec``,
  ``where_prec``, ``best``/``low``/``high``, ``deaths_a``/``deaths_b``/
  ``deaths_civilians``/``deaths_unknown``, ``source_article``, ``source_headline``, ...
  Repackaged copies that wrote numbers as floats (``214797.0``) read the same.
- **Candidate events** (the monthly ``GEDEvent_v25_0_3`` files): the GED columns,
  with ``code_status`` saying whether UCDP still has to check the event.
- **reduced** (15 columns: ``id, date, year, month, day, country, type_of_violence,
  conflict_name, side_a, side_b, latitude, longitude, low_death, best_death,
  high_death``; ``type_of_violence`` as text such as ``State-based violence``).

Semantics.  UCDP events have no direction.  In state-based (1) and non-state (2)
violence ``side_a`` and ``side_b`` are the two parties to the fighting (side A is the
government when there is one, which says nothing about who fired first): the event is
stored with ``mutual`` true, ``actor`` = side A and ``target`` = side B as an unordered
pair.  One-sided violence (3) is ``side_a`` against civilians (``side_b`` is
``Civilians``), ``mutual`` false.  Every event is ``ASSAULT`` (PLOVER calls the mutual
ones FIGHT, which redline folds into ASSAULT as it does for ACLED battles and PLOVER
files; ``mutual`` keeps the distinction).  Ids are ``ucdp:<id>`` whichever case takes
the events in, so a case and a raw ingest never count an event twice.

See ``docs/formats.md`` (UCDP section) for the column map.  Data: UCDP, CC BY 4.0.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from redline.data.fields import CHECKS, FieldCheck, sql_checked
from redline.data.importers.base import Importer, csv_header, is_gzip, register, sql_str
from redline.errors import SchemaError

__all__ = [
    "DATE_PRECISION",
    "VIOLENCE_TYPES",
    "WHERE_PRECISION",
    "UcdpImporter",
    "release_from_name",
]

#: type_of_violence code -> (raw_type, mutual)
VIOLENCE_TYPES: dict[int, tuple[str, bool]] = {
    1: ("state-based", True),
    2: ("non-state", True),
    3: ("one-sided", False),
}
#: the words reduced copies use for type_of_violence (lower case) -> code
VIOLENCE_WORDS: dict[str, int] = {
    "state-based violence": 1, "state-based conflict": 1, "state-based": 1,
    "non-state violence": 2, "non-state conflict": 2, "non-state": 2,
    "one-sided violence": 3, "one-sided": 3,
}
#: GED codebook date_prec -> redline date_precision (2: a range of 2-6 days)
DATE_PRECISION: dict[str, str] = {"1": "day", "2": "week", "3": "week", "4": "month",
                                  "5": "year"}
#: GED codebook where_prec -> redline location_precision
WHERE_PRECISION: dict[str, str] = {
    "1": "exact",      # the exact place
    "2": "near",       # within about 25 km of a known point
    "3": "adm2",       # only the second-order administrative division (district)
    "4": "adm1",       # only the first-order division (province)
    "5": "area",       # a line (road, river) or an area between divisions
    "6": "country",    # only the country
    "7": "sea_air",    # international waters or airspace
}
#: raw columns the mapping consumes; every other column goes to ``extra`` (JSON)
_MAPPED_FULL = ("id", "type_of_violence", "side_a", "side_b", "date_start", "date_prec",
                "where_prec", "best", "low", "high", "deaths_a", "deaths_b", "source_article",
                "source_headline", "country", "latitude", "longitude", "where_coordinates")
_MAPPED_REDUCED = ("id", "type_of_violence", "side_a", "side_b", "date", "best_death",
                   "low_death", "high_death", "country", "latitude", "longitude")
_REQUIRED_COMMON = ("id", "type_of_violence", "side_a", "side_b")


def _err(msg: str) -> str:
    return "error(" + sql_str(msg) + ")"


# -- value checks (SQL for the whole file, Python to find the line) --------------------

_ID = re.compile(r"^\s*\d+(\.0+)?\s*$")
_COUNT = re.compile(r"^\s*\+?\d+(\.0+)?\s*$")
_CODE = re.compile(r"^\s*(\d)(\.0+)?\s*$")
_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})([ T][0-9:.]*)?\s*$")


def _is_date(v: str) -> bool:
    m = _DATE.match(v)
    if not m:
        return False
    try:
        dt.date.fromisoformat(m.group(1))
        return True
    except ValueError:
        return False


def _violence_ok(v: str) -> bool:
    m = _CODE.match(v)
    return int(m.group(1)) in VIOLENCE_TYPES if m else v.strip().lower() in VIOLENCE_WORDS


def _code_ok(allowed: dict[str, str]):
    def ok(v: str) -> bool:
        m = _CODE.match(v)
        return m is not None and m.group(1) in allowed
    return ok


def _code_sql(c: str, allowed: dict[str, str], what: str) -> str:
    whens = " ".join(f"WHEN {sql_str(k)} THEN {sql_str(v)}" for k, v in allowed.items())
    return (f"CASE WHEN {c} IS NULL THEN NULL ELSE CASE regexp_replace({c}, '\\.0+$', '') "
            f"{whens} ELSE {_err('bad ' + what)} END END")


_WORDS_SQL = " ".join(f"WHEN {sql_str(k)} THEN {v}" for k, v in VIOLENCE_WORDS.items())

CHECKS.setdefault("ucdp_id", FieldCheck(
    "ucdp_id", "a UCDP event id, a whole number such as 214797",
    lambda c: (f"CASE WHEN {c} IS NULL THEN {_err('missing id')} "
               f"WHEN regexp_full_match({c}, '[0-9]+(\\.0+)?') THEN regexp_replace({c}, '\\.0+$', '') "
               f"ELSE {_err('bad id')} END"),
    lambda v: bool(_ID.match(v))))
CHECKS.setdefault("ucdp_count", FieldCheck(
    "ucdp_count", "a whole number of deaths, 0 or more (such as 4 or 4.0), or empty when unknown",
    lambda c: (f"CASE WHEN {c} IS NULL THEN NULL WHEN regexp_full_match({c}, '\\+?[0-9]+(\\.0+)?') "
               f"THEN CAST(CAST({c} AS DOUBLE) AS INTEGER) ELSE {_err('bad count')} END"),
    lambda v: bool(_COUNT.match(v))))
CHECKS.setdefault("ucdp_date", FieldCheck(
    "ucdp_date", "a date YYYY-MM-DD such as 2016-07-03",
    lambda c: (f"CASE WHEN {c} IS NULL THEN NULL ELSE coalesce(try_strptime(left({c}, 10), "
               f"'%Y-%m-%d')::DATE, {_err('bad date')}) END"),
    _is_date))
CHECKS.setdefault("ucdp_violence", FieldCheck(
    "ucdp_violence", "type_of_violence 1 (state-based), 2 (non-state) or 3 (one-sided), or "
    "the words State-based violence, Non-state violence, One-sided violence",
    lambda c: (f"CASE WHEN {c} IS NULL THEN {_err('missing type_of_violence')} "
               f"WHEN regexp_full_match({c}, '[123](\\.0+)?') THEN CAST(left({c}, 1) AS INTEGER) "
               f"ELSE CASE lower({c}) {_WORDS_SQL} ELSE {_err('bad type_of_violence')} END END"),
    _violence_ok))
CHECKS.setdefault("ucdp_date_prec", FieldCheck(
    "ucdp_date_prec", "date_prec 1 (exact day) .. 5 (only the year), or empty",
    lambda c: _code_sql(c, DATE_PRECISION, "date_prec"), _code_ok(DATE_PRECISION)))
CHECKS.setdefault("ucdp_where_prec", FieldCheck(
    "ucdp_where_prec", "where_prec 1 (exact place) .. 7 (international waters), or empty",
    lambda c: _code_sql(c, WHERE_PRECISION, "where_prec"), _code_ok(WHERE_PRECISION)))


def release_from_name(name: str) -> str | None:
    """The release a UCDP file name gives: ``ged231...`` -> ``'23.1'``, ``GEDEvent_v25_0_3``
    -> ``'25.0.3'`` (a Candidate release, earlier than GED ``25.1``), else None."""
    low = Path(name).name.lower()
    m = re.search(r"gedevent_v(\d{2})_(\d{1,2})(?:_(\d{1,2}))?", low)
    if m:
        return ".".join(g for g in m.groups() if g is not None)
    m = re.search(r"(?:^|[^a-z0-9])ged[_-]?(\d{2})(\d)(?![0-9])", low)
    if m:
        return f"{m.group(1)}.{m.group(2)}"
    return None


def _native(v: str) -> str:
    return re.sub(r"\.0+$", "", v.strip())


@register
class UcdpImporter(Importer):
    """UCDP GED (full, Candidate or reduced layout); ids ``ucdp:<id>``."""

    format = "ucdp"
    id_column = "id"

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        first = head.split(b"\n", 1)[0].decode("utf-8", "replace").lower()
        cols = {c.strip().strip('"\ufeff') for c in first.rstrip("\r").split(",")}
        return {"type_of_violence", "side_a", "side_b"} <= cols and (
            "date_start" in cols or "date" in cols)

    def release_from_name(self) -> str | None:
        return release_from_name(self.path.name)

    # -- header ------------------------------------------------------------
    def validate_header(self, path: Path) -> None:
        cols = [c.strip() for c in csv_header(path)]
        self._columns = {c.lower(): c for c in cols if c}
        self.layout = "full" if "date_start" in self._columns else "reduced"
        date_col = "date_start" if self.layout == "full" else "date"
        missing = [c for c in _REQUIRED_COMMON + (date_col,) if c not in self._columns]
        if missing:
            raise SchemaError(
                f"missing column {missing[0]!r}", file=str(self.path), line=1, field=missing[0],
                expected="a UCDP GED file with columns " + ", ".join(_REQUIRED_COMMON)
                + " and date_start (full GED and Candidate layouts) or date (reduced layout)")
        if self.layout == "full" and "code_status" in self._columns and \
                (self.release_from_name() or "").count(".") == 2:
            self.layout = "candidate"
        self.checks = [(self._columns[k], kind) for k, kind in (
            ("id", "ucdp_id"), ("type_of_violence", "ucdp_violence"), (date_col, "ucdp_date"),
            ("date_prec", "ucdp_date_prec"), ("where_prec", "ucdp_where_prec"),
            ("latitude", "lat"), ("longitude", "lon"),
            ("best", "ucdp_count"), ("low", "ucdp_count"), ("high", "ucdp_count"),
            ("best_death", "ucdp_count"), ("low_death", "ucdp_count"), ("high_death", "ucdp_count"),
            ("deaths_a", "ucdp_count"), ("deaths_b", "ucdp_count"),
            ("deaths_civilians", "ucdp_count")) if k in self._columns]

    def relation_sql(self, path: Path) -> str:
        compression = "gzip" if is_gzip(path) else "none"
        return (f"read_csv({sql_str(str(path))}, header=true, all_varchar=true, delim=',', "
                f"quote='\"', escape='\"', strict_mode=true, null_padding=false, "
                f"compression='{compression}')")

    def _col(self, name: str) -> str:
        real = self._columns.get(name)
        return f"nullif(trim(\"{real}\"), '')" if real else "NULL"

    # -- mapping -----------------------------------------------------------
    def select_exprs(self) -> dict[str, str]:
        c = self._col
        full = self.layout != "reduced"
        violence = sql_checked("ucdp_violence", c("type_of_violence"))
        raw_type = " ".join(f"WHEN {k} THEN {sql_str(v[0])}" for k, v in VIOLENCE_TYPES.items())
        mutual = ", ".join(str(k) for k, v in VIOLENCE_TYPES.items() if v[1])
        count = lambda name: sql_checked("ucdp_count", c(name))
        exprs = {
            "event_id": f"'ucdp:' || {sql_checked('ucdp_id', c('id'))}",
            "actor_raw": c("side_a"),
            "target_raw": c("side_b"),
            "event_type": "'ASSAULT'",
            "mode": "NULL::VARCHAR",  # UCDP does not say by what means
            "raw_type": f"CASE {violence} {raw_type} END",
            "mutual": f"{violence} IN ({mutual})",
            "country": c("country"),
            "latitude": sql_checked("lat", c("latitude")),
            "longitude": sql_checked("lon", c("longitude")),
            "extra": self._extra_sql(_MAPPED_FULL if full else _MAPPED_REDUCED),
        }
        if full:
            source = c("source_article")
            exprs |= {
                "date": sql_checked("ucdp_date", c("date_start")),
                "date_precision": (f"coalesce({sql_checked('ucdp_date_prec', c('date_prec'))}, "
                                   f"CASE WHEN {c('date_end')} IS NULL OR {c('date_end')} = "
                                   f"{c('date_start')} THEN 'day' END)"),
                "location_precision": sql_checked("ucdp_where_prec", c("where_prec")),
                "place": c("where_coordinates"),
                "killed": count("best"),
                "killed_low": count("low"),
                "killed_high": count("high"),
                "actor_killed": count("deaths_a"),
                # one-sided: side B is the civilians, whose deaths UCDP counts apart
                "target_killed": (f"CASE WHEN {violence} = 3 THEN {count('deaths_civilians')} "
                                  f"ELSE {count('deaths_b')} END"),
                "summary": c("source_headline"),
                "sources": (f"CASE WHEN {source} IS NULL THEN NULL ELSE list_filter("
                            f"list_transform(string_split({source}, ';'), lambda x: trim(x)), "
                            f"lambda x: x <> '') END"),
            }
        else:
            exprs |= {
                "date": sql_checked("ucdp_date", c("date")),
                "date_precision": "'day'",
                "killed": count("best_death"),
                "killed_low": count("low_death"),
                "killed_high": count("high_death"),
            }
        return exprs

    def _extra_sql(self, mapped: tuple[str, ...]) -> str:
        rest = [(low, real) for low, real in self._columns.items() if low not in mapped]
        if not rest:
            return "NULL"
        pairs = ", ".join(f"{sql_str(low)}, nullif(trim(\"{real}\"), '')" for low, real in rest)
        return f"CAST(json_object({pairs}) AS VARCHAR)"

    # -- diagnosis ---------------------------------------------------------
    def native_id(self, event_id: str) -> str:
        return event_id.split(":", 1)[1] if ":" in event_id else event_id

    def lines_of_id(self, path: Path, native: str) -> list[int]:
        col = self._columns.get("id", "id")
        return [ln for ln, row in self.iter_rows(path) if _native(row.get(col) or "") == native]

    def row_problem(self, row: dict[str, str]) -> tuple[str, str, str] | None:
        date_col = "date_start" if self.layout != "reduced" else "date"
        for key, kind in (("id", "ucdp_id"), ("type_of_violence", "ucdp_violence"),
                          (date_col, "ucdp_date")):
            real = self._columns.get(key)
            if real and not (row.get(real) or "").strip():
                return (real, row.get(real, ""), CHECKS[kind].expected + " (it is required)")
        return None
