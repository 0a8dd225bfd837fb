from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response

from api.analysis.service import analysis_payload, categories_payload, safety_payload
from api.db import SessionDep
from api.practice import service
from api.practice.schemas import (
    ChooseIn,
    ReplyIn,
    SessionCreatedOut,
    SessionDetailOut,
    SessionOut,
    StartIn,
)
from api.scenarios.service import Catalogue

router = APIRouter(prefix="/api/v1/sessions", tags=["practice"])

# Sent by the client on every call after the start; never in the URL, so it stays out of logs.
SessionToken = Annotated[str | None, Header(alias="X-Session-Token", max_length=200)]

CONNECTION = "connection"


def _catalogue(request: Request) -> Catalogue:
    catalogue: Catalogue = request.app.state.catalogue
    return catalogue


def view(outcome: service.Outcome) -> dict[str, Any]:
    step, scenario = outcome.step, outcome.scenario
    judgement = outcome.judgement
    feedback = None
    if judgement is not None:
        a = judgement.analysis
        feedback = analysis_payload(judgement) | {
            "expected": categories_payload(a.expected),
            "missing": categories_payload(a.missing),
        }
    prompt = step.prompt
    choices = step.choices
    return {
        "id": outcome.row.id,
        "scenario": {
            "id": scenario.id,
            "title": scenario.title,
            "role": scenario.role,
            "theme": scenario.theme,
            "level": scenario.level,
            "minutes": scenario.minutes,
            "version": scenario.version,
            "partner_name": scenario.partner.name,
        },
        "status": step.state.status,
        "messages": [{"speaker": m.speaker, "name": m.name, "text": m.text} for m in step.messages],
        "prompt": None
        if prompt is None
        else {
            "node_id": prompt.node_id,
            "instruction": prompt.instruction,
            "unsafe_example": prompt.unsafe_example,
            "expect": categories_payload(prompt.expect),
            "hints": list(prompt.hints),
            "examples": list(prompt.examples),
            "attempt": prompt.attempt,
        },
        "choices": None
        if choices is None
        else {
            "node_id": choices.node_id,
            "text": choices.text,
            "options": [{"id": oid, "text": text} for oid, text in choices.options],
        },
        "feedback": feedback,
        "retry": step.retry,
        "ending": None
        if step.ending is None
        else {
            "outcome": step.ending.outcome,
            "title": step.ending.title,
            "reflection": step.ending.reflection,
        },
        "variables": dict(step.state.variables),
        "safety": safety_payload(judgement.safety) if judgement else None,
    }


@router.post("", status_code=201, response_model=SessionCreatedOut)
def start_session(body: StartIn, request: Request, db: SessionDep) -> Any:
    """Start practising a scenario. Keep the returned `token`: it is shown only once."""
    outcome = service.start(db, _catalogue(request), body.scenario_id)
    return view(outcome) | {"token": outcome.token}


@router.get("/{session_id}", response_model=SessionDetailOut)
def get_session(
    session_id: str, request: Request, db: SessionDep, token: SessionToken = None
) -> Any:
    """Where the session stands, with the whole transcript (for resuming after a reload)."""
    outcome = service.load(db, _catalogue(request), session_id, token)
    meter = outcome.scenario.variables.get(CONNECTION)
    history = []
    if meter is not None and isinstance(meter.initial, int | float):
        history = service.connection_history(db, outcome.row, CONNECTION, meter.initial)
    return view(outcome) | {
        "transcript": service.transcript(db, outcome.row),
        "connection_history": history,
    }


@router.post("/{session_id}/reply", response_model=SessionOut)
def reply(
    session_id: str, body: ReplyIn, request: Request, db: SessionDep, token: SessionToken = None
) -> Any:
    """Answer the current prompt; the feedback decides how the partner reacts."""
    return view(service.reply(db, _catalogue(request), session_id, token, body.text))


@router.post("/{session_id}/choose", response_model=SessionOut)
def choose(
    session_id: str, body: ChooseIn, request: Request, db: SessionDep, token: SessionToken = None
) -> Any:
    """Pick one of the offered options."""
    return view(service.choose(db, _catalogue(request), session_id, token, body.choice_id))


@router.delete("/{session_id}", status_code=204)
def delete_session(session_id: str, db: SessionDep, token: SessionToken = None) -> Response:
    """Erase this session and everything typed in it, for good."""
    service.forget(db, session_id, token)
    return Response(status_code=204)
