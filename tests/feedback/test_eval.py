"""The metric maths of api.feedback.eval on a tiny hand-made corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.feedback.eval import Item, Prediction, evaluate, format_report, load_corpus, main


def item(text: str, verdict: str, *cats: str) -> Item:
    return Item(text, "speaker", verdict, frozenset(cats))


CORPUS = [
    item("a", "unsafe", "accusation", "absolute_language"),
    item("b", "unsafe", "character_attack"),
    item("c", "safe", "feeling"),
    item("d", "safe", "feeling", "need"),
    item("e", "almost"),
]
PRED = {
    "a": Prediction("unsafe", frozenset({"accusation"})),  # misses absolute_language
    "b": Prediction("almost", frozenset()),  # misses character_attack
    "c": Prediction("unsafe", frozenset({"feeling", "command"})),  # spurious command
    "d": Prediction("safe", frozenset({"feeling", "need"})),
    "e": Prediction("almost", frozenset()),
}


def test_counts_and_bars() -> None:
    rep = evaluate(CORPUS, lambda text, role: PRED[text])
    assert rep.n == 5
    # tp: accusation, feeling, feeling, need = 4; fp: command = 1; fn: absolute, character = 2
    assert (rep.micro.tp, rep.micro.fp, rep.micro.fn) == (4, 1, 2)
    assert rep.micro.precision == pytest.approx(4 / 5)
    assert rep.micro.recall == pytest.approx(4 / 6)
    assert rep.micro.f1 == pytest.approx(2 * 0.8 * (4 / 6) / (0.8 + 4 / 6))
    assert rep.per_category["feeling"].tp == 2
    assert rep.per_category["command"].fp == 1
    assert rep.per_category["command"].precision == 0.0
    assert rep.per_category["character_attack"].recall == 0.0
    # confusion[gold][pred]
    assert rep.confusion["unsafe"] == {"safe": 0, "almost": 1, "unsafe": 1}
    assert rep.confusion["safe"] == {"safe": 1, "almost": 0, "unsafe": 1}
    assert rep.unsafe_recall == pytest.approx(1 / 2)
    assert rep.unsafe_precision == pytest.approx(1 / 2)  # a right, c wrong
    assert rep.safe_as_safe == pytest.approx(1 / 2)
    assert rep.verdict_accuracy == pytest.approx(3 / 5)
    assert [i.text for i, _ in rep.misses] == ["a", "b", "c"]


def test_empty_corpus_does_not_divide_by_zero() -> None:
    rep = evaluate([], lambda text, role: Prediction("almost", frozenset()))
    assert rep.bars() == {
        "unsafe_recall": 0.0,
        "unsafe_precision": 0.0,
        "safe_as_safe": 0.0,
        "micro_f1": 0.0,
    }


def test_report_lists_misses_and_bars() -> None:
    out = format_report(evaluate(CORPUS, lambda text, role: PRED[text]))
    assert "micro" in out
    assert "unsafe_recall" in out
    assert "misses (3)" in out


def test_main_reads_a_corpus_and_exits_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.jsonl"
    rows = [
        {
            "text": "Je bent lui.",
            "role": "speaker",
            "verdict": "unsafe",
            "categories": ["character_attack"],
        },
        {
            "text": "Ik voel me alleen.",
            "role": "speaker",
            "verdict": "safe",
            "categories": ["feeling"],
        },
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert len(load_corpus(path)) == 2
    assert main(["--corpus", str(path)]) == 0
    out = capsys.readouterr().out
    assert "unsafe_recall     1.000" in out
    assert main(["--corpus", str(tmp_path / "missing.jsonl")]) == 0


def test_bench_sentences() -> None:
    from api.feedback.bench import run, sentences

    texts = sentences()
    assert len(texts) >= 200
    assert len(set(texts)) == len(texts)
    r = run(repeats=1)
    assert r["analyze_per_s"] > 0
    assert r["ratio"] > 0
