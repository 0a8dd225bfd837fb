"""Homework links, progress, sharing, export, erasure and own scenarios; SQLite and PostgreSQL.

Also the isolation promise: every therapist route tried with another therapist's ids is a 404.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

from api.app import create_app
from api.config import Settings
from api.homework.models import Client, Homework
from api.practice.models import PracticeSession, SessionEvent
from api.therapists.models import AuthSession, Therapist
from tests.conftest import FIXTURE_DIALOGUES

PASSWORD = "een lange zin als wachtwoord"
SAFE = "Ik voelde me niet gehoord."
UNSAFE = "Je luistert ook nooit!"


@dataclass
class Therapeut:
    client: TestClient
    csrf: str

    def post(self, url: str, **kw: Any) -> Any:
        return self.client.post(url, headers={"X-CSRF-Token": self.csrf}, **kw)

    def put(self, url: str, **kw: Any) -> Any:
        return self.client.put(url, headers={"X-CSRF-Token": self.csrf}, **kw)

    def delete(self, url: str, **kw: Any) -> Any:
        return self.client.request("DELETE", url, headers={"X-CSRF-Token": self.csrf}, **kw)

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, **kw)


@pytest.fixture
def cheap_settings(fixture_settings: Settings) -> Settings:
    return fixture_settings.model_copy(update={"argon2_time_cost": 1, "argon2_memory_kib": 1024})


def _therapeut(settings: Settings, email: str) -> Iterator[Therapeut]:
    with TestClient(create_app(settings)) as c:
        assert c.post("/api/v1/therapists", json={"email": email, "password": PASSWORD}).is_success
        r = c.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        yield Therapeut(c, r.json()["csrf_token"])


@pytest.fixture
def anna(cheap_settings: Settings) -> Iterator[Therapeut]:
    yield from _therapeut(cheap_settings, "anna@praktijk.nl")


@pytest.fixture
def bert(cheap_settings: Settings) -> Iterator[Therapeut]:
    yield from _therapeut(cheap_settings, "bert@praktijk.nl")


@pytest.fixture
def visitor(cheap_settings: Settings) -> Iterator[TestClient]:
    """The client, in a browser of their own: no therapist cookie."""
    with TestClient(create_app(cheap_settings)) as c:
        yield c


def make_homework(t: Therapeut, scenarios: list[str] | None = None) -> dict[str, Any]:
    client = t.post("/api/v1/clients", json={"pseudonym": "Stel A"}).json()
    r = t.post(
        "/api/v1/homework",
        json={
            "client_id": client["id"],
            "scenario_ids": scenarios or ["api-oefening"],
            "note": "Probeer het deze week twee keer.",
            "due_date": "2026-12-01",
        },
    )
    assert r.status_code == 201, r.text
    return dict(r.json()) | {"client_id": client["id"]}


def practise(visitor: TestClient, code: str, replies: list[str]) -> str:
    r = visitor.post(f"/api/v1/h/{code}/sessions", json={"scenario_id": "api-oefening"})
    assert r.status_code == 201, r.text
    sid, tok = r.json()["id"], {"X-Session-Token": r.json()["token"]}
    for text in replies:
        assert visitor.post(
            f"/api/v1/sessions/{sid}/reply", json={"text": text}, headers=tok
        ).is_success
    return sid


def test_homework_link_practice_and_progress(anna: Therapeut, visitor: TestClient) -> None:
    hw = make_homework(anna)
    assert len(hw["code"]) >= 43  # 256 bits, URL-safe
    assert hw["url"].endswith(f"/#/huiswerk/{hw['code']}")

    view = visitor.get(f"/api/v1/h/{hw['code']}").json()
    assert view["note"] == "Probeer het deze week twee keer."
    assert view["due_date"] == "2026-12-01"
    assert view["sharing"] is None
    assert [(s["id"], s["status"]) for s in view["scenarios"]] == [("api-oefening", "nieuw")]
    assert view["withdrawn"] == 0

    r = visitor.post(f"/api/v1/h/{hw['code']}/sessions", json={"scenario_id": "api-oefening"})
    assert r.status_code == 409
    assert r.json()["code"] == "sharing_not_chosen"

    r = visitor.put(f"/api/v1/h/{hw['code']}/sharing", json={"sharing": "texts"})
    assert r.json()["sharing"] == "texts"
    practise(visitor, hw["code"], [UNSAFE, SAFE])
    assert visitor.get(f"/api/v1/h/{hw['code']}").json()["scenarios"][0]["status"] == "bezig"

    progress = anna.get(f"/api/v1/homework/{hw['id']}").json()
    [scenario] = progress["scenarios"]
    assert scenario["started"] == 1
    assert scenario["finished"] == 0
    [prompt] = scenario["prompts"]
    assert prompt["attempts"] == 2
    assert prompt["verdicts"] == {"safe": 1, "almost": 0, "unsafe": 1}
    assert prompt["first"]["verdict"] == "unsafe"
    assert prompt["first"]["text"] == UNSAFE
    assert prompt["last"]["verdict"] == "safe"
    assert prompt["last"]["text"] == SAFE
    recurring = {c["category"] for c in progress["recurring_categories"]}
    assert "absolute_language" in recurring
    assert progress["safe_over_time"][0]["replies"] == 2
    assert progress["safe_over_time"][0]["safe"] == 1

    # The client changes their mind: texts disappear, also those already there.
    visitor.put(f"/api/v1/h/{hw['code']}/sharing", json={"sharing": "results"})
    progress = anna.get(f"/api/v1/homework/{hw['id']}").json()
    prompt = progress["scenarios"][0]["prompts"][0]
    assert prompt["first"]["text"] is None
    assert prompt["last"]["text"] is None
    assert prompt["verdicts"]["safe"] == 1


def test_exports_csv_and_json(anna: Therapeut, visitor: TestClient) -> None:
    hw = make_homework(anna)
    visitor.put(f"/api/v1/h/{hw['code']}/sharing", json={"sharing": "texts"})
    practise(visitor, hw["code"], ["=HYPERLINK(1) Je luistert ook nooit!", SAFE])
    rows = anna.get(f"/api/v1/homework/{hw['id']}/export?format=json").json()
    assert [r["verdict"] for r in rows] == ["unsafe", "safe"]
    assert rows[1]["text"] == SAFE
    r = anna.get(f"/api/v1/homework/{hw['id']}/export?format=csv")
    assert r.headers["content-type"].startswith("text/csv")
    parsed = list(csv.DictReader(io.StringIO(r.text)))
    assert parsed[0]["text"].startswith("'=")  # no spreadsheet formula
    assert parsed[1]["client"] == "Stel A"


def test_revoke_and_renew(anna: Therapeut, visitor: TestClient) -> None:
    hw = make_homework(anna)
    assert anna.post(f"/api/v1/homework/{hw['id']}/revoke").status_code == 204
    assert visitor.get(f"/api/v1/h/{hw['code']}").status_code == 404
    new = anna.post(f"/api/v1/homework/{hw['id']}/renew").json()
    assert new["code"] != hw["code"]
    assert visitor.get(f"/api/v1/h/{new['code']}").status_code == 200
    assert visitor.get(f"/api/v1/h/{hw['code']}").status_code == 404


def test_a_code_never_opens_another_homework(anna: Therapeut, visitor: TestClient) -> None:
    first, second = make_homework(anna), make_homework(anna)
    visitor.put(f"/api/v1/h/{first['code']}/sharing", json={"sharing": "texts"})
    practise(visitor, first["code"], [SAFE])
    assert anna.get(f"/api/v1/homework/{second['id']}").json()["scenarios"][0]["started"] == 0
    assert visitor.get("/api/v1/h/" + first["code"][:-1] + "x").status_code == 404


def test_client_export_and_erase(
    anna: Therapeut, visitor: TestClient, cheap_settings: Settings
) -> None:
    hw = make_homework(anna)
    visitor.put(f"/api/v1/h/{hw['code']}/sharing", json={"sharing": "texts"})
    sid = practise(visitor, hw["code"], [SAFE])
    mine = visitor.get(f"/api/v1/h/{hw['code']}/export").json()
    assert mine["sessions"][0]["id"] == sid
    assert any(t.get("text") == SAFE for t in mine["sessions"][0]["transcript"])

    assert visitor.delete(f"/api/v1/h/{hw['code']}/data").status_code == 204
    progress = anna.get(f"/api/v1/homework/{hw['id']}").json()
    assert progress["erased"] is True
    assert progress["scenarios"] == []
    assert progress["recurring_categories"] == []
    assert anna.get(f"/api/v1/homework/{hw['id']}/export?format=json").json() == []
    engine = create_engine(cheap_settings.database_url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(PracticeSession)) == 0
        assert conn.scalar(select(func.count()).select_from(SessionEvent)) == 0
    engine.dispose()
    r = visitor.post(f"/api/v1/h/{hw['code']}/sessions", json={"scenario_id": "api-oefening"})
    assert r.status_code == 409


def test_delete_account_removes_everything_under_it(
    anna: Therapeut, visitor: TestClient, cheap_settings: Settings
) -> None:
    hw = make_homework(anna)
    visitor.put(f"/api/v1/h/{hw['code']}/sharing", json={"sharing": "texts"})
    practise(visitor, hw["code"], [SAFE])
    r = anna.delete("/api/v1/therapists/me", json={"password": "niet mijn wachtwoord"})
    assert r.status_code == 401
    assert anna.delete("/api/v1/therapists/me", json={"password": PASSWORD}).status_code == 204
    assert anna.get("/api/v1/auth/me").status_code == 401
    assert visitor.get(f"/api/v1/h/{hw['code']}").status_code == 404
    engine = create_engine(cheap_settings.database_url)
    with engine.connect() as conn:
        for model in (Therapist, AuthSession, Client, Homework, PracticeSession, SessionEvent):
            assert conn.scalar(select(func.count()).select_from(model)) == 0, model
    engine.dispose()


VALID_UPLOAD = (
    (FIXTURE_DIALOGUES / "api-oefening.yaml")
    .read_text(encoding="utf-8")
    .replace("id: api-oefening", "id: eigen-oefening")
    .replace("title: Niet gehoord", "title: Mijn eigen oefening")
)


def test_upload_own_scenario(anna: Therapeut, bert: Therapeut, visitor: TestClient) -> None:
    bad = anna.post("/api/v1/own-scenarios", json={"yaml": "id: x\nid: y\n"})
    assert bad.status_code == 422
    body = bad.json()
    assert body["code"] == "scenario_invalid"
    assert any(d["line"] == 2 for d in body["diagnostics"])
    duplicate = next(d for d in body["diagnostics"] if d["code"] == "duplicate-key")
    assert duplicate["explanation"].startswith("Een veld staat twee keer")

    r = anna.post("/api/v1/own-scenarios", json={"yaml": VALID_UPLOAD})
    assert r.status_code == 201, r.text
    own = r.json()["scenario"]
    assert own["title"] == "Mijn eigen oefening"
    assert own["version"] == 1
    assert [s["id"] for s in anna.get("/api/v1/scenarios").json()] == ["api-oefening"]

    hw = make_homework(anna, [own["ref"], "api-oefening"])
    visitor.put(f"/api/v1/h/{hw['code']}/sharing", json={"sharing": "results"})
    titles = [s["title"] for s in visitor.get(f"/api/v1/h/{hw['code']}").json()["scenarios"]]
    assert titles == ["Mijn eigen oefening", "Niet gehoord"]
    r = visitor.post(f"/api/v1/h/{hw['code']}/sessions", json={"scenario_id": own["ref"]})
    assert r.status_code == 201
    assert r.json()["scenario"]["title"] == "Mijn eigen oefening"

    # Bert cannot assign Anna's scenario.
    bert_client = bert.post("/api/v1/clients", json={"pseudonym": "Stel B"}).json()
    r = bert.post(
        "/api/v1/homework", json={"client_id": bert_client["id"], "scenario_ids": [own["ref"]]}
    )
    assert r.status_code == 404


def _count(settings: Settings, model: type) -> int:
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        n = conn.scalar(select(func.count()).select_from(model))
    engine.dispose()
    return int(n or 0)


def test_deleting_an_own_scenario_keeps_what_clients_practised_in_it(
    anna: Therapeut, visitor: TestClient, cheap_settings: Settings
) -> None:
    from api.homework.models import CustomScenario
    from api.retention import run as run_retention

    own = anna.post("/api/v1/own-scenarios", json={"yaml": VALID_UPLOAD}).json()["scenario"]
    unused = anna.post(
        "/api/v1/own-scenarios", json={"yaml": VALID_UPLOAD.replace("eigen-oefening", "nooit")}
    ).json()["scenario"]
    hw = make_homework(anna, [own["ref"]])
    visitor.put(f"/api/v1/h/{hw['code']}/sharing", json={"sharing": "texts"})
    r = visitor.post(f"/api/v1/h/{hw['code']}/sessions", json={"scenario_id": own["ref"]})
    sid, tok = r.json()["id"], {"X-Session-Token": r.json()["token"]}
    assert visitor.post(f"/api/v1/sessions/{sid}/reply", json={"text": SAFE}, headers=tok)

    # Nobody practised the unused one: it is gone at once.
    assert anna.delete(f"/api/v1/own-scenarios/{unused['id']}").status_code == 204
    assert _count(cheap_settings, CustomScenario) == 1
    # The practised one leaves the list and cannot be assigned or started again...
    assert anna.delete(f"/api/v1/own-scenarios/{own['id']}").status_code == 204
    assert anna.get("/api/v1/own-scenarios").json() == []
    assert anna.delete(f"/api/v1/own-scenarios/{own['id']}").status_code == 404
    r = anna.post(
        "/api/v1/homework", json={"client_id": hw["client_id"], "scenario_ids": [own["ref"]]}
    )
    assert r.status_code == 404
    r = visitor.post(f"/api/v1/h/{hw['code']}/sessions", json={"scenario_id": own["ref"]})
    assert r.status_code == 404
    # The client's list no longer offers it, and says that one exercise was taken out.
    view = visitor.get(f"/api/v1/h/{hw['code']}").json()
    assert view["scenarios"] == []
    assert view["withdrawn"] == 1
    # ...but the client's attempt stays: in the therapist's progress, under its real title,
    # and in the client's own export.
    [scenario] = anna.get(f"/api/v1/homework/{hw['id']}").json()["scenarios"]
    assert scenario["title"] == "Mijn eigen oefening"
    assert scenario["prompts"][0]["first"]["text"] == SAFE
    mine = visitor.get(f"/api/v1/h/{hw['code']}/export").json()
    assert any(t.get("text") == SAFE for t in mine["sessions"][0]["transcript"])
    # The retention job keeps the row while an attempt refers to it, and removes it after the
    # client erased their data; twice is the same as once.
    run_retention(cheap_settings.database_url, cheap_settings.anonymous_retention_days)
    assert _count(cheap_settings, CustomScenario) == 1
    assert visitor.delete(f"/api/v1/h/{hw['code']}/data").status_code == 204
    for _ in range(2):
        run_retention(cheap_settings.database_url, cheap_settings.anonymous_retention_days)
        assert _count(cheap_settings, CustomScenario) == 0


def test_every_route_with_another_therapists_ids_is_404(anna: Therapeut, bert: Therapeut) -> None:
    hw = make_homework(anna)
    own = anna.post("/api/v1/own-scenarios", json={"yaml": VALID_UPLOAD}).json()["scenario"]
    attempts = [
        bert.get(f"/api/v1/homework/{hw['id']}"),
        bert.get(f"/api/v1/homework/{hw['id']}/export?format=csv"),
        bert.get(f"/api/v1/homework/{hw['id']}/export?format=json"),
        bert.post(f"/api/v1/homework/{hw['id']}/renew"),
        bert.post(f"/api/v1/homework/{hw['id']}/revoke"),
        bert.delete(f"/api/v1/homework/{hw['id']}"),
        bert.get(f"/api/v1/clients/{hw['client_id']}/progress"),
        bert.delete(f"/api/v1/clients/{hw['client_id']}"),
        bert.delete(f"/api/v1/own-scenarios/{own['id']}"),
        bert.post(
            "/api/v1/homework",
            json={"client_id": hw["client_id"], "scenario_ids": ["api-oefening"]},
        ),
    ]
    assert [r.status_code for r in attempts] == [404] * len(attempts)
    assert bert.get("/api/v1/homework").json() == []
    assert bert.get("/api/v1/clients").json() == []
    assert bert.get("/api/v1/own-scenarios").json() == []
    # ...and Anna's data is untouched.
    assert anna.get(f"/api/v1/homework/{hw['id']}").status_code == 200


def test_therapist_routes_need_a_login(visitor: TestClient) -> None:
    for method, url in [
        ("GET", "/api/v1/clients"),
        ("POST", "/api/v1/clients"),
        ("GET", "/api/v1/homework"),
        ("POST", "/api/v1/homework"),
        ("GET", "/api/v1/homework/x"),
        ("GET", "/api/v1/own-scenarios"),
        ("POST", "/api/v1/auth/logout"),
        ("DELETE", "/api/v1/therapists/me"),
    ]:
        r = visitor.request(method, url, json={})
        assert r.status_code == 401, (method, url)
        assert r.json()["code"] == "not_logged_in"


def test_no_user_text_or_secrets_in_logs(
    anna: Therapeut, visitor: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    canary = "Kanarie-zin: ik voelde me zo alleen op dinsdag."
    hw = make_homework(anna)
    visitor.put(f"/api/v1/h/{hw['code']}/sharing", json={"sharing": "texts"})
    practise(visitor, hw["code"], [canary])
    visitor.post("/api/v1/analyze", json={"text": canary})
    anna.get(f"/api/v1/homework/{hw['id']}")
    # httpx2 is the test's own client (it logs the URLs it calls); everything else is the server.
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert canary not in logged
    assert hw["code"] not in logged
    assert PASSWORD not in logged
    assert anna.csrf not in logged


def test_access_log_paths_are_redacted() -> None:
    from api.logs import RedactSecrets

    code = "a" * 43
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:1", "GET", f"/api/v1/h/{code}/export?x=1", "1.1", 200),
        None,
    )
    RedactSecrets().filter(record)
    assert code not in record.getMessage()
    assert "/api/v1/h/…/export" in record.getMessage()


def test_a_homework_session_is_erased_with_its_homework_only(
    anna: Therapeut, visitor: TestClient
) -> None:
    hw = make_homework(anna)
    visitor.put(f"/api/v1/h/{hw['code']}/sharing", json={"sharing": "texts"})
    r = visitor.post(f"/api/v1/h/{hw['code']}/sessions", json={"scenario_id": "api-oefening"})
    sid, tok = r.json()["id"], {"X-Session-Token": r.json()["token"]}
    r = visitor.delete(f"/api/v1/sessions/{sid}", headers=tok)
    assert r.status_code == 409
    assert r.json()["code"] == "homework_session"
    assert visitor.get(f"/api/v1/sessions/{sid}", headers=tok).status_code == 200


def test_therapist_page_and_its_trailing_slash(visitor: TestClient) -> None:
    assert visitor.get("/therapeut").status_code == 200
    r = visitor.get("/therapeut/", follow_redirects=False)
    assert r.status_code == 308
    assert r.headers["location"] == "/therapeut"


def test_server_tracebacks_keep_only_the_exception_type() -> None:
    from api.logs import TypeOnlyTracebacks

    try:
        raise ValueError("Ik voelde me zo alleen")  # user text inside an exception
    except ValueError:
        import sys

        record = logging.LogRecord(
            "uvicorn.error",
            logging.ERROR,
            __file__,
            1,
            "Exception in ASGI application",
            None,
            sys.exc_info(),
        )
    TypeOnlyTracebacks().filter(record)
    formatted = logging.Formatter().format(record)
    assert "alleen" not in formatted
    assert "ValueError" in formatted
