"""ACLED CSV exports: the current 31-column layout and older ones.

Layouts read (found by column name, so column order and extra columns do not matter):

- current export / API (2023-): ``event_id_cnty, event_date, year, time_precision,
  disorder_type, event_type, sub_event_type, actor1, assoc_actor_1, inter1, actor2,
  ..., latitude, longitude, geo_precision, source, source_scale, notes, fatalities,
  tags, timestamp``;
- 2019-2022 exports (``data_id, iso, event_id_cnty, event_id_no_cnty, ...,
  sub_event_type, ..., iso3``; dates such as ``9-May-20``);
- the 2016 API (alphabetical columns, often with a leading unnamed index column,
  no ``sub_event_type``, event types such as ``Battle-No change of territory``).

Ids are ``acled:<event_id_cnty>``; a row without one gets ``acled:md5:<hash of its
key fields>`` so re-importing still adds nothing.  Event and sub-event types map to
a PLOVER type and mode by :data:`ACLED_TYPES` (documented in ``docs/formats.md``);
``fatalities`` → ``killed``, ``notes`` → ``summary``, ``source`` (``;``-separated)
→ ``sources``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from redline.data.fields import CHECKS, FieldCheck, sql_checked
from redline.data.importers.base import Importer, csv_header, nullif, register, sql_str
from redline.errors import SchemaError

__all__ = ["AcledImporter", "ACLED_TYPES", "ACLED_DATE_FORMATS"]

REQUIRED = ("event_date", "event_type", "actor1")

#: Date formats of ACLED files: API (ISO), export tool, 2019-2022 spreadsheets.
ACLED_DATE_FORMATS: tuple[str, ...] = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%b-%y",
                                       "%d-%B-%Y", "%d/%m/%Y")

#: (event_type, sub_event_type or None) → (PLOVER type, mode).  ``None`` sub-type
#: rows are the fallback for the event type (and the 2016 types, which had none).
#: Mode "aerial"/"artillery" rows are refined by the notes: see ``_mode_sql``.
ACLED_TYPES: dict[tuple[str, str | None], tuple[str | None, str | None]] = {
    # Battles
    ("Battles", "Armed clash"): ("ASSAULT", "small_arms"),
    ("Battles", "Government regains territory"): ("ASSAULT", "small_arms"),
    ("Battles", "Non-state actor overtakes territory"): ("ASSAULT", "small_arms"),
    ("Battles", None): ("ASSAULT", "small_arms"),
    # Explosions/Remote violence
    ("Explosions/Remote violence", "Air/drone strike"): ("ASSAULT", "aerial"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"): ("ASSAULT", "artillery"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"): ("ASSAULT", "ied"),
    ("Explosions/Remote violence", "Suicide bomb"): ("ASSAULT", "suicide"),
    ("Explosions/Remote violence", "Grenade"): ("ASSAULT", "other"),
    ("Explosions/Remote violence", "Chemical weapon"): ("ASSAULT", "cbrn"),
    ("Explosions/Remote violence", None): ("ASSAULT", None),
    # Violence against civilians
    ("Violence against civilians", "Attack"): ("ASSAULT", None),
    ("Violence against civilians", "Abduction/forced disappearance"): ("ASSAULT", "other"),
    ("Violence against civilians", "Sexual violence"): ("ASSAULT", "other"),
    ("Violence against civilians", None): ("ASSAULT", None),
    # Protests and riots
    ("Protests", "Peaceful protest"): ("PROTEST", None),
    ("Protests", "Protest with intervention"): ("PROTEST", None),
    ("Protests", "Excessive force against protesters"): ("PROTEST", None),
    ("Protests", None): ("PROTEST", None),
    ("Riots", "Violent demonstration"): ("PROTEST", None),
    ("Riots", "Mob violence"): ("PROTEST", None),
    ("Riots", None): ("PROTEST", None),
    # Strategic developments: by sub-type
    ("Strategic developments", "Agreement"): ("AGREE", None),
    ("Strategic developments", "Arrests"): ("COERCE", None),
    ("Strategic developments", "Change to group/activity"): (None, None),
    ("Strategic developments", "Disrupted weapons use"): ("COERCE", None),
    ("Strategic developments", "Headquarters or base established"): ("MOBILIZE", None),
    ("Strategic developments", "Looting/property destruction"): ("COERCE", None),
    ("Strategic developments", "Non-violent transfer of territory"): ("COERCE", None),
    ("Strategic developments", "Other"): (None, None),
    ("Strategic developments", None): (None, None),
    # 2016 API types (no sub-event type)
    ("Battle-No change of territory", None): ("ASSAULT", "small_arms"),
    ("Battle-Government regains territory", None): ("ASSAULT", "small_arms"),
    ("Battle-Non-state actor overtakes territory", None): ("ASSAULT", "small_arms"),
    ("Remote violence", None): ("ASSAULT", None),
    ("Riots/Protests", None): ("PROTEST", None),
    ("Strategic development", None): (None, None),
    ("Non-violent transfer of territory", None): ("COERCE", None),
    ("Headquarters or base established", None): ("MOBILIZE", None),
}

_PRECISION = {"1": "day", "2": "week", "3": "month"}
KEY_FIELDS = ("event_date", "actor1", "actor2", "event_type", "sub_event_type", "location", "notes")


def _is_acled_date(v: str) -> bool:
    for fmt in ACLED_DATE_FORMATS:
        try:
            dt.datetime.strptime(v.strip(), fmt)
            return True
        except ValueError:
            continue
    return False


def _sql_error(msg: str) -> str:
    return "error(" + sql_str(msg) + ")"


_FORMATS_SQL = "[" + ", ".join(sql_str(f) for f in ACLED_DATE_FORMATS) + "]"
CHECKS.setdefault("acled_date", FieldCheck(
    "acled_date", "a date such as 2024-01-28, 28 January 2024 or 28-Jan-24",
    lambda c: (f"CASE WHEN {c} IS NULL THEN NULL ELSE coalesce(try_strptime(trim({c}), "
               f"{_FORMATS_SQL})::DATE, {_sql_error('bad date')}) END"),
    _is_acled_date))


@register
class AcledImporter(Importer):
    """ACLED CSV (any of the layouts above); ids ``acled:<event_id_cnty>``."""

    format = "acled"
    id_column = "event_id_cnty"
    checks = [("event_date", "acled_date"), ("latitude", "lat"), ("longitude", "lon"),
              ("fatalities", "count")]

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        first = head.split(b"\n", 1)[0].decode("utf-8", "replace").lower()
        cols = {c.strip().strip('"\ufeff') for c in first.split(",")}
        return {"event_date", "event_type", "actor1"} <= cols and (
            "event_id_cnty" in cols or "data_id" in cols)

    def validate_header(self, path: Path) -> None:
        cols = [c.strip() for c in csv_header(path)]
        self._columns = {c.lower(): c for c in cols if c}
        missing = [c for c in REQUIRED if c not in self._columns]
        if missing:
            raise SchemaError(f"missing column {missing[0]!r}", file=str(self.path), line=1,
                              field=missing[0],
                              expected="an ACLED export with columns " + ", ".join(REQUIRED)
                              + " (and event_id_cnty, sub_event_type, actor2, country, location, "
                              "latitude, longitude, fatalities, notes, source)")

    def relation_sql(self, path: Path) -> str:
        return (f"read_csv({sql_str(str(path))}, header=true, all_varchar=true, delim=',', "
                f"quote='\"', escape='\"', strict_mode=true, null_padding=false)")

    def _col(self, name: str) -> str:
        real = getattr(self, "_columns", {}).get(name)
        return nullif(real) if real else "NULL"

    def _type_mode_sql(self) -> tuple[str, str]:
        et, sub = self._col("event_type"), self._col("sub_event_type")
        type_whens, mode_whens = [], []
        for (etype, subtype), (ptype, mode) in ACLED_TYPES.items():
            if subtype is None:
                cond = f"lower({et}) = {sql_str(etype.lower())}"
            else:
                cond = f"lower({et}) = {sql_str(etype.lower())} AND lower({sub}) = {sql_str(subtype.lower())}"
            type_whens.append((subtype is None, f"WHEN {cond} THEN {sql_str(ptype) if ptype else 'NULL'}"))
            mode_whens.append((subtype is None, f"WHEN {cond} THEN {sql_str(mode) if mode else 'NULL'}"))
        # specific (type, sub-type) pairs first, then the per-type fallbacks
        order = lambda ws: " ".join(w for _, w in sorted(ws, key=lambda x: x[0]))  # noqa: E731
        ptype = f"CASE {order(type_whens)} ELSE NULL END"
        mode = f"CASE {order(mode_whens)} ELSE NULL END"
        notes = f"lower(coalesce({self._col('notes')}, ''))"
        # Sub-types that lump several means together: the notes say which.
        mode = (f"CASE WHEN ({mode}) = 'aerial' AND {notes} LIKE '%drone%' THEN 'drone' "
                f"WHEN ({mode}) = 'artillery' AND {notes} LIKE '%missile%' THEN 'missile' "
                f"WHEN ({mode}) = 'artillery' AND {notes} LIKE '%rocket%' THEN 'rocket' "
                f"ELSE {mode} END")
        return ptype, mode

    def select_exprs(self) -> dict[str, str]:
        c = self._col
        key = " || '\\x1f' || ".join(f"coalesce({c(k)}, '')" for k in KEY_FIELDS)
        ptype, mode = self._type_mode_sql()
        prec = " ".join(f"WHEN {sql_str(k)} THEN {sql_str(v)}" for k, v in _PRECISION.items())
        source = c("source")
        return {
            "event_id": f"'acled:' || coalesce({c('event_id_cnty')}, 'md5:' || md5({key}))",
            "date": sql_checked("acled_date", c("event_date")),
            "date_precision": f"coalesce(CASE {c('time_precision')} {prec} ELSE NULL END, 'day')",
            "actor_raw": c("actor1"),
            "target_raw": c("actor2"),
            "event_type": ptype,
            "raw_type": f"coalesce({c('sub_event_type')}, {c('event_type')})",
            "mode": mode,
            "country": c("country"),
            "place": c("location"),
            "latitude": sql_checked("lat", c("latitude")),
            "longitude": sql_checked("lon", c("longitude")),
            "killed": sql_checked("count", c("fatalities")),
            "summary": c("notes"),
            "sources": (f"CASE WHEN {source} IS NULL THEN NULL ELSE list_filter(list_transform("
                        f"string_split({source}, ';'), lambda x: trim(x)), lambda x: x <> '') END"),
        }

    def row_problem(self, row: dict[str, str]) -> tuple[str, str, str] | None:
        if not (row.get("event_date") or "").strip():
            return ("event_date", row.get("event_date", ""), "a non-empty event date")
        return None
