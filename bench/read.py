"""Reader throughput and peak memory on a 5,000-sentence corpus.

The corpus is built from the gold sentences plus sentences generated from
templates (seeded), so it mixes event sentences of every kind with sentences that
state nothing; ``--dev`` reads the pentacode development sentences instead (news
from everywhere, so the world tables are exercised).  Prints sentences/second on
one core, the ratio to a reference measured in the same run (spaCy's blank
English tokenizer alone over the same documents: the reader's floor, since it
tokenises first), and peak memory.

    PYTHONPATH=src python bench/read.py [--sentences 5000] [--seed 0] [--dev]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "gold" / "reading_gold.jsonl"
DEV = ROOT.parent / "shared" / "data" / "text-dev" / "conflibert-cameo-pentacode-train.tsv"

ACTORS = ["Iran-backed militias", "Kata'ib Hezbollah", "The United States", "Washington", "Tehran",
          "The Islamic Resistance in Iraq", "Harakat al-Nujaba", "Iraqi militants", "US forces",
          "The Pentagon", "Iraq's government", "Unidentified gunmen"]
TARGETS = ["US forces", "American troops", "Kata'ib Hezbollah", "the Iraqi government",
           "Iran-backed groups", "US-led coalition forces"]
PLACES = ["Al-Asad Airbase", "Tower 22", "Erbil", "Al-Tanf", "Baghdad", "Al-Qaim", "Abu Kamal",
          "Syria", "northern Iraq", "the Conoco gas field", "Mosul", "Amman"]
WHEN = ["on Monday", "yesterday", "last week", "on January 28", "on 2 February 2024", "", ""]
TEMPLATES = [
    "{a} launched {n} drones at {p} {w}.",
    "{a} attacked {t} near {p} {w}, killing {n} people and wounding {m}.",
    "{t} were targeted by rockets at {p} {w}.",
    "{a} condemned the strikes on {p} as a violation of sovereignty.",
    "{a} warned of more attacks on {t}.",
    "{a} denied any involvement in the attack on {p}.",
    "{a} called on {t} to leave the country.",
    "{a} imposed sanctions on {t} {w}.",
    "{a} announced the suspension of operations against {t}.",
    "Officials said the situation at {p} remained calm {w}.",
    "Analysts expect the talks on the budget to continue for several more weeks.",
    "{a} did not attack {t} {w}.",
]
NUMS = ["two", "three", "five", "12", "about 40", "at least 16", "twenty-one"]


def corpus(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    gold = [json.loads(line)["text"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = list(gold)
    while len(out) < n:
        out.append(rng.choice(TEMPLATES).format(
            a=rng.choice(ACTORS), t=rng.choice(TARGETS), p=rng.choice(PLACES), w=rng.choice(WHEN),
            n=rng.choice(NUMS), m=rng.choice(NUMS)).replace("  ", " ").replace(" .", "."))
    rng.shuffle(out)
    return out[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dev", action="store_true", help="pentacode development sentences as the corpus")
    args = ap.parse_args()

    from redline.reading import read_text
    from redline.reading.reader import split_sentences

    if args.dev:
        rows = [line.rpartition("\t")[0] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
        sents = (rows * (args.sentences // len(rows) + 1))[:args.sentences]
    else:
        sents = corpus(args.sentences, args.seed)
    # documents of 20 sentences, as articles come
    docs = [" ".join(sents[i:i + 20]) for i in range(0, len(sents), 20)]
    n_sent = sum(len(split_sentences(d)) for d in docs)

    t0 = time.perf_counter()
    read_text("Warm-up: Iran-backed militias attacked US forces.", date="2024-02-09")
    load_s = time.perf_counter() - t0

    tracemalloc.start()
    t0 = time.perf_counter()
    n_events = 0
    for i, d in enumerate(docs):
        n_events += len(read_text(d, date="2024-02-09", document=f"bench-{i}"))
    wall = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    # a second, untraced pass for the speed figure (tracemalloc slows Python down)
    t0 = time.perf_counter()
    for i, d in enumerate(docs):
        read_text(d, date="2024-02-09", document=f"bench-{i}")
    fast = time.perf_counter() - t0

    # reference, same run, same documents: tokenizing alone
    from redline.reading.lexicon import get_lexicon

    nlp = get_lexicon("us-iran-proxies-2023").nlp
    t0 = time.perf_counter()
    for d in docs:
        for _ in nlp.pipe([d[a:b] for a, b in split_sentences(d)]):
            pass
    ref = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"corpus: {n_sent} sentences in {len(docs)} documents (seed {args.seed})")
    print(f"dictionaries + gazetteer load: {load_s:.2f} s (once per process)")
    print(f"events coded: {n_events}")
    print(f"throughput: {n_sent / fast:,.0f} sentences/s  ({fast:.2f} s; target >= 1,000)")
    print(f"reference (split + tokenize only): {n_sent / ref:,.0f} sentences/s; "
          f"reader takes {fast / ref:.1f}x the tokenizer's time")
    print(f"throughput under tracemalloc: {n_sent / wall:,.0f} sentences/s")
    print(f"peak traced Python memory while reading: {peak / 2**20:.1f} MiB")
    print(f"peak resident set size of the process: {rss_mb:.0f} MiB")


if __name__ == "__main__":
    main()
