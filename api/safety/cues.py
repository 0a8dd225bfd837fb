"""The safety cue model: a small logistic model over the safety checker's own tokens that can
raise one tentative ``concern`` where the rules found nothing.

The rules are precise but only know the phrasings they were written for. The cue model is a bag
of token cues (unigrams, bigrams within a sentence and a quote zone, tokens in the scope of a
negation word from ``rules/_common.yaml``) trained on the development sets of ``tests/safety``
(crisis and concern lines against the neutral lines, plus the everyday sentences of the feedback
corpus as extra negatives) by `api.safety.train_cues`. Its weights live in ``model/cues.json``;
scoring here is pure Python (dict lookups on the tokens `api.safety.text.prepare` already made),
no numpy or scikit-learn at run time.

Policy (`CueModel.judge`, called by `api.safety.check` only when the rules found nothing):
P(disclosure) of the whole text reaches ``threshold`` -> one `SafetySignal` ``cue.<kind>`` at
level ``concern`` (never ``crisis``: a model alone only asks a gentle check-in), kind = the
best-scoring kind, span = the token (or token pair) whose cues push that kind up most.

There are no lemmas: the safety engine folds tokens and lists verb forms explicitly, because
simplemma costs about 70 µs per unknown token, far above the budget of a check.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any

from api import native
from api.logistic import logit, sigmoid
from api.safety.text import Prepared
from api.safety.types import KINDS, SafetySignal

MODEL_DIR = native.package_dir("api.safety") / "model"
MODEL_PATH = MODEL_DIR / "cues.json"
FEATURE_VERSION = 1
# Whether `api.safety.check` consults the cue model.
ENABLED = True

_CACHE_MAX = 50_000

# A feature: (name, first token, last token).
Feature = tuple[str, int, int]


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """Which kinds of cues are extracted (recorded in the model file, so training and scoring
    always agree)."""

    bigrams: bool = True
    negation: bool = True
    # Tokens this many or fewer positions after a negation word (same clause) are negated.
    negation_reach: int = 3
    # Also a cue "p:" + the first `prefix` letters of longer words (0: none); a cheap stand-in
    # for lemmas ("zelfmoordgedachten", "zelfmoordpoging").
    prefix: int = 0
    # Also a cue "s:" + the name of every word set of `rules/_common.yaml` the token belongs to
    # ("s:hit" for "sloeg", "geschopt"...): the rule authors' word classes. The sets are copied
    # into the model file, so that editing the rules never changes a trained model's cues.
    word_sets: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "bigrams": self.bigrams,
            "negation": self.negation,
            "negation_reach": self.negation_reach,
            "prefix": self.prefix,
            "word_sets": self.word_sets,
        }


class Featurizer:
    """Cues from the tokens, sentences, clauses and quote zones of `api.safety.text.prepare`."""

    def __init__(
        self,
        spec: FeatureSpec,
        negation: Iterable[str],
        word_sets: dict[str, list[str]] | None = None,
    ) -> None:
        self.spec = spec
        self.negation = frozenset(negation)
        self.word_sets = word_sets or {}
        self._exact: dict[str, list[str]] = {}
        self._prefix: dict[str, list[str]] = {}
        for name, entries in sorted(self.word_sets.items()):
            for entry in entries:
                if entry.endswith("*"):
                    self._prefix.setdefault(entry[:-1], []).append("s:" + name)
                else:
                    self._exact.setdefault(entry.rstrip("~$"), []).append("s:" + name)
        self._prefix_lengths = sorted({len(p) for p in self._prefix})
        self._set_cache: dict[str, tuple[str, ...]] = {}
        self._uni_cache: dict[str, tuple[str, ...]] = {}

    def sets_of(self, tok: str) -> tuple[str, ...]:
        """The "s:" cues of a token (cached)."""
        got = self._set_cache.get(tok)
        if got is None:
            names = list(self._exact.get(tok, ()))
            for n in self._prefix_lengths:
                if n > len(tok):
                    break
                names += self._prefix.get(tok[:n], ())
            got = tuple(sorted(set(names)))
            if len(self._set_cache) > _CACHE_MAX:
                self._set_cache.clear()
            self._set_cache[tok] = got
        return got

    def features(self, prep: Prepared) -> list[Feature]:
        spec = self.spec
        tokens = prep.tokens
        sentence, clause, quote = prep.sentence, prep.clause, prep.quote
        neg_words = self.negation
        reach = spec.negation_reach if spec.negation else 0
        plen = spec.prefix
        out: list[Feature] = []
        neg_left = 0
        for i, tok in enumerate(tokens):
            if i and clause[i] != clause[i - 1]:
                neg_left = 0
            out.append(("w:" + tok, i, i))
            if neg_left > 0:
                out.append(("n:" + tok, i, i))
                neg_left -= 1
            if reach and tok in neg_words:
                neg_left = reach
            if plen and len(tok) > plen + 1:
                out.append(("p:" + tok[:plen], i, i))
            if spec.word_sets:
                for name in self.sets_of(tok):
                    out.append((name, i, i))
            if spec.bigrams and i and sentence[i] == sentence[i - 1] and quote[i] == quote[i - 1]:
                out.append(("b:" + tokens[i - 1] + "_" + tok, i - 1, i))
        return out

    def _unigrams(self, tok: str) -> tuple[str, ...]:
        """The token's own cues ("w:", "p:", "s:"), cached per token."""
        got = self._uni_cache.get(tok)
        if got is None:
            plen = self.spec.prefix
            names = ["w:" + tok]
            if plen and len(tok) > plen + 1:
                names.append("p:" + tok[:plen])
            if self.spec.word_sets:
                names += self.sets_of(tok)
            got = tuple(names)
            if len(self._uni_cache) > _CACHE_MAX:
                self._uni_cache.clear()
            self._uni_cache[tok] = got
        return got

    def names(self, prep: Prepared) -> set[str]:
        """The cue names of `features`, without positions: the fast path of every check."""
        spec = self.spec
        tokens = prep.tokens
        sentence, clause, quote = prep.sentence, prep.clause, prep.quote
        neg_words = self.negation
        reach = spec.negation_reach if spec.negation else 0
        bigrams = spec.bigrams
        out: set[str] = set()
        unigrams = self._unigrams
        neg_left = 0
        prev = ""
        for i, tok in enumerate(tokens):
            if i and clause[i] != clause[i - 1]:
                neg_left = 0
            out.update(unigrams(tok))
            if neg_left > 0:
                out.add("n:" + tok)
                neg_left -= 1
            if reach and tok in neg_words:
                neg_left = reach
            if bigrams and i and sentence[i] == sentence[i - 1] and quote[i] == quote[i - 1]:
                out.add("b:" + prev + "_" + tok)
            prev = tok
        return out


@dataclass(frozen=True, slots=True)
class Linear:
    intercept: float
    weights: dict[str, float]

    def score(self, names: Iterable[str]) -> float:
        return self.intercept + sum(map(self.weights.get, names, repeat(0.0)))


class CueModel:
    """The exported weights plus the policy. Loaded once per process; cheap to call."""

    def __init__(self, data: dict[str, Any], negation: Iterable[str]) -> None:
        if data.get("feature_version") != FEATURE_VERSION:
            raise ValueError("safety cue model has another feature version; retrain it")
        self.spec = FeatureSpec(**data["spec"])
        self.featurizer = Featurizer(self.spec, negation, data.get("word_sets"))
        self.threshold = float(data["threshold"])
        columns: list[str] = list(data["columns"])
        if not columns or columns[0] != "disclosure":
            raise ValueError("safety cue model: the first column must be 'disclosure'")
        unknown = set(columns[1:]) - set(KINDS)
        if unknown:
            raise ValueError(f"safety cue model has unknown kinds {sorted(unknown)}")
        rows: dict[str, list[float]] = data["weights"]
        models = [
            Linear(float(b), {n: float(row[k]) for n, row in rows.items() if row[k]})
            for k, b in enumerate(data["intercepts"])
        ]
        self.binary = models[0]
        self.kinds = dict(zip(columns[1:], models[1:], strict=True))
        self._logit = logit(self.threshold)

    def probability(self, prep: Prepared) -> float:
        return sigmoid(self.binary.score(self.featurizer.names(prep)))

    def best_kind(self, names: set[str]) -> str:
        # Ties go to the more urgent kind (the order of KINDS).
        return max(self.kinds, key=lambda k: (self.kinds[k].score(names), -KINDS.index(k)))

    def judge(self, prep: Prepared) -> SafetySignal | None:
        """A concern signal when P(disclosure) reaches the threshold, else None."""
        if not prep.tokens:
            return None
        names = self.featurizer.names(prep)
        if self.binary.score(names) < self._logit:
            return None
        feats = self.featurizer.features(prep)
        kind = self.best_kind(names)
        first, last = (
            _top_span(feats, self.kinds[kind].weights)
            or _top_span(feats, self.binary.weights)
            or (0, len(prep.tokens) - 1)
        )
        return SafetySignal("cue." + kind, kind, "concern", prep.starts[first], prep.ends[last])


def _top_span(feats: list[Feature], weights: dict[str, float]) -> tuple[int, int] | None:
    """(first, last) token of the cue that pushes the score up most; None when none does."""
    best: Feature | None = None
    top = 0.0
    for f in feats:
        w = weights.get(f[0], 0.0)
        if w > top:
            best, top = f, w
    return None if best is None else (best[1], best[2])


def load_model(negation: Iterable[str], path: Path = MODEL_PATH) -> CueModel:
    data = json.loads(path.read_text(encoding="utf-8"))
    return CueModel(data, negation)
