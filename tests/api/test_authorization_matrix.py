"""Who may call which route, and what everyone else gets.

The matrix below must name every route that takes a path parameter: a new route without an entry
fails `test_every_route_with_a_path_parameter_has_an_entry`. Each entry is then exercised for real
with the wrong credentials: another therapist, no login, a wrong session token or homework code.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import Settings
from tests.api.test_homework_api import VALID_UPLOAD

PASSWORD = "een lange zin als wachtwoord"

# Who may call: "therapist" = the therapist who owns the object (others: 404, nobody logged in:
# 401); "session" = whoever holds the session token (others: 404); "code" = whoever holds the
# homework link (others: 404); "public" = anyone.
MATRIX: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/sessions/{session_id}"): "session",
    ("POST", "/api/v1/sessions/{session_id}/reply"): "session",
    ("POST", "/api/v1/sessions/{session_id}/choose"): "session",
    ("DELETE", "/api/v1/sessions/{session_id}"): "session",
    ("DELETE", "/api/v1/clients/{client_id}"): "therapist",
    ("GET", "/api/v1/clients/{client_id}/progress"): "therapist",
    ("GET", "/api/v1/homework/{homework_id}"): "therapist",
    ("POST", "/api/v1/homework/{homework_id}/renew"): "therapist",
    ("POST", "/api/v1/homework/{homework_id}/revoke"): "therapist",
    ("DELETE", "/api/v1/homework/{homework_id}"): "therapist",
    ("GET", "/api/v1/homework/{homework_id}/export"): "therapist",
    ("DELETE", "/api/v1/own-scenarios/{row_id}"): "therapist",
    ("GET", "/api/v1/h/{code}"): "code",
    ("PUT", "/api/v1/h/{code}/sharing"): "code",
    ("POST", "/api/v1/h/{code}/sessions"): "code",
    ("GET", "/api/v1/h/{code}/export"): "code",
    ("DELETE", "/api/v1/h/{code}/data"): "code",
}

BODIES: dict[str, Any] = {
    "/reply": {"text": "Ik voelde me niet gehoord."},
    "/choose": {"choice_id": "samen"},
    "/sharing": {"sharing": "texts"},
    "/sessions": {"scenario_id": "api-oefening"},
}


def routes_with_path_parameters(settings: Settings) -> set[tuple[str, str]]:
    paths = create_app(settings).openapi()["paths"]
    return {
        (method.upper(), path)
        for path, operations in paths.items()
        if "{" in path
        for method in operations
    }


def test_every_route_with_a_path_parameter_has_an_entry(fixture_settings: Settings) -> None:
    missing = routes_with_path_parameters(fixture_settings) - MATRIX.keys()
    assert not missing, f"routes without an authorization entry: {sorted(missing)}"
    stale = MATRIX.keys() - routes_with_path_parameters(fixture_settings)
    assert not stale, f"entries for routes that no longer exist: {sorted(stale)}"


def _login(c: TestClient, email: str) -> str:
    c.post("/api/v1/therapists", json={"email": email, "password": PASSWORD})
    return str(
        c.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD}).json()[
            "csrf_token"
        ]
    )


@pytest.fixture
def world(fixture_settings: Settings) -> Iterator[dict[str, Any]]:
    settings = fixture_settings.model_copy(
        update={"argon2_time_cost": 1, "argon2_memory_kib": 1024}
    )
    with (
        TestClient(create_app(settings)) as anna,
        TestClient(create_app(settings)) as bert,
        TestClient(create_app(settings)) as nobody,
    ):
        a_csrf = _login(anna, "anna@praktijk.nl")
        b_csrf = _login(bert, "bert@praktijk.nl")
        h = {"X-CSRF-Token": a_csrf}
        client = anna.post("/api/v1/clients", json={"pseudonym": "Stel A"}, headers=h).json()
        hw = anna.post(
            "/api/v1/homework",
            json={"client_id": client["id"], "scenario_ids": ["api-oefening"]},
            headers=h,
        ).json()
        own = anna.post("/api/v1/own-scenarios", json={"yaml": VALID_UPLOAD}, headers=h).json()
        session = nobody.post("/api/v1/sessions", json={"scenario_id": "api-oefening"}).json()
        yield {
            "bert": bert,
            "bert_csrf": b_csrf,
            "nobody": nobody,
            "ids": {
                "session_id": session["id"],
                "client_id": client["id"],
                "homework_id": hw["id"],
                "row_id": own["scenario"]["id"],
                "code": hw["code"],
            },
            "token": session["token"],
        }


def test_everyone_else_is_refused(world: dict[str, Any]) -> None:
    # One world per database, every entry tried in it; the order keeps deletions for last.
    for method, path in sorted(MATRIX, key=lambda k: (k[0] == "DELETE", k)):
        refused(world, method, path)


def refused(world: dict[str, Any], method: str, path: str) -> None:
    who = MATRIX[(method, path)]
    url = path.format(**world["ids"])
    body = next((b for suffix, b in BODIES.items() if path.endswith(suffix)), None)
    kwargs: dict[str, Any] = {"json": body} if body is not None else {}
    if who == "therapist":
        headers = {"X-CSRF-Token": world["bert_csrf"]}
        r = world["bert"].request(method, url, headers=headers, **kwargs)
        assert r.status_code == 404, (method, path, r.status_code)
        r = world["nobody"].request(method, url, **kwargs)
        assert r.status_code == 401, (method, path, r.status_code)
    elif who == "session":
        for token in ("", "fout", world["token"][:-2]):
            r = world["nobody"].request(method, url, headers={"X-Session-Token": token}, **kwargs)
            assert r.status_code == 404, (method, path, token)
        other = world["nobody"].request(
            method,
            path.format(**(world["ids"] | {"session_id": "x"})),
            headers={"X-Session-Token": world["token"]},
            **kwargs,
        )
        assert other.status_code == 404, (method, path)
    elif who == "code":
        wrong = path.format(**(world["ids"] | {"code": world["ids"]["code"][:-3] + "abc"}))
        r = world["nobody"].request(method, wrong, **kwargs)
        assert r.status_code == 404, (method, path, r.status_code)
    else:  # pragma: no cover - every entry above names one of the three
        pytest.fail(f"unknown entry {who!r}")
