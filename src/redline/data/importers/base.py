"""What every importer provides, and the registry that picks one for a file.

An importer does not load a file into Python.  It tells DuckDB how to read the
file as text columns (``relation_sql``) and how to turn those into the canonical
event columns (``select_exprs``, SQL with the checks of :mod:`redline.data.fields`
built in).  The store runs that in one transaction.  Only when DuckDB rejects a
value does the importer scan the file in Python (``iter_rows``) to name the line.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from redline.data.fields import python_problem
from redline.errors import (
    EmptyInputError,
    EncodingError,
    InputError,
    SchemaError,
    UnknownFormatError,
    ValidationError,
)

if TYPE_CHECKING:
    from _csv import _QuotingType

__all__ = ["Importer", "register", "importer_for", "sniff_format", "FORMATS", "sql_str",
           "casualty_exprs",
           "nullif", "csv_header"]

FORMATS: dict[str, type[Importer]] = {}


def register(cls: type[Importer]) -> type[Importer]:
    FORMATS[cls.format] = cls
    return cls


def sql_str(value: str) -> str:
    """Quote a Python string as an SQL literal."""
    return "'" + str(value).replace("'", "''") + "'"


def nullif(col: str) -> str:
    """Raw text column -> NULL when empty or blank (unknown is NULL, never '')."""
    return f"nullif(trim(\"{col}\"), '')"


CASUALTY_COLUMNS = ("killed", "injured", "target_killed", "target_injured")


def casualty_exprs(col) -> dict[str, str]:
    """The checked casualty columns of formats that name them as redline does;
    ``col(name)`` gives the SQL of a raw column (NULL when the file lacks it)."""
    from redline.data.fields import sql_checked
    return {name: sql_checked("count", col(name)) for name in CASUALTY_COLUMNS}


GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"


def is_gzip(path: Path) -> bool:
    """True when ``path`` starts with the gzip magic bytes (whatever its name)."""
    with open(path, "rb") as fh:
        return fh.read(2) == GZIP_MAGIC


def open_bytes(path: Path):
    """``path`` opened for reading bytes, decompressed when it is gzipped."""
    return gzip.open(path, "rb") if is_gzip(path) else open(path, "rb")


def csv_header(path: Path, delimiter: str = ",", quoting: _QuotingType = csv.QUOTE_MINIMAL) -> list[str]:
    """The first row of a delimited text file (its header, or its first record for
    headerless formats), decoded strictly as UTF-8; gzipped files are read through."""
    with open_bytes(path) as fh:
        first = fh.readline()
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EncodingError(f"byte 0x{first[exc.start]:02x} at column {exc.start + 1} is not valid UTF-8",
                            file=str(path), line=1, expected=encoding_hint(first)) from None
    return next(csv.reader([text.rstrip("\r\n")], delimiter=delimiter, quoting=quoting)) \
        if text.strip() else []


def encoding_hint(raw_line: bytes) -> str:
    """What to do about a line that is not UTF-8: when it reads as Windows-1252 text (what
    spreadsheet programs save by default), say so and how to convert it."""
    try:
        text = raw_line.decode("cp1252")
    except UnicodeDecodeError:
        return "a UTF-8 text file"
    pos = next((i for i, ch in enumerate(text) if ord(ch) > 127), None)
    if pos is None:
        return "a UTF-8 text file"
    excerpt = text[max(0, pos - 20): pos + 20].strip()
    return ("a UTF-8 text file; this line reads as Windows-1252 text "
            f"({excerpt!r}): save the file as UTF-8 (Excel: Save As > 'CSV UTF-8'; LibreOffice: "
            "character set 'Unicode (UTF-8)'), or convert it with "
            "`iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.utf8.csv`")


def sniff_delimiter(header: str, wanted: set[str], candidates: str = ",;\t") -> str | None:
    """The delimiter among ``candidates`` that splits ``header`` into columns including all
    of ``wanted`` (lower case), or None.  Spreadsheets in many locales save with ``;``."""
    for d in candidates:
        cols = {c.strip().strip('"\ufeff').lower() for c in header.rstrip("\r\n").split(d)}
        if wanted <= cols:
            return d
    return None


@contextlib.contextmanager
def regular_line_endings(path: Path, notes: list[str]) -> Iterator[Path]:
    r"""``path``, or a copy with every line ending as LF when the file mixes them.

    DuckDB reads LF and CRLF files, but not a file that mixes them or ends lines with
    ``\r\r\n`` (as a file saved by a spreadsheet and then edited elsewhere often does).
    Such a file (and an old Mac file, CR only) is copied once with each ``\r+\n`` or
    lone ``\r`` made ``\n``, so its line numbers stay those an editor shows; ``notes``
    says so.  Files whose first 64 KiB hold no ``\r`` (and gzipped and Parquet files, whose
    bytes are not text: rewriting them would corrupt them) are not scanned.
    """
    import re
    import shutil
    import tempfile

    with open(path, "rb") as fh:
        head = fh.read(65536)
    if b"\r" not in head or head[:2] == GZIP_MAGIC or head[:4] == PARQUET_MAGIC:
        yield path
        return
    crlf = cr = lf = 0
    prev = b""
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            both = prev + chunk[:1]
            crlf += chunk.count(b"\r\n") + (both == b"\r\n")
            cr += chunk.count(b"\r")
            lf += chunk.count(b"\n")
            prev = chunk[-1:]
    if cr == crlf == lf:
        yield path  # all CRLF: DuckDB reads it as it is
        return
    tmp = Path(tempfile.mkdtemp(prefix="redline-eol-"))
    try:
        target = tmp / path.name
        ending = re.compile(rb"\r+\n|\r")
        with open(path, "rb") as src, open(target, "wb") as dst:
            carry = b""
            for chunk in iter(lambda: src.read(1 << 22), b""):
                data = carry + chunk
                # a run of \r at the end may continue in the next chunk
                cut = len(data.rstrip(b"\r"))
                data, carry = data[:cut], data[cut:]
                dst.write(ending.sub(b"\n", data))
            dst.write(ending.sub(b"\n", carry))
        notes.append(f"mixed line endings ({crlf:,} CRLF, {lf - crlf:,} LF, {cr - crlf:,} lone CR) "
                     "read as one line each" if lf else "old Mac line endings (CR) read as lines")
        yield target
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class Importer(ABC):
    """Reads one format.  Subclasses set ``format`` and implement the hooks."""

    format: str = ""
    #: (raw column, check kind) pairs, used to locate a bad value by line
    checks: list[tuple[str, str]] = []
    delimiter: str = ","
    has_header: bool = True
    #: the raw column holding the source's own id (None: ids are hashes of key fields)
    id_column: str | None = None

    def __init__(self, path: Path, aliases: dict[str, str] | None = None) -> None:
        self.path = Path(path)
        self.aliases = aliases or {}
        #: what the importer did to read the file that the user should know (ingest summary)
        self.notes: list[str] = []

    # -- hooks -------------------------------------------------------------
    @classmethod
    @abstractmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        """True when the first bytes of ``path`` look like this format."""

    def native_id(self, event_id: str) -> str:
        """The source's own id inside a stored ``<prefix>:<id>`` event id."""
        return event_id.split(":", 1)[1] if ":" in event_id else event_id

    @contextlib.contextmanager
    def opened(self) -> Iterator[Path]:
        """The plain file DuckDB should read (importers of zips extract here); a file
        with mixed line endings is read through a copy with regular ones."""
        with regular_line_endings(self.path, self.notes) as readable:
            yield readable

    @abstractmethod
    def relation_sql(self, path: Path) -> str:
        """SQL for a relation of raw text columns read from ``path``."""

    @abstractmethod
    def select_exprs(self) -> dict[str, str]:
        """Canonical column -> SQL expression over the raw columns.

        Must include ``event_id``; columns left out are NULL.  Expressions use the
        checks of :mod:`redline.data.fields` so a bad value raises in DuckDB.
        """

    def validate_header(self, path: Path) -> None:  # noqa: B027 - an optional hook, not abstract
        """Raise :class:`SchemaError` when required columns are missing."""

    def raw_columns(self, path: Path) -> list[str]:
        return csv_header(path, self.delimiter)

    def release_from_name(self) -> str | None:
        """The source release the file name gives (UCDP ``ged231`` -> ``'23.1'``), if any."""
        return None

    def lines_of_id(self, path: Path, native: str) -> list[int]:
        """Line numbers of the rows whose id column holds ``native`` (for error reports)."""
        column = self.id_column
        if not column:
            return []
        return [ln for ln, row in self.iter_rows(path) if row.get(column, "").strip() == native]

    # -- diagnosis ---------------------------------------------------------
    def iter_rows(self, path: Path) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, raw row) pairs, decoding strictly, for error reports."""
        with open_bytes(path) as fb:
            raw = io.TextIOWrapper(fb, encoding="utf-8", errors="strict", newline="")
            reader = csv.reader(raw, delimiter=self.delimiter,
                                quoting=csv.QUOTE_NONE if self.delimiter == "\t" else csv.QUOTE_MINIMAL)
            header: list[str] | None = None if self.has_header else self.raw_columns(path)
            line = 0
            try:
                for row in reader:
                    if header is None:
                        header = [h.lstrip("\ufeff") for h in row]
                        line = reader.line_num
                        continue
                    start = line + 1
                    line = reader.line_num
                    if not row:
                        continue
                    if len(row) != len(header):
                        raise SchemaError(f"row has {len(row)} fields, the header has {len(header)}",
                                          file=str(self.path), line=start,
                                          expected=f"{len(header)} {self.format} fields per row")
                    yield start, dict(zip(header, row))
            except UnicodeDecodeError:
                bad_line, bad_bytes = _first_bad_line(path)
                raise EncodingError("the file is not valid UTF-8", file=str(self.path),
                                    line=bad_line, expected=encoding_hint(bad_bytes)) from None

    def diagnose(self, path: Path, db_message: str) -> InputError:
        """Find the first row that fails a check; fall back to DuckDB's message."""
        for line, row in self.iter_rows(path):
            for col, kind in self.checks:
                problem = python_problem(kind, row.get(col))
                if problem and "," in (row.get(col) or "") and \
                        not python_problem(kind, row[col].replace(",", ".")):
                    problem += f" (with a decimal point: {row[col].replace(',', '.')!r})"
                if problem:
                    return ValidationError(f"invalid value {row.get(col)!r}", file=str(self.path),
                                           line=line, field=col, expected=problem)
            extra = self.row_problem(row)
            if extra:
                field, value, expected = extra
                return ValidationError(f"invalid value {value!r}", file=str(self.path), line=line,
                                       field=field, expected=expected)
        first = db_message.strip().splitlines()[0] if db_message.strip() else "unreadable file"
        return InputError(f"could not read the file as {self.format}: {first}", file=str(self.path))

    def row_problem(self, row: dict[str, str]) -> tuple[str, str, str] | None:
        """Format-specific checks beyond :data:`checks` (field, value, expected)."""
        return None


def _first_bad_line(path: Path) -> tuple[int | None, bytes]:
    """The number and bytes of the first line that is not valid UTF-8 (a multi-byte
    character never holds a newline byte, so lines can be checked one by one)."""
    with open_bytes(path) as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number, raw
    return None, b""


def sniff_format(path: Path) -> str:
    """Tell the format of ``path`` from its name and first bytes."""
    path = Path(path)
    if path.is_dir():
        if (path / "case.yaml").exists():
            return "case"
        raise UnknownFormatError("a folder can be ingested only as a case (it has no case.yaml)",
                                 file=str(path), expected="a folder with case.yaml")
    if not path.exists():
        raise InputError("file not found", file=str(path))
    try:
        with open_bytes(path) as fh:  # a gzipped file is sniffed by its content
            head = fh.read(65536)
    except (OSError, EOFError) as exc:
        raise InputError(f"not a readable gzip file: {exc}", file=str(path),
                         expected="a complete .gz file, or the plain file") from None
    if not head.strip():
        raise EmptyInputError("the file is empty", file=str(path),
                              expected="a header row and at least one event")
    head = head.replace(b"\r\n", b"\n").replace(b"\r", b"\n")  # sniffers see lines, whatever the endings
    for name, cls in FORMATS.items():
        if cls.sniff(path, head):
            return name
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    if first.count(",") >= 2 and not first.lstrip().startswith("{"):
        # A header row that is no known format: most often redline's own CSV with a
        # column missing or misspelt, so say which.
        from redline.data.importers.redline_csv import REQUIRED
        cols = {c.strip().strip('"\ufeff').lower() for c in first.split(",")}
        missing = [c for c in REQUIRED if c not in cols]
        if missing:
            raise UnknownFormatError(
                f"a CSV, but not redline's: missing column {missing[0]!r}", file=str(path),
                line=1, field=missing[0],
                expected="redline CSV columns " + ", ".join(REQUIRED) + " (see docs/formats.md), "
                "or --format acled|icews|... for other layouts")
    raise UnknownFormatError(
        "cannot tell the format of this file", file=str(path),
        expected="--format one of " + ", ".join(sorted(FORMATS)) + " (see `redline ingest --help`)")


def importer_for(fmt: str) -> type[Importer]:
    try:
        return FORMATS[fmt]
    except KeyError:
        raise UnknownFormatError(f"unknown format {fmt!r}",
                                 expected="one of " + ", ".join(sorted(FORMATS))) from None
