"""Training pieces both cue models share (`api.feedback.train_cues`, `api.safety.train_cues`):
binary cue names to a sparse matrix, a deterministic liblinear fit, and the rounding that decides
which weights the exported model keeps. Needs the dev extras (numpy, scipy, scikit-learn); the
engines never import it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

MIN_DF = 2
MIN_WEIGHT = 0.005
DIGITS = 3
SEED = 0


def vocabulary(names: Sequence[set[str]], min_df: int = MIN_DF) -> list[str]:
    df: dict[str, int] = {}
    for ns in names:
        for n in ns:
            df[n] = df.get(n, 0) + 1
    return sorted(n for n, k in df.items() if k >= min_df)


def matrix(names: Sequence[set[str]], vocab: Sequence[str]) -> csr_matrix:
    index = {n: i for i, n in enumerate(vocab)}
    rows, cols = [], []
    for r, ns in enumerate(names):
        for c in sorted(index[n] for n in ns if n in index):
            rows.append(r)
            cols.append(c)
    vals = np.ones(len(rows), dtype=np.float64)
    return csr_matrix((vals, (rows, cols)), shape=(len(names), len(vocab)))


def fit(x: csr_matrix, y: Any, c: float) -> LogisticRegression:
    model = LogisticRegression(C=c, solver="liblinear", random_state=SEED, max_iter=1000)
    model.fit(x, y)
    return model


def rounded(w: float) -> float:
    """A weight as exported: rounded, and 0 (left out) when it barely counts."""
    r = round(w, DIGITS)
    return 0.0 if abs(w) < MIN_WEIGHT or r == 0 else r
