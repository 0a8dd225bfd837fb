"""Measure the engine on a labelled JSONL corpus.

    python -m api.feedback.eval [--corpus tests/corpus/nl.jsonl] [--no-misses]

Each line: {"text", "role", "verdict", "categories": [...]}. A predicted category counts as right
when the sentence's gold categories contain it (set per sentence, not per finding). The bars the
held-out corpus is judged by are printed at the end. Always exits 0: it reports, it does not test.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from api.feedback.taxonomy import CATEGORIES, VERDICTS

DEFAULT_CORPUS = Path("tests/corpus/nl.jsonl")
BARS = {
    "unsafe_recall": 0.95,
    "unsafe_precision": 0.90,
    "safe_as_safe": 0.85,
    "micro_f1": 0.80,
}


@dataclass(frozen=True, slots=True)
class Item:
    text: str
    role: str
    verdict: str
    categories: frozenset[str]


@dataclass(frozen=True, slots=True)
class Prediction:
    verdict: str
    categories: frozenset[str]


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class Report:
    n: int = 0
    per_category: dict[str, Counts] = field(default_factory=dict)
    micro: Counts = field(default_factory=Counts)
    # confusion[gold][predicted]
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    misses: list[tuple[Item, Prediction]] = field(default_factory=list)

    def _ratio(self, gold: str, pred: str, by_gold: bool) -> float:
        hit = self.confusion[gold][pred]
        total = (
            sum(self.confusion[gold].values())
            if by_gold
            else sum(self.confusion[g][pred] for g in VERDICTS)
        )
        return hit / total if total else 0.0

    @property
    def unsafe_recall(self) -> float:
        return self._ratio("unsafe", "unsafe", by_gold=True)

    @property
    def unsafe_precision(self) -> float:
        return self._ratio("unsafe", "unsafe", by_gold=False)

    @property
    def safe_as_safe(self) -> float:
        return self._ratio("safe", "safe", by_gold=True)

    @property
    def verdict_accuracy(self) -> float:
        return sum(self.confusion[v][v] for v in VERDICTS) / self.n if self.n else 0.0

    def bars(self) -> dict[str, float]:
        return {
            "unsafe_recall": self.unsafe_recall,
            "unsafe_precision": self.unsafe_precision,
            "safe_as_safe": self.safe_as_safe,
            "micro_f1": self.micro.f1,
        }


def load_corpus(path: Path | str) -> list[Item]:
    items = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        items.append(
            Item(d["text"], d.get("role", "speaker"), d["verdict"], frozenset(d["categories"]))
        )
    return items


def evaluate(items: Iterable[Item], predict: Callable[[str, str], Prediction]) -> Report:
    """The metric maths, separate from the engine and from printing (so it can be tested)."""
    rep = Report(
        per_category={c: Counts() for c in CATEGORIES},
        confusion={g: dict.fromkeys(VERDICTS, 0) for g in VERDICTS},
    )
    for item in items:
        pred = predict(item.text, item.role)
        rep.n += 1
        rep.confusion[item.verdict][pred.verdict] += 1
        for c in CATEGORIES:
            counts = rep.per_category[c]
            if c in pred.categories and c in item.categories:
                counts.tp += 1
                rep.micro.tp += 1
            elif c in pred.categories:
                counts.fp += 1
                rep.micro.fp += 1
            elif c in item.categories:
                counts.fn += 1
                rep.micro.fn += 1
        if pred.verdict != item.verdict or pred.categories != item.categories:
            rep.misses.append((item, pred))
    return rep


def engine_predict(text: str, role: str) -> Prediction:
    from api.feedback import analyze

    a = analyze(text, role)  # type: ignore[arg-type]
    return Prediction(a.verdict, a.categories)


def format_report(rep: Report, show_misses: bool = True) -> str:
    out: list[str] = []
    out.append(f"{rep.n} sentences\n")
    out.append(
        f"{'category':20s} {'prec':>6s} {'rec':>6s} {'f1':>6s} {'tp':>4s} {'fp':>4s} {'fn':>4s}"
    )
    for c, k in rep.per_category.items():
        out.append(
            f"{c:20s} {k.precision:6.2f} {k.recall:6.2f} {k.f1:6.2f} {k.tp:4d} {k.fp:4d} {k.fn:4d}"
        )
    m = rep.micro
    out.append(
        f"{'micro':20s} {m.precision:6.2f} {m.recall:6.2f} {m.f1:6.2f}"
        f" {m.tp:4d} {m.fp:4d} {m.fn:4d}"
    )
    out.append("\nverdict confusion (rows gold, columns predicted)")
    out.append(f"{'':8s}" + "".join(f"{v:>8s}" for v in VERDICTS))
    for g in VERDICTS:
        out.append(f"{g:8s}" + "".join(f"{rep.confusion[g][p]:8d}" for p in VERDICTS))
    out.append(f"verdict accuracy {rep.verdict_accuracy:.3f}\n")
    out.append("held-out bars")
    for name, value in rep.bars().items():
        mark = "ok " if value >= BARS[name] else "LOW"
        out.append(f"  {mark} {name:17s} {value:.3f}  (bar {BARS[name]:.2f})")
    if show_misses:
        out.append(f"\nmisses ({len(rep.misses)})")
        for item, pred in rep.misses:
            flag = "V" if pred.verdict != item.verdict else " "
            out.append(
                f"{flag} [{item.role[:3]}] {item.text}\n"
                f"      gold {item.verdict}: {sorted(item.categories)}\n"
                f"      pred {pred.verdict}: {sorted(pred.categories)}"
            )
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--no-misses", action="store_true", help="only print the figures")
    args = ap.parse_args(argv)
    try:
        items = load_corpus(args.corpus)
    except (OSError, ValueError, KeyError) as exc:
        print(f"cannot read corpus {args.corpus}: {exc}", file=sys.stderr)
        return 0
    print(format_report(evaluate(items, engine_predict), show_misses=not args.no_misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
