"""Well-formedness of the labelled evaluation corpora (tests/corpus/README.md).

Checks only the invariants of the files themselves, not the feedback engine: every line parses,
only the 21 category ids of PRODUCT.md section 3 are used, the verdict follows from the categories,
texts are unique, and the files are big enough (with at least 20 examples per category in nl.jsonl).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from api.feedback.taxonomy import SAFE_CATEGORIES as SAFE
from api.feedback.taxonomy import UNSAFE_CATEGORIES as UNSAFE

CORPUS_DIR = Path(__file__).parent

ALL_CATEGORIES = UNSAFE | SAFE
REQUIRED_KEYS = {"text", "role", "verdict", "categories"}
OPTIONAL_KEYS = {"note"}

MIN_LINES = {"nl.jsonl": 560, "holdout.jsonl": 150, "holdout2.jsonl": 200}
FILES = sorted(MIN_LINES)


def load(name: str) -> list[dict[str, Any]]:
    rows = []
    lines = (CORPUS_DIR / name).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        assert line.strip(), f"{name}:{number}: empty line"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            pytest.fail(f"{name}:{number}: not valid JSON: {exc}")
        assert isinstance(row, dict), f"{name}:{number}: not a JSON object"
        rows.append(row)
    return rows


def expected_verdict(categories: list[str]) -> str:
    if UNSAFE.intersection(categories):
        return "unsafe"
    if SAFE.intersection(categories):
        return "safe"
    return "almost"


def test_the_vocabulary_has_21_categories() -> None:
    assert len(ALL_CATEGORIES) == 21
    assert not UNSAFE & SAFE


@pytest.mark.parametrize("name", FILES)
def test_every_line_is_a_well_formed_object(name: str) -> None:
    for number, row in enumerate(load(name), start=1):
        where = f"{name}:{number}"
        keys = set(row)
        assert keys >= REQUIRED_KEYS, f"{where}: missing {REQUIRED_KEYS - keys}"
        unknown = keys - REQUIRED_KEYS - OPTIONAL_KEYS
        assert not unknown, f"{where}: unknown keys {sorted(unknown)}"
        assert isinstance(row["text"], str), where
        assert row["text"].strip(), f"{where}: empty text"
        assert row["role"] in ("speaker", "listener"), where
        assert row["verdict"] in ("safe", "almost", "unsafe"), where
        assert isinstance(row["categories"], list), where
        if "note" in row:
            assert isinstance(row["note"], str), where
            assert row["note"].strip(), f"{where}: empty note"


@pytest.mark.parametrize("name", FILES)
def test_only_known_categories_without_repeats(name: str) -> None:
    for number, row in enumerate(load(name), start=1):
        categories = row["categories"]
        unknown = set(categories) - ALL_CATEGORIES
        assert not unknown, f"{name}:{number}: unknown categories {sorted(unknown)}"
        assert len(categories) == len(set(categories)), f"{name}:{number}: repeated category"


@pytest.mark.parametrize("name", FILES)
def test_verdict_follows_from_categories(name: str) -> None:
    for number, row in enumerate(load(name), start=1):
        assert row["verdict"] == expected_verdict(row["categories"]), (
            f"{name}:{number}: verdict {row['verdict']!r} does not match {row['categories']}"
        )


@pytest.mark.parametrize("name", FILES)
def test_no_duplicate_texts(name: str) -> None:
    counts = Counter(row["text"] for row in load(name))
    duplicates = sorted(text for text, n in counts.items() if n > 1)
    assert not duplicates, f"{name}: duplicate texts {duplicates}"


@pytest.mark.parametrize(
    ("one", "other"), [(a, b) for i, a in enumerate(FILES) for b in FILES[i + 1 :]]
)
def test_no_text_is_in_two_files(one: str, other: str) -> None:
    shared = {r["text"] for r in load(one)} & {r["text"] for r in load(other)}
    assert not shared, f"texts in both {one} and {other}: {sorted(shared)}"


@pytest.mark.parametrize("name", FILES)
def test_minimum_size(name: str) -> None:
    assert len(load(name)) >= MIN_LINES[name]


def test_every_category_has_at_least_20_examples_in_nl() -> None:
    counts = Counter(c for row in load("nl.jsonl") for c in row["categories"])
    too_few = {c: counts[c] for c in sorted(ALL_CATEGORIES) if counts[c] < 20}
    assert not too_few, f"nl.jsonl: categories with fewer than 20 examples: {too_few}"
