"""redline's own CSV: the canonical columns with a header row.

Required columns: ``date``, ``actor``, ``event_type``.  Comma-separated, or separated by
semicolons or tabs as spreadsheets save in many locales (told from the header row).  ``event_id`` is optional:
without it the id is a hash of the key fields, so re-importing adds nothing.
``sources`` holds one or more URLs or document ids separated by `` | ``.
"""

from __future__ import annotations

from pathlib import Path

from redline.data.fields import sql_checked
from redline.data.importers.base import (
    Importer,
    casualty_exprs,
    csv_header,
    nullif,
    register,
    sniff_delimiter,
    sql_str,
)
from redline.errors import SchemaError

REQUIRED = ("date", "actor", "event_type")
OPTIONAL = ("event_id", "time", "date_precision", "target", "raw_type", "mode", "country",
            "place", "latitude", "longitude", "killed", "injured", "target_killed",
            "target_injured", "claimed_by", "summary", "sources", "confidence",
            # JSON object of source columns the layout does not map (``redline case init``)
            "extra",
            # what `redline case init` keeps of formats that give them (UCDP)
            "mutual", "killed_low", "killed_high", "actor_killed", "location_precision")
KEY_FIELDS = ("date", "actor", "target", "event_type", "mode", "place", "summary")
SOURCE_SEPARATOR = " | "


@register
class RedlineCsvImporter(Importer):
    """Import redline CSV; ids become ``<prefix>:<event_id>``."""

    format = "csv"
    checks = [("date", "date"), ("time", "timestamp"), ("date_precision", "date_precision"),
              ("event_type", "event_type"), ("mode", "mode"), ("latitude", "lat"),
              ("longitude", "lon"), ("killed", "count"), ("injured", "count"),
              ("target_killed", "count"), ("target_injured", "count"), ("confidence", "prob"),
              ("killed_low", "count"), ("killed_high", "count"), ("actor_killed", "count")]
    id_prefix = "csv"
    id_column = "event_id"

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        first = head.split(b"\n", 1)[0].decode("utf-8", "replace")
        return sniff_delimiter(first, set(REQUIRED)) is not None

    def validate_header(self, path: Path) -> None:
        with open(path, "rb") as fh:
            first = fh.readline().decode("utf-8", "replace")
        self.delimiter = sniff_delimiter(first, set(REQUIRED)) or ","
        cols = csv_header(path, self.delimiter)
        self._columns = [c.strip() for c in cols]
        missing = [c for c in REQUIRED if c not in self._columns]
        if missing:
            raise SchemaError(f"missing column {missing[0]!r}", file=str(self.path), line=1,
                              field=missing[0],
                              expected="a header with " + ", ".join(REQUIRED) + " and any of "
                              + ", ".join(OPTIONAL))
        unknown = [c for c in self._columns if c not in REQUIRED + OPTIONAL]
        if unknown:
            raise SchemaError(f"unknown column {unknown[0]!r}", file=str(self.path), line=1,
                              field=unknown[0],
                              expected="only redline columns: " + ", ".join(REQUIRED + OPTIONAL))
        dup = [c for c in self._columns if self._columns.count(c) > 1]
        if dup:
            raise SchemaError(f"column {dup[0]!r} appears twice", file=str(self.path), line=1,
                              field=dup[0], expected="each column once")

    def relation_sql(self, path: Path) -> str:
        delim = "\\t" if self.delimiter == "\t" else self.delimiter
        return (f"read_csv({sql_str(str(path))}, header=true, all_varchar=true, delim='{delim}', "
                f"quote='\"', escape='\"', strict_mode=true, null_padding=false)")

    def _col(self, name: str) -> str:
        return nullif(name) if name in self._columns else "NULL"

    def select_exprs(self) -> dict[str, str]:
        c = self._col
        key = " || '\\x1f' || ".join(f"coalesce({c(k)}, '')" for k in KEY_FIELDS)
        id_expr = (f"{sql_str(self.id_prefix + ':')} || coalesce({c('event_id')}, md5({key}))")
        return {
            "event_id": id_expr,
            "date": sql_checked("date", c("date")),
            "time": sql_checked("timestamp", c("time")),
            "date_precision": f"coalesce({sql_checked('date_precision', c('date_precision'))}, 'day')",
            "actor_raw": c("actor"),
            "target_raw": c("target"),
            "event_type": sql_checked("event_type", c("event_type")),
            "raw_type": c("raw_type"),
            "mode": sql_checked("mode", c("mode")),
            "country": c("country"),
            "place": c("place"),
            "latitude": sql_checked("lat", c("latitude")),
            "longitude": sql_checked("lon", c("longitude")),
            **casualty_exprs(c),
            "claimed_by": c("claimed_by"),
            "summary": c("summary"),
            "sources": f"CASE WHEN {c('sources')} IS NULL THEN NULL ELSE "
                       f"list_transform(string_split({c('sources')}, '|'), lambda x: trim(x)) END",
            "confidence": sql_checked("prob", c("confidence")),
            "extra": c("extra"),
            "mutual": f"CASE WHEN {c('mutual')} IS NULL THEN NULL WHEN lower({c('mutual')}) IN "
                      f"('true', '1', 'yes') THEN true WHEN lower({c('mutual')}) IN "
                      f"('false', '0', 'no') THEN false ELSE error('bad mutual') END",
            "killed_low": sql_checked("count", c("killed_low")),
            "killed_high": sql_checked("count", c("killed_high")),
            "actor_killed": sql_checked("count", c("actor_killed")),
            "location_precision": c("location_precision"),
        }

    def row_problem(self, row: dict[str, str]) -> tuple[str, str, str] | None:
        for k in ("date", "actor"):
            if not (row.get(k) or "").strip():
                return (k, row.get(k, ""), f"a non-empty {k}")
        m = (row.get("mutual") or "").strip().lower()
        if m and m not in ("true", "false", "1", "0", "yes", "no"):
            return ("mutual", row["mutual"], "true or false, or empty when unknown")
        return None
