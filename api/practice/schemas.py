"""Request and response models of the practice-session API (PRODUCT.md section 8)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator

from api.analysis.schemas import AnalyzeOut, CategoryOut, SafetyOut, check_user_text
from api.feedback.taxonomy import Role

Status = Literal["awaiting_text", "awaiting_choice", "finished"]


class StartIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scenario_id: StrictStr = Field(min_length=1, max_length=100)


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: StrictStr

    _check_text = field_validator("text")(check_user_text)


class ChooseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    choice_id: StrictStr = Field(min_length=1, max_length=100)


class ScenarioRef(BaseModel):
    id: str
    title: str
    role: Role
    theme: str
    level: int
    minutes: int
    version: int
    partner_name: str | None


class MessageOut(BaseModel):
    speaker: Literal["partner", "narrator"]
    name: str | None
    text: str


class PromptOut(BaseModel):
    node_id: str
    instruction: str
    unsafe_example: str
    expect: list[CategoryOut]
    hints: list[str]
    examples: list[str]
    attempt: int


class OptionOut(BaseModel):
    id: str
    text: str


class ChoicesOut(BaseModel):
    node_id: str
    text: str
    options: list[OptionOut]


class EndingOut(BaseModel):
    outcome: str
    title: str
    reflection: str


class FeedbackOut(AnalyzeOut):
    expected: list[CategoryOut]
    missing: list[CategoryOut]


class SessionOut(BaseModel):
    id: str
    scenario: ScenarioRef
    status: Status
    messages: list[MessageOut]
    prompt: PromptOut | None
    choices: ChoicesOut | None
    feedback: FeedbackOut | None
    retry: bool
    ending: EndingOut | None
    variables: dict[str, int | float | bool | str]
    safety: SafetyOut | None


class SessionCreatedOut(SessionOut):
    # The secret that reaches this session from now on; only shown once, never stored in clear.
    token: str


class TranscriptItem(BaseModel):
    kind: Literal["message", "reply", "choice", "ending"]
    node_id: str
    speaker: Literal["partner", "narrator"] | None = None
    name: str | None = None
    text: str | None = None
    verdict: str | None = None
    categories: list[str] | None = None
    attempt: int | None = None
    choice_id: str | None = None
    outcome: str | None = None
    title: str | None = None
    reflection: str | None = None


class ConnectionPoint(BaseModel):
    turn: int
    value: int | float


class SessionDetailOut(SessionOut):
    transcript: list[TranscriptItem]
    connection_history: list[ConnectionPoint]
