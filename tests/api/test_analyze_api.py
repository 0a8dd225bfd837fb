"""POST /api/v1/analyze through the real ASGI app: the contract, and every kind of bad input."""

from __future__ import annotations

import unicodedata

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.analysis.schemas import check_user_text

URL = "/api/v1/analyze"


def test_healthz(plain_client: TestClient) -> None:
    r = plain_client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_unsafe_sentence_has_spans_messages_and_tips(plain_client: TestClient) -> None:
    text = "Je luistert ook nooit!"
    r = plain_client.post(URL, json={"text": text})
    assert r.status_code == 200
    body = r.json()
    assert body["verdict"] == "unsafe"
    assert body["role"] == "speaker"
    assert body["safety"] is None
    cats = {f["category"] for f in body["findings"]}
    assert "absolute_language" in cats
    nooit = next(f for f in body["findings"] if f["category"] == "absolute_language")
    assert nooit["text"].lower() == "nooit"
    for f in body["findings"]:
        assert text[f["start"] : f["end"]] == f["text"]
        assert f["message"]
        assert f["tip"]
        assert f["label"]
        assert f["polarity"] in ("safe", "unsafe")


def test_safe_sentence(plain_client: TestClient) -> None:
    r = plain_client.post(URL, json={"text": "Ik voelde me niet gehoord.", "role": "speaker"})
    body = r.json()
    assert body["verdict"] == "safe"
    assert [f["category"] for f in body["findings"]] == ["feeling"]


def test_listener_role_is_honoured(plain_client: TestClient) -> None:
    r = plain_client.post(URL, json={"text": "Dat valt toch wel mee?", "role": "listener"})
    body = r.json()
    assert body["role"] == "listener"
    assert body["verdict"] == "unsafe"
    assert "dismissal" in {f["category"] for f in body["findings"]}


@pytest.mark.parametrize(
    "text",
    [
        "😀 Je luistert ook nooit! 👍🏽",
        unicodedata.normalize("NFD", "Je bént er nooit, écht nooit."),
        "Je\u0000 luistert\u200b nooit\u0007 naar me",
        "👨‍👩‍👧 Ik voel me alleen 😢 en je bent er nooit",
    ],
)
def test_offsets_point_into_the_text_as_submitted(plain_client: TestClient, text: str) -> None:
    body = plain_client.post(URL, json={"text": text}).json()
    assert body["findings"], "expected at least one finding"
    for f in body["findings"]:
        assert text[f["start"] : f["end"]] == f["text"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "text"),
        ({"text": None}, "text"),
        ({"text": 42}, "text"),
        ({"text": ["Je luistert nooit"]}, "text"),
        ({"text": ""}, "text"),
        ({"text": "   \n\t "}, "text"),
        ({"text": "\u0000\u0001\u200b"}, "text"),
        ({"text": "x" * 1001}, "text"),
        ({"text": "Hoi", "role": "partner"}, "role"),
        ({"text": "Hoi", "role": 1}, "role"),
        ({"text": "Hoi", "colour": "red"}, "colour"),
    ],
)
def test_bad_input_gets_a_clear_422(plain_client: TestClient, payload: object, field: str) -> None:
    r = plain_client.post(URL, json=payload)
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "validation_error"
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert any(field in [str(p) for p in e["loc"]] for e in body["errors"])


def test_1000_characters_is_still_fine(plain_client: TestClient) -> None:
    text = ("Ik voel me alleen. " * 60)[:1000]
    assert plain_client.post(URL, json={"text": text}).status_code == 200


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b"", b'{"text": "Hoi"', b"[]", b'"Je luistert nooit"', b"\xff\xfe"],
)
def test_invalid_json_gets_422(plain_client: TestClient, raw: bytes) -> None:
    r = plain_client.post(URL, content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["code"] == "validation_error"


def test_error_messages_do_not_echo_the_text(plain_client: TestClient) -> None:
    secret = "Mijn geheime zin " * 80
    r = plain_client.post(URL, json={"text": secret})
    assert r.status_code == 422
    assert "geheime" not in r.text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=1000))
def test_any_text_answers_without_a_server_error(plain_client: TestClient, text: str) -> None:
    r = plain_client.post(URL, json={"text": text})
    assert r.status_code in (200, 422)
    if r.status_code == 200:
        for f in r.json()["findings"]:
            assert text[f["start"] : f["end"]] == f["text"]


def _has_visible_text(text: str) -> bool:
    return bool("".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_text_check_accepts_exactly_the_texts_with_something_visible(text: str) -> None:
    """The fast path (a letter or digit) must agree with the full category scan."""
    if _has_visible_text(text):
        assert check_user_text(text) == text
    else:
        with pytest.raises(ValueError, match="leeg"):
            check_user_text(text)


def test_a_cue_finding_keeps_the_finding_contract(
    plain_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A finding of the cue model (rule_id "cue.<category>") has the same shape as a rule's."""
    import json

    from api.feedback import cues, default_engine
    from api.feedback.taxonomy import UNSAFE_CATEGORIES

    engine = default_engine()
    data = json.loads(cues.MODEL_PATH.read_text(encoding="utf-8"))
    eager = cues.CueModel(engine, {**data, "threshold": 1e-9, "veto": None}, cues.load_messages())
    monkeypatch.setattr(engine, "cues", eager)
    text = "🌧️ Zielig gewoon, een vent van veertig die de wás laat liggen."
    body = plain_client.post(URL, json={"text": text}).json()
    assert body["verdict"] == "unsafe"
    (f,) = [f for f in body["findings"] if f["rule_id"].startswith("cue.")]
    assert f["category"] in UNSAFE_CATEGORIES
    assert f["polarity"] == "unsafe"
    assert text[f["start"] : f["end"]] == f["text"]
    assert f["message"]
    assert f["tip"]
    assert set(f) == {
        "rule_id",
        "category",
        "label",
        "polarity",
        "start",
        "end",
        "text",
        "message",
        "tip",
        "suggestion",
    }
