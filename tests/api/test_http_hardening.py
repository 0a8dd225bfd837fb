"""Security headers on every response (errors included), body limits, docs under the CSP."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.analysis import router as analysis_router
from api.app import create_app
from api.config import Settings
from api.migrate import upgrade
from tests.conftest import FIXTURE_DIALOGUES


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    url = f"sqlite:///{tmp_path_factory.mktemp('h') / 'h.db'}"
    upgrade(url)
    settings = Settings(environment="test", database_url=url, dialogues_dir=FIXTURE_DIALOGUES)
    return TestClient(create_app(settings), raise_server_exceptions=False)


def assert_strict(headers: dict[str, str] | object) -> None:
    csp = headers["content-security-policy"]  # type: ignore[index]
    for part in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "script-src 'self'",
    ):
        assert part in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert headers["x-content-type-options"] == "nosniff"  # type: ignore[index]
    assert headers["referrer-policy"] == "no-referrer"  # type: ignore[index]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/healthz", 200),
        ("GET", "/", 200),
        ("GET", "/bestaat-niet", 404),
        ("GET", "/api/v1/bestaat-niet", 404),
        ("POST", "/api/v1/analyze", 422),
        ("GET", "/api/v1/sessions/x", 404),
        ("DELETE", "/healthz", 405),
        ("GET", "/docs", 200),
        ("GET", "/.well-known/security.txt", 200),
    ],
)
def test_every_response_carries_the_headers(
    app_client: TestClient, method: str, path: str, status: int
) -> None:
    r = app_client.request(method, path)
    assert r.status_code == status
    assert_strict(r.headers)


def test_a_500_carries_the_headers_and_no_detail(
    app_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: object, **__: object) -> None:
        raise RuntimeError("Ik voelde me niet gehoord")  # user text in an exception message

    monkeypatch.setattr(analysis_router, "judge", explode)
    r = app_client.post("/api/v1/analyze", json={"text": "Hoi"})
    assert r.status_code == 500
    assert r.json() == {
        "detail": "Er ging bij ons iets mis. Probeer het zo nog eens.",
        "code": "internal_error",
    }
    assert_strict(r.headers)
    assert r.headers["cache-control"] == "no-store"


def test_api_answers_are_not_cached(app_client: TestClient) -> None:
    assert app_client.get("/api/v1/scenarios").headers["cache-control"] == "no-store"
    r = app_client.post("/api/v1/sessions", json={"scenario_id": "api-oefening"})
    assert r.headers["cache-control"] == "no-store"


def test_hsts_only_over_https(app_client: TestClient) -> None:
    assert "strict-transport-security" not in app_client.get("/healthz").headers
    secure = TestClient(app_client.app, base_url="https://testserver")
    assert secure.get("/healthz").headers["strict-transport-security"].startswith("max-age=")


@pytest.mark.parametrize("size", [256 * 1024 + 1, 2_000_000])
def test_oversized_bodies_get_413(app_client: TestClient, size: int) -> None:
    r = app_client.post(
        "/api/v1/analyze", content=b"{" + b" " * size, headers={"content-type": "application/json"}
    )
    assert r.status_code == 413
    assert r.json()["code"] == "too_large"


def test_docs_are_served_from_our_origin(app_client: TestClient) -> None:
    page = app_client.get("/docs").text
    assert "<script>" not in page  # no inline script
    assert 'src="/docs/assets/swagger-ui-bundle.js"' in page
    assert app_client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert app_client.get("/docs/init.js").status_code == 200
    assert app_client.get("/openapi.json").json()["info"]["title"] == "Veilig Gezegd"
