"""Key judgments: short statements generated from computed results, never typed by hand.

Each :class:`Judgment` is a sentence template whose fields are filled with
:class:`Quantity` objects (a number, its interval, its unit) taken from the
analysis, model, backtest or scenario objects, plus the source refs of the
events behind them.  Rendered, every number carries ``data-key`` and
``data-value`` attributes (full precision), so a test can parse the brief and
check each one against the object that computed it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from redline.analysis.intervals import clopper_pearson
from redline.reports.plainwords import method_words
from redline.reports.sources import SourceList

__all__ = ["Quantity", "Judgment", "fmt_num", "fmt_p", "fmt_date", "date_markup", "quantity_markup",
           "noun", "proper_nouns", "covariate_label", "covariate_phrase", "confounder_label",
           "clopper_pearson", "deterrence_judgment", "phase_judgment", "coupling_judgments",
           "reciprocity_judgment", "skill_judgment", "coverage_judgment", "countable", "MAX_JUDGMENTS"]

MAX_JUDGMENTS = 8
_FIELD = re.compile(r"\{([a-z_0-9]+)\}")


def fmt_num(v: float, kind: str = "number", digits: int | None = None) -> str:
    """A number for reading: percentages for shares, fewer decimals for big values.

    ``kind="p"`` is a p-value with its sign of relation: ``p = 0.012`` (two significant
    digits) or ``p < 0.001``; a p-value is never printed as ``0.00``.
    """
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if kind == "p":
        return "p " + fmt_p(v)
    if isinstance(v, float) and math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if kind == "share":
        pct = 100 * v
        if pct != 0 and abs(pct) < 1:  # 0.5% is not "0%" (nor "1%")
            return f"{pct:.2g}%".replace("-", "−")
        return f"{pct:.0f}%".replace("-", "−")
    if kind == "count":
        return f"{int(round(v)):,}"
    if kind == "signed":
        s = fmt_num(abs(v), "number", digits)
        return ("+" if v >= 0 else "−") + s
    a = abs(v)
    if digits is None:
        digits = 0 if a >= 100 else (1 if a >= 10 else 2)
    return f"{v:,.{digits}f}".replace("-", "−")


def fmt_p(p: float) -> str:
    """``= 0.012`` (two significant digits; three decimals below 0.01) or ``< 0.001``.

    The relation and the value of a p-value, so ``"p " + fmt_p(p)`` reads ``p < 0.001``.
    """
    if p is None or math.isnan(p):
        return "= n/a"
    if p < 0.001:
        return "< 0.001"
    if p < 0.01:
        return f"= {p:.3f}"
    return "= " + f"{min(float(p), 1.0):#.2g}".rstrip(".")


def fmt_date(d: Any) -> str:
    return pd.Timestamp(d).strftime("%-d %b %Y")


def date_markup(d: Any) -> Markup:
    ts = pd.Timestamp(d)
    return Markup('<time datetime="{}">{}</time>').format(ts.date().isoformat(), fmt_date(ts))


def _attr(v: float | None) -> str:
    if v is None:
        return ""
    return repr(float(v))


@dataclass(frozen=True)
class Quantity:
    """A number a judgment states, with its interval and where it came from.

    ``kind``: ``number``, ``signed`` (sign shown), ``share`` (0..1 shown as %),
    ``count``, ``ratio``.  ``low``/``high`` are the ``level`` interval, or None.
    """

    key: str
    value: float
    low: float | None = None
    high: float | None = None
    unit: str = ""
    kind: str = "number"
    level: float = 0.95
    digits: int | None = None
    basis: str = ""
    how: str = ""

    def text(self, v: float) -> str:
        return fmt_num(v, self.kind, self.digits)

    @property
    def has_interval(self) -> bool:
        return self.low is not None and self.high is not None


def quantity_markup(q: Quantity, interval: bool = True, how: str = "") -> Markup:
    """``<span class="q" data-key=...>`` with value, unit and interval spans.

    The hover text says how the number was made in words (``q.how``, else ``how``, else
    the code-free part of ``q.basis``); the basis itself, which names code, stays in
    ``data-basis`` for whoever traces the number.
    """
    unit = Markup(" {}").format(q.unit) if q.unit and q.kind != "share" else Markup("")
    val = Markup('<span class="v" data-key="{k}" data-role="value" data-value="{a}">{t}</span>').format(
        k=q.key, a=_attr(q.value), t=q.text(q.value))
    ci = Markup("")
    if interval and q.has_interval:
        assert q.low is not None and q.high is not None  # has_interval
        lo = Markup('<span class="lo" data-key="{k}" data-role="low" data-value="{a}">{t}</span>').format(
            k=q.key, a=_attr(q.low), t=q.text(q.low))
        hi = Markup('<span class="hi" data-key="{k}" data-role="high" data-value="{a}">{t}</span>').format(
            k=q.key, a=_attr(q.high), t=q.text(q.high))
        if q.level >= 1:  # a range of values, not a confidence interval
            ci = Markup(' <span class="ci">(range {} to {})</span>').format(lo, hi)
        else:
            lvl = Markup('<span class="lvl" data-key="{k}" data-role="level" data-value="{a}">{t}</span>'
                         ).format(k=q.key, a=_attr(q.level), t=f"{100 * q.level:.0f}%")
            ci = Markup(' <span class="ci">({} interval {} to {})</span>').format(lvl, lo, hi)
    words = q.how or how or method_words(q.basis)
    title = Markup(' title="{}"').format(words) if words else Markup("")
    if q.basis:
        title += Markup(' data-basis="{}"').format(q.basis)
    return Markup('<span class="q" data-key="{}"{}>{}{}{}</span>').format(q.key, title, val, unit, ci)


@dataclass
class Judgment:
    """One key judgment: a template with ``{field}`` slots, filled by quantities or words."""

    key: str
    template: str
    fields: dict[str, Any] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    basis: str = ""
    section: str = ""
    #: how the judgment's numbers were made, in words for a reader (``basis`` names code)
    how: str = ""
    priority: int = 50

    @property
    def method(self) -> str:
        """How the judgment's numbers were made, in words (no code names)."""
        return self.how or method_words(self.basis)

    @property
    def quantities(self) -> list[Quantity]:
        return [v for v in self.fields.values() if isinstance(v, Quantity)]

    def html(self, sources: SourceList) -> Markup:
        """The sentence with its numbers marked up and its citations linked."""
        out: list[Markup] = []
        pos = 0
        for m in _FIELD.finditer(self.template):
            out.append(escape(self.template[pos:m.start()]))
            v = self.fields[m.group(1)]
            if isinstance(v, Quantity):
                out.append(quantity_markup(v, how=self.method))
            elif isinstance(v, (dt.date, pd.Timestamp)):
                out.append(date_markup(v))
            else:
                out.append(escape(str(v)))
            pos = m.end()
        out.append(escape(self.template[pos:]))
        body = Markup("").join(out)
        cites = sources.markup(self.sources, use=f"key judgment: {self.key}")
        return Markup("{} {}").format(body, cites)

    def plain(self) -> str:
        """The sentence as plain text (numbers without markup)."""
        def sub(m: re.Match) -> str:
            v = self.fields[m.group(1)]
            if isinstance(v, Quantity):
                s = v.text(v.value) + (f" {v.unit}" if v.unit and v.kind != "share" else "")
                if v.has_interval:
                    assert v.low is not None and v.high is not None  # has_interval
                    what = "range" if v.level >= 1 else f"{100 * v.level:.0f}% interval"
                    s += f" ({what} {v.text(v.low)} to {v.text(v.high)})"
                return s
            if isinstance(v, (dt.date, pd.Timestamp)):
                return fmt_date(v)
            return str(v)
        return _FIELD.sub(sub, self.template)


_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_FUNCTION_WORDS = {"A", "An", "The", "In", "On", "Of", "And", "Or", "To", "By", "For", "At", "After",
                   "Before", "Since", "While", "During", "With", "From", "Not", "No", "It", "Its"}


def _stem(word: str) -> str:
    return re.sub(r"['’]s$", "", word)


def proper_nouns(case) -> frozenset[str]:
    """Capitalised words the case itself writes as names (``Iran``, ``US``, ``Kata'ib``, ``Gaza``).

    Every word of an actor's name, alias or site name counts, and every capitalised word that
    some text of the case (labels, descriptions, notes) writes in the middle of a sentence.
    """
    out: set[str] = set()
    names = [a.name for a in case.actors] + [x for a in case.actors for x in a.aliases]
    names += [s.name for s in getattr(case, "sites", [])]
    for n in names:
        out |= {_stem(w) for w in _WORD.findall(n) if w[0].isupper()}
    texts = [s.label or "" for s in case.streams] + [c.description for c in case.covariates]
    texts += [a.description or "" for a in case.actors] + [t.note or "" for t in case.ties]
    texts += [k.label for k in case.key_events] + [case.title or "", case.description or ""]
    for t in texts:
        for m in _WORD.finditer(t):
            before = t[:m.start()].rstrip()
            if before and before[-1] not in ".!?:;" and m.group()[0].isupper():
                out.add(_stem(m.group()))
    return frozenset(out - _FUNCTION_WORDS)


def _is_proper(word: str, proper: Iterable[str]) -> bool:
    w = _stem(word)
    if len(w) > 1 and w.isupper():  # US, IRGC, KH
        return True
    return any(w == p or (len(p) >= 4 and w.startswith(p)) for p in proper)  # Iran -> Iranian


def noun(label: str, proper: Iterable[str] = ()) -> str:
    """A label inside a sentence: first letter lower-cased unless its first word is a name.

    ``proper`` are the words that are names (see :func:`proper_nouns`); acronyms (``US``)
    and words starting with a name (``Iranian``) keep their capital too.
    """
    m = _WORD.match(label)
    if m is None or len(label) < 2 or not (label[0].isupper() and label[1].islower()):
        return label
    if _is_proper(m.group(), proper):
        return label
    return label[0].lower() + label[1:]


def _initials_of(token: str, text: str) -> bool:
    """``kh`` for "Kata'ib Hezbollah": the token spells the initials of capitalised words in ``text``."""
    words = [w for w in _WORD.findall(text)]
    n = len(token)
    for i in range(len(words) - n + 1):
        run = words[i:i + n]
        if all(w[0].isupper() for w in run) and "".join(w[0] for w in run).lower() == token.lower():
            return True
    return False


def covariate_label(cov, proper: Iterable[str] = ()) -> str:
    """A short name for a covariate that keeps the case's names: ``kh_suspension`` -> "KH suspension".

    Each part of the id is written as its description writes it (``gaza`` -> "Gaza"), an
    acronym when it spells the initials of a name there (``kh`` -> "KH"), else lower case.
    """
    desc = getattr(cov, "description", "") or ""
    words = {w.lower(): w for w in _WORD.findall(desc) if w[0].isupper() and _is_proper(w, proper)}
    parts = []
    for tok in str(getattr(cov, "name", cov)).split("_"):
        if tok.lower() in words:
            parts.append(words[tok.lower()])
        elif 2 <= len(tok) <= 4 and _initials_of(tok, desc):
            parts.append(tok.upper())
        else:
            parts.append(tok)
    return " ".join(parts)


def covariate_phrase(cov, proper: Iterable[str] = ()) -> str:
    """What a covariate marks, as a phrase for a sentence, from its description.

    "After Kata'ib Hezbollah announced it suspended attacks on US forces." becomes
    "Kata'ib Hezbollah announced it suspended attacks on US forces"; "The Gaza truce; no
    attacks ..." becomes "the Gaza truce".  Without a description: :func:`covariate_label`.
    """
    desc = (getattr(cov, "description", "") or "").strip()
    if not desc:
        return covariate_label(cov, proper)
    first = re.split(r"[;.](?:\s|$)", desc, maxsplit=1)[0].strip().rstrip(".;")
    first = re.sub(r"^(After|Since|From|While|During|When)\s+", "", first)
    return noun(first, proper)


def confounder_label(text: str, covariates: Mapping[str, Any], proper: Iterable[str] = (),
                     phrase: bool = False) -> str:
    """A confounder of ``deterrence()`` (``"kh_suspension (starts 2024-01-30)"``) for reading.

    The covariate's short label (or its phrase, ``phrase=True``) and, for labels, the date
    written as the brief writes dates: "KH suspension (starts 30 Jan 2024)".
    """
    name, _, rest = text.partition(" (")
    cov = covariates.get(name)
    if cov is None:
        return text.replace("_", " ")
    if phrase:
        return covariate_phrase(cov, proper)
    m = re.match(r"(starts|ends) (\d{4}-\d{2}-\d{2})\)", rest)
    when = f" ({m.group(1)} {fmt_date(m.group(2))})" if m else ""
    return covariate_label(cov, proper) + when


def plural(n: float, word: str) -> str:
    return word if int(round(n)) == 1 else word + "s"


def _refs(ids: Iterable[str], by_id: Mapping[str, list[str]]) -> list[str]:
    out: list[str] = []
    for i in ids:
        for r in by_id.get(i, ()):
            if r not in out:
                out.append(r)
    return out


# ------------------------------------------------------------ from analyses

def key_wave(det, case) -> int | None:
    """The strike wave the case marks as a key event with the most strikes, else the most intense."""
    waves = det.waves
    if waves is None or not len(waves):
        return None
    best = None
    for ke in case.key_events:
        ids = set(ke.event_ids)
        for w in waves.itertuples(index=False):
            if ids & {i.split(":", 1)[-1] for i in w.strike_ids}:
                if best is None or (w.intensity, w.strikes) > (best.intensity, best.strikes):
                    best = w
    if best is None:
        best = waves.sort_values(["intensity", "strikes"], ascending=False).iloc[0]
        return int(best["wave"])
    return int(best.wave)


def _change_word(low: float, high: float) -> str | None:
    """"drop" when the whole interval lies below 1, "rise" above 1, else None (no clear change)."""
    if np.isfinite(high) and high < 1:
        return "drop"
    if np.isfinite(low) and low > 1:
        return "rise"
    return None


def deterrence_judgment(det, case, by_id, labels: Mapping[str, str],
                        proper: Iterable[str] | None = None) -> Judgment | None:
    """Attack rate after the key wave of responses against before (longest window).

    The interval is the negative binomial one (it allows clustered attacks) and the
    p-value is Holm-adjusted over every wave and window compared.  The sentence follows
    the interval: "fell" / "rose" only when it lies wholly below / above 1 and the
    adjusted p is below 0.05 (one window of many can leave out 1 by chance), and it
    then says why the change cannot be credited to the wave alone; otherwise it says
    the data show no clear change.
    """
    wave = key_wave(det, case)
    if wave is None:
        return None
    rows = det.rates[det.rates["wave"] == wave]
    if rows.empty:
        return None
    r = rows.sort_values("window_days").iloc[-1]
    if not np.isfinite(float(r["rate_ratio"])):
        return None
    proper = proper_nouns(case) if proper is None else proper
    nb = "nb_low" in r.index and np.isfinite(float(r["nb_low"]))
    lo_col, hi_col = ("nb_low", "nb_high") if nb else ("ci_low", "ci_high")
    basis = ("deterrence(): attacks in the window after the wave / before; negative binomial "
             "interval (clustered attacks)" if nb else
             "deterrence(): attacks in the window after the wave / before, exact interval")
    how = ("Events in the days after the wave against the same number of days before it; "
           + ("the interval allows for events that come in clusters, and the p-value is adjusted "
              "for the number of waves and windows compared." if nb else
              "the interval is exact for counts of independent events."))
    covs = {c.name: c for c in case.covariates}
    phrases = list(dict.fromkeys(confounder_label(c, covs, proper, phrase=True) for c in r["confounders"]))
    low, high = float(r[lo_col]), float(r[hi_col])
    change = _change_word(low, high)
    p_holm = float(r["p_holm"]) if "p_holm" in r.index else float("nan")
    # one window of many: an interval that leaves out 1 is not a change when the
    # adjusted p says chance could give it
    alpha = float(getattr(det, "alpha", 0.05))
    by_chance = change is not None and np.isfinite(p_holm) and p_holm >= alpha
    strikes = noun(labels.get(det.strike, det.strike), proper)
    key = f"deterrence.wave{wave}.w{int(r['window_days'])}"
    fields: dict[str, Any] = {
        "w": Quantity(key + ".days_after", float(r["days_after"]), kind="count"),
        "w2": Quantity(key + ".days_before", float(r["days_before"]), kind="count"),
        "start": r["start"], "attack": noun(labels.get(det.attack, det.attack), proper),
        "strikes": strikes,
        "rr": Quantity(key + ".rate_ratio", float(r["rate_ratio"]), low, high, kind="ratio",
                       basis=basis),
        "a": Quantity(key + ".attacks_after", float(r["attacks_after"]), kind="count"),
        "b": Quantity(key + ".attacks_before", float(r["attacks_before"]), kind="count")}
    head = ("In the {w} days after the wave of {strikes} that began on {start}, {attack} ran at "
            "{rr} times the rate of the {w2} days before ({a} against {b} events")
    if "p_holm" in r.index and np.isfinite(float(r["p_holm"])):
        m = det.n_tested
        fields["p"] = Quantity(key + ".p_holm", float(r["p_holm"]), kind="p")
        fields["m"] = Quantity(key + ".comparisons", float(m), kind="count")
        head += "; {p} after Holm's adjustment for the {m} windows compared"
    head += ")"
    cov = ""
    if phrases:
        sep = ", " if len(phrases) == 2 else "; "
        cov = phrases[0] if len(phrases) == 1 else sep.join(phrases[:-1]) + sep + "and " + phrases[-1]
    fields["cov"] = cov
    if by_chance and change is not None:
        tail = ("; the interval leaves out 1, but with this many windows compared a " + change
                + " this size can arise by chance, so the data show no clear change after this wave"
                + (" (inside the same weeks, {cov})." if cov else "."))
    elif change is None:
        tail = ("; the interval includes 1, so the data show no clear change after this wave"
                + (" (inside the same weeks, {cov})." if cov else "."))
    elif cov:
        tail = "; inside the same weeks, {cov}; so the " + change + " cannot be credited to the wave alone."
    else:
        tail = ("; the case records no other change inside the same weeks, but responses answer "
                "surges, so the " + change + " cannot be credited to the wave alone.")
    j = Judgment(key=key, section="dynamics", priority=10, basis=basis, how=how, template=head + tail,
                 fields=fields,
                 sources=_refs(list(r["strike_ids"]) + list(r["attack_ids_after"])
                               + list(r["attack_ids_before"]), by_id))
    for c in case.covariates:
        if any(s.startswith(c.name + " ") for s in r["confounders"]):
            j.sources += [s for s in c.sources if s not in j.sources]
    return j


_COUNT_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
                8: "eight", 9: "nine", 10: "ten"}


def count_word(n: int) -> str:
    return _COUNT_WORDS.get(int(n), str(int(n)))


def phase_judgment(phases, by_id, label: str, window=None) -> Judgment | None:
    """The highest-rate phase against the last phase of the stream.

    With two phases both are stated; with more, the sentence says how many there are and
    that it states two of them (the peak and the last), so the count never promises a list
    it does not give.  The last phase ends at the end of the case window; when the store
    holds events of the stream after it (``window``, an
    :class:`~redline.analysis.window.OutsideWindow`), the sentence says how many.
    """
    seg = phases.segments
    if seg is None or len(seg) < 2:
        return None
    peak_i = int(seg["rate_per_day"].to_numpy().argmax())
    peak, last = seg.iloc[peak_i], seg.iloc[-1]
    if peak_i == len(seg) - 1:
        return None
    basis = "detect_phases(): PELT change points, Poisson cost; exact rate interval"
    how = ("Periods of steady daily rate found by a search for change points in the daily counts; "
           "each rate's interval is exact for counts.")
    key = f"phases.{phases.stream}"
    n = len(seg)
    after = 0
    if window is not None and len(window.after):
        hit = window.after[window.after["stream"] == phases.stream]
        after = int(hit["events"].sum()) if len(hit) else 0
    if n == 2:
        t = ("{label} came in {n} phases: at {peak} a day from {p0} to {p1}, "
             "then at {last} a day from {l0} to the end of the case window on {l1}")
    else:
        t = ("{label} came in {n} phases of steady rate; " + count_word(2) + " of them stand out: "
             "the peak, at {peak} a day from {p0} to {p1}, and the last, at {last} a day from {l0} "
             "to the end of the case window on {l1}")
    extra: dict[str, Any] = {}
    cp = getattr(phases, "change_points", None)
    if cp is not None and len(cp) and "p_selection" in cp and cp["p_selection"].notna().all():
        sig = int((cp["p_selection"] <= 0.05).sum())
        extra["sig"] = Quantity(key + ".change_points_holding", float(sig), kind="count")
        extra["ncp"] = Quantity(key + ".change_points", float(len(cp)), kind="count")
        if len(cp) == 1:
            t += (" (its change point holds up once the search for it is accounted for)"
                  if sig else " (its change point does not hold up once the search for it is "
                  "accounted for)")
            extra.pop("sig"), extra.pop("ncp")
        else:
            t += (" (" + ("all {ncp}" if sig == len(cp) else "{sig} of the {ncp}")
                  + " change points " + ("holds" if sig == 1 else "hold")
                  + " up once the search for them is accounted for)")
        if sig == len(cp) and "sig" in extra:
            del extra["sig"]
    if after:
        t += ("; the store holds {after} more " + plural(after, "event") + " of this stream after "
              "the window, not modelled here.")
        extra["after"] = Quantity(key + ".events_after_window", float(after), kind="count")
    else:
        t += "."
    return Judgment(
        key=key, section="dynamics", priority=20, basis=basis, how=how, template=t,
        fields={"label": label, "n": Quantity(key + ".n_phases", float(n), kind="count"),
                "peak": Quantity(key + ".peak_rate", float(peak["rate_per_day"]),
                                 float(peak["rate_low"]), float(peak["rate_high"]), basis=basis),
                "p0": peak["start"], "p1": peak["end"],
                "last": Quantity(key + ".last_rate", float(last["rate_per_day"]),
                                 float(last["rate_low"]), float(last["rate_high"]), basis=basis),
                "l0": last["start"], "l1": last["end"], **extra},
        sources=_refs(list(peak["event_ids"]) + list(last["event_ids"]), by_id))


def coupling_judgments(ct: pd.DataFrame, labels: Mapping[str, str], ids_by_stream,
                       by_id, proper: Iterable[str] = (), model: Any = None) -> list[Judgment]:
    """One judgment per cross-stream pair of the fitted model.

    With the fitted ``model`` (its ``baseline_`` in events per day, ``decay_`` per source
    stream and ``link``), each effect is also stated in events: the extra (or fewer)
    target events that follow one source event from a quiet start, with the interval of
    the coupling mapped end to end (the map is monotone in the coupling).
    """
    from redline.reports.units import extra_events, stream_rates
    base: dict[str, float] = {}
    decay: dict[str, float] = {}
    link = "softplus"
    if model is not None:
        base, decay, link = stream_rates(model)
    out = []
    basis = "coupling_table(fit_case()): adjacency, 95% Wald interval"
    how = ("From the fitted self-exciting model: how much one event of the first kind raises or "
           "lowers the daily rate of the second, with a 95% interval from the fit's standard errors.")
    for r in ct.itertuples(index=False):
        if r.source == r.target:
            continue
        key = f"coupling.{r.source}.{r.target}"
        src, tgt = labels.get(r.source, r.source), labels.get(r.target, r.target)
        q = Quantity(key + ".effect", float(r.effect), float(r.low), float(r.high),
                     kind="signed", basis=basis)
        hl = Quantity(key + ".half_life", float(r.half_life_days), unit="days", basis=basis)
        b, k = base.get(r.target, np.nan), decay.get(r.source, np.nan)
        ex = [extra_events(float(a), b, k, link) for a in (r.effect, r.low, r.high)]
        fields: dict[str, Any] = {"src": noun(src, proper), "tgt": noun(tgt, proper),
                                  "tgt2": noun(tgt, proper), "q": q, "hl": hl}
        if np.isfinite(ex).all():
            fields["ev"] = Quantity(key + ".extra_events", ex[0], ex[1], ex[2], kind="signed",
                                    unit="events", basis=basis + "; extra target events after "
                                    "one source event from the target's baseline rate")
            if r.verdict == "excites":
                t = ("The fitted model finds that {src} provoke {tgt}: from a quiet start, one "
                     "event is followed by {ev} of {tgt2} over the following weeks (its effect "
                     "on the model's predictor, {q}, halves every {hl}).")
            elif r.verdict == "inhibits":
                t = ("The fitted model finds that {src} deter {tgt}: from a quiet start, one "
                     "event is followed by {ev} of {tgt2} over the following weeks, i.e. fewer "
                     "(its effect on the model's predictor, {q}, halves every {hl}).")
            else:
                t = ("The fitted model cannot tell whether {src} deter or provoke {tgt}: from a "
                     "quiet start, one event changes {tgt2} over the following weeks by {ev}, an "
                     "interval that spans zero (half-life {hl}).")
        elif r.verdict == "excites":
            t = ("The fitted model finds that {src} provoke {tgt}: one event raises the {tgt2} "
                 "predictor by {q}, an effect that halves every {hl}.")
        elif r.verdict == "inhibits":
            t = ("The fitted model finds that {src} deter {tgt}: one event lowers the {tgt2} "
                 "predictor by {q}, an effect that halves every {hl}.")
        else:
            t = ("The fitted model cannot tell whether {src} deter or provoke {tgt}: one event "
                 "shifts the {tgt2} predictor by {q}, an interval that spans zero (half-life {hl}).")
        out.append(Judgment(
            key=key, section="dynamics", priority=30 if r.verdict == "unclear" else 15, basis=basis, how=how,
            template=t, fields=fields,
            sources=_refs(list(ids_by_stream.get(r.source, [])) + list(ids_by_stream.get(r.target, [])),
                          by_id)))
    return out


def countable(phrase: str) -> str:
    """A stream's noun phrase that can follow a count: a label led by a verbal noun
    ("fighting between A and B", "shelling of C") is a mass noun, so the events are
    counted ("events of fighting between A and B"); plural labels stay as they are."""
    first = phrase.split(" ", 1)[0].lower()
    return f"events of {phrase}" if first.endswith("ing") and len(first) > 4 else phrase


def reciprocity_judgment(rec, labels: Mapping[str, str], by_id, k: int | None = None,
                         proper: Iterable[str] = ()) -> Judgment | None:
    """Share of actions followed by a reaction within ``k`` days, against chance."""
    bk = rec.by_k
    if bk is None or bk.empty:
        return None
    # windows without an action to test have no share and no p: nothing to state
    bk = bk[np.isfinite(bk["observed"].astype(float)) & np.isfinite(bk["p_value"].astype(float))
            & (bk["n_actions"].fillna(0) > 0)]
    if bk.empty:
        return None
    if k is None:
        k = int(bk.sort_values("p_value").iloc[0]["k"])
    if not (bk["k"] == k).any():
        return None
    row = bk[bk["k"] == k].iloc[0]
    n = int(row["n_actions"])
    hit = int(round(float(row["observed"]) * n))
    lo, hi = clopper_pearson(hit, n)
    basis = "reciprocity(): first reaction within k days; circular-shift test"
    how = (f"Share of events met by a reaction of the other side within {k} day{'s' if k != 1 else ''}, tested against "
           "the same events with their timing shifted at random.")
    key = f"reciprocity.{rec.action}.{rec.reaction}.k{k}"
    return Judgment(
        key=key, section="dynamics", priority=25, basis=basis, how=how,
        template=("Tit for tat: {share} of {n} {act} were followed by {react} within {k} {days}, "
                  "against {chance} expected by chance ({p}: the share of shifted timings that did as well)."),
        fields={"share": Quantity(key + ".observed", float(row["observed"]), lo, hi, kind="share",
                                  basis=basis),
                "n": Quantity(key + ".n_actions", float(n), kind="count"),
                "act": countable(noun(labels.get(rec.action, rec.action), proper)),
                "react": noun(labels.get(rec.reaction, rec.reaction), proper),
                "days": plural(k, "day"),
                "k": Quantity(key + ".k", float(k), kind="count"),
                "chance": Quantity(key + ".chance", float(row["chance"]), kind="share"),
                "p": Quantity(key + ".p_value", float(row["p_value"]), kind="p")},
        sources=_refs(list(row["action_ids"]), by_id))


def skill_bootstrap(scores: pd.DataFrame, model: str, reference: str, metric: str,
                    n_boot: int = 2000, random_state: int = 0) -> tuple[float, float]:
    """Percentile interval of ``1 - mean(model) / mean(reference)`` resampling origins."""
    s = scores[scores["metric"] == metric]
    a = s[s["model"] == model].groupby("origin")["value"].mean()
    b = s[s["model"] == reference].groupby("origin")["value"].mean()
    idx = a.index.intersection(b.index)
    a, b = a.loc[idx].to_numpy(), b.loc[idx].to_numpy()
    if len(a) < 2:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(random_state)
    pick = rng.integers(0, len(a), size=(n_boot, len(a)))
    sk = 1 - a[pick].mean(axis=1) / b[pick].mean(axis=1)
    return float(np.quantile(sk, 0.025)), float(np.quantile(sk, 0.975))


def skill_judgment(bt, horizon: int, model: str = "daily-hawkes",
                   sources: list[str] | None = None) -> Judgment | None:
    """CRPS skill of the model over the reference baseline, with a bootstrap interval."""
    summ = bt.summary
    row = summ[(summ["model"] == model) & (summ["metric"] == "crps")]
    if row.empty:
        return None
    row = row.iloc[0]
    lo, hi = skill_bootstrap(bt.scores, model, bt.reference, "crps")
    best_base = summ[(summ["model"] != model) & (summ["model"] != bt.reference) &
                     (summ["metric"] == "crps")].sort_values("skill", ascending=False)
    basis = "backtest_case(): rolling-origin CRPS; interval resamples origins"
    how = ("Forecasts made from past dates with only the data known then, scored against what "
           "followed (forecast error, CRPS); the interval resamples those dates.")
    key = f"backtest.{model}.crps"
    n_orig = int(bt.scores["origin"].nunique())
    fields = {"skill": Quantity(key + ".skill", float(row["skill"]), lo, hi, kind="share", basis=basis),
              "h": Quantity(key + ".horizon", float(horizon), kind="count"),
              "n": Quantity(key + ".origins", float(n_orig), kind="count"),
              "ref": bt.reference.capitalize() if bt.reference in ("poisson",) else bt.reference}
    # the sentence follows the interval: "better" only when it lies above zero
    if np.isfinite(lo) and lo > 0:
        t = ("Forecasting {h} days ahead from {n} past dates, the Hawkes model scored {skill} "
             "better than the {ref} baseline (CRPS skill)")
    elif np.isfinite(hi) and hi < 0:
        t = ("Forecasting {h} days ahead from {n} past dates, the Hawkes model's CRPS skill "
             "against the {ref} baseline was {skill}: its forecasts were worse than the "
             "baseline's")
    else:
        t = ("Forecasting {h} days ahead from {n} past dates, the Hawkes model's CRPS skill "
             "against the {ref} baseline was {skill}, an interval that spans zero: no clear "
             "difference")
    if len(best_base):
        b = best_base.iloc[0]
        fields["base"] = b["model"]
        fields["bskill"] = Quantity(f"backtest.{b['model']}.crps.skill", float(b["skill"]), kind="share")
        t += "; the best other baseline, {base}, scored {bskill}"
        t += (", better than the Hawkes model, so the model adds no skill over it."
              if float(b["skill"]) > float(row["skill"]) else ".")
    else:
        t += "."
    return Judgment(key=key, section="dynamics", priority=24, basis=basis, how=how, template=t, fields=fields,
                    sources=list(sources or []))


def coverage_judgment(cov: Mapping[str, Any], what: str = "events") -> Judgment | None:
    """Store count of attacks against the published tallies of the last week with one."""
    if not cov or cov.get("published_max") is None:
        return None
    basis = "store attacks to date / published cumulative counts of the same week"
    how = "Events the store holds up to a date against the total published for the same week."
    key = "coverage"
    return Judgment(
        key=key, section="method", priority=22, basis=basis, how=how,
        template=("Data coverage: by {date} the store held {n} {what} against "
                  "{pmin}–{pmax} published by then, so it covers about {share} of them; "
                  "rates in this brief are lower bounds on the true ones."),
        fields={"date": cov["date"], "what": what, "n": Quantity(key + ".store", float(cov["store"]), kind="count"),
                "pmin": Quantity(key + ".published_min", float(cov["published_min"]), kind="count"),
                "pmax": Quantity(key + ".published_max", float(cov["published_max"]), kind="count"),
                "share": Quantity(key + ".share", float(cov["share"]), float(cov["share_low"]),
                                  float(cov["share_high"]), kind="share", level=1.0, basis=basis)},
        sources=list(cov.get("sources", [])))
