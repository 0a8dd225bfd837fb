"""The safety cue model (api/safety/cues.py): its weights file, its policy, its signals."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

import api.safety as safety
from api.safety import KINDS, check, cues, get_engine
from api.safety.text import prepare

DATA: dict[str, Any] = json.loads(cues.MODEL_PATH.read_text(encoding="utf-8"))
NEGATION = get_engine().negation
SHIPPED = cues.CueModel(DATA, NEGATION)


def model_with(threshold: float) -> cues.CueModel:
    return cues.CueModel({**DATA, "threshold": threshold}, NEGATION)


# A threshold this low makes the model fire wherever the policy allows it.
EAGER = model_with(1e-9)

# Crafted (not from any test set): disclosures the rules do not know, and everyday sentences.
MISSED_BY_RULES = [
    ("hij controleert waar ik ben via mijn telefoon", "coercion"),
    ("ik heb weer blauwe plekken op mijn bovenarm", None),
]
EVERYDAY = [
    "ik ben moe na het werk",
    "we moeten het even hebben over de boodschappen",
    "ik vind het lastig als je je telefoon pakt tijdens het eten",
    "morgen gaan we naar oma",
]


@pytest.fixture
def eager(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "get_cue_model", lambda: EAGER)


@pytest.fixture
def shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "get_cue_model", lambda: SHIPPED)


def test_weights_file_was_trained_on_the_current_corpora() -> None:
    pytest.importorskip("sklearn")
    from api.safety import train_cues

    assert DATA["corpus_sha256"] == train_cues.corpus_hash(), "run `make train-safety-cues`"


def test_training_reproduces_the_committed_file() -> None:
    pytest.importorskip("sklearn")
    from api.safety import train_cues

    assert train_cues.main(["--check"]) == 0, "run `make train-safety-cues` and commit the result"


def test_weights_file_shape() -> None:
    assert DATA["columns"] == ["disclosure", *KINDS]
    assert len(DATA["intercepts"]) == len(DATA["columns"])
    assert all(len(row) == len(DATA["columns"]) for row in DATA["weights"].values())
    assert 0.5 <= DATA["threshold"] < 1.0
    assert not any(c.startswith("blind") for c in DATA["corpora"])


def test_the_switch_decides_whether_check_consults_the_model() -> None:
    assert (safety.get_cue_model() is not None) == cues.ENABLED


@pytest.mark.parametrize("region", ["NL", "BE", None])
def test_a_model_result_is_a_valid_concern(eager: None, region: Any) -> None:
    text = "Morgen heb ik weer training, dat wordt laat."
    assert get_engine().signals(text) == []
    result = check(text, region=region)
    assert result is not None
    assert result.level == "concern"
    assert len(result.kinds) == 1
    assert result.kinds[0] in KINDS
    (sig,) = result.signals
    assert sig.rule_id == "cue." + sig.kind
    assert sig.kind == result.kinds[0]
    assert sig.level == "concern"
    assert text[sig.start : sig.end].strip() == text[sig.start : sig.end] != ""
    # The same message and helplines a rule concern of that kind would bring.
    fill = region or "both"
    messages = safety._messages()
    want = messages.templates[(sig.kind, "concern")].format(
        **{k: v[fill] for k, v in messages.fills.items()}
    )
    assert result.message == want
    assert result.helplines
    assert not any(h.emergency for h in result.helplines)


@pytest.mark.parametrize(
    "text",
    ["ik wil dood", "hij slaat me", "hij leest al mijn berichten", "ik denk niet aan zelfmoord"],
)
def test_the_model_never_adds_to_what_the_rules_found(eager: None, text: str) -> None:
    result = check(text)
    assert result is not None
    assert not any(s.rule_id.startswith("cue.") for s in result.signals)
    assert result.signals == tuple(get_engine().signals(text))


def test_the_model_stays_silent_on_empty_text(eager: None) -> None:
    assert check("") is None
    assert check("… !!") is None


def test_the_threshold_decides() -> None:
    text = MISSED_BY_RULES[0][0]
    p = SHIPPED.probability(prepare(text))
    assert model_with(max(p - 0.01, 1e-9)).judge(prepare(text)) is not None
    assert model_with(min(p + 0.01, 1 - 1e-9)).judge(prepare(text)) is None


@pytest.mark.parametrize(("text", "kind"), MISSED_BY_RULES)
def test_the_shipped_model_catches_some_phrasings_the_rules_miss(
    shipped: None, text: str, kind: str | None
) -> None:
    assert get_engine().signals(text) == []
    result = check(text)
    assert result is not None
    assert result.level == "concern"
    if kind is not None:
        assert result.kinds == (kind,)


@pytest.mark.parametrize("text", EVERYDAY)
def test_the_shipped_model_leaves_everyday_sentences_alone(shipped: None, text: str) -> None:
    assert check(text) is None


def test_the_shipped_model_raises_nothing_on_the_dialogue_examples(shipped: None) -> None:
    pytest.importorskip("sklearn")
    from api.safety import train_cues

    flagged = [t for t in train_cues.dialogue_texts() if check(t) is not None]
    assert not flagged, "\n".join(flagged)


def test_the_shipped_model_keeps_dev_neutral_lines_quiet(shipped: None) -> None:
    path = cues.MODEL_DIR.parents[2] / "tests" / "safety" / "neutral.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    flagged = [r["text"] for r in rows if check(r["text"]) is not None]
    assert len(flagged) <= len(rows) // 100, "\n".join(flagged)


def test_scoring_is_cheap() -> None:
    preps = [prepare(t) for t, _ in MISSED_BY_RULES] + [prepare(t) for t in EVERYDAY]
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(20):
            for p in preps:
                SHIPPED.judge(p)
        best = min(best, (time.perf_counter() - start) / (20 * len(preps)))
    # About 10 µs on an idle machine; generous for loaded CI machines.
    assert best < 200e-6


def test_the_fast_path_sees_the_same_cues_as_the_span_finder() -> None:
    fz = SHIPPED.featurizer
    texts = [
        "Hij zei: 'ik maak je af'. Ik durf niet meer naar huis, echt niet.",
        "ik denk niet aan zelfmoord, maar wel aan weggaan",
        *EVERYDAY,
        *(t for t, _ in MISSED_BY_RULES),
    ]
    for text in texts:
        prep = prepare(text)
        assert fz.names(prep) == {f[0] for f in fz.features(prep)}, text
