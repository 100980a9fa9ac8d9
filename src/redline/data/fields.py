"""Checks of single field values, written once and used twice.

Ingest runs the SQL form of each check inside DuckDB (fast, over the whole file);
when it fails, the same check in Python scans the file to find the exact line
and value to report.  Keeping both forms in one table stops them drifting apart.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["FieldCheck", "CHECKS", "sql_checked", "python_problem"]


@dataclass(frozen=True)
class FieldCheck:
    kind: str            # date, lat, lon, count, prob, timestamp
    expected: str        # what a valid value looks like, for the message
    sql: Callable[[str], str]
    ok: Callable[[str], bool]


def _is_date(v: str) -> bool:
    try:
        dt.date.fromisoformat(v.strip())
        return True
    except ValueError:
        return False


def _is_ts(v: str) -> bool:
    try:
        dt.datetime.fromisoformat(v.strip())
        return True
    except ValueError:
        return False


def _float_in(lo: float, hi: float) -> Callable[[str], bool]:
    def ok(v: str) -> bool:
        try:
            x = float(v)
        except ValueError:
            return False
        return lo <= x <= hi
    return ok


_INT = re.compile(r"^\s*\+?\d+\s*$")


def _count_ok(v: str) -> bool:
    return bool(_INT.match(v))


def _err(msg: str) -> str:
    return "error('" + msg.replace("'", "''") + "')"


CHECKS: dict[str, FieldCheck] = {
    "date": FieldCheck(
        "date", "a date YYYY-MM-DD such as 2024-01-28",
        lambda c: f"CASE WHEN {c} IS NULL THEN NULL ELSE coalesce(try_strptime({c}, '%Y-%m-%d')::DATE, {_err('bad date')}) END",
        _is_date),
    "timestamp": FieldCheck(
        "timestamp", "a time YYYY-MM-DDTHH:MM[:SS] such as 2024-01-28T05:30",
        lambda c: f"CASE WHEN {c} IS NULL THEN NULL ELSE coalesce(try_cast({c} AS TIMESTAMP), {_err('bad time')}) END",
        _is_ts),
    "lat": FieldCheck(
        "lat", "a latitude in decimal degrees between -90 and 90",
        lambda c: f"CASE WHEN {c} IS NULL THEN NULL WHEN try_cast({c} AS DOUBLE) BETWEEN -90 AND 90 THEN try_cast({c} AS DOUBLE) ELSE {_err('bad latitude')} END",
        _float_in(-90, 90)),
    "lon": FieldCheck(
        "lon", "a longitude in decimal degrees between -180 and 180",
        lambda c: f"CASE WHEN {c} IS NULL THEN NULL WHEN try_cast({c} AS DOUBLE) BETWEEN -180 AND 180 THEN try_cast({c} AS DOUBLE) ELSE {_err('bad longitude')} END",
        _float_in(-180, 180)),
    "count": FieldCheck(
        "count", "a whole number 0 or more, or empty when unknown",
        lambda c: f"CASE WHEN {c} IS NULL THEN NULL WHEN regexp_full_match(trim({c}), '\\+?[0-9]+') THEN trim({c})::INTEGER ELSE {_err('bad count')} END",
        _count_ok),
    "prob": FieldCheck(
        "prob", "a number between 0 and 1",
        lambda c: f"CASE WHEN {c} IS NULL THEN NULL WHEN try_cast({c} AS DOUBLE) BETWEEN 0 AND 1 THEN try_cast({c} AS DOUBLE) ELSE {_err('bad confidence')} END",
        _float_in(0, 1)),
}


def _enum_check(kind: str, values: tuple[str, ...]) -> FieldCheck:
    listed = ", ".join(f"'{v}'" for v in values)
    return FieldCheck(
        kind, "one of " + ", ".join(values),
        lambda c: f"CASE WHEN {c} IS NULL THEN NULL WHEN lower({c}) IN ({listed.lower()}) "
                  f"THEN {'upper' if values[0].isupper() else 'lower'}({c}) ELSE {_err('bad ' + kind)} END",
        lambda v: v.strip().lower() in {x.lower() for x in values})


def _register_enums() -> None:
    from redline.data.schema import DATE_PRECISIONS, EVENT_TYPES, MODES
    CHECKS["event_type"] = _enum_check("event_type", EVENT_TYPES)
    CHECKS["mode"] = _enum_check("mode", MODES)
    CHECKS["date_precision"] = _enum_check("date_precision", DATE_PRECISIONS)


_register_enums()


def sql_checked(kind: str, column_sql: str) -> str:
    """SQL expression casting ``column_sql`` (VARCHAR, '' already NULL) or raising."""
    return CHECKS[kind].sql(column_sql)


def python_problem(kind: str, value: str | None) -> str | None:
    """``None`` if ``value`` passes the check, else what a valid value looks like."""
    if value is None or value.strip() == "":
        return None
    check = CHECKS[kind]
    return None if check.ok(value) else check.expected
