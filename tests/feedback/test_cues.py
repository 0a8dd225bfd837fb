"""The cue model (api/feedback/cues.py): its weights file, its policy, its findings."""

from __future__ import annotations

import hashlib
import json
import math
import unicodedata
from typing import Any

import pytest

from api.feedback import Engine, cues, default_engine, load_rules
from api.feedback.taxonomy import CATEGORIES, UNSAFE_CATEGORIES

CORPUS = cues.MODEL_DIR.parents[2] / "tests" / "corpus" / "nl.jsonl"
DATA: dict[str, Any] = json.loads(cues.MODEL_PATH.read_text(encoding="utf-8"))
MESSAGES = cues.load_messages()
DUTCH = {"je", "jij", "de", "het", "een", "dat", "dit", "en", "als", "wat", "niet", "bij"}


def engine_with(threshold: float, veto: float | None = None) -> Engine:
    """An engine over the shipped rules and weights, with another threshold and veto."""
    engine = Engine(load_rules())
    engine.cues = cues.CueModel(engine, {**DATA, "threshold": threshold, "veto": veto}, MESSAGES)
    return engine


# A threshold this low makes the cue fire wherever the policy allows it.
EAGER = engine_with(1e-9)


def cue_findings(engine: Engine, text: str, role: str = "speaker") -> list[Any]:
    a = engine.analyze(text, role)  # type: ignore[arg-type]
    return [f for f in a.findings if f.rule_id.startswith("cue.")]


def test_weights_file_was_trained_on_the_current_corpus() -> None:
    digest = hashlib.sha256(CORPUS.read_bytes()).hexdigest()
    assert DATA["corpus_sha256"] == digest, "nl.jsonl changed: run `make train-cues`"


def test_training_reproduces_the_committed_file() -> None:
    pytest.importorskip("sklearn")
    from api.feedback import train_cues

    assert train_cues.main(["--check"]) == 0, "run `make train-cues` and commit the result"


def test_weights_file_shape() -> None:
    assert DATA["columns"][0] == "unsafe"
    assert set(DATA["columns"][1:]) == UNSAFE_CATEGORIES
    assert len(DATA["intercepts"]) == len(DATA["columns"])
    assert all(len(row) == len(DATA["columns"]) for row in DATA["weights"].values())
    assert 0.0 < DATA["threshold"] < 1.0
    assert DATA["veto"] is None or 0.0 < DATA["veto"] < DATA["threshold"]


def test_one_message_and_tip_per_category_in_dutch() -> None:
    assert set(MESSAGES) == set(CATEGORIES)
    for cat, (message, tip) in MESSAGES.items():
        for text in (message, tip):
            assert text.strip(), cat
            words = {w.strip(".,:;?!‘’…").lower() for w in text.split()}
            assert words & DUTCH, f"{cat}: {text!r} does not read as Dutch"
    assert len({m for m, _ in MESSAGES.values()}) == len(MESSAGES), "messages must differ"


def test_the_shipped_engine_uses_the_cue_model_when_enabled() -> None:
    assert (default_engine().cues is not None) == cues.ENABLED


@pytest.mark.parametrize(
    "text",
    [
        "Morgen heb ik weer training.",
        "🌧️🌧️ Zielig gewoon, een vent van veertig die de wás laat liggen.",
        unicodedata.normalize("NFD", "Ík heb het gezíen… 🌧️ Wéér die vent van veertig."),
        "Ｚielig\u200b gewoon. Ik heb het gezien, hè?",
    ],
)
def test_a_cue_finding_points_into_the_submitted_text(text: str) -> None:
    found = cue_findings(EAGER, text)
    assert len(found) == 1
    f = found[0]
    assert f.text == text[f.start : f.end]
    assert f.text.strip() == f.text
    assert f.text
    assert f.category in UNSAFE_CATEGORIES
    assert f.polarity == "unsafe"
    assert f.rule_id == "cue." + f.category
    assert f.label == CATEGORIES[f.category].label
    assert (f.message, f.tip) == MESSAGES[f.category]
    assert f.tentative
    assert EAGER.analyze(text).verdict == "unsafe"


@pytest.mark.parametrize(
    "text",
    [
        "Je luistert ook nooit!",
        "Ik voel me verdrietig omdat jij nooit luistert.",
        "Laat me met rust.",
    ],
)
def test_no_cue_finding_when_the_rules_found_something_unsafe(text: str) -> None:
    a = EAGER.analyze(text)
    assert a.verdict == "unsafe"
    assert not any(f.rule_id.startswith("cue.") for f in a.findings)
    assert not any(f.tentative for f in a.findings)


def test_no_cue_finding_where_the_rules_saw_a_negated_label() -> None:
    # The rules would call "egoïstisch" an attack but for the negation: they weighed it.
    assert cue_findings(EAGER, "Jij bent helemaal niet egoïstisch.") == []
    assert cue_findings(EAGER, "Je bent niet lui") == []


def test_the_threshold_decides() -> None:
    text = "Zielig gewoon, een vent van veertig die geen was kan draaien."
    model = EAGER.cues
    assert model is not None
    p = model.probability(model.featurizer.text_sentences(text)[1], "speaker")
    assert cue_findings(engine_with(max(p - 0.01, 1e-9)), text)
    assert not cue_findings(engine_with(min(p + 0.01, 1 - 1e-9)), text)


def test_rules_findings_are_kept_alongside_a_cue_finding() -> None:
    text = "Ik voel me moe. Zielig gewoon, een vent van veertig die geen was kan draaien."
    rules_only = Engine(load_rules()).analyze(text)
    assert rules_only.verdict != "unsafe"
    with_cue = EAGER.analyze(text)
    assert set(rules_only.findings) < set(with_cue.findings)


def test_the_veto_drops_only_a_lone_unsafe_finding() -> None:
    strict = engine_with(1 - 1e-9, veto=1 - 2e-9)  # vetoes every lone unsafe finding
    lone = strict.analyze("Dank je wel voor het eten, echt lief. Je bent lui.")
    assert lone.verdict == "safe"
    assert not lone.unsafe
    several = strict.analyze("Je bent lui en je luistert nooit!")
    assert len(several.unsafe) >= 2
    assert several.verdict == "unsafe"


def test_the_veto_weighs_the_sentence_of_the_finding_only() -> None:
    engine = engine_with(0.999, veto=0.2)
    a = engine.analyze("Ik voel me alleen. Je bent lui. Kunnen we samen kijken?")
    assert "character_attack" in a.categories


def test_name_set_is_the_set_of_feature_names_in_the_same_order() -> None:
    # extend() scores name_set(); it must be {f[0] for f in features()}, built alike, so that
    # the set iterates (and the score sums) in the same order.
    engine = default_engine()
    model = engine.cues
    assert model is not None
    feat = model.featurizer
    texts = [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    for text in texts[:300]:
        _, sentences = feat.text_sentences(text)
        for role in ("speaker", "listener"):
            expected = {f[0] for f in feat.features(sentences, role)}
            got = feat.name_set(sentences, role)
            assert got == expected
            assert list(got) == list(expected)
            for se in sentences:
                one = {f[0] for f in feat.features((se,), role)}
                assert list(feat.name_set((se,), role)) == list(one)


# -- presence findings -------------------------------------------------------------------------

PRESENCE = DATA["presence"]
TEXTS = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()][::9]


def engine_with_presence(threshold: float | None) -> Engine:
    """The shipped verdict policy; presence findings at `threshold` (None: off)."""
    engine = Engine(load_rules())
    presence = None if threshold is None else {**PRESENCE, "threshold": threshold}
    engine.cues = cues.CueModel(engine, {**DATA, "presence": presence}, MESSAGES)
    return engine


NO_PRESENCE = engine_with_presence(None)
EAGER_PRESENCE = engine_with_presence(1e-9)


def test_presence_weights_file_shape() -> None:
    assert PRESENCE["columns"] == list(CATEGORIES)
    assert len(PRESENCE["intercepts"]) == len(CATEGORIES)
    assert 0.0 < PRESENCE["threshold"] < 1.0
    for name, pairs in PRESENCE["weights"].items():
        columns = [k for k, _ in pairs]
        assert columns == sorted(set(columns)), name
        assert all(0 <= k < len(CATEGORIES) for k in columns), name
        assert all(abs(w) >= PRESENCE["min_weight"] for _, w in pairs), name


def test_presence_findings_never_change_the_verdict_or_the_rules_findings() -> None:
    added_safe = added_unsafe = 0
    for row in TEXTS:
        before = NO_PRESENCE.analyze(row["text"], row["role"])
        after = EAGER_PRESENCE.analyze(row["text"], row["role"])
        assert after.verdict == before.verdict, row["text"]
        assert after.summary == before.summary, row["text"]
        assert set(before.findings) <= set(after.findings)
        new = [f for f in after.findings if f not in before.findings]
        if before.verdict == "almost":
            assert new == []
        for f in new:
            assert f.tentative
            assert f.rule_id == "cue." + f.category
            assert f.category not in before.categories
            assert f.text == row["text"][f.start : f.end]
            assert f.text.strip() == f.text
            assert f.text
            assert (f.message, f.tip) == MESSAGES[f.category]
            if f.polarity == "unsafe":
                assert before.verdict == "unsafe"
                added_unsafe += 1
            else:
                added_safe += 1
        assert len({f.category for f in new}) == len(new), "one finding per category"
    # An eager model adds plenty of both kinds: the checks above did run.
    assert added_safe > 50
    assert added_unsafe > 50


def test_presence_adds_no_unsafe_category_to_a_safe_text() -> None:
    text = "Ik voelde me alleen toen je gisteren laat thuiskwam. Kunnen we er vanavond over praten?"
    assert NO_PRESENCE.analyze(text).verdict == "safe"
    a = EAGER_PRESENCE.analyze(text)
    assert a.verdict == "safe"
    assert any(f.tentative for f in a.findings)
    assert all(f.polarity == "safe" for f in a.findings)


def test_the_presence_threshold_decides() -> None:
    text = "Ik voel me verdrietig omdat jij nooit luistert, en ik wil dat we samen iets bedenken."
    rules = NO_PRESENCE.analyze(text)
    model = EAGER_PRESENCE.cues
    assert model is not None
    assert model.presence is not None
    _, sentences = model.featurizer.text_sentences(text)
    z = model.presence.logits(model.featurizer.name_set(sentences, "speaker"))
    k, cat = max(
        (kc for kc in enumerate(PRESENCE["columns"]) if kc[1] not in rules.categories),
        key=lambda kc: z[kc[0]],
    )
    p = 1 / (1 + math.exp(-z[k]))
    below = engine_with_presence(max(p - 0.01, 1e-9)).analyze(text)
    above = engine_with_presence(min(p + 0.01, 1 - 1e-9)).analyze(text)
    assert cat in below.categories
    assert cat not in above.categories


def test_packed_presence_scores_equal_the_plain_sums_of_the_weights_file() -> None:
    model = EAGER_PRESENCE.cues
    assert model is not None
    feat = model.featurizer
    shipped = cues.Presence.from_data(PRESENCE)
    cut = cues.logit(PRESENCE["threshold"])
    passed = 0
    for row in TEXTS:
        _, sentences = feat.text_sentences(row["text"])
        names = feat.name_set(sentences, row["role"])
        plain = list(PRESENCE["intercepts"])
        for name in names:
            for k, w in PRESENCE["weights"].get(name, []):
                plain[k] += w
        assert shipped.logits(names) == pytest.approx(plain, abs=1e-9)
        if not any(abs(z - cut) < 1e-9 for z in plain):  # else rounding may tip it
            want = [k for k, z in enumerate(plain) if z >= cut]
            assert shipped.passing(names) == want
            passed += len(want)
    assert passed > 100


def test_presence_weights_out_of_range_are_refused() -> None:
    bad = {**PRESENCE, "weights": {"w:ik": [[0, 40.0]]}}
    with pytest.raises(ValueError, match="out of range"):
        cues.Presence.from_data(bad)
    bad = {**PRESENCE, "weights": {"w:ik": [[0, 0.12345]]}}
    with pytest.raises(ValueError, match="out of range"):
        cues.Presence.from_data(bad)
