"""Judging one sentence: first safety, then phrasing.

When the safety checker fires we stop coaching words altogether (PRODUCT.md section 5): no
findings, no suggestion, only the calm safety message with helplines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from api import safety
from api.feedback import analyze
from api.feedback.taxonomy import Role, label_of
from api.feedback.types import Analysis

SAFETY_SUMMARY = "Hier geven we geen tips over je woorden. Wat je schreef is belangrijker."


@dataclass(frozen=True, slots=True)
class Judgement:
    analysis: Analysis
    safety: safety.SafetyResult | None


def judge(text: str, role: Role = "speaker", expect: Sequence[str] = ()) -> Judgement:
    alarm = safety.check(text)
    if alarm is not None:
        held = Analysis(
            verdict="almost",
            role=role,
            findings=(),
            expected=tuple(expect),
            missing=(),
            summary=SAFETY_SUMMARY,
        )
        return Judgement(held, alarm)
    return Judgement(analyze(text, role=role, expect=expect), None)


def analysis_payload(judgement: Judgement) -> dict[str, object]:
    a = judgement.analysis
    return {
        "verdict": a.verdict,
        "role": a.role,
        "summary": a.summary,
        "findings": [
            {
                "rule_id": f.rule_id,
                "category": f.category,
                "label": f.label,
                "polarity": f.polarity,
                "start": f.start,
                "end": f.end,
                "text": f.text,
                "message": f.message,
                "tip": f.tip,
                "suggestion": f.suggestion,
            }
            for f in a.findings
        ],
        "suggestion": a.suggestion,
        "safety": safety_payload(judgement.safety),
    }


def safety_payload(result: safety.SafetyResult | None) -> dict[str, object] | None:
    if result is None:
        return None
    return {
        "level": result.level,
        "message": result.message,
        "helplines": [
            {
                "id": h.id,
                "region": h.region,
                "name": h.name,
                "phone": h.phone,
                "chat": h.chat,
                "url": h.url,
                "purpose": h.purpose,
                "hours": h.hours,
                "emergency": h.emergency,
            }
            for h in result.helplines
        ],
    }


def categories_payload(categories: Sequence[str]) -> list[dict[str, str]]:
    return [{"category": c, "label": label_of(c)} for c in categories]
