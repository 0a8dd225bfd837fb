"""Two uvicorn processes on one PostgreSQL database behave as one service: practice sessions,
therapist logins and the login rate limit live in the database, not in a process."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests import live_server as live

pytestmark = pytest.mark.postgres

PASSWORD = "een lange zin als wachtwoord"
SAFE = "Ik voelde me niet gehoord."
UNSAFE = "Je luistert ook nooit!"


@pytest.fixture(scope="module")
def two_servers(
    migrated_postgres_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    logs = tmp_path_factory.mktemp("scale-out")
    a = live.LiveServer(migrated_postgres_url, logs / "a.log", live.CHEAP_ARGON2)
    b = live.LiveServer(migrated_postgres_url, logs / "b.log", live.CHEAP_ARGON2)
    a.spawn()
    b.spawn()
    try:
        a.wait_healthy()
        b.wait_healthy()
        yield a.url, b.url
        for s in (a, b):
            assert "Traceback" not in s.log(), s.log()
    finally:
        a.stop()
        b.stop()


@pytest.fixture
def a(two_servers: tuple[str, str]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=two_servers[0], timeout=10.0) as c:
        yield c


@pytest.fixture
def b(two_servers: tuple[str, str]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=two_servers[1], timeout=10.0) as c:
        yield c


def start(c: httpx.Client) -> tuple[str, dict[str, str]]:
    r = c.post("/api/v1/sessions", json={"scenario_id": "api-oefening"})
    assert r.status_code == 201, r.text
    return r.json()["id"], {"X-Session-Token": r.json()["token"]}


def reply(c: httpx.Client, sid: str, headers: dict[str, str], text: str) -> httpx.Response:
    return c.post(f"/api/v1/sessions/{sid}/reply", json={"text": text}, headers=headers)


def transcript(c: httpx.Client, sid: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    r = c.get(f"/api/v1/sessions/{sid}", headers=headers)
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["transcript"]
    return items


def test_a_session_started_on_a_continues_on_b(a: httpx.Client, b: httpx.Client) -> None:
    sid, tok = start(a)
    r = reply(b, sid, tok, UNSAFE)
    assert r.status_code == 200, r.text
    assert r.json()["prompt"]["attempt"] == 2
    r = reply(a, sid, tok, SAFE)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "awaiting_choice"
    r = b.post(f"/api/v1/sessions/{sid}/choose", json={"choice_id": "samen"}, headers=tok)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "finished"

    for c in (a, b):
        items = transcript(c, sid, tok)
        assert [i["text"] for i in items if i["kind"] == "reply"] == [UNSAFE, SAFE]
        assert [i["choice_id"] for i in items if i["kind"] == "choice"] == ["samen"]
        assert items[-1]["kind"] == "ending"
    # A wrong token is refused on both alike.
    assert b.get(f"/api/v1/sessions/{sid}", headers={"X-Session-Token": "x"}).status_code == 404


def race(clients: list[httpx.Client], sid: str, tok: dict[str, str]) -> list[httpx.Response]:
    """The same safe reply to the same turn, sent through every client at the same moment."""
    barrier = threading.Barrier(len(clients))
    results: list[httpx.Response] = []

    def send(c: httpx.Client) -> None:
        barrier.wait(timeout=5)
        results.append(reply(c, sid, tok, SAFE))

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=15)
    return results


def test_one_turn_answered_on_a_and_b_at_once_is_written_once(
    a: httpx.Client, b: httpx.Client
) -> None:
    """The optimistic turn check is in the database, so it holds across processes too."""
    for _ in range(8):
        sid, tok = start(a)
        results = race([a, b], sid, tok)
        assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
        loser = next(r for r in results if r.status_code == 409)
        # concurrent_reply: both read the same turn; wrong_input: the winner had already moved on.
        assert loser.json()["code"] in ("concurrent_reply", "wrong_input")
        replies = [i for i in transcript(b, sid, tok) if i["kind"] == "reply"]
        assert len(replies) == 1


def register(c: httpx.Client, email: str) -> None:
    r = c.post("/api/v1/therapists", json={"email": email, "password": PASSWORD})
    assert r.status_code == 201, r.text


def test_a_login_on_a_is_recognised_on_b(a: httpx.Client, b: httpx.Client) -> None:
    register(a, "anna@praktijk.nl")
    r = a.post("/api/v1/auth/login", json={"email": "anna@praktijk.nl", "password": PASSWORD})
    assert r.status_code == 200, r.text
    cookie = r.cookies["vg_sessie"]
    csrf = r.json()["csrf_token"]
    a.cookies.clear()

    b.cookies.set("vg_sessie", cookie)
    me = b.get("/api/v1/auth/me")
    assert me.status_code == 200, me.text
    assert me.json()["therapist"]["email"] == "anna@praktijk.nl"
    assert me.json()["csrf_token"] == csrf

    # Logging out on B ends the login on A as well.
    assert b.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    a.cookies.set("vg_sessie", cookie)
    assert a.get("/api/v1/auth/me").status_code == 401


def test_the_login_rate_limit_counts_across_processes(a: httpx.Client, b: httpx.Client) -> None:
    email = "bert@praktijk.nl"
    register(b, email)
    wrong = {"email": email, "password": "niet het goede wachtwoord"}
    for c in (a, b, a, b, a):
        r = c.post("/api/v1/auth/login", json=wrong)
        assert r.status_code == 401, r.text
    for c in (b, a):
        r = c.post("/api/v1/auth/login", json=wrong)
        assert r.status_code == 429, r.text
        assert r.json()["code"] == "too_many_attempts"
    # Locked means locked: the right password does not get through either, on either process.
    for c in (a, b):
        r = c.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 429, r.text
