"""The canonical event record and its vocabularies.

Every importer turns its format into these columns; every store (DuckDB, a
Parquet dataset read by Spark) holds them.  Unknown values are NULL, never 0.

Event types are PLOVER categories; ``mode`` says how (drone, rocket, ...);
``intensity`` places an event on a -10 (most violent) .. +10 (most cooperative)
scale, documented in ``docs/ontology.md`` and computed by :func:`intensity_sql`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = [
    "EVENT_COLUMNS", "EVENT_TYPES", "MODES", "CORE_MODES", "DATE_PRECISIONS", "Column",
    "column_names", "create_events_sql", "cameo_table", "type_base_intensity",
    "intensity_sql", "STORE_VERSION", "missing_columns", "select_canonical_sql",
]


@dataclass(frozen=True)
class Column:
    name: str
    sql: str  # DuckDB type
    doc: str
    #: store version that added the column; stores written before it lack it and are
    #: migrated (DuckDB files) or read with the column as NULL (Parquet datasets)
    since: int = 1


EVENT_COLUMNS: tuple[Column, ...] = (
    Column("event_id", "VARCHAR", "stable id: '<format>:<native id>' or a hash of the key fields"),
    Column("date", "DATE", "local date of the event"),
    Column("time", "TIMESTAMP", "local time when known (continuous-time models use it)"),
    Column("date_precision", "VARCHAR", "day, week, month or year"),
    Column("actor", "VARCHAR", "case actor id, or the raw name when it resolves to none"),
    Column("actor_raw", "VARCHAR", "the actor as the source names it"),
    Column("target", "VARCHAR", "case actor id of the recipient, or the raw name"),
    Column("target_raw", "VARCHAR", "the recipient as the source names it"),
    Column("event_type", "VARCHAR", "PLOVER category (ASSAULT, THREATEN, ...)"),
    Column("raw_type", "VARCHAR", "the source's own code (CAMEO code, ACLED sub-event type, ...)"),
    Column("mode", "VARCHAR", "means: drone, rocket, missile, ied, aerial, targeted, statement, ..."),
    Column("intensity", "DOUBLE", "-10 (most violent) .. +10 (most cooperative)"),
    Column("country", "VARCHAR", "country where it happened"),
    Column("place", "VARCHAR", "named place (base, town)"),
    Column("latitude", "DOUBLE", "decimal degrees, WGS84"),
    Column("longitude", "DOUBLE", "decimal degrees, WGS84"),
    Column("killed", "INTEGER", "all deaths the source gives for the event"),
    Column("injured", "INTEGER", "all injuries the source gives for the event"),
    Column("target_killed", "INTEGER", "deaths on the target's side"),
    Column("target_injured", "INTEGER", "injuries on the target's side"),
    Column("claimed_by", "VARCHAR", "who claimed the act, as named in the claim"),
    Column("summary", "VARCHAR", "one-sentence summary"),
    Column("sources", "VARCHAR[]", "URLs or document ids the record rests on"),
    Column("confidence", "DOUBLE", "0..1 when the source or coder gives one"),
    Column("machine_coded", "BOOLEAN", "true when coded from text by redline read"),
    Column("provenance", "VARCHAR", "JSON: document, sentence, character spans (machine-coded rows)"),
    Column("source_format", "VARCHAR", "case, csv, acled, gdelt, icews, plover, ucdp, text"),
    Column("ingest_id", "VARCHAR", "the ingest log entry that added the row"),
    # Version 2.  New columns go at the end, in this order: a migrated store appends
    # them with ALTER TABLE, so its column order stays that of a new store.
    Column("case_id", "VARCHAR", "the case the event was ingested for; NULL for a raw ingest",
           since=2),
    Column("extra", "VARCHAR", "JSON object of the source columns the layout does not map",
           since=2),
    Column("mutual", "BOOLEAN", "true when the event is fighting between two sides with no "
           "direction (actor and target are then an unordered pair)", since=2),
    Column("killed_low", "INTEGER", "the source's low estimate of all deaths", since=2),
    Column("killed_high", "INTEGER", "the source's high estimate of all deaths", since=2),
    Column("actor_killed", "INTEGER", "deaths on the actor's side", since=2),
    Column("location_precision", "VARCHAR", "how exactly the place is known: the source's own "
           "code, e.g. UCDP where_prec '1' (exact) .. '7' (international waters)", since=2),
    Column("source_release", "VARCHAR", "release of the source dataset the row came from "
           "(UCDP '23.1'); a later release replaces an earlier one's row of the same id", since=2),
)

#: The schema version of a store this code writes (see :attr:`Column.since`).
STORE_VERSION = max(c.since for c in EVENT_COLUMNS)

EVENT_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)

#: The modes redline's own coding uses (how an event was carried out).
CORE_MODES: tuple[str, ...] = (
    "drone", "rocket", "missile", "ied", "aerial", "artillery", "small_arms", "targeted",
    "suicide", "cbrn", "statement", "sanction", "meeting", "other",
)

DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year")


def column_names() -> list[str]:
    """Names of the canonical columns, in store order."""
    return [c.name for c in EVENT_COLUMNS]


def missing_columns(present: set[str] | list[str]) -> list[Column]:
    """The canonical columns a store with columns ``present`` lacks, in store order."""
    have = {p.lower() for p in present}
    return [c for c in EVENT_COLUMNS if c.name not in have]


def select_canonical_sql(present: set[str] | list[str], prefix: str = "") -> str:
    """A select list of every canonical column from a relation with columns ``present``:
    the ones it lacks (an older store) as typed NULLs, so every reader sees one schema."""
    have = {p.lower() for p in present}
    return ", ".join(f'{prefix}"{c.name}"' if c.name in have else f'NULL::{c.sql} AS "{c.name}"'
                     for c in EVENT_COLUMNS)


def create_events_sql(table: str = "events") -> str:
    """``CREATE TABLE`` statement for the canonical events table."""
    cols = ",\n  ".join(f'"{c.name}" {c.sql}' for c in EVENT_COLUMNS)
    return f"CREATE TABLE IF NOT EXISTS {table} (\n  {cols},\n)"


@lru_cache(maxsize=1)
def cameo_table() -> dict[str, tuple[str | None, str | None, float | None]]:
    """CAMEO code -> (PLOVER type, mode, Goldstein score), from the shipped table."""
    out: dict[str, tuple[str | None, str | None, float | None]] = {}
    ref = resources.files("redline.data").joinpath("cameo_plover.csv")
    with ref.open("r", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            out[rec["cameo_code"]] = (
                rec["plover_type"] or None,
                rec["mode"] or None,
                float(rec["goldstein"]) if rec["goldstein"] else None,
            )
    return out


def _plover_modes() -> tuple[str, ...]:
    return tuple(sorted({m for _, m, _ in cameo_table().values() if m} - set(CORE_MODES)))


#: Every mode a case file or stream may name: redline's own, then the PLOVER modes the
#: GDELT and ICEWS importers give CAMEO codes ("visit", "arrest", ...), so that a case
#: `case init` writes from those files reads back (it refused them as unknown modes).
MODES: tuple[str, ...] = CORE_MODES + _plover_modes()


@lru_cache(maxsize=1)
def type_base_intensity() -> dict[str, float]:
    """Base intensity of each PLOVER type: the median Goldstein score of the
    CAMEO codes that map to it (so the scale is anchored in a published one)."""
    by_type: dict[str, list[float]] = {}
    for plover, _mode, gold in cameo_table().values():
        if plover and gold is not None:
            by_type.setdefault(plover, []).append(gold)
    out = {}
    for t, vals in by_type.items():
        vals.sort()
        n = len(vals)
        out[t] = vals[n // 2] if n % 2 else (vals[n // 2 - 1] + vals[n // 2]) / 2
    return out


# Means that carry more force than the type's median act get a harder score;
# statements stay at the type's base.  Units: points on the -10..+10 scale.
MODE_ADJUSTMENT: dict[str, float] = {
    "missile": -1.0, "aerial": -1.0, "artillery": -0.5, "targeted": -1.0, "cbrn": -2.0,
    "suicide": -1.0, "drone": -0.5, "rocket": -0.5, "ied": -0.5,
}


def intensity_sql(type_col: str = "event_type", mode_col: str = "mode",
                  killed_col: str = "killed") -> str:
    """DuckDB SQL expression for the intensity score of a row.

    ``base(type) + mode_adjustment(mode) - 1.5 * log10(1 + killed)``, clipped to
    [-10, 10]: ten deaths move an act 1.5 points towards -10.  Cooperative types
    are not moved by casualties (killed is NULL for them in practice).
    NULL when the type is unknown.
    """
    base = " ".join(f"WHEN '{t}' THEN {v}" for t, v in sorted(type_base_intensity().items()))
    adj = " ".join(f"WHEN '{m}' THEN {v}" for m, v in sorted(MODE_ADJUSTMENT.items()))
    return (
        f"CASE WHEN {type_col} IS NULL THEN NULL ELSE greatest(-10.0, least(10.0, "
        f"(CASE {type_col} {base} ELSE NULL END)"
        f" + (CASE {mode_col} {adj} ELSE 0.0 END)"
        f" - CASE WHEN {type_col} IN ('ASSAULT','COERCE') THEN 1.5 * log10(1 + coalesce({killed_col}, 0)) ELSE 0 END"
        f")) END"
    )
