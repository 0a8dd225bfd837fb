from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from api.feedback.taxonomy import Role


class ClientIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pseudonym: StrictStr = Field(min_length=1, max_length=80, pattern=r"\S")


class ClientOut(BaseModel):
    id: str
    pseudonym: str
    created_at: str


class HomeworkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    client_id: StrictStr = Field(max_length=36)
    # Library scenario ids, or "eigen:<id>" for one of your own scenarios.
    scenario_ids: list[StrictStr] = Field(min_length=1, max_length=12)
    note: StrictStr = Field(default="", max_length=2000)
    due_date: date | None = None


class HomeworkCreatedOut(BaseModel):
    id: str
    # The private link's code; shown once. Renewing makes a new one.
    code: str
    url: str


class LinkOut(BaseModel):
    code: str
    url: str


class HomeworkSummaryOut(BaseModel):
    id: str
    client_id: str
    note: str
    due_date: str | None
    link_active: bool
    sharing: str | None
    erased: bool
    created_at: str


class CategoryCount(BaseModel):
    category: str
    label: str
    count: int


class AttemptOut(BaseModel):
    verdict: str
    categories: list[str]
    at: str
    # Only when the client chose to share texts.
    text: str | None


class PromptProgress(BaseModel):
    node_id: str
    instruction: str
    attempts: int
    verdicts: dict[str, int]
    first: AttemptOut | None
    last: AttemptOut | None


class ScenarioProgress(BaseModel):
    ref: str
    title: str
    started: int
    finished: int
    prompts: list[PromptProgress]


class DayPoint(BaseModel):
    day: str
    replies: int
    safe: int


class ClientRef(BaseModel):
    id: str
    pseudonym: str


class ProgressOut(BaseModel):
    id: str
    client: ClientRef
    note: str
    due_date: str | None
    created_at: str
    link_active: bool
    sharing: str | None
    erased: bool
    scenarios: list[ScenarioProgress]
    recurring_categories: list[CategoryCount]
    safe_over_time: list[DayPoint]


class SharingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sharing: Literal["results", "texts"]


class ClientScenarioOut(BaseModel):
    id: str
    title: str
    role: Role
    theme: str
    level: int
    minutes: int
    summary: str
    status: Literal["nieuw", "bezig", "klaar"]
    sessions_started: int


class ClientHomeworkOut(BaseModel):
    note: str
    due_date: str | None
    sharing: str | None
    erased: bool
    scenarios: list[ClientScenarioOut]
    withdrawn: int = Field(
        ge=0, description="Assigned scenarios the therapist has deleted since (not listed)."
    )


class HomeworkSessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scenario_id: StrictStr = Field(min_length=1, max_length=140)


class UploadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    yaml: StrictStr = Field(min_length=1, max_length=200_000)


class DiagnosticOut(BaseModel):
    file: str
    line: int
    code: str
    severity: str
    # The linter's precise message (English, like the command line) ...
    message: str
    # ... and what the code means, in Dutch, for people.
    explanation: str
    node: str | None


class CustomScenarioOut(BaseModel):
    id: str
    ref: str
    scenario_id: str
    version: int
    title: str
    created_at: str


class UploadOut(BaseModel):
    scenario: CustomScenarioOut | None
    diagnostics: list[DiagnosticOut]


class UploadRefusedOut(BaseModel):
    """A 422: either the scenario has errors (diagnostics, line by line) or the request itself
    did not validate (errors)."""

    detail: str
    code: str
    diagnostics: list[DiagnosticOut] = []
    errors: list[dict[str, object]] = []
