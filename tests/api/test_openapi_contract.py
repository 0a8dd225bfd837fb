"""The OpenAPI schema: request models forbid unknown fields, and no response schema exposes a
hash, a password or a secret, except the bearer secrets handed once to their own holder."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

SECRET_NAMES = re.compile(r"hash|password|secret|token|csrf|code|otp|cookie", re.I)

# (schema, property): each is given only to the person it belongs to, at the moment it is made.
HANDED_TO_OWNER = {
    ("SessionCreatedOut", "token"),  # the practice session's own secret, shown once
    ("LoginOut", "csrf_token"),  # the logged-in therapist's CSRF token
    ("HomeworkCreatedOut", "code"),  # the private link, shown once to the therapist who made it
    ("LinkOut", "code"),  # the renewed link, same
    ("TotpSetupOut", "secret"),  # the TOTP seed, shown once during setup
    ("TotpSetupOut", "otpauth_uri"),  # the same seed as a URI for authenticator apps
    ("RecoveryCodesOut", "recovery_codes"),  # shown once when the second factor is switched on
}
# Names that match the pattern but are not secrets.
NOT_SECRET = {
    ("DiagnosticOut", "code"),  # a linter diagnostic code such as "missing-target"
    ("ErrorOut", "code"),  # machine-readable error codes such as "not_found"
    ("ValidationErrorOut", "code"),
    ("UploadRefusedOut", "code"),
}


def _schema(client: TestClient) -> dict[str, Any]:
    return dict(client.get("/openapi.json").json())


def _response_schemas(spec: dict[str, Any]) -> set[str]:
    """Every component reachable from a response."""
    components = spec["components"]["schemas"]
    todo: list[Any] = []
    for ops in spec["paths"].values():
        for op in ops.values():
            for resp in op.get("responses", {}).values():
                todo.extend(resp.get("content", {}).values())
    seen: set[str] = set()
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                name = ref.rsplit("/", 1)[-1]
                if name not in seen:
                    seen.add(name)
                    todo.append(components[name])
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return seen


def _request_schemas(spec: dict[str, Any]) -> set[str]:
    names = set()
    for ops in spec["paths"].values():
        for op in ops.values():
            for media in op.get("requestBody", {}).get("content", {}).values():
                ref = media.get("schema", {}).get("$ref", "")
                if ref:
                    names.add(ref.rsplit("/", 1)[-1])
    return names


def test_no_response_schema_exposes_secrets(plain_client: TestClient) -> None:
    spec = _schema(plain_client)
    found = set()
    for name in _response_schemas(spec):
        for prop in spec["components"]["schemas"][name].get("properties", {}):
            if SECRET_NAMES.search(prop) and (name, prop) not in NOT_SECRET:
                found.add((name, prop))
    unexpected = found - HANDED_TO_OWNER
    assert not unexpected, f"response fields that look like secrets: {sorted(unexpected)}"
    # The allowlist must stay true too: a renamed field should not leave a stale entry.
    assert found >= HANDED_TO_OWNER


def test_no_response_carries_password_or_hash_fields_at_all(plain_client: TestClient) -> None:
    spec = _schema(plain_client)
    for name in _response_schemas(spec):
        for prop in spec["components"]["schemas"][name].get("properties", {}):
            assert not re.search(r"hash|password", prop, re.I), (name, prop)


def test_request_models_forbid_unknown_fields(plain_client: TestClient) -> None:
    spec = _schema(plain_client)
    names = _request_schemas(spec)
    assert len(names) >= 10
    for name in names:
        assert spec["components"]["schemas"][name].get("additionalProperties") is False, name


def test_no_get_route_changes_state(plain_client: TestClient) -> None:
    """Every GET is safe: it has no request body, and none of our GET handlers write (the
    service functions they call are read-only; this pins the list so a new GET is looked at)."""
    spec = _schema(plain_client)
    gets = sorted(p for p, ops in spec["paths"].items() if "get" in ops)
    for path in gets:
        assert "requestBody" not in spec["paths"][path]["get"], path
    assert gets == [
        "/api/v1/auth/me",
        "/api/v1/clients",
        "/api/v1/clients/{client_id}/progress",
        "/api/v1/h/{code}",
        "/api/v1/h/{code}/export",
        "/api/v1/homework",
        "/api/v1/homework/{homework_id}",
        "/api/v1/homework/{homework_id}/export",
        "/api/v1/own-scenarios",
        "/api/v1/scenarios",
        "/api/v1/sessions/{session_id}",
        "/healthz",
    ]
