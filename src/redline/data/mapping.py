"""Column and value maps: reading an analyst's own CSV or Parquet file into redline's layout.

A map file (YAML) says which source column holds each redline field and how source
values translate::

    format: csv              # csv | parquet | redline | acled | gdelt | icews | plover | ucdp
    columns:                 # redline field: source column
      date: date
      actor: actor
      event_type: event_type
    values:                  # source value -> redline value, per field; null = unknown
      event_type: {ATTACK: ASSAULT, CONDEMN: ACCUSE, OTHER: null}
    date_format: "%d/%m/%Y"  # optional, strftime; default ISO dates
    sources_separator: ";"   # optional: several sources in one cell
    constants: {country: Yemen}   # optional: one value for every row
    delimiter: ";"           # optional, sniffed when absent
    encoding: cp1252         # optional: UTF-8 (with or without BOM), else Windows-1252

:func:`read_mapped` reads the whole file once and collects **every** problem (file,
line, field, valid value) before raising one :class:`~redline.errors.ProblemsError`.
Source values are matched case-insensitively.  A value of an enumerated field
(event_type, mode, date_precision) that the map does not name and that is not itself
a valid redline value is kept raw (``raw_type`` for event types, ``extra`` for the
others), the field left unknown, and counted in :attr:`MappedFile.unmapped_values`.
Source columns the map does not use go into one JSON ``extra`` column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError

from redline.data.schema import DATE_PRECISIONS, EVENT_TYPES, MODES
from redline.data.yamlfile import load_yaml, raise_pydantic
from redline.errors import EncodingError, InputError, ProblemsError, SchemaError, ValidationError

__all__ = ["ColumnMap", "MappedFile", "load_map", "read_mapped", "MAP_FIELDS", "MAP_FORMATS",
           "OUTPUT_COLUMNS"]

#: formats a map may name: two described by the map, the others read by an importer
MAP_FORMATS = ("csv", "parquet", "redline", "acled", "gdelt", "icews", "plover", "ucdp")

#: redline fields a map can fill, and the kind of check each gets
MAP_FIELDS: dict[str, str] = {
    "event_id": "text", "date": "date", "time": "timestamp", "date_precision": "enum",
    "actor": "text", "target": "text", "event_type": "enum", "raw_type": "text", "mode": "enum",
    "country": "text", "place": "text", "latitude": "lat", "longitude": "lon",
    "killed": "count", "injured": "count", "target_killed": "count", "target_injured": "count",
    "claimed_by": "text", "summary": "text", "sources": "sources", "confidence": "prob",
    "mutual": "bool", "killed_low": "count", "killed_high": "count", "actor_killed": "count",
    "location_precision": "text",
}

_ENUMS: dict[str, tuple[str, ...]] = {"event_type": EVENT_TYPES, "mode": MODES,
                                      "date_precision": DATE_PRECISIONS}

#: columns of the events.csv written from a mapped file, in order
OUTPUT_COLUMNS = tuple(MAP_FIELDS) + ("extra",)


class ColumnMap(BaseModel):
    """A map file (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal[MAP_FORMATS] = Field(  # type: ignore[valid-type]
        "csv", description="csv or parquet (described by this map), or an importer's name "
                           "(redline, acled, gdelt, icews, plover, ucdp: no column map needed)")
    columns: dict[str, str] = Field(default_factory=dict,
                                    description="redline field: source column")
    values: dict[str, dict[str, str | None]] = Field(
        default_factory=dict, description="per field, source value -> redline value (null = unknown)")
    date_format: str | None = Field(None, description="strftime format of dates, e.g. %d/%m/%Y")
    sources_separator: str | None = Field(None, description="separator of several sources in a cell")
    constants: dict[str, str | int | float] = Field(
        default_factory=dict, description="field: one value for every row")
    delimiter: str | None = Field(None, description="field delimiter (sniffed when absent)")
    encoding: str | None = Field(None, description="text encoding (sniffed when absent)")


def load_map(path: str | Path) -> tuple[ColumnMap, Any]:
    """Read and check a map file; return the map and its YAML document (for line numbers).

    Every problem of the map itself (unknown field, a value mapped to an invalid redline
    value) is reported in one :class:`ProblemsError`.
    """
    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        raise ValidationError("a map file must be a mapping", file=str(doc.path), line=1,
                              expected="keys format, columns, values, ...")
    try:
        cmap = ColumnMap.model_validate(doc.data)
    except PydanticError as exc:
        raise_pydantic(doc, exc)
    problems: list[InputError] = []
    valid_fields = "one of " + ", ".join(MAP_FIELDS)
    for key, sect in (("columns", cmap.columns), ("values", cmap.values),
                      ("constants", cmap.constants)):
        for f in sect:
            if f not in MAP_FIELDS:
                problems.append(ValidationError(f"unknown redline field {f!r}", file=str(doc.path),
                                                line=doc.line_of((key, f)), field=f"{key}.{f}",
                                                expected=valid_fields))
    for f in cmap.constants:
        if f in cmap.columns:
            problems.append(ValidationError(f"field {f!r} has both a column and a constant",
                                            file=str(doc.path), line=doc.line_of(("constants", f)),
                                            field=f"constants.{f}", expected="one of the two"))
    for f, table in cmap.values.items():
        allowed = _ENUMS.get(f)
        if allowed is None:
            continue
        for src, dst in table.items():
            if dst is not None and dst.strip().lower() not in {a.lower() for a in allowed}:
                problems.append(ValidationError(
                    f"{src!r} is mapped to {dst!r}, which is no redline {f}", file=str(doc.path),
                    line=doc.line_of(("values", f, src)), field=f"values.{f}.{src}",
                    expected="one of " + ", ".join(allowed) + ", or null for unknown"))
    if problems:
        raise ProblemsError(problems)
    return cmap, doc


@dataclass
class MappedFile:
    """A foreign file in redline's layout, with what the map did not cover."""

    #: one row per event, columns :data:`OUTPUT_COLUMNS` (text; '' = unknown)
    frame: pd.DataFrame
    #: source columns kept in ``extra`` because the map does not use them
    unmapped_columns: list[str] = field(default_factory=list)
    #: field -> Counter of source values kept raw with the field unknown
    unmapped_values: dict[str, Counter] = field(default_factory=dict)
    #: how the file was read: delimiter, encoding
    read_as: dict[str, str] = field(default_factory=dict)


def _decode(path: Path, raw: bytes, encoding: str | None) -> tuple[str, str]:
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise EncodingError(f"cannot decode the file as {encoding}: {exc}", file=str(path),
                                field="encoding", expected="the file's real encoding in the map") from None
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        # Spreadsheets on Windows save Windows-1252; it decodes every byte but five.
        try:
            return raw.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise EncodingError("the file is neither UTF-8 nor Windows-1252", file=str(path),
                                line=line, expected="encoding: NAME in the map file") from None


def _records(path: Path, cmap: ColumnMap) -> tuple[list[str], list[tuple[int, list[str]]], dict]:
    """Header and (line, fields) rows of a delimited text file, or of a Parquet file."""
    if cmap.format == "parquet":
        df = pd.read_parquet(path)
        columns = [str(c) for c in df.columns]
        records = [(i + 2, ["" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
                            for v in rec]) for i, rec in enumerate(df.itertuples(index=False))]
        return columns, records, {"format": "parquet"}
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":  # gzipped text (file.csv.gz)
        import gzip
        raw = gzip.decompress(raw)
    text, encoding = _decode(path, raw, cmap.encoding)
    delimiter = cmap.delimiter
    if delimiter is None:
        sample = "\n".join(text.splitlines()[:50])
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    last = 0
    for rec in reader:
        start = last + 1
        last = reader.line_num
        if header is None:
            header = [h.strip() for h in rec]
            continue
        if not rec or all(not c.strip() for c in rec):
            continue
        rows.append((start, rec))
    return header or [], rows, {"delimiter": delimiter, "encoding": encoding}


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _check(kind: str, value: str, cmap: ColumnMap) -> tuple[str | None, str | None]:
    """(normalised value, None) or (None, what a valid value looks like)."""
    if kind == "date":
        fmt = cmap.date_format
        try:
            if fmt:
                return dt.datetime.strptime(value, fmt).date().isoformat(), None
            return dt.date.fromisoformat(value[:10] if _ISO_DATE.match(value) and
                                         len(value) > 10 and value[10] in "T " else value
                                         ).isoformat(), None
        except ValueError:
            example = dt.date(2024, 1, 28).strftime(fmt) if fmt else "2024-01-28"
            return None, (f"a date in the form {fmt} (e.g. {example})" if fmt
                          else "a date YYYY-MM-DD (or set date_format: in the map)")
    if kind == "timestamp":
        try:
            return dt.datetime.fromisoformat(value).isoformat(), None
        except ValueError:
            return None, "a time YYYY-MM-DDTHH:MM[:SS]"
    if kind in ("lat", "lon", "prob"):
        lo, hi, what = {"lat": (-90, 90, "a latitude between -90 and 90"),
                        "lon": (-180, 180, "a longitude between -180 and 180"),
                        "prob": (0, 1, "a number between 0 and 1")}[kind]
        try:
            x = float(value.replace(",", ".") if value.count(",") == 1 and "." not in value else value)
        except ValueError:
            return None, what
        return (repr(x), None) if lo <= x <= hi else (None, what)
    if kind == "bool":
        low = value.strip().lower()
        if low in ("true", "1", "yes"):
            return "true", None
        if low in ("false", "0", "no"):
            return "false", None
        return None, "true or false (map source values to them under values:)"
    if kind == "count":
        try:
            x = float(value)
        except ValueError:
            return None, "a whole number 0 or more, or empty when unknown"
        if x < 0 or x != int(x):
            return None, "a whole number 0 or more, or empty when unknown"
        return str(int(x)), None
    return value, None


def read_mapped(path: str | Path, cmap: ColumnMap, map_doc: Any = None) -> MappedFile:
    """Read a csv/parquet file the map describes into redline's layout.

    Parameters
    ----------
    path
        The source file.
    cmap
        Its :class:`ColumnMap` (``format`` csv or parquet).
    map_doc
        The map's YAML document from :func:`load_map`, so a problem of the map names its line.

    Raises
    ------
    ProblemsError
        Every problem of the file and the map at once (file, line, field, valid value).
    """
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=str(path))
    header, rows, read_as = _records(path, cmap)
    map_file = None if map_doc is None else str(map_doc.path)
    problems: list[InputError] = []
    index = {h: i for i, h in enumerate(header)}
    lower_index = {h.lower(): i for i, h in enumerate(header)}
    cols: dict[str, int] = {}
    for f, src in cmap.columns.items():
        i = index.get(src, lower_index.get(src.lower()))
        if i is None:
            problems.append(SchemaError(
                f"the map names column {src!r}, which {path.name} does not have",
                file=map_file or str(path),
                line=None if map_doc is None else map_doc.line_of(("columns", f)),
                field=f"columns.{f}", expected="one of the file's columns: " + ", ".join(header)))
        else:
            cols[f] = i
    for need in ("date", "actor"):
        if need not in cmap.columns and need not in cmap.constants:
            problems.append(SchemaError(f"the map gives no column for {need!r}",
                                        file=map_file or str(path), field=f"columns.{need}",
                                        expected=f"columns: {{{need}: SOURCE_COLUMN}}"))
    if problems:
        raise ProblemsError(problems)
    used = set(cols.values())
    unmapped_cols = [h for i, h in enumerate(header) if i not in used]
    value_maps = {f: {str(k).strip().lower(): v for k, v in t.items()} for f, t in cmap.values.items()}
    unmapped: dict[str, Counter] = {}
    out: list[dict[str, str]] = []
    width = len(header)
    for line, rec in rows:
        if len(rec) != width:
            problems.append(SchemaError(f"row has {len(rec)} fields, the header has {width}",
                                        file=str(path), line=line,
                                        expected=f"{width} fields separated by {read_as.get('delimiter', ',')!r}"))
            continue
        row: dict[str, str] = {c: "" for c in OUTPUT_COLUMNS}
        extra: dict[str, str] = {h: rec[i] for i, h in enumerate(header)
                                 if i not in used and rec[i].strip()}
        values = {f: rec[i].strip() for f, i in cols.items()}
        values.update({f: str(v) for f, v in cmap.constants.items()})
        for f, value in values.items():
            if "\x00" in value:
                problems.append(ValidationError("the value holds a NUL byte", file=str(path),
                                                line=line, field=cmap.columns.get(f, f),
                                                expected="text without NUL bytes"))
                continue
            vmap = value_maps.get(f)
            if vmap is not None and value.lower() in vmap:
                mapped = vmap[value.lower()]
                if f == "event_type" and value:
                    row["raw_type"] = row["raw_type"] or value
                if mapped is None:
                    continue  # the map says: unknown
                value = mapped
            kind = MAP_FIELDS[f]
            if not value:
                continue
            if kind == "enum":
                allowed = {a.lower(): a for a in _ENUMS[f]}
                canon = allowed.get(value.lower())
                if canon is None:
                    unmapped.setdefault(f, Counter())[value] += 1
                    if f == "event_type":
                        row["raw_type"] = row["raw_type"] or value
                    else:
                        extra[f"raw_{f}"] = value
                    continue
                row[f] = canon
                continue
            if kind == "sources":
                parts = value.split(cmap.sources_separator) if cmap.sources_separator else [value]
                row[f] = " | ".join(p.strip() for p in parts if p.strip())
                continue
            norm, problem = _check(kind, value, cmap)
            if problem is not None:
                problems.append(ValidationError(f"invalid value {value!r}", file=str(path),
                                                line=line, field=cmap.columns.get(f, f),
                                                expected=problem))
                continue
            row[f] = norm or ""
        for need in ("date", "actor"):
            if not row[need] and need in cols and not any(
                    p.line == line and p.field == cmap.columns.get(need) for p in problems[-3:]):
                problems.append(ValidationError(f"the {need} is empty", file=str(path), line=line,
                                                field=cmap.columns[need],
                                                expected=f"a {need} in every row"))
        row["extra"] = json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else ""
        out.append(row)
    if problems:
        raise ProblemsError(problems)
    if not out:
        from redline.errors import EmptyInputError
        raise EmptyInputError("the file holds no events", file=str(path),
                              expected="a header row and at least one event row")
    return MappedFile(pd.DataFrame(out, columns=list(OUTPUT_COLUMNS)), unmapped_cols, unmapped,
                      read_as)
