"""Print the counts per verdict, role and category of the corpus files (pasted into README.md).

Usage: python tests/corpus/stats.py [file.jsonl ...]   (default: nl.jsonl and holdout.jsonl)
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).parent
ORDER = [
    "absolute_language", "accusation", "character_attack", "contempt", "defensiveness",
    "dismissal", "threat", "command", "stonewalling", "past_raking", "pseudo_ik",
    "feeling", "need", "observation", "curiosity", "validation", "responsibility",
    "collaboration", "regulation", "reassurance", "appreciation",
]  # fmt: skip


def report(path: Path) -> str:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    n = len(rows)
    verdicts = Counter(r["verdict"] for r in rows)
    roles = Counter(r["role"] for r in rows)
    cats = Counter(c for r in rows for c in r["categories"])
    notes = sum(1 for r in rows if r.get("note"))
    out = [f"### {path.name}: {n} lines, {notes} with a note", ""]
    out.append("| verdict | lines | share |")
    out.append("|---|---:|---:|")
    for v in ("unsafe", "safe", "almost"):
        out.append(f"| {v} | {verdicts[v]} | {100 * verdicts[v] / n:.1f}% |")
    out.append("")
    out.append("| role | lines | share |")
    out.append("|---|---:|---:|")
    for r in ("speaker", "listener"):
        out.append(f"| {r} | {roles[r]} | {100 * roles[r] / n:.1f}% |")
    out.append("")
    out.append("| category | lines where present |")
    out.append("|---|---:|")
    for c in ORDER:
        out.append(f"| `{c}` | {cats[c]} |")
    return "\n".join(out)


def main(argv: list[str]) -> None:
    paths = [Path(a) for a in argv] or [HERE / "nl.jsonl", HERE / "holdout.jsonl"]
    print("\n\n".join(report(p) for p in paths))


if __name__ == "__main__":
    main(sys.argv[1:])
