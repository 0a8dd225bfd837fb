"""Train the safety cue model (see `api.safety.cues`) and write `api/safety/model/cues.json`.

    python -m api.safety.train_cues            # retrain and write the weights file
    python -m api.safety.train_cues --check    # exit 1 when the committed file is stale
    python -m api.safety.train_cues --report   # out-of-fold figures and the threshold table
    python -m api.safety.train_cues --grid     # out-of-fold comparison of a few settings

Needs scikit-learn (a dev dependency); `api.safety.check` never imports this module.

Training data, development sets only: `tests/safety/crisis.jsonl` and `concern.jsonl` are the
disclosures (with their kinds), `tests/safety/neutral.jsonl` plus the everyday relationship
sentences of the feedback corpus (`tests/corpus/nl.jsonl`, `holdout.jsonl`) and the example
replies of `dialogues/*.yaml` (app text that must never raise an alarm) are the negatives.
The blind sets (`tests/safety/blind*.jsonl`, `tests/corpus/blind*.jsonl`) are never read here.
The threshold is the lowest one whose out-of-fold false-positive rate stays at most `MAX_FP` on
the dev neutral lines and on the feedback corpus lines, each, counting only lines where the rules
are silent (where the model can add something). Deterministic: fixed folds, liblinear with a
fixed random_state, weights rounded.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from api.cue_training import DIGITS, MIN_DF, SEED, fit, matrix, rounded, vocabulary
from api.safety.cues import FEATURE_VERSION, MODEL_PATH, FeatureSpec, Featurizer
from api.safety.text import prepare
from api.safety.types import KINDS

ROOT = Path(__file__).resolve().parents[2]
SAFETY_DIR = ROOT / "tests" / "safety"
CORPUS_DIR = ROOT / "tests" / "corpus"
# (path, role in training). Order matters for the hash.
SOURCES: tuple[tuple[Path, str], ...] = (
    (SAFETY_DIR / "crisis.jsonl", "disclosure"),
    (SAFETY_DIR / "concern.jsonl", "disclosure"),
    (SAFETY_DIR / "neutral.jsonl", "neutral"),
    (CORPUS_DIR / "nl.jsonl", "everyday"),
    (CORPUS_DIR / "holdout.jsonl", "everyday"),
)
SPEC = FeatureSpec(bigrams=True, negation=True, negation_reach=3, prefix=4, word_sets=True)
C_BINARY = 0.5
C_KIND = 4.0
# The most out-of-fold false positives allowed, on each group of neutral lines.
MAX_FP = 0.005
GRID_STEP = 0.01
FOLDS = 5


@dataclass(slots=True)
class Line:
    text: str
    group: str  # "disclosure", "neutral" or "everyday"
    kind: str | None
    level: str | None


DIALOGUES = ROOT / "dialogues"
# The keys of dialogues/*.yaml that hold example replies (as in tests/safety/test_safety_dialogues).
DIALOGUE_KEYS = frozenset({"examples", "safe_examples", "unsafe_example", "text"})


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def _examples(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [
            s
            for k, v in node.items()
            for s in (_strings(v) if k in DIALOGUE_KEYS else _examples(v))
        ]
    if isinstance(node, list):
        return [s for v in node for s in _examples(v)]
    return []


def dialogue_texts() -> list[str]:
    """Every example text of the shipped scenarios: app text, never a disclosure."""
    from ruamel.yaml import YAML

    out: list[str] = []
    for path in sorted(DIALOGUES.glob("*.yaml")):
        out += _examples(YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8")))
    return out


def load_lines() -> list[Line]:
    out: list[Line] = []
    for path, group in SOURCES:
        for raw in path.read_text(encoding="utf-8").splitlines():
            if not raw.strip():
                continue
            row = json.loads(raw)
            if group == "disclosure":
                out.append(Line(row["text"], group, row["kind"], row["level"]))
            else:
                out.append(Line(row["text"], group, None, None))
    out += [Line(t, "everyday", None, None) for t in dialogue_texts()]
    return out


def corpus_hash() -> str:
    h = hashlib.sha256()
    for path, _ in SOURCES:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for text in dialogue_texts():
        h.update(b"dialogue\0" + text.encode() + b"\0")
    return h.hexdigest()


def word_sets() -> dict[str, list[str]]:
    """The word sets of rules/_common.yaml, folded, as the model file keeps them."""
    from api.safety.loader import load_rules
    from api.safety.text import fold

    common, _ = load_rules()
    return {
        name: sorted({fold(e)[0] for alt in entries for e in alt.split("|")})
        for name, entries in sorted(common.sets.items())
    }


def featurize(lines: Sequence[Line], spec: FeatureSpec = SPEC) -> list[set[str]]:
    from api.safety import get_engine

    fz = Featurizer(spec, get_engine().negation, word_sets() if spec.word_sets else None)
    return [fz.names(prepare(ln.text)) for ln in lines]


def labels(lines: Sequence[Line]) -> Any:
    return np.array([ln.group == "disclosure" for ln in lines], dtype=np.int64)


def fit_all(
    lines: Sequence[Line], names: Sequence[set[str]], c_binary: float, c_kind: float
) -> tuple[list[str], list[LogisticRegression]]:
    """The binary model (disclosure or not) and one model per kind, trained on disclosures."""
    vocab = vocabulary(names)
    x = matrix(names, vocab)
    models = [fit(x, labels(lines), c_binary)]
    rows = [i for i, ln in enumerate(lines) if ln.group == "disclosure"]
    xu = x[rows]
    for kind in KINDS:
        y = np.array([lines[i].kind == kind for i in rows], dtype=np.int64)
        models.append(fit(xu, y, c_kind))
    return vocab, models


def train(lines: Sequence[Line], names: Sequence[set[str]], threshold: float) -> dict[str, Any]:
    vocab, models = fit_all(lines, names, C_BINARY, C_KIND)
    coef = np.vstack([m.coef_[0] for m in models])
    weights: dict[str, list[float]] = {}
    for k, name in enumerate(vocab):
        row = [rounded(float(w)) for w in coef[:, k]]
        if any(row):
            weights[name] = row
    return {
        "feature_version": FEATURE_VERSION,
        "corpora": [f"{p.parent.name}/{p.name}" for p, _ in SOURCES] + ["dialogues/*.yaml"],
        "corpus_sha256": corpus_hash(),
        "lines": len(lines),
        "spec": SPEC.as_dict(),
        "min_df": MIN_DF,
        "c_binary": C_BINARY,
        "c_kind": C_KIND,
        "max_fp": MAX_FP,
        "threshold": threshold,
        "columns": ["disclosure", *KINDS],
        "intercepts": [round(float(m.intercept_[0]), DIGITS) for m in models],
        "weights": weights,
        "word_sets": word_sets() if SPEC.word_sets else {},
    }


def dumps(model: dict[str, Any]) -> str:
    """Stable JSON with one line per feature, so a retrained model diffs readably."""

    def one(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False, sort_keys=True)

    parts = [f" {one(k)}: {one(v)}" for k, v in sorted(model.items()) if k not in _BLOCKS]
    for key in _BLOCKS:
        rows = [f"  {one(n)}: {one(w)}" for n, w in sorted(model[key].items())]
        parts.append(f" {one(key)}: {{\n" + ",\n".join(rows) + "\n }")
    return "{\n" + ",\n".join(parts) + "\n}\n"


_BLOCKS = ("weights", "word_sets")


# -- out-of-fold validation ---------------------------------------------------------------------


@dataclass(slots=True)
class OOF:
    p: Any  # P(disclosure) per line
    kind: list[str | None]  # best kind per disclosure line (None elsewhere)


def out_of_fold(
    lines: Sequence[Line],
    names: Sequence[set[str]],
    c_binary: float = C_BINARY,
    c_kind: float = C_KIND,
) -> OOF:
    y = labels(lines)
    # Stratify on group and kind, so that every fold holds some of each.
    strata = [f"{ln.group}/{ln.kind}" for ln in lines]
    p = np.zeros(len(lines))
    best: list[str | None] = [None] * len(lines)
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for tr, te in folds.split(np.zeros(len(y)), strata):
        vocab, models = fit_all([lines[i] for i in tr], [names[i] for i in tr], c_binary, c_kind)
        xte = matrix([names[i] for i in te], vocab)
        p[te] = models[0].predict_proba(xte)[:, 1]
        scores = np.column_stack([m.decision_function(xte) for m in models[1:]])
        for row, i in enumerate(te):
            if y[i]:
                # Ties go to the more urgent kind, as in CueModel.best_kind.
                best[i] = KINDS[int(np.argmax(scores[row]))]
    return OOF(p, best)


def rules_silent(lines: Sequence[Line]) -> Any:
    from api.safety import get_engine

    eng = get_engine()
    return np.array([not eng.signals(ln.text) for ln in lines], dtype=bool)


def choose_threshold(lines: Sequence[Line], p: Any, silent: Any) -> float:
    """The lowest threshold on the grid whose out-of-fold FP rate, counting lines the rules
    leave silent, is at most MAX_FP on the dev neutral lines and on the everyday lines."""
    groups = [np.array([ln.group == g for ln in lines]) for g in ("neutral", "everyday")]
    for k in range(50, 100):
        t = round(k * GRID_STEP, 2)
        if all(np.sum((p >= t) & silent & g) <= MAX_FP * np.sum(g) for g in groups):
            return t
    return 0.99


def table(lines: Sequence[Line], oof: OOF, silent: Any, thresholds: Sequence[float]) -> None:
    groups = {g: np.array([ln.group == g for ln in lines]) for g in ("neutral", "everyday")}
    crisis = np.array([ln.level == "crisis" for ln in lines])
    concern = np.array([ln.level == "concern" for ln in lines])
    p = oof.p
    print("  thresh  crisis-recall  concern-recall  FP neutral (silent)  FP everyday (silent)")
    for t in thresholds:
        fired = p >= t
        cells = []
        for g in (groups["neutral"], groups["everyday"]):
            k, n = int(np.sum(fired & silent & g)), int(np.sum(g))
            cells.append(f"{k:4d}/{n} {k / n:6.2%}")
        print(
            f"  {t:6.2f}  {np.mean(fired[crisis]):13.3f}  {np.mean(fired[concern]):14.3f}"
            f"  {cells[0]}  {cells[1]}"
        )


def report() -> None:
    lines = load_lines()
    names = featurize(lines)
    oof = out_of_fold(lines, names)
    silent = rules_silent(lines)
    t = choose_threshold(lines, oof.p, silent)
    print(f"out-of-fold ({FOLDS} folds, {len(lines)} lines), model only, spec {SPEC.as_dict()}")
    table(lines, oof, silent, (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, t))
    print(f"chosen threshold {t:.2f} (FP at most {MAX_FP:.1%} per neutral group)")
    disc = [i for i, ln in enumerate(lines) if ln.group == "disclosure"]
    right = sum(oof.kind[i] == lines[i].kind for i in disc)
    fired = [i for i in disc if oof.p[i] >= t]
    right_fired = sum(oof.kind[i] == lines[i].kind for i in fired)
    print(
        f"  top kind right: {right / len(disc):.3f} of all disclosures,"
        f" {right_fired / max(1, len(fired)):.3f} of those above the threshold"
    )
    for kind in KINDS:
        for level in ("crisis", "concern"):
            idx = [i for i in disc if lines[i].kind == kind and lines[i].level == level]
            hit = sum(oof.p[i] >= t for i in idx)
            print(f"  {level}/{kind:18s} {hit:3d} / {len(idx):3d}")


def grid() -> None:
    """Out-of-fold recall at the chosen threshold for a few feature and C settings."""
    lines = load_lines()
    silent = rules_silent(lines)
    disc = np.array([ln.group == "disclosure" for ln in lines])
    for prefix in (0, 5):
        for bigrams in (True, False):
            spec = FeatureSpec(bigrams=bigrams, negation=True, negation_reach=3, prefix=prefix)
            names = featurize(lines, spec)
            for c in (0.5, 1.0, 2.0, 4.0, 8.0):
                oof = out_of_fold(lines, names, c, C_KIND)
                t = choose_threshold(lines, oof.p, silent)
                rec = float(np.mean(oof.p[disc] >= t))
                print(f"prefix={prefix} bigrams={bigrams} C={c}: t={t:.2f} recall {rec:.3f}")


def build() -> str:
    lines = load_lines()
    names = featurize(lines)
    oof = out_of_fold(lines, names)
    t = choose_threshold(lines, oof.p, rules_silent(lines))
    return dumps(train(lines, names, t))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--check", action="store_true", help="compare with the committed file")
    ap.add_argument("--report", action="store_true", help="print out-of-fold figures")
    ap.add_argument("--grid", action="store_true", help="compare a few settings out-of-fold")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args(argv)
    if args.report:
        report()
        return 0
    if args.grid:
        grid()
        return 0
    text = build()
    if args.check:
        same = args.out.exists() and args.out.read_text(encoding="utf-8") == text
        print(
            "safety cue model is up to date"
            if same
            else f"{args.out} is stale: run make train-safety-cues"
        )
        return 0 if same else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
