"""The coder's working objects: a candidate event and what a document carries over."""

from __future__ import annotations

from dataclasses import dataclass, field

from redline.reading.lexicon import TriggerInfo
from redline.reading.mentions import Mention

__all__ = ["Candidate", "DocumentState"]


@dataclass
class DocumentState:
    """What earlier sentences of the same document tell later ones."""

    last_assault_actor: tuple[str | None, list[int] | None] = (None, None)
    recent: list[tuple[int, str, str | None, str | None, str]] = field(default_factory=list)


@dataclass
class Candidate:
    trigger: Mention
    info: TriggerInfo
    noun: bool
    category: str
    actor: Mention | None = None
    recipient: Mention | None = None
    recipient_id: str | None = None
    actor_id: str | None = None
    explicit_actor: bool = False
    inherited: bool = False
    mode: str | None = None
    mode_m: Mention | None = None
    place: Mention | None = None
    date: Mention | None = None
    killed: int | None = None
    injured: int | None = None
    cas_spans: dict[str, list[int]] = field(default_factory=dict)
    claimed: bool = False
    definite: bool = False
    content_of: Candidate | None = None
    drop: bool = False
    hedged: bool = False
