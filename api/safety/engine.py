"""The declarative matcher behind `check`: rules compiled once into lookup tables.

Term syntax (in rule patterns and word sets), matched against folded tokens (lowercase, no
accents, so "suïcide" and "suicide" are one word):

- ``word``   the token exactly (word boundaries are token boundaries: "dood" never matches
  "doodmoe");
- ``stem*``  any token starting with the stem ("zelfmoord*" covers "zelfmoordgedachten");
- ``word~``  the word or a token one typo away (a letter missing, extra, swapped or wrong),
  for words of seven letters or more;
- ``word$``  the token only where it ends its clause (a comma, a sentence end, a quote or the end
  of the text follows, or only the filler words of ``clause_end_fillers``): "ik kan niet
  meer$" flags "ik kan niet meer, echt" but not "ik kan niet meer wachten";
- ``@set``   any entry of a named word set from ``_common.yaml``;
- ``a|b``    alternatives.

A ``seq`` pattern matches its terms in order, with at most ``gap`` other tokens between two of
them; a ``near`` pattern matches all its terms in any order within ``within`` tokens. Matches never
cross a sentence end or a quotation mark. The first term of a pattern is its anchor: the engine
only tries a pattern where its anchor occurs, so rule authors put the rarest term first.

Verb forms are listed explicitly instead of lemmatised at run time: simplemma costs about 70 µs
per unknown token, which alone would blow the time budget of a check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from api import native
from api.safety.loader import Common, NegationSpec, PatternSpec, RuleSpec, SafetyDataError
from api.safety.text import Prepared, fold, prepare
from api.safety.types import Level, SafetySignal

_MIN_PREFIX = 3
_MIN_FUZZY = 7
_CACHE_LIMIT = 50_000


@dataclass(frozen=True, slots=True)
class _Pattern:
    mode: str
    terms: tuple[int, ...]
    gap: int
    within: int

    # Explicit for copy and pickle when compiled (see api/native.py), same as dataclasses' own.
    def __getstate__(self) -> list[object]:
        return native.frozen_getstate(self)

    def __setstate__(self, state: list[object]) -> None:
        native.frozen_setstate(self, state)


@dataclass(frozen=True, slots=True)
class _Rule:
    spec: RuleSpec
    patterns: tuple[_Pattern, ...]
    unless: tuple[_Pattern, ...]
    soften: tuple[_Pattern, ...]

    # Explicit for copy and pickle when compiled (see api/native.py), same as dataclasses' own.
    def __getstate__(self) -> list[object]:
        return native.frozen_getstate(self)

    def __setstate__(self, state: list[object]) -> None:
        native.frozen_setstate(self, state)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class Engine:
    def __init__(self, common: Common, rules: Sequence[RuleSpec]) -> None:
        self._sets = common.sets
        self._term_ids: dict[tuple[str, ...], int] = {}
        self._exact: dict[str, set[int]] = {}
        self._prefix: dict[str, set[int]] = {}
        self._prefix_lengths: list[int] = []
        self._fuzzy: dict[str, set[int]] = {}
        self._fuzzy_deletes: dict[str, set[int]] = {}
        self._final: dict[str, set[int]] = {}  # "word$": the word at the end of its clause
        self._cache: dict[str, frozenset[int]] = {}
        self._anchor_cache: dict[frozenset[int], tuple[tuple[int, _Pattern], ...]] = {}

        self.rules: tuple[_Rule, ...] = tuple(self._compile_rule(r) for r in rules)
        # anchor term id -> (rule index, pattern) to try there
        self._anchors: dict[int, list[tuple[int, _Pattern]]] = {}
        for ri, rule in enumerate(self.rules):
            for p in rule.patterns:
                self._anchors.setdefault(p.terms[0], []).append((ri, p))

        where = "_common.yaml"
        self._negation = frozenset(fold(w)[0] for w in common.negation)
        self._fillers = frozenset(fold(w)[0] for w in common.negation_fillers)
        self._breakers = frozenset(fold(w)[0] for w in common.negation_breakers)
        self._end_fillers = frozenset(fold(w)[0] for w in common.clause_end_fillers)
        self._past = tuple(self._cue(c, where) for c in common.past)
        self._present = tuple(self._cue(c, where) for c in common.present)
        self._trivial = tuple(self._cue(c, where) for c in common.trivial)
        self._joke_term = self._term("|".join(common.joke_words), where)
        self._joke_symbols = tuple(fold(s)[0] for s in common.joke_symbols)
        self._prefix_lengths = sorted({len(p) for p in self._prefix})

    # --- compilation ---------------------------------------------------------------------------

    def _alternatives(self, spec: str, where: str) -> list[str]:
        out: list[str] = []
        for alt in spec.split("|"):
            alt = alt.strip()
            if not alt:
                raise SafetyDataError(f"{where}: empty alternative in {spec!r}")
            if alt.startswith("@"):
                name = alt[1:]
                if name not in self._sets:
                    raise SafetyDataError(f"{where}: unknown word set @{name}")
                for entry in self._sets[name]:
                    if entry.startswith("@"):
                        raise SafetyDataError(f"{where}: word set @{name} may not nest sets")
                    out.extend(self._alternatives(entry, f"{where} (@{name})"))
                continue
            out.append(fold(alt)[0])
        return out

    def _term(self, spec: str, where: str) -> int:
        alts = tuple(sorted(set(self._alternatives(spec, where))))
        if alts in self._term_ids:
            return self._term_ids[alts]
        tid = len(self._term_ids)
        self._term_ids[alts] = tid
        for alt in alts:
            if alt.endswith("*"):
                stem = alt[:-1]
                if len(stem) < _MIN_PREFIX or not stem.replace("'", "").isalnum():
                    raise SafetyDataError(f"{where}: prefix {alt!r} is too short or not a word")
                self._prefix.setdefault(stem, set()).add(tid)
            elif alt.endswith("$"):
                word = alt[:-1]
                if not word.replace("'", "").isalnum():
                    raise SafetyDataError(f"{where}: {alt!r} is not a single word")
                self._final.setdefault(word, set()).add(tid)
            elif alt.endswith("~"):
                word = alt[:-1]
                if len(word) < _MIN_FUZZY or not word.isalnum():
                    raise SafetyDataError(f"{where}: fuzzy {alt!r} needs {_MIN_FUZZY}+ letters")
                self._fuzzy.setdefault(word, set()).add(tid)
                for d in _deletes(word):
                    self._fuzzy_deletes.setdefault(d, set()).add(tid)
            else:
                if not alt.replace("'", "").isalnum():
                    raise SafetyDataError(f"{where}: {alt!r} is not a single word")
                self._exact.setdefault(alt, set()).add(tid)
        return tid

    def _pattern(self, p: PatternSpec, where: str) -> _Pattern:
        return _Pattern(p.mode, tuple(self._term(t, where) for t in p.terms), p.gap, p.within)

    def _cue(self, phrase: str, where: str) -> _Pattern:
        return self._pattern(PatternSpec("seq", tuple(phrase.split())), where)

    def _compile_rule(self, spec: RuleSpec) -> _Rule:
        where = f"{spec.source}: rule {spec.id!r}"
        return _Rule(
            spec,
            tuple(self._pattern(p, where) for p in spec.patterns),
            tuple(self._pattern(p, where) for p in spec.unless),
            tuple(self._pattern(p, where) for p in spec.soften),
        )

    # --- token lookup --------------------------------------------------------------------------

    def _lookup(self, tok: str) -> frozenset[int]:
        hit = self._cache.get(tok)
        if hit is not None:
            return hit
        ids: set[int] = set()
        exact = self._exact.get(tok)
        if exact:
            ids |= exact
        for n in self._prefix_lengths:
            if n > len(tok):
                break
            pre = self._prefix.get(tok[:n])
            if pre:
                ids |= pre
        if len(tok) >= _MIN_FUZZY - 1 and len(tok) <= 40:
            fz = self._fuzzy.get(tok)
            if fz:
                ids |= fz
            fd = self._fuzzy_deletes.get(tok)  # a letter missing
            if fd:
                ids |= fd
            for d in _deletes(tok):
                extra = self._fuzzy.get(d)  # a letter too many
                if extra:
                    ids |= extra
                sub = self._fuzzy_deletes.get(d)  # a letter wrong or swapped
                if sub:
                    ids |= sub
        result = frozenset(ids)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[tok] = result
        return result

    def _anchored(self, ts: frozenset[int]) -> tuple[tuple[int, _Pattern], ...]:
        """The patterns to try at a token with these term ids (cached per distinct set)."""
        hit = self._anchor_cache.get(ts)
        if hit is None:
            hit = tuple(x for tid in sorted(ts) for x in self._anchors.get(tid, ()))
            if len(self._anchor_cache) >= _CACHE_LIMIT:
                self._anchor_cache.clear()
            self._anchor_cache[ts] = hit
        return hit

    # --- matching ------------------------------------------------------------------------------

    @property
    def negation(self) -> frozenset[str]:
        """The folded negation words of ``_common.yaml`` (the cue model marks their scope)."""
        return self._negation

    def signals(self, text: str) -> list[SafetySignal]:
        return self.signals_of(prepare(text))

    def signals_of(self, prep: Prepared) -> list[SafetySignal]:
        """`signals` on a text already prepared (the cue model reuses the tokens)."""
        lookup = self._lookup
        tsets = [lookup(t) for t in prep.tokens]
        if self._final:
            self._mark_clause_ends(prep, tsets)
        tries = [self._anchored(ts) for ts in tsets]
        if not any(tries):
            return []

        zones: dict[tuple[int, int], list[int]] = {}
        for i in range(len(prep.tokens)):
            zones.setdefault((prep.quote[i], prep.sentence[i]), []).append(i)

        out: list[SafetySignal] = []
        # Sentence-level facts (past, present, joking) computed once per sentence, so that many
        # matches in one long sentence stay linear.
        facts: dict[tuple[str, int], bool] = {}
        for zone in zones.values():
            last_end: dict[int, int] = {}  # rule index -> last matched zone position
            for k, ti in enumerate(zone):
                for ri, pattern in tries[ti]:
                    if last_end.get(ri, -1) >= k:
                        continue
                    hit = _match_at(pattern, zone, tsets, k)
                    if hit is None:
                        continue
                    signal = self._judge(self.rules[ri], hit, zone, tsets, prep, facts)
                    if signal is not None:
                        out.append(signal)
                        last_end[ri] = max(hit)
        out.sort(key=lambda s: (s.start, s.end, s.rule_id))
        return out

    def _mark_clause_ends(self, prep: Prepared, tsets: list[frozenset[int]]) -> None:
        """Add the ids of ``word$`` terms to tokens that end their clause (linear, backwards)."""
        final = self._final
        tokens = prep.tokens
        if not any(t in final for t in tokens):
            return
        fillers = self._end_fillers
        content_after = False
        key = (-2, -2)
        for i in range(len(tokens) - 1, -1, -1):
            here = (prep.clause[i], prep.quote[i])
            if here != key:
                key = here
                content_after = False
            tok = tokens[i]
            if not content_after and tok in final:
                tsets[i] = tsets[i] | final[tok]
            if tok not in fillers:
                content_after = True

    def _judge(
        self,
        rule: _Rule,
        hit: list[int],
        zone: list[int],
        tsets: list[frozenset[int]],
        prep: Prepared,
        facts: dict[tuple[str, int], bool],
    ) -> SafetySignal | None:
        spec = rule.spec
        first, last = min(hit), max(hit)
        lo, hi = first - spec.reach, last + spec.reach
        for p in rule.unless:
            if _overlaps(p, zone, tsets, lo, hi):
                return None
        level: Level = spec.level
        q = prep.quote[zone[first]]
        attribution = prep.quotes[q].attribution if q >= 0 else "none"
        if attribution == "other" and spec.quoted_other is not None:
            level = spec.quoted_other
        downgrade = any(_overlaps(p, zone, tsets, lo, hi) for p in rule.soften)
        if spec.negation is not None and self._negated(spec.negation, hit, zone, prep):
            if level == "concern":
                return None
            downgrade = True
        sid = prep.sentence[zone[first]]

        def fact(name: str) -> bool:
            key = (name, sid)
            if key not in facts:
                sentence = _sentence_of(prep, zone[first])
                if name == "past":
                    facts[key] = self._any_cue(self._past, sentence, tsets) and not self._any_cue(
                        self._present, sentence, tsets
                    )
                else:
                    if ("marker", -1) not in facts:
                        facts[("marker", -1)] = self._joke_marker(tsets, prep)
                    facts[key] = facts[("marker", -1)] or self._joking(sentence, tsets, prep)
            return facts[key]

        if spec.past and fact("past"):
            downgrade = True
        if spec.joke is not None and fact("joke"):
            if spec.joke == "pass":
                return None
            downgrade = True
        if attribution == "none" and q >= 0:
            # A bare quote is not the writer's own disclosure (a scenario line, a phrase they
            # are asking about), but we still check in rather than ignore it.
            downgrade = True
        if downgrade:
            level = "concern"
        return SafetySignal(
            spec.id, spec.kind, level, prep.starts[zone[first]], prep.ends[zone[last]]
        )

    def _negated(self, neg: NegationSpec, hit: list[int], zone: list[int], prep: Prepared) -> bool:
        tokens = prep.tokens
        first, last = min(hit), max(hit)
        matched = set(hit)
        cues = self._negation
        breakers = self._breakers
        # Inside the match: "hij heeft me nooit geslagen". A later "maar"/"wel" lifts it:
        # "niet geslagen maar wel geduwd".
        for k in range(first + 1, last):
            if k in matched or tokens[zone[k]] not in cues:
                continue
            rest = {tokens[zone[j]] for j in range(k + 1, last + 1)}
            if not rest & breakers:
                return True
        # Right after: "hij slaat me niet" (but not "niet alleen").
        clause = prep.clause[zone[last]]
        for k in range(last + 1, min(last + 1 + neg.after, len(zone))):
            ti = zone[k]
            if prep.clause[ti] != clause:
                break
            if tokens[ti] in cues:
                # "niet alleen", "nie meer zo hard maar wel elke dag": a breaker later in the
                # clause lifts the negation.
                rest = {
                    tokens[zone[j]]
                    for j in range(k + 1, min(len(zone), k + 12))
                    if prep.clause[zone[j]] == clause
                }
                if not rest & breakers:
                    return True
        # Just before, with only filler words in between: "ik denk niet aan zelfmoord".
        clause = prep.clause[zone[first]]
        for k in range(first - 1, max(first - 1 - neg.before, -1), -1):
            ti = zone[k]
            if prep.clause[ti] != clause:
                break
            if tokens[ti] in cues:
                return True
            if tokens[ti] not in self._fillers:
                break
        return False

    def _any_cue(
        self, cues: tuple[_Pattern, ...], sentence: list[int], tsets: list[frozenset[int]]
    ) -> bool:
        for p in cues:
            for k, ti in enumerate(sentence):
                if p.terms[0] in tsets[ti] and _match_at(p, sentence, tsets, k) is not None:
                    return True
        return False

    def _joking(self, sentence: list[int], tsets: list[frozenset[int]], prep: Prepared) -> bool:
        return self._any_cue(self._trivial, sentence, tsets)

    def _joke_marker(self, tsets: list[frozenset[int]], prep: Prepared) -> bool:
        """A joke marker anywhere in the text ("haha", "grapje", an emoji)."""
        if any(s in prep.norm for s in self._joke_symbols):
            return True
        return any(self._joke_term in ts for ts in tsets)


def _sentence_of(prep: Prepared, ti: int) -> list[int]:
    s = prep.sentence[ti]
    lo = ti
    while lo > 0 and prep.sentence[lo - 1] == s:
        lo -= 1
    hi = ti
    while hi + 1 < len(prep.tokens) and prep.sentence[hi + 1] == s:
        hi += 1
    return list(range(lo, hi + 1))


def _match_at(
    p: _Pattern, zone: list[int], tsets: list[frozenset[int]], k: int
) -> list[int] | None:
    """Try pattern p anchored at zone position k; return matched zone positions."""
    n = len(zone)
    if p.mode == "seq":
        hit = [k]
        cur = k
        for tid in p.terms[1:]:
            for j in range(cur + 1, min(cur + 2 + p.gap, n)):
                if tid in tsets[zone[j]]:
                    cur = j
                    hit.append(j)
                    break
            else:
                return None
        return hit
    lo, hi = max(0, k - p.within), min(n, k + p.within + 1)
    hit = [k]
    first = last = k
    for tid in p.terms[1:]:
        # Take the candidate that keeps the span smallest (ties: the one nearest the anchor).
        best, best_key = -1, (n + 1, n + 1)
        for j in range(lo, hi):
            if tid in tsets[zone[j]] and j not in hit:
                key = (max(last, j) - min(first, j), abs(j - k))
                if key < best_key:
                    best, best_key = j, key
        if best < 0:
            return None
        hit.append(best)
        first, last = min(first, best), max(last, best)
    if max(hit) - min(hit) > p.within:
        return None
    return hit


def _overlaps(p: _Pattern, zone: list[int], tsets: list[frozenset[int]], lo: int, hi: int) -> bool:
    """Does pattern p match somewhere in the zone with a span touching [lo, hi]?"""
    start = max(0, lo - 12)
    for k in range(start, min(len(zone), hi + 1)):
        if p.terms[0] not in tsets[zone[k]]:
            continue
        hit = _match_at(p, zone, tsets, k)
        if hit is not None and min(hit) <= hi and max(hit) >= lo:
            return True
    return False
