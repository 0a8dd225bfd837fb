"""Request and response models of `POST /api/v1/analyze` (PRODUCT.md section 8)."""

from __future__ import annotations

import unicodedata

from pydantic import BaseModel, ConfigDict, StrictStr, field_validator

from api.config import get_settings
from api.feedback.taxonomy import Polarity, Role, Verdict


def check_user_text(value: str) -> str:
    """Refuse empty and over-long text with a Dutch sentence; keep the text as submitted."""
    limit = get_settings().max_text_length
    if len(value) > limit:
        raise ValueError(f"Je tekst is te lang: hoogstens {limit} tekens, jij had er {len(value)}.")
    # A letter or digit is visible text; it is usually among the first characters, so the
    # character-by-character category scan only runs for odd input (this runs on every request).
    if not any(ch.isalnum() for ch in value):
        visible = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C")
        if not visible.strip():
            raise ValueError("Schrijf eerst een zin: het tekstvak is nog leeg.")
    return value


class AnalyzeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: StrictStr
    role: Role = "speaker"

    _check_text = field_validator("text")(check_user_text)


class CategoryOut(BaseModel):
    category: str
    label: str


class FindingOut(BaseModel):
    rule_id: str
    category: str
    label: str
    polarity: Polarity
    start: int
    end: int
    text: str
    message: str
    tip: str
    suggestion: str | None = None


class HelplineOut(BaseModel):
    id: str
    region: str
    name: str
    phone: str | None
    chat: str | None
    url: str | None
    purpose: str
    hours: str
    emergency: bool


class SafetyOut(BaseModel):
    level: str
    message: str
    helplines: list[HelplineOut]


class AnalyzeOut(BaseModel):
    verdict: Verdict
    role: Role
    summary: str
    findings: list[FindingOut]
    suggestion: str | None = None
    safety: SafetyOut | None = None
