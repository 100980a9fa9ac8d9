"""PLOVER / POLECAT event records as JSON lines, and the records ``redline read`` writes.

One JSON object per line.  Field names vary between PLOVER coders, POLECAT and
redline's text reader, so each canonical column takes the first key present of
:data:`ALIASES` (e.g. ``date`` | ``event_date`` | ``story_date``; ``event_type`` |
``event``; ``recipient`` | ``target``).  ``location`` / ``geolocation`` may be an
object (``name``/``placename``, ``lat``, ``lon``, ``country``) or a list of them
(the first is used); top-level ``latitude``/``longitude``/``place``/``country``
win over it.  ``sources`` may be a list or one string.

PLOVER types outside redline's set map to the nearest one: FIGHT → ASSAULT,
DISAPPROVE → ACCUSE, INVESTIGATE → ACCUSE, DEMAND → REQUEST; CRIME has no
counterpart and is kept as NULL type with ``raw_type`` CRIME.  Ids are
``plover:<id>`` (or a hash of the key fields when a record has none).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from redline.data.fields import python_problem, sql_checked
from redline.data.importers.base import Importer, casualty_exprs, register, sql_str
from redline.data.schema import EVENT_TYPES
from redline.errors import EncodingError, InputError, ValidationError

__all__ = ["PloverImporter", "ALIASES", "PLOVER_TO_REDLINE"]

#: canonical column → JSON keys tried in order
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "event_id"),
    "date": ("date", "event_date", "story_date"),
    "time": ("time",),
    "date_precision": ("date_precision", "date_resolution"),
    "event_type": ("event_type", "event"),
    "mode": ("mode", "event_mode"),
    "actor": ("actor", "actor_name", "source_actor"),
    "target": ("recipient", "target", "recipient_name"),
    "country": ("country", "event_country"),
    "place": ("place", "placename", "location_name"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon"),
    "killed": ("killed", "dead", "fatalities"),
    "injured": ("injured",),
    "target_killed": ("target_killed",),
    "target_injured": ("target_injured",),
    "claimed_by": ("claimed_by",),
    "summary": ("summary", "event_text", "text"),
    "sources": ("sources", "source", "url", "urls"),
    "confidence": ("confidence",),
    "machine_coded": ("machine_coded",),
    "provenance": ("provenance",),
    "location": ("location", "geolocation"),
}
LOCATION_KEYS = {"place": ("name", "placename"), "latitude": ("lat", "latitude"),
                 "longitude": ("lon", "longitude"), "country": ("country",)}

#: PLOVER categories that redline names differently (None: no counterpart, NULL type)
PLOVER_TO_REDLINE: dict[str, str | None] = {
    **{t: t for t in EVENT_TYPES},
    "FIGHT": "ASSAULT", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "DEMAND": "REQUEST",
    "CRIME": None,
}
_TYPE_EXPECTED = "a PLOVER category: one of " + ", ".join(sorted(PLOVER_TO_REDLINE))
_CHECKED = (("date", "date"), ("time", "timestamp"), ("latitude", "lat"), ("longitude", "lon"),
            ("killed", "count"), ("injured", "count"), ("target_killed", "count"),
            ("target_injured", "count"), ("confidence", "prob"))
KEY_FIELDS = ("date", "actor", "target", "event_type", "mode", "place", "summary")


def _all_keys() -> list[str]:
    keys: list[str] = []
    for names in ALIASES.values():
        keys += [k for k in names if k not in keys]
    return keys


def _text(v) -> str | None:
    """A JSON value as DuckDB's VARCHAR reading gives it."""
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    return json.dumps(v, separators=(",", ":"))


def _first_location(rec: dict):
    for k in ALIASES["location"]:
        loc = rec.get(k)
        if isinstance(loc, list):
            loc = loc[0] if loc else None
        if isinstance(loc, dict):
            return k, loc
    return None, None


@register
class PloverImporter(Importer):
    """PLOVER/POLECAT JSON lines; ids ``plover:<id>``."""

    format = "plover"
    id_column = "id"
    checks: list[tuple[str, str]] = []  # located by diagnose() below, on resolved keys

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")

    def validate_header(self, path: Path) -> None:
        with open(path, "rb") as fh:
            for raw in fh:
                if raw.strip():
                    if not raw.lstrip(b"\xef\xbb\xbf \t").startswith(b"{"):
                        raise InputError("the first record is not a JSON object", file=str(self.path),
                                         line=1, expected="JSON lines: one {...} object per line")
                    return

    def raw_columns(self, path: Path) -> list[str]:
        return _all_keys()

    def relation_sql(self, path: Path) -> str:
        cols = "{" + ", ".join(f"{sql_str(k)}: 'VARCHAR'" for k in _all_keys()) + "}"
        return (f"read_json({sql_str(str(path))}, format='newline_delimited', columns={cols}, "
                f"maximum_object_size=16777216)")

    # -- SQL ---------------------------------------------------------------
    @staticmethod
    def _raw(canon: str) -> str:
        keys = ALIASES[canon]
        parts = [f"nullif(trim(\"{k}\"), '')" for k in keys]
        return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"

    def _located(self, canon: str) -> str:
        """A top-level value, else the one inside location (first element of a list)."""
        loc = ("(CASE WHEN left(ltrim(coalesce(\"location\", \"geolocation\")), 1) = '[' "
               "THEN json_extract(coalesce(\"location\", \"geolocation\"), '$[0]')::VARCHAR "
               "ELSE coalesce(\"location\", \"geolocation\") END)")
        inner = ", ".join(f"nullif(trim(json_extract_string({loc}, '$.{k}')), '')"
                          for k in LOCATION_KEYS[canon])
        return (f"coalesce({self._raw(canon)}, CASE WHEN left(ltrim({loc}), 1) = '{{' "
                f"THEN coalesce({inner}) END)")

    def select_exprs(self) -> dict[str, str]:
        r = self._raw
        key = " || '\\x1f' || ".join(f"coalesce({r(k)}, '')" for k in KEY_FIELDS)
        etype = f"upper({r('event_type')})"
        whens = " ".join(f"WHEN {sql_str(k)} THEN {sql_str(v) if v else 'NULL'}"
                         for k, v in PLOVER_TO_REDLINE.items())
        mode_raw = r("mode")
        mode = (f"lower(CASE WHEN left({mode_raw}, 1) = '[' THEN json_extract_string({mode_raw}, '$[0]') "
                f"ELSE {mode_raw} END)")
        src = r("sources")
        date_raw = r("date")
        return {
            "event_id": f"'plover:' || coalesce({r('id')}, 'md5:' || md5({key}))",
            "date": sql_checked("date", f"left({date_raw}, 10)"),
            "time": sql_checked("timestamp", r("time")),
            "date_precision": f"coalesce({sql_checked('date_precision', r('date_precision'))}, 'day')",
            "actor_raw": r("actor"),
            "target_raw": r("target"),
            "event_type": (f"CASE {etype} {whens} ELSE CASE WHEN {etype} IS NULL THEN NULL "
                           f"ELSE error('bad event_type') END END"),
            "raw_type": r("event_type"),
            "mode": mode,
            "country": self._located("country"),
            "place": self._located("place"),
            "latitude": sql_checked("lat", self._located("latitude")),
            "longitude": sql_checked("lon", self._located("longitude")),
            **casualty_exprs(r),
            "claimed_by": r("claimed_by"),
            "summary": r("summary"),
            "sources": (f"CASE WHEN {src} IS NULL THEN NULL WHEN left({src}, 1) = '[' "
                        f"THEN from_json({src}, '[\"VARCHAR\"]') ELSE [{src}] END"),
            "confidence": sql_checked("prob", r("confidence")),
            "machine_coded": f"try_cast({r('machine_coded')} AS BOOLEAN)",
            "provenance": r("provenance"),
        }

    # -- diagnosis ---------------------------------------------------------
    def iter_records(self, path: Path) -> Iterator[tuple[int, dict]]:
        with open(path, "rb") as fh:
            for n, raw in enumerate(fh, start=1):
                try:
                    text = raw.decode("utf-8-sig" if n == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    raise EncodingError(f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                                        file=str(self.path), line=n,
                                        expected="a UTF-8 text file") from None
                if not text.strip():
                    continue
                try:
                    rec = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise InputError(f"not valid JSON: {exc.msg} at column {exc.colno}",
                                     file=str(self.path), line=n,
                                     expected="one JSON object per line") from None
                if not isinstance(rec, dict):
                    raise InputError(f"a JSON {type(rec).__name__}, not an object",
                                     file=str(self.path), line=n,
                                     expected="one JSON object per line")
                yield n, rec

    def _resolve(self, rec: dict) -> dict[str, tuple[str, str]]:
        """canonical → (the key it came from, its text), mirroring the SQL."""
        out: dict[str, tuple[str, str]] = {}
        loc_key, loc = _first_location(rec)
        for canon, keys in ALIASES.items():
            for k in keys:
                v = _text(rec.get(k))
                if v is not None and v.strip():
                    out[canon] = (k, v.strip())
                    break
            else:
                if canon in LOCATION_KEYS and loc is not None:
                    for k in LOCATION_KEYS[canon]:
                        v = _text(loc.get(k))
                        if v is not None and v.strip():
                            out[canon] = (f"{loc_key}.{k}", v.strip())
                            break
        return out

    def iter_rows(self, path: Path) -> Iterator[tuple[int, dict[str, str]]]:
        for n, rec in self.iter_records(path):
            yield n, {canon: v or "" for canon, (_k, v) in self._resolve(rec).items()}

    def diagnose(self, path: Path, db_message: str) -> InputError:
        for n, rec in self.iter_records(path):
            vals = self._resolve(rec)
            if "date" not in vals:
                return ValidationError("the record has no date", file=str(self.path), line=n,
                                       field="date", expected="a date YYYY-MM-DD such as 2024-01-28")
            for canon, kind in _CHECKED:
                if canon not in vals:
                    continue
                key, value = vals[canon]
                problem = python_problem(kind, value[:10] if canon == "date" else value)
                if problem:
                    return ValidationError(f"invalid value {value!r}", file=str(self.path), line=n,
                                           field=key, expected=problem)
            if "event_type" in vals:
                key, value = vals["event_type"]
                if value.upper() not in PLOVER_TO_REDLINE:
                    return ValidationError(f"invalid value {value!r}", file=str(self.path), line=n,
                                           field=key, expected=_TYPE_EXPECTED)
            if "date_precision" in vals:
                key, value = vals["date_precision"]
                problem = python_problem("date_precision", value)
                if problem:
                    return ValidationError(f"invalid value {value!r}", file=str(self.path), line=n,
                                           field=key, expected=problem)
        first = db_message.strip().splitlines()[0] if db_message.strip() else "unreadable file"
        return InputError(f"could not read the file as plover JSON lines: {first}", file=str(self.path))
