"""Parsing option values shared by the command modules (dates, lists)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from redline.errors import InputError


def parse_date(value: str | None, field: str) -> dt.date | None:
    """``YYYY-MM-DD`` -> date (None stays None); a clear error names the option."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"invalid date {value!r}", field=field, expected="YYYY-MM-DD") from None


def writable_dir(path: Path | None, field: str) -> Path | None:
    """Create the output folder now, before any work, or say why it cannot be."""
    if path is None:
        return None
    if path.exists() and not path.is_dir():
        raise InputError(f"cannot write to {path}: it is a file, not a folder", field=field,
                         expected="a folder that can be created and written")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot write to {path}: {exc.strerror or exc}", field=field,
                         expected="a folder that can be created and written") from None
    if not os.access(path, os.W_OK):
        raise InputError(f"cannot write to {path}: permission denied", field=field,
                         expected="a folder that can be written")
    return path


def writable_file(path: Path | None, field: str) -> Path | None:
    """Check the output file can be written (its folder exists or can be made) before any work."""
    if path is None:
        return None
    if path.is_dir():
        raise InputError(f"{path} is a folder", field=field, expected="a file name, e.g. brief.html")
    writable_dir(path.parent if str(path.parent) else Path("."), field)
    return path
