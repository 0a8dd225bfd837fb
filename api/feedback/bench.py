"""Throughput of `analyze` against a bare simplemma pass over the same sentences.

    python -m api.feedback.bench [--repeats 7]

The sentences are generated from phrase lists below (never user data): openers, complaints,
feelings, needs, replies, joined in several ways, so there are 200+ distinct realistic lines.
Runs on one core in this process; both sides are warmed up, then timed in turns (the same
number of repeats each) and the medians compared. The first line says whether the engine runs
compiled (see api/native.py) or as pure Python; `VG_PURE_PYTHON=1` forces the latter.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import statistics
import time
from collections.abc import Callable, Sequence

import simplemma

from api import native
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


def _seconds(fn: Callable[[Sequence[str]], None], texts: Sequence[str]) -> float:
    t0 = time.perf_counter()
    fn(texts)
    return time.perf_counter() - t0


def _pin_one_core() -> None:
    """Keep both sides on the same core, so neither gains from a faster or idler one."""
    getter = getattr(os, "sched_getaffinity", None)
    setter = getattr(os, "sched_setaffinity", None)
    if getter is None or setter is None:
        return
    with contextlib.suppress(OSError):
        setter(0, {min(getter(0))})


def run(repeats: int = 7) -> dict[str, float]:
    texts = sentences()
    _pin_one_core()
    # Warm-up of both sides: compiled rules, the engine's token caches, simplemma's caches.
    bare_simplemma(texts)
    engine(texts)
    # Interleaved, so a slow moment of the machine hits both sides alike; same repeats each.
    base_times, full_times = [], []
    for _ in range(repeats):
        base_times.append(_seconds(bare_simplemma, texts))
        full_times.append(_seconds(engine, texts))
    base = statistics.median(base_times)
    full = statistics.median(full_times)
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
    print(f"engine                 {native.mode('api.feedback')}")
    print(f"sentences              {int(r['sentences'])}")
    print(f"analyze                {r['analyze_per_s']:10.0f} sentences/s")
    print(f"bare simplemma pass    {r['simplemma_per_s']:10.0f} sentences/s")
    print(f"ratio (analyze/bare)   {r['ratio']:10.2f}x   (target <= 5x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
