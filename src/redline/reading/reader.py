"""``read_text`` and ``read_paths``: documents in, :class:`EventRecord` out."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from redline.errors import EncodingError, ReadingError
from redline.reading.coder import MAX_TOKENS, Candidate, DocumentState, code_sentence
from redline.reading.gazetteer import get_gazetteer
from redline.reading.lexicon import get_lexicon, normalize_quotes
from redline.reading.mentions import Mention, Sentence, analyse
from redline.reading.records import EventRecord

__all__ = ["read_text", "read_paths", "split_sentences", "DEFAULT_CASE"]

DEFAULT_CASE = "us-iran-proxies-2023"
MAX_SENTENCE_CHARS = 1000
_ABBREV = re.compile(r"(?:\b(?:[A-Z]\.){1,3}|\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sgt|Sen|Rep|Gov|St|Jan|Feb|"
                     r"Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|No|Vol|vs|Maj|Capt|Adm|Prof|Jr|Sr)\.)$")
_SENT_END = re.compile(r"[.!?]+[\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9\u0600-\u06FF])|\n\s*\n|\n(?=\s*[-*•])"
                       r"|(?<=[.!?:\"])\n|\n")


def _is_headline(line: str) -> bool:
    """A line that ends a block: short and mostly capitalised ("Strike", a title)."""
    line = line.rsplit("\n", 1)[-1]
    words = line.split()
    if not words or len(line) > 120:
        return False
    caps = sum(w[:1].isupper() or not w[:1].isalpha() for w in words)
    return len(words) <= 3 or caps >= 0.6 * len(words)


def _is_title(sentence: str) -> bool:
    """A headline: no closing punctuation and mostly capitalised words."""
    stripped = sentence.rstrip()
    return bool(stripped) and stripped[-1] not in ".!?:;\"')”’" and _is_headline(stripped) \
        and len(stripped.split()) >= 4


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)``: rule-based, every span at most
    :data:`MAX_SENTENCE_CHARS` characters (longer runs are cut at a space)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        end = m.end()
        if m.group(0).startswith(".") and _ABBREV.search(text[max(0, m.start() - 6):m.start() + 1]):
            continue
        if m.group(0) == "\n" and not _is_headline(text[start:m.start()]):
            continue  # a hard-wrapped line goes on
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        while e - s > MAX_SENTENCE_CHARS:
            cut = text.rfind(" ", s + MAX_SENTENCE_CHARS // 2, s + MAX_SENTENCE_CHARS)
            cut = cut if cut > s else s + MAX_SENTENCE_CHARS
            out.append((s, cut))
            s = cut
            while s < e and text[s].isspace():
                s += 1
        if e > s:
            out.append((s, e))
    return out


def _case_name(case: Any) -> str | None:
    if case is None:
        return DEFAULT_CASE
    if isinstance(case, str):
        return case
    return getattr(case, "name", None)


def _as_date(date: Any) -> dt.date | None:
    if date is None or isinstance(date, dt.date) and not isinstance(date, dt.datetime):
        return date
    if isinstance(date, dt.datetime):
        return date.date()
    try:
        return dt.date.fromisoformat(str(date)[:10])
    except ValueError as exc:
        raise ReadingError(f"not a date: {date!r}", field="date", expected="YYYY-MM-DD") from exc


def _resolve(m: Mention | None, s: Sentence, lex: Any, doc_text: str) -> tuple[str | None, str | None]:
    """(actor id or raw text, raw text) of a mention; the raw text is the document's
    own characters (token joins would print "Iran - backed")."""
    if m is None:
        return None, None
    a, b = s.char_span(m.start, m.end)
    raw = doc_text[a:b] or m.text
    if m.value is None and "world" in m.flags:
        return raw, raw  # a typed raw actor: its code goes to actor_code / target_code
    if m.value is None and "government" in m.flags:
        for p in s.places:
            gov = lex.governments.get(p.value.country)
            if gov:
                return gov, raw
        return raw, raw
    return m.value, raw


def _code(m: Mention | None, lex: Any) -> str | None:
    """CAMEO-style code of a mention: its world code, or the country code of the
    case actor it names."""
    if m is None:
        return None
    if m.code:
        return m.code
    from redline.reading.mentions import _country_code

    return _country_code(m, lex)


def _confidence(c: Candidate, actor: str | None, recipient: str | None, known: set[str]) -> float:
    """Documented in docs/reading.md ("Confidence")."""
    score = 0.4
    score += 0.2 if actor in known else (0.05 if actor else 0.0)
    score += 0.1 if recipient in known else 0.0
    score += 0.1 if c.date is not None else 0.0
    score += 0.05 if c.place is not None else 0.0
    score += 0.1 if (c.explicit_actor and not c.inherited) else 0.0
    score += 0.05 if (c.category == "ASSAULT" and c.mode not in (None, "other")) else 0.0
    if c.hedged:
        score -= 0.15
    if c.inherited:
        score -= 0.15
    return round(min(0.99, max(0.05, score)), 3)


def read_text(text: str, date: Any = None, case: Any = None,
              document: str = "<text>") -> list[EventRecord]:
    """Code the events a text states.

    Parameters
    ----------
    text
        The document (plain text).  Typographic quotes are normalised; character
        spans in the records refer to ``text`` as given.
    date
        Article date (``datetime.date`` or ``YYYY-MM-DD``): relative dates
        ("yesterday", "on Sunday", "last week") resolve against it.
    case
        A :class:`~redline.data.case.Case` or the name of a built-in case, whose
        actors and sites the reader resolves names to.  Default: the built-in case.
    document
        The document id carried by every record (its path for files).
    """
    if not isinstance(text, str):
        raise ReadingError(f"read_text needs str, got {type(text).__name__}", field="text",
                           expected="a str (decode bytes first, or use read_paths)")
    ref = _as_date(date)
    name = _case_name(case)
    lex = get_lexicon(name)
    gaz = get_gazetteer(name)
    known = set(lex.actor_kind)
    norm = normalize_quotes(text.replace("\x00", " "))
    spans = split_sentences(norm)
    state = DocumentState()
    records: list[EventRecord] = []
    texts = [norm[s:e] for s, e in spans]
    for i, (doc, (s0, e0)) in enumerate(zip(lex.nlp.pipe(texts, batch_size=256), spans)):
        if _is_title(norm[s0:e0]):
            continue  # a title or headline repeats the story the sentences below tell
        stext = norm[s0:e0]
        if len(doc) > MAX_TOKENS:
            doc = doc[:MAX_TOKENS].as_doc()
            stext = doc.text
        toks, idx = [], []
        for t in doc:
            toks.append(t.text)
            idx.append(t.idx)
        lower = [w.lower() for w in toks]
        if lex.discard_finder is not None and lex.discard_finder(stext.lower(), idx, toks, lower):
            continue  # sports, entertainment, disease: no political event
        sent = analyse(doc, stext, s0, i, lex, gaz, ref, tokens=(toks, lower, idx))
        cands = code_sentence(sent, lex, state)
        for c in cands:
            actor, actor_raw = _resolve(c.actor, sent, lex, norm)
            recipient, recipient_raw = _resolve(c.recipient, sent, lex, norm)
            if recipient is None and c.recipient_id:
                recipient = c.recipient_id
            spans_: dict[str, list[int]] = {"sentence": [s0, e0],
                                            "trigger": sent.char_span(c.trigger.start, c.trigger.end)}
            # an attack without a named actor continues the last one of its kind
            if actor is None and c.category == "ASSAULT" and state.recent:
                for (si, cat, a, r, lemma) in reversed(state.recent):
                    if i - si <= 3 and cat == "ASSAULT" and a and lemma == c.info.lemma:
                        actor, c.inherited = a, True
                        actor_raw = None  # carried over: this sentence does not name it
                        if recipient is None and r:
                            recipient = r
                        break
            if actor == recipient:
                recipient, recipient_raw = None, None
            if c.actor is not None:
                spans_["actor"] = sent.char_span(c.actor.start, c.actor.end)
            if c.recipient is not None and recipient is not None:
                spans_["recipient"] = sent.char_span(c.recipient.start, c.recipient.end)
            if c.mode_m is not None:
                spans_["mode"] = sent.char_span(c.mode_m.start, c.mode_m.end)
            place = c.place.value if c.place is not None else None
            if c.place is not None:
                spans_["location"] = sent.char_span(c.place.start, c.place.end)
            if c.date is not None:
                spans_["date"] = sent.char_span(c.date.start, c.date.end)
            spans_.update(c.cas_spans)
            rec = EventRecord(
                event_type=c.category,
                mode=c.mode,
                actor=actor,
                recipient=recipient,
                actor_raw=actor_raw,
                recipient_raw=recipient_raw,
                location=place.name if place else None,
                country=place.country if place else None,
                latitude=place.latitude if place else None,
                longitude=place.longitude if place else None,
                date=c.date.value.date if c.date else None,
                date_precision=c.date.value.precision if c.date else None,
                killed=c.killed,
                injured=c.injured,
                claimed_by=actor if c.claimed else None,
                trigger=c.trigger.text,
                sentence=text[s0:e0],
                sentence_index=i,
                spans=spans_,
                confidence=_confidence(c, actor, recipient, known),
                hedged=c.hedged,
                document=document,
                document_date=ref,
                actor_code=_code(c.actor, lex) if actor_raw is not None or c.actor is not None else None,
                target_code=_code(c.recipient, lex) if recipient is not None else None,
            )
            if c.claimed and c.actor is not None:
                spans_["claimed_by"] = spans_["actor"]
            records.append(rec)
            if c.category == "ASSAULT" and actor:
                state.last_assault_actor = (actor, spans_.get("actor"))
                state.recent.append((i, c.category, actor, recipient, c.info.lemma))
    return records


# ---------------------------------------------------------------- files

_TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise EncodingError(
            f"not valid UTF-8 at byte offset {exc.start} ({exc.reason})",
            file=str(path), line=line, expected="a UTF-8 text or HTML file",
        ) from exc


def _html_text(html: str, path: Path) -> tuple[str, dt.date | None]:
    import trafilatura

    try:
        body = trafilatura.extract(html, include_comments=False, include_tables=False,
                                   favor_recall=True, with_metadata=False)
        meta = trafilatura.extract_metadata(html)
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        raise ReadingError(f"HTML could not be parsed: {exc}", file=str(path)) from exc
    when = None
    if meta is not None and getattr(meta, "date", None):
        try:
            when = dt.date.fromisoformat(str(meta.date)[:10])
        except ValueError:
            when = None
    return body or "", when


def _iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in _TEXT_SUFFIXES | _HTML_SUFFIXES \
                        and not f.name.startswith("."):
                    yield f
        elif p.is_file():
            yield p
        else:
            raise ReadingError("no such file or folder", file=str(p))


def read_paths(paths: str | Path | Iterable[str | Path], date: Any = None,
               case: Any = None) -> list[EventRecord]:
    """Read text and HTML files (and folders of them, recursively).

    HTML main text comes from trafilatura; an HTML file's own publication date is
    used when ``date`` is not given.  Undecodable bytes raise
    :class:`~redline.errors.EncodingError` naming the file, line and byte offset.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    out: list[EventRecord] = []
    for f in _iter_files(paths):
        raw = f.read_bytes()
        text = _decode(raw, f)
        when = _as_date(date)
        if f.suffix.lower() in _HTML_SUFFIXES or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
            text, meta_date = _html_text(text, f)
            when = when or meta_date
        out.extend(read_text(text, date=when, case=case, document=str(f)))
    return out
