"""Parsing option values shared by the command modules (dates, lists)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from redline.errors import InputError


def parse_date(value: Optional[str], field: str) -> Optional[dt.date]:
    """``YYYY-MM-DD`` -> date (None stays None); a clear error names the option."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"invalid date {value!r}", field=field, expected="YYYY-MM-DD") from None
