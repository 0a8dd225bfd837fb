"""Practice sessions: start, reply, choose, read back. The dialogue runtime does the thinking;
this module pins versions, checks tokens, records the transcript and guards against races."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from api.analysis.service import Judgement, judge
from api.db import mark_erased
from api.dialogue import runtime
from api.dialogue.errors import StaleState, WrongInputKind
from api.dialogue.models import Scenario
from api.errors import Conflict, NotFound, ValidationFailed
from api.homework import custom
from api.practice import repository
from api.practice.models import PracticeSession
from api.practice.repository import NewEvent
from api.scenarios.service import Catalogue
from api.tokens import matches, new_token, token_hash

SESSION_NOT_FOUND = "Deze oefensessie bestaat niet (meer), of de link klopt niet."


class WrongTurn(Conflict):
    code = "wrong_input"


class RaceLost(Conflict):
    code = "concurrent_reply"
    default_detail = (
        "Er kwam tegelijk een ander antwoord binnen voor dit gesprek. Laad het gesprek opnieuw."
    )


class ScenarioChanged(Conflict):
    code = "scenario_changed"
    default_detail = (
        "Deze oefening is intussen aangepast, en je plek in het gesprek bestaat niet meer. "
        "Begin de oefening opnieuw."
    )


class UnknownChoice(ValidationFailed):
    code = "unknown_choice"
    default_detail = "Deze keuze bestaat hier niet. Kies een van de getoonde mogelijkheden."


class HomeworkSession(Conflict):
    code = "homework_session"
    default_detail = (
        "Dit gesprek hoort bij huiswerk. Wis je gegevens op de pagina van je huiswerk; "
        "dan wist je alles van dat huiswerk tegelijk."
    )


class SessionFinished(Conflict):
    code = "session_finished"
    default_detail = "Dit gesprek is al afgerond. Je kunt de oefening opnieuw beginnen."


@dataclass(frozen=True, slots=True)
class Outcome:
    row: PracticeSession
    scenario: Scenario
    step: runtime.Step
    judgement: Judgement | None = None
    token: str | None = None


def start(db: Session, catalogue: Catalogue, scenario_id: str) -> Outcome:
    scenario = catalogue.get(scenario_id)
    if scenario is None:
        raise NotFound("Deze oefening bestaat niet.")
    return start_scenario(db, scenario)


def start_scenario(
    db: Session,
    scenario: Scenario,
    *,
    homework_id: str | None = None,
    custom_scenario_id: str | None = None,
) -> Outcome:
    step = runtime.start(scenario)
    token = new_token()
    row = repository.create(
        db,
        session_id=str(uuid.uuid4()),
        token_hash=token_hash(token),
        scenario_id=scenario.id,
        scenario_version=scenario.version,
        status=step.state.status,
        state=step.state.to_dict(),
        events=_step_events(step),
        homework_id=homework_id,
        custom_scenario_id=custom_scenario_id,
    )
    return Outcome(row=row, scenario=scenario, step=step, token=token)


def load(db: Session, catalogue: Catalogue, session_id: str, token: str | None) -> Outcome:
    """The session and where it stands now; 404 for an unknown id and for a wrong token alike."""
    row = repository.get(db, session_id)
    if row is None or not matches(token, row.token_hash):
        raise NotFound(SESSION_NOT_FOUND)
    if row.custom_scenario_id is not None:
        scenario = custom.scenario_by_row_id(db, row.custom_scenario_id)
    else:
        scenario = catalogue.get(row.scenario_id)
    if scenario is None:
        raise ScenarioChanged("Deze oefening bestaat niet meer. Kies een andere oefening.")
    state = runtime.State.from_dict(row.state)
    try:
        step = runtime.resume(scenario, state)
    except StaleState as exc:
        raise ScenarioChanged() from exc
    return Outcome(row=row, scenario=scenario, step=step)


def reply(
    db: Session, catalogue: Catalogue, session_id: str, token: str | None, text: str
) -> Outcome:
    current = load(db, catalogue, session_id, token)
    _expect(current, "awaiting_text")
    prompt = current.step.prompt
    assert prompt is not None  # awaiting_text always has a prompt
    judgement = judge(text, role=current.scenario.role, expect=prompt.expect)
    held = judgement.safety is not None
    try:
        step = runtime.reply(
            current.scenario, current.step.state, judgement.analysis, safety_hold=held
        )
    except WrongInputKind as exc:
        raise WrongTurn(_wrong_input_text(current.step.state.status)) from exc
    a = judgement.analysis
    reply_event = NewEvent(
        kind="reply",
        node_id=prompt.node_id,
        # A reply that raised a safety alarm is not kept: not for us, not for anyone else.
        text=None if held else text,
        data={
            "verdict": None if held else a.verdict,
            "categories": [] if held else sorted(a.categories),
            "attempt": prompt.attempt,
            "safety": judgement.safety.level if judgement.safety else None,
            "variables": dict(step.state.variables),
        },
    )
    _advance(db, current, step, [reply_event, *_step_events(step)])
    return Outcome(row=current.row, scenario=current.scenario, step=step, judgement=judgement)


def choose(
    db: Session, catalogue: Catalogue, session_id: str, token: str | None, choice_id: str
) -> Outcome:
    current = load(db, catalogue, session_id, token)
    _expect(current, "awaiting_choice")
    choices = current.step.choices
    assert choices is not None
    option = next((text for oid, text in choices.options if oid == choice_id), None)
    if option is None:
        raise UnknownChoice()
    step = runtime.choose(current.scenario, current.step.state, choice_id)
    choice_event = NewEvent(
        kind="choice",
        node_id=choices.node_id,
        text=option,
        data={"choice_id": choice_id, "variables": dict(step.state.variables)},
    )
    _advance(db, current, step, [choice_event, *_step_events(step)])
    return Outcome(row=current.row, scenario=current.scenario, step=step)


def forget(db: Session, session_id: str, token: str | None) -> None:
    """Delete a session and its transcript for good (the token proves it is yours)."""
    row = repository.get(db, session_id)
    if row is None or not matches(token, row.token_hash):
        raise NotFound(SESSION_NOT_FOUND)
    if row.homework_id is not None:
        # Homework attempts are erased all at once from the homework page, so the therapist
        # sees "erased" rather than attempts quietly going missing.
        raise HomeworkSession()
    repository.delete(db, row.id)
    mark_erased(db)


def transcript(db: Session, row: PracticeSession) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for e in repository.events(db, row.id):
        item: dict[str, Any] = {"kind": e.kind, "node_id": e.node_id}
        if e.kind == "message":
            item |= {"speaker": e.data.get("speaker"), "name": e.data.get("name"), "text": e.text}
        elif e.kind == "reply":
            item |= {
                "text": e.text,
                "verdict": e.data.get("verdict"),
                "categories": e.data.get("categories", []),
                "attempt": e.data.get("attempt"),
            }
        elif e.kind == "choice":
            item |= {"choice_id": e.data.get("choice_id"), "text": e.text}
        elif e.kind == "ending":
            item |= {
                "outcome": e.data.get("outcome"),
                "title": e.data.get("title"),
                "reflection": e.text,
            }
        items.append(item)
    return items


def connection_history(
    db: Session, row: PracticeSession, variable: str, initial: float
) -> list[dict[str, Any]]:
    """The meter after every reply and choice, starting from its declared initial value."""
    history: list[dict[str, Any]] = [{"turn": 0, "value": initial}]
    for e in repository.events(db, row.id):
        value = (e.data.get("variables") or {}).get(variable)
        if e.kind in ("reply", "choice") and isinstance(value, int | float):
            history.append({"turn": e.turn, "value": value})
    return history


def _expect(current: Outcome, status: str) -> None:
    actual = current.step.state.status
    if actual == "finished":
        raise SessionFinished()
    if actual != status:
        raise WrongTurn(_wrong_input_text(actual))


def _wrong_input_text(status: str) -> str:
    if status == "awaiting_choice":
        return "Hier verwacht het gesprek een keuze, geen getypt antwoord."
    if status == "awaiting_text":
        return "Hier verwacht het gesprek een getypt antwoord, geen keuze."
    return SessionFinished.default_detail


def _advance(db: Session, current: Outcome, step: runtime.Step, events: list[NewEvent]) -> None:
    ok = repository.advance(
        db,
        current.row,
        scenario_version=current.scenario.version,
        status=step.state.status,
        state=step.state.to_dict(),
        events=events,
    )
    if not ok:
        raise RaceLost()


def _step_events(step: runtime.Step) -> list[NewEvent]:
    events = [
        NewEvent(
            kind="message",
            node_id=m.node_id,
            text=m.text,
            data={"speaker": m.speaker, "name": m.name},
        )
        for m in step.messages
    ]
    if step.ending is not None:
        events.append(
            NewEvent(
                kind="ending",
                node_id=step.ending.node_id,
                text=step.ending.reflection,
                data={"outcome": step.ending.outcome, "title": step.ending.title},
            )
        )
    return events
