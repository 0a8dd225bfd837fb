from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from api.feedback.taxonomy import Role

router = APIRouter(prefix="/api/v1", tags=["scenarios"])


class ScenarioOut(BaseModel):
    id: str
    title: str
    role: Role
    theme: str
    theme_label: str
    level: int
    minutes: int
    summary: str
    partner_name: str


@router.get("/scenarios", response_model=list[ScenarioOut])
def list_scenarios(request: Request) -> Any:
    """The catalogue: every scenario with its metadata, easiest first."""
    return request.app.state.catalogue.listing()
