"""Format invariants of the blind test sets (not the engines).

- ``tests/corpus/blind2.jsonl``, ``blind3.jsonl``, ``blind4.jsonl``: corpus format of
  ``tests/corpus/README.md``.
- ``tests/safety/blind.jsonl``, ``blind3.jsonl``: lines ``{"text", "kind", "level"}``.
- ``tests/safety/blind_neutral.jsonl``, ``blind3_neutral.jsonl``: neutral lines ``{"text"}``.

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
# File -> expected number of lines; a changed count means a blind set was edited.
CORPUS_BLIND = {
    CORPUS_DIR / "blind2.jsonl": 160,
    CORPUS_DIR / "blind3.jsonl": 236,
    CORPUS_DIR / "blind4.jsonl": 235,
}
SAFETY_BLIND = {SAFETY_DIR / "blind.jsonl": 60, SAFETY_DIR / "blind3.jsonl": 70}
SAFETY_NEUTRAL = {SAFETY_DIR / "blind_neutral.jsonl": 150, SAFETY_DIR / "blind3_neutral.jsonl": 169}
BLIND_FILES = (*CORPUS_BLIND, *SAFETY_BLIND, *SAFETY_NEUTRAL)

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


@pytest.mark.parametrize("path", CORPUS_BLIND, ids=lambda p: p.name)
def test_corpus_blind_lines(path: Path):
    rows = _rows(path)
    assert len(rows) == CORPUS_BLIND[path]
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


@pytest.mark.parametrize("path", SAFETY_BLIND, ids=lambda p: p.name)
def test_safety_blind_lines(path: Path):
    rows = _rows(path)
    assert len(rows) == SAFETY_BLIND[path]
    for n, row in enumerate(rows, 1):
        assert set(row) == {"text", "kind", "level"}, n
        assert row["kind"] in KINDS, n
        assert row["level"] in LEVELS, n
    assert {r["kind"] for r in rows} == KINDS
    assert {r["level"] for r in rows} == LEVELS


@pytest.mark.parametrize("path", SAFETY_NEUTRAL, ids=lambda p: p.name)
def test_safety_neutral_lines(path: Path):
    rows = _rows(path)
    assert len(rows) == SAFETY_NEUTRAL[path]
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
