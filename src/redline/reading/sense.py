"""Sense and factuality: which triggers state an event that took place.

Negation and failure drop a trigger (a refused cooperative act becomes REJECT);
modals and infinitives drop it unless the act is real ("attempted to assassinate")
or stated as an intention (cooperation: AGREE; force: THREATEN); prospects
("is considering sanctions") are not events; disasters and accidents are no
attacks; a strike among labour words is a PROTEST.
"""

from __future__ import annotations

from redline.reading.candidates import Candidate
from redline.reading.lexicon import Lexicon
from redline.reading.mentions import Sentence
from redline.reading.roles import MODALS, _is_noun

__all__ = ["apply_sense_rules", "factual_candidates"]

NEG = frozenset({"not", "n't", "never", "no", "without", "nor", "failed", "fails", "fail",
                 "failing", "unable"})
# categories of cooperation: refused, they are REJECT; intended, AGREE
COOPERATIVE = frozenset({"RETREAT", "CONCEDE", "AID", "COOPERATE", "AGREE", "CONSULT", "SUPPORT"})
REFUSAL = frozenset({"not", "n't", "never"})
INTENT_MODALS = frozenset({"will", "shall", "'ll"})
INTENT_BEFORE_TO = frozenset({"ready", "willing", "prepared", "committed", "determined", "plans",
                              "planned", "intends", "intended", "pledged", "promised", "offered",
                              "agreed", "agrees", "decided", "expected", "set", "due", "going",
                              "scheduled", "wants", "want", "wanted"})
# verbs after which "to <verb>" reports an act that took place (or was tried)
REAL_BEFORE_TO = frozenset({"attempted", "tried", "began", "started", "moved", "managed",
                            "continued", "resumed", "proceeded", "went", "voted", "decided"})
# objects that make "launch", "fire" and "hit" no attack
NOT_ATTACKED = frozenset({"investigation", "investigations", "inquiry", "probe", "appeal", "campaign",
                          "program", "programme", "initiative", "website", "satellite", "plan",
                          "bid", "review", "study", "fundraiser", "minister", "official", "coach",
                          "employee", "staff", "workers", "manager", "crisis", "record", "market",
                          "talks", "dialogue", "process", "product", "service", "app", "drive",
                          "mediation", "effort", "legal", "lawsuit", "case", "reform",
                          "consultation", "consultations", "vaccination", "rescue"})
# nouns of sympathy and worry: an attack named after them is what a statement is
# about ("expressed condolences to the families of those killed in the attack")
SYMPATHY = frozenset({"condolences", "condolence", "sympathy", "sympathies", "respects", "grief",
                      "regret", "solidarity", "concern", "concerns", "sorrow", "tribute"})
# words before an event noun that make it a prospect, not a fact
UNREAL = frozenset({"considering", "considers", "considered", "weighing", "mulling", "possible",
                    "potential", "proposed", "planned", "threatened", "prospect", "risk",
                    "avoid", "prevent", "averting", "avert"})


def factual_candidates(s: Sentence, lex: Lexicon, bounds: list[int], modes: set[int],
                       actor_tok: set[int], hedged: bool) -> list[Candidate]:
    """One candidate per trigger that states a factual (or intended, or refused) event."""
    from redline.reading.roles import _clause

    n = len(s.lower)
    cands: list[Candidate] = []
    negated_at: list[int] = []
    for t in s.triggers:
        info = t.value[0]
        noun = _is_noun(s, t, info, modes, actor_tok)
        if not noun and (info.category, info.lemma) in lex.only_as_noun:
            continue
        c = Candidate(t, info, noun, info.category, hedged=hedged)
        # factuality: negation, infinitive, modal
        window = [s.lower[j] for j in range(max(0, t.start - 3), t.start)]
        left, right = _clause(bounds, t.start, n)
        for cut in (";", ",", ":", "but", "while", "although"):
            if cut in window:
                window = window[len(window) - window[::-1].index(cut):]
        if any(w in NEG for w in window):
            negated_at.append(t.end)
            if not noun and info.category in COOPERATIVE and any(w in REFUSAL for w in window):
                c.category = "REJECT"  # "will not release the soldiers": a refusal
                cands.append(c)
            continue
        if noun and any(w in UNREAL for w in window):
            continue  # "is considering sanctions", "possible strikes": not (yet) an event
        if not noun and info.pos == "v" and window and window[-1] in ("a", "an", "the"):
            continue  # "demanded an end": a verb-only trigger used as a noun
        if any(0 <= t.start - e <= 3 for e in negated_at) and (not noun or info.form == "ing"):
            continue  # "has not ruled out striking": the content of a negated act
        if not noun and info.form in ("base", "ed") and window and (
                window[-1] in MODALS or (len(window) > 1 and window[-2] in MODALS
                                         and (window[-1].endswith("ly") or window[-1] == "have"))):
            reported = any(w in lex.reporting_verbs for w in s.lower[max(0, t.start - 5):t.start])
            # "attempted to assassinate", "began to withdraw": the act took place
            real = window[-1] == "to" and len(window) > 1 and window[-2] in REAL_BEFORE_TO
            intent = window[-1] in INTENT_MODALS or (
                window[-1] == "to" and len(window) > 1 and window[-2] in INTENT_BEFORE_TO)
            if intent and not reported and not real:
                # a stated intention: to cooperate is AGREE, to use force is THREATEN
                if info.category == "CONSULT":
                    pass  # a planned meeting is coded as the meeting (CAMEO 04)
                elif info.category in COOPERATIVE:
                    c.category = "AGREE"
                elif info.category in ("ASSAULT", "COERCE", "SANCTION"):
                    c.category = "THREATEN"
                else:
                    continue
            elif not real and not (reported and info.category not in ("ASSAULT", "COERCE")):
                continue
        if not noun and info.form == "ing" and window and window[-1] in ("to", "for", "of", "from"):
            continue
        if info.category == "ASSAULT" and not noun and info.lemma in ("launch", "fire", "hit") and any(
                w in NOT_ATTACKED for w in s.lower[t.end:min(n, t.end + 4)]):
            continue  # "launched an investigation", "fired the minister", "hit by a crisis"
        req = lex.requires_object.get(info.category)
        if req is not None and req and info.block is None and info.lemma not in lex.no_object_needed \
                and not (noun and info.category == "AID"):  # CAMEO forms passed their patterns
            after = s.lower[t.end:min(n, t.end + 7)]
            if not any(w.rstrip("s") in req or w in req for w in after) and not (
                    info.category in ("SUPPORT", "RETREAT")
                    and any(t.end <= a.start < t.end + 4 and "agent" not in a.flags for a in s.actors)):
                continue  # "praised Egypt", "released the journalist" name their object
        cands.append(c)
    return cands


def apply_sense_rules(s: Sentence, lex: Lexicon, cands: list[Candidate]) -> list[Candidate]:
    """Disasters and accidents are no attacks, nor are attacks named as the subject
    of sympathy or concern; a labour strike is a PROTEST."""
    n = len(s.lower)
    words = set(s.lower)
    if words & lex.disaster_words:
        # "floods hit Bangladesh", "a bus crash killed 12": no attacker, no attack
        d = min(j for j, w in enumerate(s.lower) if w in lex.disaster_words)
        cands = [c for c in cands if c.category != "ASSAULT" or any(
            a.named and a.end <= min(d, c.trigger.start) for a in s.actors)]
    sym = [j for j, w in enumerate(s.lower) if w in SYMPATHY]
    if sym:
        cands = [c for c in cands if c.category != "ASSAULT" or c.trigger.start < sym[0]]
    if words & lex.labour_words or any(s.lower[j:j + 2] == ["on", "strike"] for j in range(n - 1)):
        for c in cands:
            if c.category == "ASSAULT" and c.info.lemma == "strike" and not s.modes:
                c.category = "PROTEST"  # a labour strike
    return cands
