"""Train the cue model (see `api.feedback.cues`) and write `api/feedback/model/cues.json`.

    python -m api.feedback.train_cues            # retrain and write the weights file
    python -m api.feedback.train_cues --check    # exit 1 when the committed file is stale
    python -m api.feedback.train_cues --report   # out-of-fold figures on nl, holdout table

Needs scikit-learn (a dev dependency); the engine never imports this module. Training data is
only `tests/corpus/nl.jsonl` (gold labels, never the rules' findings: the rules are fitted to
that file). The threshold is chosen on `tests/corpus/holdout.jsonl` and written down in
`THRESHOLD` below; the blind sets are never read here. Deterministic: fixed folds, liblinear with
a fixed random_state, weights rounded.
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
from sklearn.model_selection import StratifiedKFold

from api.cue_training import DIGITS, MIN_DF, SEED, fit, matrix, rounded, vocabulary
from api.feedback.cues import FEATURE_VERSION, MODEL_PATH, FeatureSpec, Featurizer
from api.feedback.eval import Item, load_corpus
from api.feedback.taxonomy import CATEGORIES, UNSAFE_CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
TRAIN_CORPUS = ROOT / "tests" / "corpus" / "nl.jsonl"
HOLDOUT_CORPUS = ROOT / "tests" / "corpus" / "holdout.jsonl"
SPEC = FeatureSpec(role_words=True, neg_replaces=True)
C_BINARY = 2.0
C_CATEGORY = 8.0
# Weights smaller than this are left out of the file; all are rounded to 3 decimals.
# Chosen on holdout.jsonl (see `--report`): add a cue finding from P(unsafe) >= THRESHOLD on;
# drop a lone unsafe rule finding below VETO (None: never).
THRESHOLD = 0.95
VETO: float | None = 0.01
# The presence models (one per category, on all lines; see `api.feedback.cues.Presence`): their
# regularisation, the threshold from which they add a finding (both chosen on holdout.jsonl, see
# `--report`), and the smallest weight kept (smaller ones barely move a score; the file stays
# small and scoring cheap).
C_PRESENCE = 4.0
PRESENCE_THRESHOLD = 0.7
PRESENCE_MIN_WEIGHT = 0.05
FOLDS = 5
UNSAFE = sorted(UNSAFE_CATEGORIES, key=list(CATEGORIES).index)


def corpus_hash(path: Path = TRAIN_CORPUS) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(slots=True)
class Data:
    items: list[Item]
    names: list[set[str]]


def featurize(items: Sequence[Item], spec: FeatureSpec = SPEC) -> Data:
    from api.feedback import Engine, load_rules

    fz = Featurizer(Engine(load_rules()), spec)
    return Data(list(items), [fz.names(it.text, it.role) for it in items])


def is_unsafe(items: Sequence[Item]) -> Any:
    return np.array([it.verdict == "unsafe" for it in items], dtype=np.int64)


def has(items: Sequence[Item], cat: str) -> Any:
    return np.array([cat in it.categories for it in items], dtype=np.int64)


def train(data: Data) -> dict[str, Any]:
    """The model file's content: one column per model ("unsafe" first, then one per unsafe
    category), an intercept per column and one row of weights per feature."""
    vocab = vocabulary(data.names)
    x = matrix(data.names, vocab)
    models = [fit(x, is_unsafe(data.items), C_BINARY)]
    # The category models only choose among unsafe categories, so they learn from unsafe lines.
    rows = [i for i, it in enumerate(data.items) if it.verdict == "unsafe"]
    xu = x[rows]
    unsafe_items = [data.items[i] for i in rows]
    models += [fit(xu, has(unsafe_items, cat), C_CATEGORY) for cat in UNSAFE]
    presence = train_presence(data, x, vocab)
    coef = np.vstack([m.coef_[0] for m in models])
    weights: dict[str, list[float]] = {}
    for k, name in enumerate(vocab):
        row = [rounded(float(w)) for w in coef[:, k]]
        if any(row):
            weights[name] = row
    return {
        "feature_version": FEATURE_VERSION,
        "corpus": TRAIN_CORPUS.name,
        "corpus_sha256": corpus_hash(),
        "lines": len(data.items),
        "spec": SPEC.as_dict(),
        "min_df": MIN_DF,
        "c_binary": C_BINARY,
        "c_category": C_CATEGORY,
        "threshold": THRESHOLD,
        "veto": VETO,
        "columns": ["unsafe", *UNSAFE],
        "intercepts": [round(float(m.intercept_[0]), DIGITS) for m in models],
        "weights": weights,
        "presence": presence,
    }


def has_all(items: Sequence[Item]) -> Any:
    return np.array([[c in it.categories for c in CATEGORIES] for it in items], dtype=np.int64)


def train_presence(
    data: Data, x: Any, vocab: Sequence[str], c: float = C_PRESENCE
) -> dict[str, Any]:
    """One model per category on all lines; per cue the (column, weight) pairs that count."""
    y = has_all(data.items)
    models = [fit(x, y[:, k], c) for k in range(len(CATEGORIES))]
    coef = np.vstack([m.coef_[0] for m in models])
    weights: dict[str, list[list[float]]] = {}
    for j, name in enumerate(vocab):
        pairs = [
            [k, rounded(float(w))]
            for k, w in enumerate(coef[:, j])
            if abs(float(w)) >= PRESENCE_MIN_WEIGHT
        ]
        if pairs:
            weights[name] = pairs
    return {
        "c": c,
        "threshold": PRESENCE_THRESHOLD,
        "min_weight": PRESENCE_MIN_WEIGHT,
        "columns": list(CATEGORIES),
        "intercepts": [round(float(m.intercept_[0]), DIGITS) for m in models],
        "weights": weights,
    }


def dumps(model: dict[str, Any]) -> str:
    """Stable JSON with one line per feature, so a retrained model diffs readably."""

    def one(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False, sort_keys=True)

    def block(key: str, d: dict[str, Any], indent: str) -> str:
        head = [
            f"{indent}{one(k)}: {one(v)}"
            for k, v in sorted(d.items())
            if k not in ("weights", "presence")
        ]
        if "presence" in d:
            head.append(block("presence", d["presence"], indent + " "))
        rows = [f"{indent} {one(n)}: {one(w)}" for n, w in sorted(d["weights"].items())]
        weights = f'{indent}"weights": {{\n' + ",\n".join(rows) + f"\n{indent}}}"
        return (
            (f"{indent[:-1]}{one(key)}: " if key else "")
            + "{\n"
            + ",\n".join([*head, weights])
            + f"\n{indent[:-1]}}}"
        )

    return block("", model, " ") + "\n"


# -- report ------------------------------------------------------------------------------------


def oof_binary(data: Data, c: float = C_BINARY) -> Any:
    """Out-of-fold probability of `unsafe` for every line of the training corpus."""
    y = is_unsafe(data.items)
    p = np.zeros(len(y))
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for tr, te in folds.split(np.zeros(len(y)), y):
        vocab = vocabulary([data.names[i] for i in tr])
        m = fit(matrix([data.names[i] for i in tr], vocab), y[tr], c)
        p[te] = m.predict_proba(matrix([data.names[i] for i in te], vocab))[:, 1]
    return p


def oof_category(data: Data, c: float = C_CATEGORY) -> float:
    """Share of unsafe lines whose top out-of-fold category is one of its gold categories."""
    y = is_unsafe(data.items)
    hits = total = 0
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for tr, te in folds.split(np.zeros(len(y)), y):
        tr_u = [i for i in tr if y[i]]
        te_u = [i for i in te if y[i]]
        vocab = vocabulary([data.names[i] for i in tr])
        xtr = matrix([data.names[i] for i in tr_u], vocab)
        xte = matrix([data.names[i] for i in te_u], vocab)
        scores = np.column_stack(
            [
                fit(xtr, has([data.items[i] for i in tr_u], cat), c).decision_function(xte)
                for cat in UNSAFE
            ]
        )
        for row, i in enumerate(te_u):
            hits += UNSAFE[int(np.argmax(scores[row]))] in data.items[i].categories
            total += 1
    return hits / total if total else 0.0


def _binary_figures(y: Any, p: Any, t: float) -> str:
    pred = p >= t
    tp = int(np.sum(pred & (y == 1)))
    fp = int(np.sum(pred & (y == 0)))
    fn = int(np.sum(~pred & (y == 1)))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return f"t={t:.2f} precision {prec:.3f} recall {rec:.3f} (tp {tp} fp {fp} fn {fn})"


def report() -> None:
    from api.feedback import Engine, load_rules
    from api.feedback.cues import CueModel, load_messages
    from api.feedback.eval import Prediction, evaluate

    data = featurize(load_corpus(TRAIN_CORPUS))
    y = is_unsafe(data.items)
    p = oof_binary(data)
    print(f"nl.jsonl out-of-fold, model only ({FOLDS} folds, {len(y)} lines)")
    for t in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
        print("  " + _binary_figures(y, p, t))
    print(f"  top category right on unsafe lines: {oof_category(data):.3f}")

    model = train(data)
    engine = Engine(load_rules())
    messages = load_messages()
    holdout = load_corpus(HOLDOUT_CORPUS)

    def predict(text: str, role: str) -> Prediction:
        a = engine.analyze(text, role)  # type: ignore[arg-type]
        return Prediction(a.verdict, a.categories)

    rules = [predict(it.text, it.role) for it in holdout]
    examples = dialogue_examples()
    print(
        "\nholdout.jsonl, rules vs rules + cues (changed: verdicts the cue model changed;"
        f" dialogue: of the {len(examples)} example replies in dialogues/, those judged otherwise"
        " than their scenario says)"
    )
    print("  threshold  veto    recall  precision  safe-as-safe  micro-F1  changed  dialogue")
    grid: list[tuple[float | None, float | None]] = [(None, None)]
    grid += [(t, None) for t in (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97)]
    grid += [(THRESHOLD, v) for v in (0.002, 0.005, 0.01, 0.02, 0.05)]
    for cut, veto in grid:
        engine.cues = (
            None
            if cut is None
            else CueModel(
                engine, {**model, "threshold": cut, "veto": veto, "presence": None}, messages
            )
        )
        rep = evaluate(holdout, predict)
        wrong = sum(predict(text, role).verdict != want for text, role, want in examples)
        changed = sum(
            predict(it.text, it.role).verdict != r.verdict
            for it, r in zip(holdout, rules, strict=True)
        )
        b = rep.bars()
        label = "rules" if cut is None else f"{cut:.2f}"
        vlabel = "-" if veto is None else f"{veto:.3f}"
        print(
            f"  {label:9s} {vlabel:6s} {b['unsafe_recall']:7.3f} {b['unsafe_precision']:10.3f}"
            f" {b['safe_as_safe']:13.3f} {b['micro_f1']:9.3f} {changed:8d} {wrong:9d}"
        )

    print(
        f"\nholdout.jsonl, presence findings at threshold {THRESHOLD} and veto {VETO} (they never"
        " change a verdict; added: categories they added, right and wrong by the gold labels)"
    )
    print("  presence  micro-F1  precision  recall  added right  added wrong")
    base: list[frozenset[str]] = []
    for cut in (None, 0.5, 0.6, 0.7, 0.8, 0.9):
        presence = None if cut is None else {**model["presence"], "threshold": cut}
        engine.cues = CueModel(engine, {**model, "presence": presence}, messages)
        preds = [predict(it.text, it.role).categories for it in holdout]
        if cut is None:
            base = preds
        right = wrong = 0
        for it, got, before in zip(holdout, preds, base, strict=True):
            added = set(got) - set(before)
            right += len(added & set(it.categories))
            wrong += len(added - set(it.categories))
        rep = evaluate(holdout, predict)
        label = "off" if cut is None else f"{cut:.2f}"
        print(
            f"  {label:8s} {rep.bars()['micro_f1']:9.3f} {rep.micro.precision:10.3f}"
            f" {rep.micro.recall:7.3f} {right:12d} {wrong:12d}"
        )


def dialogue_examples() -> list[tuple[str, str, str]]:
    """(text, role, wanted verdict) of every example reply in the shipped scenarios."""
    from api.dialogue.lint import scenario_files
    from api.dialogue.loader import load_scenario
    from api.dialogue.models import PromptNode

    out: list[tuple[str, str, str]] = []
    for path in scenario_files(ROOT / "dialogues"):
        sc = load_scenario(path)
        for node in sc.nodes.values():
            if isinstance(node, PromptNode):
                out += [(t, sc.role, "safe") for t in node.safe_examples]
                out += [(t, sc.role, "almost") for t in node.almost_examples]
                out.append((node.unsafe_example, sc.role, "unsafe"))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--check", action="store_true", help="compare with the committed file")
    ap.add_argument("--report", action="store_true", help="print validation figures")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args(argv)
    if args.report:
        report()
        return 0
    text = dumps(train(featurize(load_corpus(TRAIN_CORPUS))))
    if args.check:
        same = args.out.exists() and args.out.read_text(encoding="utf-8") == text
        print("cue model is up to date" if same else f"{args.out} is stale: run make train-cues")
        return 0 if same else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
