from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.analysis.schemas import AnalyzeIn, AnalyzeOut
from api.analysis.service import analysis_payload, judge

router = APIRouter(prefix="/api/v1", tags=["feedback"])


@router.post("/analyze", response_model=AnalyzeOut)
def analyze_sentence(body: AnalyzeIn) -> Any:
    """Judge one sentence: what makes it unsafe, what already makes it safe."""
    return analysis_payload(judge(body.text, role=body.role))
