"""Train the reader's fallback category classifier on sentences generated from the
CAMEO verb patterns (never on any labelled news set).

Each CAMEO pattern (and each verb block's default code) becomes sentences of the
form "<actor> <verb, past or present> <words before/after the verb> <filler>" with
actors drawn from the world tables and seeded fillers; the label is the PLOVER
category of the pattern's code (``NONE`` for plain statements, CAMEO 01).  A TF-IDF
(word 1-2 grams) + multinomial logistic regression model is fitted with
scikit-learn and written as plain JSON (vocabulary, idf, coefficients) to
``src/redline/reading/dictionaries/category_model.json``; the reader scores it
with numpy, so scikit-learn is needed only here.

    python scripts/train_reading_classifier.py [--per-pattern 3] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

FILLERS = ["", "", "", "on Monday", "on Tuesday", "last week", "in the capital", "on Friday",
           "earlier this month", "in a statement", "according to officials", "after talks",
           "in the region", "near the border", "this year", "on Sunday, officials said"]
TARGETS_FALLBACK = ["the government", "the rebels", "the opposition", "the country", "its neighbour"]


def generate(per_pattern: int, seed: int) -> tuple[list[str], list[str]]:
    from redline.reading.world import get_world, plover_of

    rng = random.Random(seed)
    w = get_world()
    actors = [p for p, (c, k) in w.actors.items() if k in ("state", "igo", "nsa") and len(p) > 3]
    actors = sorted(actors)
    agents = sorted(w.agents)
    forms: dict[str, dict[str, list[str]]] = {}
    for form, (lemma, block, _code, kind) in w.verbs.items():
        forms.setdefault(block, {}).setdefault(kind, []).append(form)
    texts, labels = [], []

    def actor() -> str:
        a = rng.choice(actors).title()
        if rng.random() < 0.4:
            a = a + " " + rng.choice(agents)
        return a

    def label_of(code: str) -> str | None:
        if code == "---":
            return None
        if code.startswith("01"):
            return "NONE"
        return plover_of(code)

    for block, kinds in sorted(forms.items()):
        verbs = kinds.get("ed", []) + kinds.get("s", [])
        if not verbs:
            continue
        pats = w.patterns.get(block, [])
        for p in pats:
            lab = label_of(p.code)
            if lab is None:
                continue
            for _ in range(per_pattern):
                before = " ".join(rng.choice(sorted(s)) for s in p.before)
                after = " ".join(rng.choice(sorted(s)) for s in p.after)
                words = [actor(), before, rng.choice(verbs), after]
                if rng.random() < 0.5:
                    words.append(rng.choice(["with", "to", "against", "for", "on"]) + " " + actor())
                words.append(rng.choice(FILLERS))
                texts.append(" ".join(x for x in words if x) + ".")
                labels.append(lab)
    # block defaults: the verb with an actor as object
    from redline.reading.world import get_world as _gw  # noqa: F401  (same tables)

    codes = {}
    for form, (lemma, block, code, kind) in w.verbs.items():
        codes[block] = code
    for block, code in sorted(codes.items()):
        lab = label_of(code)
        verbs = forms.get(block, {}).get("ed", [])
        if lab is None or not verbs:
            continue
        for _ in range(per_pattern * 2):
            tgt = actor() if rng.random() < 0.7 else rng.choice(TARGETS_FALLBACK)
            texts.append(f"{actor()} {rng.choice(verbs)} {tgt} {rng.choice(FILLERS)}".strip() + ".")
            labels.append(lab)
    return texts, labels


def main() -> None:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-pattern", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--min-df", type=int, default=3)
    args = ap.parse_args()
    texts, labels = generate(args.per_pattern, args.seed)
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=args.min_df, sublinear_tf=True,
                          token_pattern=r"[a-z][a-z'\-]+", lowercase=True, max_features=40000)
    x = vec.fit_transform(texts)
    clf = LogisticRegression(C=4.0, max_iter=300, random_state=args.seed)
    clf.fit(x, labels)
    vocab = {t: int(i) for t, i in vec.vocabulary_.items()}
    coef = np.round(clf.coef_, 3)
    keep = np.abs(coef).max(axis=0) >= 0.05  # drop features that weigh nothing
    order = np.flatnonzero(keep)
    remap = {int(o): k for k, o in enumerate(order)}
    out = {
        "about": "TF-IDF (word 1-2 grams, sublinear tf, l2) + multinomial logistic regression, "
                 "trained by scripts/train_reading_classifier.py on sentences generated from the "
                 "CAMEO verb patterns (PETRARCH-2 dictionaries, MIT).",
        "seed": args.seed, "n_train": len(texts),
        "classes": [str(c) for c in clf.classes_],
        "vocabulary": {t: remap[i] for t, i in vocab.items() if i in remap},
        "idf": [round(float(v), 4) for v in vec.idf_[order]],
        "coef": coef[:, order].tolist(),
        "intercept": [round(float(v), 4) for v in clf.intercept_],
    }
    path = ROOT / "src" / "redline" / "reading" / "dictionaries" / "category_model.json"
    path.write_text(json.dumps(out, separators=(",", ":")), encoding="utf-8")
    print(f"{len(texts)} generated sentences, {len(out['vocabulary'])} features, "
          f"{len(out['classes'])} classes -> {path} ({path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
