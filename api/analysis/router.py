from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.analysis.schemas import AnalyzeIn, AnalyzeOut
from api.analysis.service import analysis_payload, judge

router = APIRouter(prefix="/api/v1", tags=["feedback"])


@router.post("/analyze", response_model=AnalyzeOut)
async def analyze_sentence(body: AnalyzeIn) -> Any:
    """Judge one sentence: what makes it unsafe, what already makes it safe."""
    # Pure CPU for well under a millisecond and no I/O: running it on the event loop saves the
    # hop to a worker thread, which costs about as much as the work itself.
    return analysis_payload(judge(body.text, role=body.role))
