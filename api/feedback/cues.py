"""The cue model: a small logistic model over the engine's own lemmas that can add one tentative
unsafe finding where the rules found none.

The rules are precise but only know the phrasings they were written for. The cue model is a
bag of lemma cues (unigrams, bigrams, negated lemmas, the clause subjects, the opening word, the
question mark, the role) trained on the gold labels of `tests/corpus/nl.jsonl` by
`api.feedback.train_cues`. Its weights live in `model/cues.json`; scoring here is pure Python
(dict lookups), no numpy or scikit-learn at run time.

Policy (`CueModel.extend`, called by `Engine.analyze` once the rules' findings are known):

- the rules found nothing unsafe and P(unsafe) of the whole text reaches `threshold`: one finding
  `cue.<category>` is added, marked `tentative`. The category is the best-scoring unsafe category;
  the span the word (or word pair, grown to at most three words) whose cues push that category up
  most; message and tip come from `model/cue_messages.yaml`. Not when the rules would have found
  something unsafe but for a negation ("Jij bent helemaal niet egoïstisch"): they weighed it.
- the rules found exactly one unsafe finding and P(unsafe) of its sentence is below `veto`: that
  finding is dropped (when the model file sets a veto).
- otherwise the rules' findings stand.

Then, when the text has any finding at all, the presence models (one per category of the
taxonomy, "does this text contain it?") may add tentative `cue.<category>` findings for
categories nobody found yet: an unsafe one only where the text is already unsafe, so that they
never change the verdict, only name more of what is in the sentence.

The model leans on engine internals (`_tokens`, `_sentence`, `_quotes`, `_lemma`,
`_match_sentence`, `_resolve` and the `Sentence`/`Tok` fields), so that tokens, lemmas, negation
scope and quotes are exactly the engine's.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ruamel.yaml import YAML

from api import native
from api.feedback.taxonomy import CATEGORIES, UNSAFE_CATEGORIES
from api.feedback.types import Finding
from api.logistic import logit, sigmoid

if TYPE_CHECKING:
    from api.feedback.engine import Engine, Raw, Sentence
    from api.feedback.textnorm import Folded

MODEL_DIR = native.package_dir("api.feedback") / "model"
MODEL_PATH = MODEL_DIR / "cues.json"
MESSAGES_PATH = MODEL_DIR / "cue_messages.yaml"
FEATURE_VERSION = 1
# Whether the shipped engine (`api.feedback.default_engine`) consults the cue model.
ENABLED = True

# A feature: (name, sentence index, first token, last token); sentence -1 for text-level ones.
Feature = tuple[str, int, int, int]
# Per word form: lemma and the names "w:", "n:", "l:", "q:", "s:" + lemma, and its tags.
_Word = tuple[str, str, str, str, str, str, tuple[str, ...]]
_PLAIN_PUNCT = frozenset({".", ",", "?", "!"})
_LEMMA_CACHE_MAX = 100_000


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """Which kinds of cues are extracted (recorded in the model file, so training and scoring
    always agree)."""

    bigrams: bool = True
    negation: bool = True
    quoted: bool = True
    subjects: bool = True
    opener: bool = True
    role_words: bool = False
    # A word in the scope of a negation is only "n:lemma", not also "w:lemma" ("niet lui").
    neg_replaces: bool = False

    def as_dict(self) -> dict[str, bool]:
        return {
            "bigrams": self.bigrams,
            "negation": self.negation,
            "quoted": self.quoted,
            "subjects": self.subjects,
            "opener": self.opener,
            "role_words": self.role_words,
            "neg_replaces": self.neg_replaces,
        }


class Featurizer:
    """Cues from the engine's tokens, lemmas, negation scope, quotes and clause subjects."""

    def __init__(self, engine: Engine, spec: FeatureSpec) -> None:
        self.engine = engine
        self.spec = spec
        self._words: dict[str, _Word] = {}

    def word(self, form: str, keys: frozenset[str]) -> _Word:
        """The feature names of one word form (its keys follow from the form), cached."""
        got = self._words.get(form)
        if got is None:
            lem = self.engine._lemma(form)
            tags = tuple(sorted("t:" + k for k in keys if k[0] == "#"))
            got = (lem, "w:" + lem, "n:" + lem, "l:" + lem, "q:" + lem, "s:" + lem, tags)
            if len(self._words) > _LEMMA_CACHE_MAX:
                self._words.clear()
            self._words[form] = got
        return got

    def text_sentences(self, text: str) -> tuple[Folded, list[Sentence]]:
        """The engine's own analysis up to (and including) quotes; for training and tests."""
        from api.feedback.textnorm import fold

        folded = fold(text)
        eng = self.engine
        sentences = [eng._sentence(toks) for toks in eng._tokens(folded.text)]
        eng._quotes(sentences)
        return folded, sentences

    def features(self, sentences: Sequence[Sentence], role: str) -> list[Feature]:
        spec = self.spec
        out: list[Feature] = [("role:" + role, -1, 0, 0)]
        listener = spec.role_words and role == "listener"
        quotes, negation, neg_replaces = spec.quoted, spec.negation, spec.neg_replaces
        bigrams, opener = spec.bigrams, spec.opener
        question = False
        for si, se in enumerate(sentences):
            toks = se.toks
            neg = se.neg
            meta = se.meta
            quoted = se.quoted
            if spec.subjects:
                for who in set(se.clause_subject):
                    out.append(("subj:" + who, -1, 0, 0))
            if se.question:
                question = True
            prev = ""
            prev_j = -1
            first = True
            for j, t in enumerate(toks):
                if not t.word:
                    prev = ""
                    if t.form not in _PLAIN_PUNCT:
                        out.append(("p:" + t.form, si, j, j))
                    continue
                lem, w, n, lw, q, op, tags = self.word(t.form, t.keys)
                aside = quotes and (quoted[j] or meta[j])
                if aside:
                    out.append((q, si, j, j))
                else:
                    negated = negation and neg[j]
                    if negated:
                        out.append((n, si, j, j))
                    if not (negated and neg_replaces):
                        out.append((w, si, j, j))
                    if listener:
                        out.append((lw, si, j, j))
                    for tag in tags:
                        out.append((tag, si, j, j))
                    if bigrams and prev:
                        # One f-string: one allocation, not three concatenations.
                        out.append((f"b:{prev}_{lem}", si, prev_j, j))
                    if opener and first:
                        out.append((op, si, j, j))
                first = False
                prev = "" if aside else lem
                prev_j = j
        if question:
            out.append(("?", -1, 0, 0))
        return out

    def name_set(self, sentences: Sequence[Sentence], role: str) -> set[str]:
        """``{f[0] for f in self.features(sentences, role)}`` without the feature tuples: the
        same walk, adding the same names in the same order (so the set iterates alike, and
        `Linear.score` sums alike). Keep the two in step (tests/feedback/test_cues.py)."""
        spec = self.spec
        out: set[str] = {"role:" + role}
        listener = spec.role_words and role == "listener"
        quotes, negation, neg_replaces = spec.quoted, spec.negation, spec.neg_replaces
        bigrams, opener = spec.bigrams, spec.opener
        question = False
        for se in sentences:
            toks = se.toks
            neg = se.neg
            meta = se.meta
            quoted = se.quoted
            if spec.subjects:
                for who in set(se.clause_subject):
                    out.add("subj:" + who)
            if se.question:
                question = True
            prev = ""
            first = True
            for j, t in enumerate(toks):
                if not t.word:
                    prev = ""
                    if t.form not in _PLAIN_PUNCT:
                        out.add("p:" + t.form)
                    continue
                lem, w, n, lw, q, op, tags = self.word(t.form, t.keys)
                aside = quotes and (quoted[j] or meta[j])
                if aside:
                    out.add(q)
                else:
                    negated = negation and neg[j]
                    if negated:
                        out.add(n)
                    if not (negated and neg_replaces):
                        out.add(w)
                    if listener:
                        out.add(lw)
                    for tag in tags:
                        out.add(tag)
                    if bigrams and prev:
                        out.add(f"b:{prev}_{lem}")
                    if opener and first:
                        out.add(op)
                first = False
                prev = "" if aside else lem
        if question:
            out.add("?")
        return out

    def names(self, text: str, role: str) -> set[str]:
        _, sentences = self.text_sentences(text)
        return {f[0] for f in self.features(sentences, role)}


@dataclass(frozen=True, slots=True)
class Linear:
    intercept: float
    weights: dict[str, float]

    def score(self, names: Iterable[str]) -> float:
        # The same sum over the same values in the same order as sum(map(weights.get, ...)),
        # but the lookups run compiled instead of as generic calls.
        weights = self.weights
        return self.intercept + sum([weights.get(n, 0.0) for n in names])


# Presence scoring packs each cue's row (weights in thousandths: the file keeps three decimals,
# so this is exact) into one integer, 32 bits per column, every field biased by BIAS so that it
# is never negative. Summing the packed rows of a text is then one integer addition per cue (in
# C), instead of one float addition per cue and column, and one struct.unpack reads all columns
# back. Narrow fields keep the integers short, which is what the additions cost. Weights must
# stay below BIAS / 1000 = 32.8 in size (checked on load; they are below 10), and a field
# overflows only past 2**32 / (2 * BIAS) = 65,536 summed cues, more than the model has.
_FIELD = 32
_BIAS = 1 << 15
_SCALE = 1000


@dataclass(frozen=True, slots=True)
class Presence:
    """One logistic model per category of the taxonomy, trained on all lines: whether the
    text contains that category at all."""

    columns: tuple[str, ...]
    intercepts: tuple[float, ...]
    packed: dict[str, int]
    # Per column, cue -> weight: what `_top_span` needs to place a finding.
    by_column: tuple[dict[str, float], ...]
    cut: float
    # Per column the smallest sum of weights (in thousandths) that reaches `cut`.
    limits: tuple[float, ...]
    layout: struct.Struct

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Presence:
        columns = tuple(str(c) for c in data["columns"])
        unknown = set(columns) - set(CATEGORIES)
        if unknown:
            raise ValueError(f"cue model: unknown presence columns {sorted(unknown)}")
        intercepts = tuple(float(b) for b in data["intercepts"])
        if len(intercepts) != len(columns):
            raise ValueError("cue model: one presence intercept per column")
        packed: dict[str, int] = {}
        by_column: list[dict[str, float]] = [{} for _ in columns]
        for name, pairs in data["weights"].items():
            thousandths = [0] * len(columns)
            for k, w in pairs:
                q = round(float(w) * _SCALE)
                if abs(q) >= _BIAS or abs(q - float(w) * _SCALE) > 1e-6:
                    raise ValueError(f"cue model: presence weight {w!r} of {name!r} out of range")
                thousandths[int(k)] = q
                by_column[int(k)][name] = float(w)
            packed[name] = sum((q + _BIAS) << (_FIELD * k) for k, q in enumerate(thousandths))
        cut = logit(float(data["threshold"]))
        limits = tuple((cut - b) * _SCALE for b in intercepts)
        if len(packed) >= (1 << _FIELD) // (2 * _BIAS):
            raise ValueError("cue model: too many presence cues for the packed fields")
        layout = struct.Struct(f"<{len(columns)}I")
        return cls(columns, intercepts, packed, tuple(by_column), cut, limits, layout)

    def _fields(self, names: Iterable[str]) -> tuple[tuple[int, ...], int]:
        """Per column the biased sum of the cues' weights (in thousandths), and the bias."""
        packed = self.packed
        total = 0
        hits = 0
        for n in names:
            row = packed.get(n)
            if row is not None:
                total += row
                hits += 1
        layout = self.layout
        fields: tuple[int, ...] = layout.unpack(total.to_bytes(layout.size, "little"))
        return fields, hits * _BIAS

    def logits(self, names: Iterable[str]) -> list[float]:
        fields, bias = self._fields(names)
        return [b + (f - bias) / _SCALE for b, f in zip(self.intercepts, fields, strict=True)]

    def passing(self, names: Iterable[str]) -> list[int]:
        """The columns whose probability reaches the threshold: logit >= cut, compared in
        thousandths as (sum - bias) >= (cut - intercept) * 1000."""
        fields, bias = self._fields(names)
        return [k for k, f in enumerate(fields) if f - bias >= self.limits[k]]


class CueModel:
    """The exported weights plus the policy. Loaded once per engine; cheap to call."""

    def __init__(
        self,
        engine: Engine,
        data: dict[str, Any],
        messages: dict[str, tuple[str, str]],
    ) -> None:
        """`data` is the content of `cues.json`; its `veto` may be null (no veto)."""
        if data.get("feature_version") != FEATURE_VERSION:
            raise ValueError("cue model was trained with another feature version; retrain it")
        self.spec = FeatureSpec(**data["spec"])
        self.engine = engine
        self.featurizer = Featurizer(engine, self.spec)
        self.threshold = float(data["threshold"])
        veto = data.get("veto")
        self.veto: float | None = None if veto is None else float(veto)
        columns: list[str] = list(data["columns"])
        if not columns or columns[0] != "unsafe":
            raise ValueError("cue model: the first column must be 'unsafe'")
        rows: dict[str, list[float]] = data["weights"]
        models = [
            Linear(
                float(b),
                {n: float(row[k]) for n, row in rows.items() if row[k]},
            )
            for k, b in enumerate(data["intercepts"])
        ]
        self.binary = models[0]
        self.categories = dict(zip(columns[1:], models[1:], strict=True))
        unknown = set(self.categories) - UNSAFE_CATEGORIES
        if unknown:
            raise ValueError(f"cue model has non-unsafe categories {sorted(unknown)}")
        missing = set(self.categories) - set(messages)
        if missing:
            raise ValueError(f"no cue message for {sorted(missing)}")
        presence = data.get("presence")
        self.presence = None if presence is None else Presence.from_data(presence)
        if self.presence is not None:
            missing = set(self.presence.columns) - set(messages)
            if missing:
                raise ValueError(f"no cue message for {sorted(missing)}")
        self.messages = messages
        self._logit = logit(self.threshold)
        self._veto_logit = None if self.veto is None else logit(self.veto)

    def probability(self, sentences: Sequence[Sentence], role: str) -> float:
        names = {f[0] for f in self.featurizer.features(sentences, role)}
        return sigmoid(self.binary.score(names))

    def extend(
        self,
        text: str,
        role: str,
        folded: Folded,
        sentences: Sequence[Sentence],
        findings: list[Finding],
    ) -> list[Finding]:
        """The rules' findings, adjusted by the policy (the caller sorts them):

        - no unsafe finding and P(unsafe) >= threshold: one tentative cue finding is added;
        - exactly one unsafe finding and P(unsafe) < veto: that finding is dropped (the model is
          all but sure the sentence is fine, and one rule alone disagrees);
        - then, if anything was found, a tentative finding for every category whose presence
          model is sure enough and that nobody found yet (unsafe ones only in an unsafe text)."""
        unsafe: Finding | None = None
        several = False
        for f in findings:
            if f.polarity == "unsafe":
                if unsafe is not None:
                    several = True
                    break
                unsafe = f
        names: set[str] | None = None
        feats: list[Feature] | None = None
        if several:
            pass
        elif unsafe is not None:
            # The veto weighs only the sentence of that finding: in "Ik voel me alleen. Je bent
            # lui." the kind words of the other sentences must not excuse the label.
            veto = self._veto_logit
            if veto is not None:
                se = _sentence_at(folded, sentences, unsafe.start)
                if self.binary.score(self.featurizer.name_set((se,), role)) < veto:
                    findings = [f for f in findings if f is not unsafe]
        else:
            # Names first; the feature tuples (with positions) only for a cue finding. No name
            # of another feature equals the role's, so one name means one feature.
            names = self.featurizer.name_set(sentences, role)
            if len(names) <= 1:
                return findings
            if self.binary.score(names) >= self._logit and not self._negated_away(sentences, role):
                feats = self.featurizer.features(sentences, role)
                got = self._finding(text, folded, sentences, feats, names)
                if got is not None:
                    findings = [*findings, got]
        presence = self.presence
        if presence is None or not findings:
            return findings
        if names is None:
            names = self.featurizer.name_set(sentences, role)
        passing = presence.passing(names)
        if not passing:
            return findings
        have = {f.category for f in findings}
        is_unsafe = any(f.polarity == "unsafe" for f in findings)
        for k in passing:
            cat = presence.columns[k]
            if cat in have or (not is_unsafe and CATEGORIES[cat].polarity == "unsafe"):
                continue
            if feats is None:
                feats = self.featurizer.features(sentences, role)
            span = _top_span(feats, presence.by_column[k], sentences)
            if span is not None:
                findings = [*findings, self._make(text, folded, sentences, cat, span)]
        return findings

    def _negated_away(self, sentences: Sequence[Sentence], role: str) -> bool:
        """Whether the rules would have found something unsafe but for a negation ("Jij bent
        helemaal niet egoïstisch"): then the rules weighed the words and the cue stays quiet."""
        eng = self.engine
        raws: list[Raw] = []
        for si, se in enumerate(sentences):
            if not (any(se.neg) or any(se.negb)):
                continue
            neg, negb, vneg = se.neg, se.negb, se.view.neg
            off = [False] * len(neg)
            se.neg = se.negb = se.view.neg = off
            try:
                eng._match_sentence(si, se, role, raws, sentences)
            finally:
                se.neg, se.negb, se.view.neg = neg, negb, vneg
        return any(
            CATEGORIES[r.rule.category_for(role)].polarity == "unsafe"
            for r in eng._resolve(raws, role)
        )

    def best_category(self, names: set[str]) -> str:
        return max(self.categories, key=lambda c: (self.categories[c].score(names), c))

    def _finding(
        self,
        text: str,
        folded: Folded,
        sentences: Sequence[Sentence],
        feats: list[Feature],
        names: set[str],
    ) -> Finding | None:
        cat = self.best_category(names)
        span = _top_span(feats, self.categories[cat].weights, sentences) or _top_span(
            feats, self.binary.weights, sentences
        )
        if span is None:
            return None
        return self._make(text, folded, sentences, cat, span)

    def _make(
        self,
        text: str,
        folded: Folded,
        sentences: Sequence[Sentence],
        cat: str,
        span: tuple[int, int, int],
    ) -> Finding:
        si, first, last = span
        toks = sentences[si].toks
        start, end = folded.span(toks[first].start, toks[last].end)
        message, tip = self.messages[cat]
        category = CATEGORIES[cat]
        return Finding(
            "cue." + cat,
            cat,
            category.polarity,
            start,
            end,
            text[start:end],
            category.label,
            message,
            tip,
            None,
            True,
        )


def _sentence_at(folded: Folded, sentences: Sequence[Sentence], start: int) -> Sentence:
    """The sentence that contains the character at `start` of the submitted text."""
    found = sentences[0]
    for se in sentences[1:]:
        if se.toks and folded.span(se.toks[0].start, se.toks[0].end)[0] <= start:
            found = se
    return found


_SPAN_MAX = 3


def _top_span(
    feats: Sequence[Feature], weights: dict[str, float], sentences: Sequence[Sentence]
) -> tuple[int, int, int] | None:
    """(sentence, first token, last token) of the strongest cue that pushes the score up (a
    word, or a word pair for a bigram), grown by a neighbouring word when that word's own cues
    weigh at least half as much, up to three words. None when no cue pushes the score up."""
    best: Feature | None = None
    for f in feats:
        if f[1] >= 0 and weights.get(f[0], 0.0) > (0.0 if best is None else weights[best[0]]):
            best = f
    if best is None:
        return None
    name, si, lo, hi = best
    bar = weights[name] / 2
    toks = sentences[si].toks
    own = [f for f in feats if f[1] == si]

    def gain(a: int, b: int) -> float:
        # What the features that fit in a..b but not in lo..hi add.
        return sum(
            weights.get(n, 0.0)
            for n, _, f0, f1 in own
            if a <= f0 and f1 <= b and not (lo <= f0 and f1 <= hi)
        )

    while hi - lo + 1 < _SPAN_MAX:
        left = gain(lo - 1, hi) if lo > 0 and toks[lo - 1].word else float("-inf")
        right = gain(lo, hi + 1) if hi + 1 < len(toks) and toks[hi + 1].word else float("-inf")
        if max(left, right) < bar:
            break
        if left >= right:
            lo -= 1
        else:
            hi += 1
    return si, lo, hi


def load_messages(path: Path = MESSAGES_PATH) -> dict[str, tuple[str, str]]:
    raw = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
    out: dict[str, tuple[str, str]] = {}
    for cat, entry in raw.items():
        if cat not in CATEGORIES:
            raise ValueError(f"{path.name}: {cat!r} is not a category")
        message = str(entry.get("message", "")).strip()
        tip = str(entry.get("tip", "")).strip()
        if not message or not tip:
            raise ValueError(f"{path.name}: {cat} needs a message and a tip")
        out[str(cat)] = (message, tip)
    return out


def load_model(engine: Engine, path: Path = MODEL_PATH) -> CueModel:
    data = json.loads(path.read_text(encoding="utf-8"))
    return CueModel(engine, data, load_messages())


def attached(engine: Engine) -> CueModel | None:
    """The shipped cue model for `default_engine`, or None when it is switched off."""
    return load_model(engine) if ENABLED else None
