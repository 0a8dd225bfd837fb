"""Format invariants of the blind test sets (not the engines).

- ``tests/corpus/blind2.jsonl``: corpus format of ``tests/corpus/README.md``.
- ``tests/safety/blind.jsonl``: crisis/concern lines ``{"text", "kind", "level"}``.
- ``tests/safety/blind_neutral.jsonl``: neutral lines ``{"text"}``.

No text may repeat within a file or appear (exactly) in any other corpus or safety file.
Assertion messages report line numbers and file names only, never texts of the other files.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from api.feedback.taxonomy import SAFE_CATEGORIES as SAFE
from api.feedback.taxonomy import UNSAFE_CATEGORIES as UNSAFE

ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = ROOT / "tests" / "corpus"
SAFETY_DIR = ROOT / "tests" / "safety"
BLIND2 = CORPUS_DIR / "blind2.jsonl"
SAFETY_BLIND = SAFETY_DIR / "blind.jsonl"
SAFETY_NEUTRAL = SAFETY_DIR / "blind_neutral.jsonl"
BLIND_FILES = (BLIND2, SAFETY_BLIND, SAFETY_NEUTRAL)

KINDS = {"suicide", "self_harm", "partner_violence", "coercion", "fear_of_partner", "child_danger"}
LEVELS = {"crisis", "concern"}


def _rows(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            assert line.strip(), f"{path.name}:{n}: empty line"
            row = json.loads(line)
            assert isinstance(row, dict), f"{path.name}:{n}: not an object"
            assert isinstance(row.get("text"), str), f"{path.name}:{n}: bad text"
            assert row["text"].strip(), f"{path.name}:{n}: empty text"
            rows.append(row)
    return rows


def _verdict(categories: list[str]) -> str:
    if any(c in UNSAFE for c in categories):
        return "unsafe"
    return "safe" if categories else "almost"


def test_blind2_lines():
    rows = _rows(BLIND2)
    assert len(rows) == 160
    counts: Counter[str] = Counter()
    for n, row in enumerate(rows, 1):
        assert set(row) <= {"text", "role", "verdict", "categories", "note"}, n
        assert {"text", "role", "verdict", "categories"} <= set(row), n
        assert row["role"] in {"speaker", "listener"}, n
        cats = row["categories"]
        assert isinstance(cats, list), n
        assert all(c in UNSAFE | SAFE for c in cats), n
        assert len(cats) == len(set(cats)), n
        assert row["verdict"] == _verdict(cats), n
        if "note" in row:
            assert isinstance(row["note"], str), n
            assert row["note"].strip(), n
        counts.update(cats)
    for category in UNSAFE | SAFE:
        assert counts[category] >= 4, category


def test_safety_blind_lines():
    rows = _rows(SAFETY_BLIND)
    assert len(rows) == 60
    for n, row in enumerate(rows, 1):
        assert set(row) == {"text", "kind", "level"}, n
        assert row["kind"] in KINDS, n
        assert row["level"] in LEVELS, n
    assert {r["kind"] for r in rows} == KINDS
    assert {r["level"] for r in rows} == LEVELS


def test_safety_neutral_lines():
    rows = _rows(SAFETY_NEUTRAL)
    assert len(rows) == 150
    for n, row in enumerate(rows, 1):
        assert set(row) == {"text"}, n


@pytest.mark.parametrize("path", BLIND_FILES, ids=lambda p: p.name)
def test_no_duplicates_within_file(path: Path):
    texts = Counter(r["text"] for r in _rows(path))
    dupes = [n for n, r in enumerate(_rows(path), 1) if texts[r["text"]] > 1]
    assert not dupes, f"{path.name}: duplicate texts on lines {dupes}"


@pytest.mark.parametrize("path", BLIND_FILES, ids=lambda p: p.name)
def test_no_text_shared_with_other_files(path: Path):
    own = {r["text"]: n for n, r in enumerate(_rows(path), 1)}
    others = sorted(
        p for p in (*CORPUS_DIR.glob("*.jsonl"), *SAFETY_DIR.glob("*.jsonl")) if p != path
    )
    clashes = []
    for other in others:
        with other.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    text = json.loads(line).get("text")
                    if text in own:
                        clashes.append(f"{path.name}:{own[text]} also in {other.name}")
    assert not clashes, clashes
