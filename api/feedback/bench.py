"""Throughput of `analyze` against a bare simplemma pass over the same sentences.

    python -m api.feedback.bench [--repeats 7]

The sentences are generated from phrase lists below (never user data): openers, complaints,
feelings, needs, replies, joined in several ways, so there are 200+ distinct realistic lines.
Runs on one core in this process; reports the median of several timed repeats after a warm-up.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
from collections.abc import Callable, Sequence

import simplemma

from api.feedback import analyze

OPENERS = ["", "Schat, ", "Hé, ", "Eerlijk gezegd: ", "Weet je, ", "Sorry hoor, maar "]
COMPLAINTS = [
    "je luistert nooit naar me",
    "jij zit altijd op je telefoon",
    "je bent gewoon lui",
    "je hebt gisteren weer niet gebeld",
    "waarom doe je altijd zo moeilijk",
    "ik moet altijd alles alleen doen",
    "je vergeet steeds onze afspraken",
    "vorig jaar deed je precies hetzelfde",
]
FEELINGS = [
    "ik voel me niet gehoord",
    "ik voel me alleen en een beetje verdrietig",
    "ik ben bang dat we elkaar kwijtraken",
    "dat doet me pijn",
    "ik raak gefrustreerd als de afwas blijft staan",
]
NEEDS = [
    "ik heb je nodig",
    "ik zou graag willen dat we vaker samen eten",
    "kunnen we samen kijken hoe het lichter kan?",
    "zou je me even willen vasthouden?",
]
REPLIES = [
    "Dat valt toch wel mee.",
    "Ik ben gewoon druk.",
    "Ja maar jij deed het eerst.",
    "Ik snap dat dat pijn doet. Vertel eens?",
    "Het spijt me, dat was niet eerlijk van mij.",
    "Dank je dat je dat zegt, wanneer merk je dat vooral?",
    "Laat me met rust.",
    "Ik merk dat ik me terugtrek. Laten we even vertragen.",
]


def sentences() -> list[str]:
    out: list[str] = []
    for opener, complaint in itertools.product(OPENERS, COMPLAINTS):
        text = opener + complaint
        out.append(text[0].upper() + text[1:] + "!")
    for feeling, need in itertools.product(FEELINGS, NEEDS):
        out.append(f"{feeling[0].upper()}{feeling[1:]}, en {need}")
    for feeling, complaint in itertools.product(FEELINGS, COMPLAINTS):
        out.append(f"{feeling[0].upper()}{feeling[1:]} omdat {complaint}.")
    for reply, need in itertools.product(REPLIES, NEEDS):
        out.append(f"{reply} {need[0].upper()}{need[1:]}")
    for opener, feeling in itertools.product(OPENERS[1:], FEELINGS):
        out.append(f"{opener}{feeling}.")
    for reply, feeling in itertools.product(REPLIES, FEELINGS):
        out.append(f"{feeling[0].upper()}{feeling[1:]}. {reply}")
    return list(dict.fromkeys(out))


def bare_simplemma(texts: Sequence[str]) -> None:
    for text in texts:
        [simplemma.lemmatize(t, lang="nl") for t in simplemma.simple_tokenizer(text)]


def engine(texts: Sequence[str]) -> None:
    for i, text in enumerate(texts):
        analyze(text, "listener" if i % 3 == 0 else "speaker")


def _median_seconds(
    fn: Callable[[Sequence[str]], None], texts: Sequence[str], repeats: int
) -> float:
    fn(texts)  # warm-up: compiled rules, lemma caches
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn(texts)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run(repeats: int = 7) -> dict[str, float]:
    texts = sentences()
    base = _median_seconds(bare_simplemma, texts, repeats)
    full = _median_seconds(engine, texts, repeats)
    return {
        "sentences": float(len(texts)),
        "analyze_per_s": len(texts) / full,
        "simplemma_per_s": len(texts) / base,
        "ratio": full / base,
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark the feedback engine.")
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args(argv)
    r = run(args.repeats)
    print(f"sentences              {int(r['sentences'])}")
    print(f"analyze                {r['analyze_per_s']:10.0f} sentences/s")
    print(f"bare simplemma pass    {r['simplemma_per_s']:10.0f} sentences/s")
    print(f"ratio (analyze/bare)   {r['ratio']:10.2f}x   (target <= 5x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
