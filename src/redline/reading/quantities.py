"""Numbers and dates as news text writes them.

:func:`find_numbers` reads "three", "40", "1,200", "two dozen", "a dozen" (hedges
such as "about" and "at least" are left to the caller: the number is the figure
given).  :func:`find_dates` resolves absolute dates, weekdays, "yesterday", "last
week", "earlier this month" ... against the article date, with a precision.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["NumberMention", "DateMention", "find_numbers", "find_dates", "word_number"]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000, "dozen": 12}
_WORD = "|".join(sorted([*_UNITS, *_TENS, *_SCALES], key=len, reverse=True))
_NUM_RE = re.compile(
    rf"(?<![\w.])(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?![\w.,]\d)"
    rf"|\b(?:a\s+|an\s+)?(?:{_WORD})(?:[\s\-]+(?:and\s+)?(?:{_WORD}))*\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NumberMention:
    start: int
    end: int
    value: int


def word_number(text: str) -> int | None:
    """``"forty-two"`` -> 42, ``"two dozen"`` -> 24, ``"a hundred"`` -> 100."""
    words = [w for w in re.split(r"[\s\-]+", text.lower()) if w and w != "and"]
    if not words:
        return None
    if words[0] in ("a", "an"):
        words[0] = "one"
    total, current = 0, 0
    for w in words:
        if w in _UNITS:
            current += _UNITS[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w in _SCALES:
            current = max(current, 1) * _SCALES[w]
            if _SCALES[w] >= 1000:
                total, current = total + current, 0
        else:
            return None
    return total + current


def find_numbers(text: str) -> list[NumberMention]:
    out = []
    for m in _NUM_RE.finditer(text):
        raw = m.group(0)
        if raw[0].isdigit():
            if len(raw) > 9:
                continue
            value = int(raw.replace(",", ""))
        else:
            if raw.lower() in ("a", "an"):
                continue
            v = word_number(raw)
            if v is None:
                continue
            value = v
        out.append(NumberMention(m.start(), m.end(), value))
    return out


# ---------------------------------------------------------------- dates

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"], start=1)}
_MON_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
             "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
_WEEKDAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_MON = (r"(?P<mon>January|February|March|April|May|June|July|August|September|October|"
        r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?")
_MON2 = _MON.replace("?P<mon>", "?P<mon2>")

_DATE_RE = re.compile(
    r"(?P<iso>\b(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})\b)"
    rf"|(?P<mdy>\b{_MON}\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>\d{{4}}))?\b)"
    rf"|(?P<dmy>\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON2}(?:,?\s+(?P<y2>\d{{4}}))?\b)"
    r"|(?P<my>\b(?:(?:in|since|during|early|late|until|by)\s+(?:mid-?\s*)?|mid-?\s*)(?P<mon3>January|February|March|April|May|June|July|August|September|October|November|December)(?:\s+(?P<y3>\d{4}))?\b(?!\s+\d{1,2}\b))"
    r"|(?P<wd>\b(?:last\s+|on\s+|this\s+past\s+)?(?P<wday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)"
    r"|(?P<rel>\b(?:yesterday|today|tonight|the day before yesterday|last night|this morning|"
    r"(?:last|previous|past)\s+(?:week|month|year)|earlier\s+this\s+(?:week|month|year)|"
    r"this\s+(?:week|month)|(?:a|one|two|three|four|five|six|\d+)\s+(?:days?|weeks?)\s+ago)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    date: dt.date
    precision: str  # day, week, month, year


def _month(name: str) -> int:
    n = name.lower().rstrip(".")
    return _MONTHS.get(n) or _MON_ABBR[n[:4] if n.startswith("sept") else n[:3]]


def _year_for(month: int, day: int, ref: dt.date | None) -> int | None:
    if ref is None:
        return None
    try:
        cand = dt.date(ref.year, month, day)
    except ValueError:
        return None
    # a date more than a month after the article is last year's
    return ref.year - 1 if cand > ref + dt.timedelta(days=31) else ref.year


def _safe(y: int | None, m: int, d: int) -> dt.date | None:
    if y is None:
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str, ref: dt.date | None) -> list[DateMention]:
    """Date expressions in ``text`` resolved against ``ref`` (the article date).

    Relative expressions without ``ref`` are skipped; "in January" gets month
    precision; weekdays are the latest such day on or before ``ref``.
    """
    out: list[DateMention] = []
    for m in _DATE_RE.finditer(text):
        g = m.groupdict()
        mon_txt = g["mon"] or g["mon2"] or g["mon3"]
        if mon_txt and not mon_txt[0].isupper():
            continue  # "march", "may" as verbs
        date: dt.date | None = None
        prec = "day"
        if g["iso"]:
            date = _safe(int(g["iy"]), int(g["im"]), int(g["id"]))
        elif g["mdy"] or g["dmy"]:
            mon = _month(g["mon"] or g["mon2"])
            day = int(g["d1"] or g["d2"])
            year = g["y1"] or g["y2"]
            date = _safe(int(year) if year else _year_for(mon, day, ref), mon, day)
            if g["mon"] and g["mon"].lower() == "may" and not g["d1"]:
                date = None
        elif g["my"]:
            mon = _month(g["mon3"])
            year = int(g["y3"]) if g["y3"] else _year_for(mon, 1, ref)
            date, prec = _safe(year, mon, 1), "month"
        elif g["wd"] and ref is not None:
            target = _WEEKDAYS[g["wday"].lower()]
            back = (ref.weekday() - target) % 7
            if g["wd"].lower().startswith("last") and back == 0:
                back = 7
            date = ref - dt.timedelta(days=back)
        elif g["rel"] and ref is not None:
            r = " ".join(g["rel"].lower().split())
            if r in ("today", "tonight", "this morning"):
                date = ref
            elif r in ("yesterday", "last night"):
                date = ref - dt.timedelta(days=1)
            elif r == "the day before yesterday":
                date = ref - dt.timedelta(days=2)
            elif r.endswith("ago"):
                n_word, unit = r.split()[0], r.split()[1]
                n = int(n_word) if n_word.isdigit() else (word_number(n_word) or 1)
                days = n * (7 if unit.startswith("week") else 1)
                date, prec = ref - dt.timedelta(days=days), "day" if unit.startswith("day") else "week"
            elif r.endswith("week"):
                start = ref - dt.timedelta(days=ref.weekday())
                date = start - dt.timedelta(days=7) if ("last" in r or "previous" in r or "past" in r) else start
                prec = "week"
            elif r.endswith("month"):
                if "last" in r or "previous" in r or "past" in r:
                    first = ref.replace(day=1) - dt.timedelta(days=1)
                    date = first.replace(day=1)
                else:
                    date = ref.replace(day=1)
                prec = "month"
            elif r.endswith("year"):
                y = ref.year - 1 if ("last" in r or "previous" in r or "past" in r) else ref.year
                date, prec = dt.date(y, 1, 1), "year"
        if date is not None:
            out.append(DateMention(m.start(), m.end(), date, prec))
    return out
