"""`make demo`: a demo therapist with a client, homework and some attempts, through the real API.

Run it against the database `make run` uses; it prints how to log in and the client's link.
Running it again replaces the demo account (and only that account).
"""

from __future__ import annotations

import secrets

from fastapi.testclient import TestClient

from api.app import create_app
from api.config import get_settings
from api.dialogue.models import PromptNode
from api.therapists import repository

EMAIL = "demo@veiliggezegd.invalid"
SCENARIOS = ("niet-gehoord", "er-wel-maar-niet")


def main() -> None:
    settings = get_settings()
    password = "demo " + " ".join(secrets.token_hex(3) for _ in range(4))
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1:8000") as web:
        _remove_previous(web)
        assert web.post(
            "/api/v1/therapists", json={"email": EMAIL, "password": password}
        ).is_success
        csrf = web.post("/api/v1/auth/login", json={"email": EMAIL, "password": password}).json()[
            "csrf_token"
        ]
        h = {"X-CSRF-Token": csrf}
        client = web.post("/api/v1/clients", json={"pseudonym": "Stel A (demo)"}, headers=h).json()
        homework = web.post(
            "/api/v1/homework",
            json={
                "client_id": client["id"],
                "scenario_ids": list(SCENARIOS),
                "note": "Oefen deze week twee keer. Let vooral op je eerste zin.",
            },
            headers=h,
        ).json()
        web.cookies.clear()
        code = homework["code"]
        web.put(f"/api/v1/h/{code}/sharing", json={"sharing": "texts"})
        for scenario_id in SCENARIOS:
            _practise(web, app, code, scenario_id)
    print("Demo ready.")
    print("  Therapist page:  http://127.0.0.1:8000/therapeut")
    print(f"  E-mail:          {EMAIL}")
    print(f"  Password:        {password}")
    print(f"  Client's link:   {homework['url']}")


def _remove_previous(web: TestClient) -> None:
    """An earlier demo account had a random password, so it is deleted directly."""
    with web.app.state.sessionmaker() as db, db.begin():  # type: ignore[attr-defined]
        previous = repository.by_email(db, EMAIL)
        if previous is not None:
            repository.delete_therapist(db, previous)


def _practise(web: TestClient, app: object, code: str, scenario_id: str) -> None:
    """First an unsafe attempt, then a safe one, at every prompt until the scenario ends."""
    started = web.post(f"/api/v1/h/{code}/sessions", json={"scenario_id": scenario_id}).json()
    sid, tok = started["id"], {"X-Session-Token": started["token"]}
    scenario = app.state.catalogue.get(scenario_id)  # type: ignore[attr-defined]
    state = started
    for _ in range(30):
        if state["status"] == "finished":
            return
        if state["status"] == "awaiting_choice":
            option = state["choices"]["options"][0]["id"]
            state = web.post(
                f"/api/v1/sessions/{sid}/choose", json={"choice_id": option}, headers=tok
            ).json()
            continue
        node = scenario.nodes[state["prompt"]["node_id"]]
        assert isinstance(node, PromptNode)
        text = node.unsafe_example if state["prompt"]["attempt"] == 1 else node.safe_examples[0]
        state = web.post(f"/api/v1/sessions/{sid}/reply", json={"text": text}, headers=tok).json()


if __name__ == "__main__":
    main()
