"""Evaluate the safety check on its test sets: `python -m api.safety.eval`.

Prints crisis recall, concern recall and the neutral false-positive rate, per kind, and lists
every miss and false positive of the development sets; for the blind sets only the figures.
The sets live in tests/safety/ (one JSON object per line:
{"text", "kind", "level"}; neutral lines have kind and level null).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from api.safety import check

CORPUS_DIR = Path(__file__).resolve().parents[2] / "tests" / "safety"


@dataclass
class Report:
    crisis_total: int = 0
    crisis_hit: int = 0
    # Crisis lines flagged at all (a concern shows helplines too, just not the emergency number).
    crisis_flagged: int = 0
    concern_total: int = 0
    concern_hit: int = 0
    neutral_total: int = 0
    per_kind: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)

    @property
    def crisis_recall(self) -> float:
        return self.crisis_hit / self.crisis_total if self.crisis_total else 1.0

    @property
    def concern_recall(self) -> float:
        return self.concern_hit / self.concern_total if self.concern_total else 1.0

    @property
    def false_positive_rate(self) -> float:
        return len(self.false_positives) / self.neutral_total if self.neutral_total else 0.0


def load(path: Path) -> list[dict[str, str | None]]:
    rows: list[dict[str, str | None]] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path.name}:{n}: {exc}") from exc
    return rows


def evaluate(directory: Path = CORPUS_DIR) -> Report:
    """The development sets: crisis.jsonl, concern.jsonl and neutral.jsonl."""
    disclosures = [
        {**row, "level": name}
        for name in ("crisis", "concern")
        for row in load(directory / f"{name}.jsonl")
    ]
    return evaluate_rows(disclosures, load(directory / "neutral.jsonl"))


def evaluate_rows(
    disclosures: list[dict[str, str | None]], neutral: list[dict[str, str | None]]
) -> Report:
    report = Report()
    for row in disclosures:
        text, kind, name = str(row["text"]), str(row["kind"]), str(row["level"])
        result = check(text)
        if name == "crisis":
            ok = result is not None and result.level == "crisis" and kind in result.kinds
            report.crisis_total += 1
            report.crisis_hit += ok
            report.crisis_flagged += result is not None
        else:
            # A concern sentence only has to be flagged; crisis is the safe side.
            ok = result is not None
            report.concern_total += 1
            report.concern_hit += ok
        stats = report.per_kind[f"{name}/{kind}"]
        stats[0] += 1
        stats[1] += ok
        if not ok:
            got = f"{result.level} {','.join(result.kinds)}" if result else "nothing"
            report.misses.append(f"[{name} {kind}] got {got}: {text}")
    for row in neutral:
        text = str(row["text"])
        report.neutral_total += 1
        result = check(text)
        if result is not None:
            rules = ",".join(s.rule_id for s in result.signals)
            report.false_positives.append(f"[{result.level} {rules}] {text}")
    return report


def figures(r: Report) -> None:
    print(f"crisis recall   {r.crisis_recall:7.2%}  ({r.crisis_hit}/{r.crisis_total})")
    print(
        f"crisis flagged  {r.crisis_flagged / max(1, r.crisis_total):7.2%}  "
        f"({r.crisis_flagged}/{r.crisis_total}, any level)"
    )
    print(f"concern recall  {r.concern_recall:7.2%}  ({r.concern_hit}/{r.concern_total})")
    print(
        f"neutral FP rate {r.false_positive_rate:7.2%}  "
        f"({len(r.false_positives)}/{r.neutral_total})"
    )
    print("per kind (flagged / total):")
    for key in sorted(r.per_kind):
        total, hit = r.per_kind[key]
        print(f"  {key:28s} {hit:3d} / {total:3d}")


def main() -> int:
    r = evaluate()
    print("development sets (tests/safety/crisis, concern, neutral):")
    figures(r)
    if r.misses:
        print("\nmisses:")
        for m in r.misses:
            print("  " + m)
    if r.false_positives:
        print("\nfalse positives:")
        for f in r.false_positives:
            print("  " + f)
    for name in ("blind", "blind3"):
        blind, blind_neutral = CORPUS_DIR / f"{name}.jsonl", CORPUS_DIR / f"{name}_neutral.jsonl"
        if blind.exists() and blind_neutral.exists():
            # Figures only: a blind set stays useful only while rule authors do not see it.
            print(f"\nblind set tests/safety/{name}*.jsonl (misses not shown):")
            figures(evaluate_rows(load(blind), load(blind_neutral)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
