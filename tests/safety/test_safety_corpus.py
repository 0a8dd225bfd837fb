"""Safety test sets: crisis recall 100%, every concern flagged, neutral false positives <= 1%."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.safety import KINDS, check

HERE = Path(__file__).parent


def _rows(name: str) -> list[dict[str, str]]:
    with (HERE / f"{name}.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


CRISIS = _rows("crisis")
CONCERN = _rows("concern")
NEUTRAL = _rows("neutral")


def test_sets_are_big_enough_and_cover_every_kind() -> None:
    assert len(CRISIS) + len(CONCERN) >= 160
    assert len(NEUTRAL) >= 350
    for rows, level in ((CRISIS, "crisis"), (CONCERN, "concern")):
        assert {r["level"] for r in rows} == {level}
        assert {r["kind"] for r in rows} <= set(KINDS)
    assert {r["kind"] for r in CRISIS} == set(KINDS)
    assert {r["kind"] for r in CONCERN} == set(KINDS)


def test_every_crisis_sentence_is_a_crisis_of_the_right_kind() -> None:
    wrong = []
    for row in CRISIS:
        result = check(row["text"])
        if result is None or result.level != "crisis" or row["kind"] not in result.kinds:
            got = f"{result.level} {result.kinds}" if result else None
            wrong.append(f"{row['text']!r} ({row['kind']}): got {got}")
    assert not wrong, "\n".join(wrong)


def test_every_concern_sentence_is_flagged() -> None:
    missed = [r["text"] for r in CONCERN if check(r["text"]) is None]
    assert not missed, "\n".join(missed)


def test_concern_sentences_mostly_stay_concern() -> None:
    # Not required (crisis is the safe side), but a check-in is what these deserve.
    crisis = [r["text"] for r in CONCERN if (res := check(r["text"])) and res.level == "crisis"]
    assert len(crisis) <= len(CONCERN) // 10, "\n".join(crisis)


def test_neutral_false_positives_at_most_one_percent() -> None:
    flagged = []
    for row in NEUTRAL:
        result = check(row["text"])
        if result is not None:
            rules = ",".join(s.rule_id for s in result.signals)
            flagged.append(f"[{result.level} {rules}] {row['text']}")
    assert len(flagged) <= len(NEUTRAL) // 100, "\n".join(flagged)


@pytest.mark.parametrize(
    "text",
    [
        "doodmoe",
        "ik schrok me dood",
        "ik ga dood van het lachen",
        "die film was moordend",
        "ik vermoord je als je de laatste koek pakt",
        "ik vermoord je als je de laatste koek pakt haha",
        "ik verveel me dood",
        "ik ben doodsbang voor spinnen",
        "dodelijk saai",
        "de klok slaat",
        "een slag om de arm",
        "op slot",
        "hij sloeg de deur dicht",
        "hij checkt zijn telefoon te vaak",
        "ik sta op ontploffen",
        "ik word gek van je",
        "ik kan je wel schieten",
        "ik ben bang dat je me verlaat",
        "Toen je zei 'je bent lui', deed dat pijn",
    ],
)
def test_idioms_from_the_brief_pass(text: str) -> None:
    assert check(text) is None
