"""The two conversions the cue models share: a probability threshold becomes a score threshold
once (`logit`), so scoring compares raw sums; `sigmoid` turns a score back into a probability for
reports and training."""

from __future__ import annotations

import math


def logit(p: float) -> float:
    if not 0.0 < p < 1.0:
        raise ValueError(f"a probability threshold must lie strictly between 0 and 1, not {p}")
    return math.log(p / (1.0 - p))


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)
