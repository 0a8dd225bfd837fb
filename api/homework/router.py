"""Therapist routes (cookie login + CSRF) and the client's routes (the code in the link)."""

from __future__ import annotations

import csv
import io
from typing import Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from api.db import SessionDep
from api.homework import repository, service
from api.homework.models import CustomScenario, Homework
from api.homework.schemas import (
    ClientHomeworkOut,
    ClientIn,
    ClientOut,
    CustomScenarioOut,
    DayPoint,
    HomeworkCreatedOut,
    HomeworkIn,
    HomeworkSessionIn,
    HomeworkSummaryOut,
    LinkOut,
    ProgressOut,
    SharingIn,
    UploadIn,
    UploadOut,
    UploadRefusedOut,
)
from api.practice.router import view as session_view
from api.practice.schemas import SessionCreatedOut
from api.scenarios.service import Catalogue
from api.therapists.deps import CurrentTherapist, SettingsDep

router = APIRouter(prefix="/api/v1", tags=["homework"])
client_router = APIRouter(prefix="/api/v1/h", tags=["homework (client)"])


def _catalogue(request: Request) -> Catalogue:
    catalogue: Catalogue = request.app.state.catalogue
    return catalogue


def _link(request: Request, public_url: str, code: str) -> dict[str, str]:
    base = public_url.rstrip("/") or str(request.base_url).rstrip("/")
    return {"code": code, "url": f"{base}/#/huiswerk/{code}"}


def _summary(hw: Homework) -> dict[str, Any]:
    return {
        "id": hw.id,
        "client_id": hw.client_id,
        "note": hw.note,
        "due_date": hw.due_date.isoformat() if hw.due_date else None,
        "link_active": hw.code_hash is not None,
        "sharing": hw.sharing,
        "erased": hw.erased_at is not None,
        "created_at": hw.created_at.isoformat(),
    }


def _custom(row: CustomScenario) -> dict[str, Any]:
    return {
        "id": row.id,
        "ref": service.CUSTOM_PREFIX + row.id,
        "scenario_id": row.scenario_id,
        "version": row.version,
        "title": row.title,
        "created_at": row.created_at.isoformat(),
    }


# --- clients --------------------------------------------------------------------------------


@router.post("/clients", status_code=201, response_model=ClientOut)
def create_client(body: ClientIn, who: CurrentTherapist, db: SessionDep) -> Any:
    """Add a client under a pseudonym you choose (for example "Stel A")."""
    c = service.create_client(db, who.therapist, body.pseudonym)
    return {"id": c.id, "pseudonym": c.pseudonym, "created_at": c.created_at.isoformat()}


@router.get("/clients", response_model=list[ClientOut])
def list_clients(who: CurrentTherapist, db: SessionDep) -> Any:
    return [
        {"id": c.id, "pseudonym": c.pseudonym, "created_at": c.created_at.isoformat()}
        for c in repository.clients_of(db, who.therapist.id)
    ]


@router.delete("/clients/{client_id}", status_code=204)
def delete_client(client_id: str, who: CurrentTherapist, db: SessionDep) -> Response:
    """Delete a client with all their homework and attempts."""
    repository.delete_client(db, service.get_client(db, who.therapist, client_id))
    return Response(status_code=204)


@router.get("/clients/{client_id}/progress", response_model=list[DayPoint])
def client_progress(client_id: str, who: CurrentTherapist, db: SessionDep) -> Any:
    """Safe replies per day over all of this client's homework (for the chart)."""
    return service.client_progress(
        db, who.therapist, service.get_client(db, who.therapist, client_id)
    )


# --- homework -------------------------------------------------------------------------------


@router.post("/homework", status_code=201, response_model=HomeworkCreatedOut)
def create_homework(
    body: HomeworkIn,
    request: Request,
    who: CurrentTherapist,
    db: SessionDep,
    settings: SettingsDep,
) -> Any:
    """Assign scenarios to a client. The answer holds the private link; it is shown once."""
    hw, code = service.create_homework(
        db,
        _catalogue(request),
        who.therapist,
        body.client_id,
        body.scenario_ids,
        body.note,
        body.due_date,
    )
    return {"id": hw.id, **_link(request, settings.public_url, code)}


@router.get("/homework", response_model=list[HomeworkSummaryOut])
def list_homework(who: CurrentTherapist, db: SessionDep, client_id: str | None = None) -> Any:
    return [_summary(hw) for hw in repository.homework_list(db, who.therapist.id, client_id)]


@router.get("/homework/{homework_id}", response_model=ProgressOut)
def homework_progress(
    homework_id: str, request: Request, who: CurrentTherapist, db: SessionDep
) -> Any:
    """Progress: started and finished, attempts per prompt, verdicts, what keeps coming back,
    first versus last attempt; texts only where the client chose to share them."""
    hw = service.get_homework(db, who.therapist, homework_id)
    return service.progress(db, _catalogue(request), hw)


@router.post("/homework/{homework_id}/renew", response_model=LinkOut)
def renew_link(
    homework_id: str,
    request: Request,
    who: CurrentTherapist,
    db: SessionDep,
    settings: SettingsDep,
) -> Any:
    """Make a new private link; the old one stops working at once."""
    code = service.renew_code(service.get_homework(db, who.therapist, homework_id))
    return _link(request, settings.public_url, code)


@router.post("/homework/{homework_id}/revoke", status_code=204)
def revoke_link(homework_id: str, who: CurrentTherapist, db: SessionDep) -> Response:
    """Switch the private link off at once."""
    service.revoke(service.get_homework(db, who.therapist, homework_id))
    return Response(status_code=204)


@router.delete("/homework/{homework_id}", status_code=204)
def delete_homework(homework_id: str, who: CurrentTherapist, db: SessionDep) -> Response:
    repository.delete_homework(db, service.get_homework(db, who.therapist, homework_id))
    return Response(status_code=204)


@router.get("/homework/{homework_id}/export", response_model=None)
def export_homework(
    homework_id: str,
    request: Request,
    who: CurrentTherapist,
    db: SessionDep,
    format: Literal["csv", "json"] = Query("json"),
) -> Response:
    """Every attempt as a row, as CSV or JSON."""
    hw = service.get_homework(db, who.therapist, homework_id)
    rows = service.export_rows(db, _catalogue(request), hw)
    name = f"huiswerk-{hw.id[:8]}"
    if format == "json":
        return JSONResponse(
            rows, headers={"Content-Disposition": f'attachment; filename="{name}.json"'}
        )
    buffer = io.StringIO()
    fields = [
        "client",
        "scenario",
        "session",
        "prompt",
        "attempt",
        "verdict",
        "categories",
        "at",
        "text",
    ]
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    for row in rows:
        # A leading =, +, - or @ would run as a formula in a spreadsheet.
        writer.writerow({k: _csv_safe(v) for k, v in row.items()})
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def _csv_safe(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


# --- own scenarios --------------------------------------------------------------------------


@router.post(
    "/own-scenarios",
    response_model=UploadOut,
    status_code=201,
    responses={422: {"model": UploadRefusedOut}},
)
def upload_scenario(body: UploadIn, who: CurrentTherapist, db: SessionDep) -> Any:
    """Upload a scenario (YAML). The same linter as ours runs; its findings come back line by
    line. A valid scenario is usable in your own homework only."""
    result = service.upload_scenario(db, who.therapist, body.yaml)
    if result.row is None:
        return JSONResponse(
            {
                "scenario": None,
                "diagnostics": result.diagnostics,
                "detail": "Deze oefening heeft fouten. Bekijk de regels hieronder.",
                "code": "scenario_invalid",
            },
            status_code=422,
        )
    return {"scenario": _custom(result.row), "diagnostics": result.diagnostics}


@router.get("/own-scenarios", response_model=list[CustomScenarioOut])
def list_own_scenarios(who: CurrentTherapist, db: SessionDep) -> Any:
    return [_custom(r) for r in repository.custom_scenarios_of(db, who.therapist.id)]


@router.delete("/own-scenarios/{row_id}", status_code=204)
def delete_own_scenario(row_id: str, who: CurrentTherapist, db: SessionDep) -> Response:
    repository.delete_custom_scenario(db, service.get_custom(db, who.therapist, row_id))
    return Response(status_code=204)


# --- the client's link ----------------------------------------------------------------------


@client_router.get("/{code}", response_model=ClientHomeworkOut)
def open_homework(code: str, request: Request, db: SessionDep) -> Any:
    """What the client sees: the note, the due date, the scenarios and their status."""
    return service.client_view(db, _catalogue(request), service.open_link(db, code))


@client_router.put("/{code}/sharing", response_model=ClientHomeworkOut)
def choose_sharing(code: str, body: SharingIn, request: Request, db: SessionDep) -> Any:
    """What the therapist may see: `results` only, or `texts` too. Applies to what is there."""
    hw = service.open_link(db, code)
    service.set_sharing(hw, body.sharing)
    return service.client_view(db, _catalogue(request), hw)


@client_router.post("/{code}/sessions", status_code=201, response_model=SessionCreatedOut)
def start_homework_session(
    code: str, body: HomeworkSessionIn, request: Request, db: SessionDep
) -> Any:
    """Start an assigned scenario; continue with the normal session routes."""
    hw = service.open_link(db, code)
    outcome = service.start_session(db, _catalogue(request), hw, body.scenario_id)
    return session_view(outcome) | {"token": outcome.token}


@client_router.get("/{code}/export")
def export_own_data(code: str, db: SessionDep) -> JSONResponse:
    """Everything kept for this homework, for the client."""
    hw = service.open_link(db, code)
    return JSONResponse(
        service.client_export(db, hw),
        headers={"Content-Disposition": 'attachment; filename="mijn-oefeningen.json"'},
    )


@client_router.delete("/{code}/data", status_code=204)
def erase_own_data(code: str, db: SessionDep) -> Response:
    """Erase every attempt of this homework. The therapist then only sees that it was erased."""
    service.erase(db, service.open_link(db, code))
    return Response(status_code=204)
