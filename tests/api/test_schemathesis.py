"""Schemathesis against our own OpenAPI schema, on SQLite and PostgreSQL: no server errors and no
responses that break the schema, whatever the input (NUL bytes and huge integers included)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from api.app import create_app
from api.config import Settings

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


def test_no_server_errors_and_responses_match_the_schema(fixture_settings: Settings) -> None:
    app = create_app(fixture_settings)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25

    for operation in operations:

        @settings(
            max_examples=15,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case: schemathesis.Case) -> None:
            response = case.call()
            case.validate_response(response, checks=CHECKS)

        call()


def test_nul_bytes_and_huge_integers_get_clean_answers(fixture_settings: Settings) -> None:
    from fastapi.testclient import TestClient

    with TestClient(create_app(fixture_settings)) as c:
        for payload in (
            {"text": "Je luistert\x00 nooit"},
            {"text": "\x00"},
            {"text": "Hoi", "role": 10**100},
            {"text": 10**400},
        ):
            assert c.post("/api/v1/analyze", json=payload).status_code in (200, 422)
        r = c.post("/api/v1/sessions", json={"scenario_id": "\x00" * 50})
        assert r.status_code == 404
        r = c.post("/api/v1/sessions/x/choose", json={"choice_id": 10**50})
        assert r.status_code == 422
