"""The reader's output: :class:`EventRecord`, and its tables and JSON forms."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

__all__ = ["EventRecord", "to_frame", "to_plover", "records_to_events", "RECORD_FIELDS"]


@dataclass
class EventRecord:
    """One event coded from one sentence.

    ``spans`` maps a field name (``trigger``, ``actor``, ``recipient``, ``location``,
    ``date``, ``killed``, ``injured``, ``mode``, ``claimed_by``, ``sentence``) to
    ``[start, end]`` character offsets in the document (end exclusive).
    ``actor``/``recipient`` are case actor ids when they resolve, else the raw text.
    ``actor_code``/``target_code`` are CAMEO-style codes (country + sector, e.g.
    ``IRQMIL``; an organisation, ``IGOUNO``; a bare sector, ``COP``) when known.
    """

    event_type: str
    mode: str | None
    actor: str | None
    recipient: str | None
    actor_raw: str | None = None
    recipient_raw: str | None = None
    location: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    date: dt.date | None = None
    date_precision: str | None = None
    killed: int | None = None
    injured: int | None = None
    claimed_by: str | None = None
    trigger: str = ""
    sentence: str = ""
    sentence_index: int = 0
    spans: dict[str, list[int]] = field(default_factory=dict)
    confidence: float = 0.5
    hedged: bool = False
    document: str = "<text>"
    document_date: dt.date | None = None
    actor_code: str | None = None
    target_code: str | None = None

    @property
    def event_id(self) -> str:
        """Stable id: ``text:`` + hash of document, sentence span and type."""
        sent = self.spans.get("sentence", [0, 0])
        trig = self.spans.get("trigger", [0, 0])
        key = f"{self.document}|{sent[0]}-{sent[1]}|{trig[0]}|{self.event_type}"
        return "text:" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["event_id"] = self.event_id
        return d


RECORD_FIELDS = ["event_id", *EventRecord.__dataclass_fields__]


def to_frame(records: Iterable[EventRecord]) -> pd.DataFrame:
    """One row per record, columns :data:`RECORD_FIELDS` (spans as JSON text)."""
    rows = []
    for r in records:
        d = r.as_dict()
        d["spans"] = json.dumps(d["spans"], sort_keys=True)
        rows.append(d)
    return pd.DataFrame(rows, columns=RECORD_FIELDS)


def to_plover(records: Iterable[EventRecord]) -> list[dict[str, Any]]:
    """PLOVER/POLECAT-style JSON objects (one per record; ``json.dumps`` each for JSON lines).

    Fields: ``id``, ``date``, ``date_precision``, ``date_source`` (``sentence``, or
    ``document`` when only the article date is known), ``event_type``, ``mode``, ``context``,
    ``actor``, ``actor_raw``, ``recipient``, ``recipient_raw``, ``location`` (a
    list of one object with ``name``, ``country``, ``lat``, ``lon``), ``fatalities``,
    ``injuries``, ``claimed_by``, ``event_text``, ``source`` (the document),
    ``confidence``, ``spans``.
    """
    out = []
    for r in records:
        loc = []
        if r.location or r.country:
            loc.append({"name": r.location, "country": r.country, "lat": r.latitude,
                        "lon": r.longitude})
        # Like records_to_events: without a date in its sentence an event is dated by
        # the document (it happened by then), at week precision, and says so.
        dated = r.date or r.document_date
        out.append({
            "id": r.event_id,
            "date": dated.isoformat() if dated else None,
            "date_precision": r.date_precision if r.date else ("week" if dated else None),
            "date_source": "sentence" if r.date else ("document" if dated else None),
            "event_type": r.event_type,
            "mode": r.mode,
            "context": ["hedged"] if r.hedged else [],
            "actor": r.actor,
            "actor_raw": r.actor_raw,
            "recipient": r.recipient,
            "recipient_raw": r.recipient_raw,
            "location": loc,
            "fatalities": r.killed,
            "injuries": r.injured,
            "claimed_by": r.claimed_by,
            "event_text": r.sentence,
            "source": r.document,
            "confidence": round(r.confidence, 3),
            "spans": r.spans,
        })
    return out


def records_to_events(records: Iterable[EventRecord], document_id: str) -> pd.DataFrame:
    """The store's canonical columns (``redline.data.schema.EVENT_COLUMNS``).

    A record without a date stated in its sentence takes the document's date with
    precision ``week`` (the event was reported by then); ``provenance`` says which.
    Casualties are the victims of the event, so they fill both ``killed`` and
    ``target_killed`` (and the same for injured).
    """
    from redline.data.schema import column_names

    rows = []
    for r in records:
        r = EventRecord(**{**{k: getattr(r, k) for k in EventRecord.__dataclass_fields__},
                           "document": document_id})
        date, prec, date_source = r.date, r.date_precision, "sentence"
        if date is None and r.document_date is not None:
            date, prec, date_source = r.document_date, "week", "document"
        rows.append({
            "event_id": r.event_id,
            "date": date,
            "time": None,
            "date_precision": prec,
            "actor": r.actor,
            "actor_raw": r.actor_raw,
            "target": r.recipient,
            "target_raw": r.recipient_raw,
            "event_type": r.event_type,
            "raw_type": r.trigger,
            "mode": r.mode,
            "intensity": None,
            "country": r.country,
            "place": r.location,
            "latitude": r.latitude,
            "longitude": r.longitude,
            "killed": r.killed,
            "injured": r.injured,
            "target_killed": r.killed,
            "target_injured": r.injured,
            "claimed_by": r.claimed_by,
            "summary": r.sentence[:500],
            "sources": [document_id],
            "confidence": r.confidence,
            "machine_coded": True,
            "provenance": json.dumps({"document": document_id, "sentence": r.sentence_index,
                                      "spans": r.spans, "date_source": date_source,
                                      "reader": "redline.reading"}, sort_keys=True),
            "source_format": "text",
            "ingest_id": None,
        })
    df = pd.DataFrame(rows, columns=column_names())
    for c in ("killed", "injured", "target_killed", "target_injured"):
        df[c] = df[c].astype("Int64")
    return df
