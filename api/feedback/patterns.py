"""The small declarative pattern language the rules are written in.

A pattern is a string of space-separated elements, matched over the tokens of one sentence:

    word        the token's form or lemma is `word` (accents and case do not matter)
    =word       the token's surface form is `word` (no lemma)
    @list       the token (or a multi-word phrase starting there) is in the lexicon list `list`
    #imp #num   a word feature: looks like an imperative verb stem ("leg", "geef"); a number
    #pp #inf    looks like a past participle ("besteld", "uitgegeven"); an infinitive ("overleggen")
    #rhet       a doubled question or exclamation mark ("??", "?!") at the end of a sentence
    nou_eens    the phrase "nou eens" (several tokens; usable as an alternative: a|nou_eens)
    a|=b|@c     any of these
    *           any one word
    !atom       one word that does NOT match atom (a|b and @list allowed)
    ~N          a gap of 0..N tokens inside the same clause
    ~~N         a gap of 0..N tokens inside the same sentence (may cross commas and "maar")
    ^           the next token starts a clause (leading conjunctions such as "maar", "dat" allowed)
    ^^          the next token is the first word of the sentence
    $           the previous token ends the clause
    elem?       the element is optional (not for gaps or anchors)

Every pattern needs at least one word element that is not optional or negated: its words are
the index keys ("triggers") through which the rule is found in O(1) per token.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field

from api import native
from api.feedback.textnorm import fold_word

# Word features the engine computes per token (they live in the token's keys like words do).
FEATURES = frozenset({"#imp", "#num", "#pp", "#inf", "#rhet"})
MAX_GAP = 12
MAX_ELEMENTS = 24
# Bound on backtracking work per attempt, so no input can make matching super-linear.
MAX_STEPS = 400


class PatternError(ValueError):
    """A pattern string that does not follow the grammar above."""


@dataclass(frozen=True, slots=True)
class Lexicon:
    """A named word list: single words and multi-word phrases (as tuples of folded words)."""

    name: str
    words: frozenset[str]
    phrases: tuple[tuple[str, ...], ...] = ()

    # Explicit for copy and pickle when compiled (see api/native.py), same as dataclasses' own.
    def __getstate__(self) -> list[object]:
        return native.frozen_getstate(self)

    def __setstate__(self, state: list[object]) -> None:
        native.frozen_setstate(self, state)


WORD, ANY, GAP, CSTART, SSTART, CEND = range(6)


@dataclass(slots=True)
class Element:
    kind: int
    words: frozenset[str] = frozenset()
    # Phrases indexed by first word (forward matching) and last word (backward matching).
    fwd_phrases: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    bwd_phrases: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    optional: bool = False
    negated: bool = False
    form_only: frozenset[str] = frozenset()
    gap: int = 0
    sentence_gap: bool = False
    # Refers to a lexicon list: the "content" word(s) that negation is about.
    content: bool = False
    # The condition bit of `words` (set by the engine, which numbers the conditions): a token's
    # keys meet `words` exactly when ``SentView.tcb[j][cbyte] & cmask``; -1 while unnumbered.
    cbyte: int = 0
    cmask: int = -1

    def index_keys(self) -> set[str]:
        return set(self.words) | set(self.form_only) | set(self.fwd_phrases)


class SentView:
    """What the matcher needs to know about the tokens of one sentence."""

    __slots__ = (
        "_bag",
        "block",
        "cb",
        "cend",
        "clause",
        "conds",
        "cstart",
        "forms",
        "keys",
        "n",
        "neg",
        "tcb",
    )

    # Concrete lists, not Sequence: compiled (api/native.py), indexing a list is much cheaper.
    def __init__(
        self,
        keys: list[frozenset[str]],
        forms: list[str],
        clause: list[int],
        cstart: list[bool],
        cend: list[bool],
    ) -> None:
        self.keys = keys
        self.forms = forms
        self.clause = clause
        self.cstart = cstart
        self.cend = cend
        self.n = len(keys)
        # Tokens in the forward scope of a negation; while `block` is set, content elements
        # skip them, so "ik ben niet boos maar verdrietig" finds "verdrietig".
        self.neg: list[bool] = [False] * self.n
        self.block = False
        # Every key of every token (see `bag`), computed on first use.
        self._bag: frozenset[str] | None = None
        # Condition bits met by the sentence (set by the engine, which numbers the conditions),
        # and the same as little-endian bytes.
        self.conds = 0
        self.cb = b""
        # Per token, the condition bits its keys meet as the same bytes (set by the engine): an
        # element's word test is one byte instead of a set operation (see `Element.cmask`).
        self.tcb: list[bytes] = []

    @property
    def bag(self) -> frozenset[str]:
        """Every key of every token: lets a pattern rule itself out in O(1) per element."""
        bag = self._bag
        if bag is None:
            keys = self.keys
            bag = self._bag = frozenset().union(*keys) if keys else frozenset()
        return bag


# Words so frequent that anchoring a pattern on them would make it a candidate in almost every
# sentence; the compiler anchors on a rarer element when the pattern has one.
COMMON = frozenset(
    [
        "ik",
        "je",
        "jij",
        "u",
        "jou",
        "het",
        "dat",
        "de",
        "een",
        "en",
        "is",
        "zijn",
        "ben",
        "bent",
        "was",
        "niet",
        "me",
        "mij",
        "we",
        "wij",
        "er",
        "die",
        "dit",
        "te",
        "van",
        "in",
        "op",
        "met",
        "voor",
        "naar",
        "als",
        "maar",
        "ook",
        "zo",
        "wel",
        "nog",
        "al",
        "toch",
        "dan",
        "of",
        "om",
        "hebben",
        "heb",
        "hebt",
        "had",
        "doen",
        "doe",
        "doet",
        "kunnen",
        "kan",
        "kun",
        "wil",
        "willen",
        "zal",
        "zou",
        "gaan",
        "ga",
        "gaat",
        "moeten",
        "moet",
        "even",
        "nou",
        "echt",
        "gewoon",
        "wat",
        "hoe",
        "waarom",
        "wanneer",
        "ze",
        "zij",
        "hij",
        "mijn",
        "jouw",
        "je",
        "#imp",
        "#pp",
        "#inf",
        ",",
        "?",
        "!",
    ]
)


def _cost(e: Element) -> int:
    keys = e.index_keys()
    return sum(50 if k in COMMON else 1 for k in keys)


@dataclass(slots=True)
class Pattern:
    source: str
    elements: list[Element]
    anchor: int
    # Key sets of the other required word elements: a sentence lacking any of them cannot
    # match, which is checked with set operations before running the matcher.
    required: tuple[frozenset[str], ...] = ()
    _triggers: frozenset[str] = frozenset()
    # Exact shortcuts for `match_at`: checks on the elements right next to the anchor that every
    # match must pass (an anchor at clause/sentence start, a plain word just before or after).
    _pre_cstart: bool = False
    _pre_sstart: bool = False
    _pre_prev: Element | None = None
    _pre_next: Element | None = None
    # Whether `match_at` can encode content positions (only content elements produce them).
    has_content: bool = False
    # The anchor is plain words (no surface forms, no phrases): at a trigger position its
    # words are there, so `match_at(..., at_trigger=True)` skips testing them again.
    _plain_anchor: bool = False
    # The condition bit of the triggers, like `Element.cbyte`/`cmask` (set by the engine).
    tbyte: int = 0
    tmask: int = -1

    def __post_init__(self) -> None:
        els = self.elements
        a = self.anchor
        self.has_content = any(e.content for e in els)
        self._triggers = frozenset(els[a].index_keys())
        anc = els[a]
        self._plain_anchor = (
            anc.kind == WORD and not anc.negated and not anc.form_only and not anc.fwd_phrases
        )
        if a > 0:
            prev = els[a - 1]
            if prev.kind == CSTART:
                self._pre_cstart = True
            elif prev.kind == SSTART:
                self._pre_sstart = True
            elif _plain(prev, prev.bwd_phrases):
                self._pre_prev = prev
        if a + 1 < len(els) and not els[a].fwd_phrases:
            nxt = els[a + 1]
            if _plain(nxt, nxt.fwd_phrases):
                self._pre_next = nxt
        self.required = tuple(
            frozenset(e.index_keys())
            for k, e in enumerate(self.elements)
            if k != self.anchor and e.kind == WORD and not e.optional and not e.negated
        )

    def triggers(self) -> frozenset[str]:
        return self._triggers

    def possible(self, bag: frozenset[str] | set[str]) -> bool:
        """Could this pattern match a sentence whose tokens have these keys at all?"""
        # An explicit loop: this runs for every candidate pattern, and is faster than all().
        for ks in self.required:  # noqa: SIM110
            if ks.isdisjoint(bag):
                return False
        return True

    # -- matching -------------------------------------------------------------------------

    def match_at(self, s: SentView, i: int, at_trigger: bool = False) -> list[int] | None:
        """Token positions matched when the anchor sits at token i, or None.

        Positions matched by content (lexicon) elements are encoded as -(p + 1); use
        `decode` to split them. `at_trigger` promises that token i has a trigger key."""
        if i >= s.n:
            return None
        if self._pre_cstart and not s.cstart[i]:
            return None
        if self._pre_sstart and i != 0:
            return None
        prev = self._pre_prev
        if prev is not None and (i <= 0 or not _word_match(prev, s, i - 1)):
            return None
        nxt = self._pre_next
        if nxt is not None and (i + 1 >= s.n or not _word_match(nxt, s, i + 1)):
            return None
        budget = _Budget(MAX_STEPS)
        els = self.elements
        a = self.anchor
        anchor = els[a]
        clause = s.clause[i]
        # The ends of `_elem_fwd(anchor, s, i)`, tried lazily in the same order.
        if at_trigger and self._plain_anchor:
            # What `_word_match` would say: its words are among the token's keys.
            hit = not (anchor.content and s.block and s.neg[i])
        else:
            hit = anchor.kind == ANY or _word_match(anchor, s, i)
        if hit:
            right = _fwd(els, a + 1, s, i + 1, budget, clause)
            if right is not None:
                left = _bwd(els, a - 1, s, i, budget, clause)
                if left is None:
                    return None
                return [*left, -(i + 1), *right] if anchor.content else [*left, i, *right]
        if anchor.kind != ANY and anchor.fwd_phrases and not anchor.negated:
            for end in _phrase_ends(anchor, s, i):
                right = _fwd(els, a + 1, s, end, budget, clause)
                if right is None:
                    continue
                left = _bwd(els, a - 1, s, i, budget, clause)
                if left is None:
                    return None
                mid = [-(p + 1) for p in range(i, end)] if anchor.content else list(range(i, end))
                return [*left, *mid, *right]
        return None

    def search(self, s: SentView, lo: int = 0, hi: int | None = None) -> list[int] | None:
        """Find the pattern anywhere in tokens lo..hi (used for `unless` checks)."""
        hi = s.n if hi is None else hi
        trig = self.triggers()
        if trig.isdisjoint(s.bag) or not self.possible(s.bag):
            return None
        return self.scan(s, lo, hi)

    def scan(self, s: SentView, lo: int, hi: int) -> list[int] | None:
        """`search` without its first check, for callers that know already that the sentence
        has a trigger and every required element (the engine, through condition bits)."""
        trig = self._triggers
        keys = s.keys
        tcb = s.tcb
        tb, tm = self.tbyte, self.tmask
        fast = tm >= 0 and len(tcb) > 0
        for i in range(lo, hi):
            if fast:
                if not tcb[i][tb] & tm:
                    continue
            elif trig.isdisjoint(keys[i]):
                continue
            got = self.match_at(s, i, True)
            if got is not None:
                # Positions come in increasing order: the first and last decide.
                first, last = got[0], got[-1]
                if first < 0:
                    first = -first - 1
                if last < 0:
                    last = -last - 1
                if lo <= first and last < hi:
                    return got
        return None


class _Budget:
    """Steps left for one `match_at` attempt (see MAX_STEPS). A class, not a one-item list:
    compiled, its counter is a plain integer field instead of a boxed list item."""

    __slots__ = ("left",)

    def __init__(self, left: int) -> None:
        self.left = left


def _plain(e: Element, phrases: dict[str, list[tuple[str, ...]]]) -> bool:
    """A required single-token word element: it matches exactly where `_word_match` says so."""
    return e.kind == WORD and not e.optional and (e.negated or not phrases)


def decode(got: list[int]) -> tuple[list[int], list[int]]:
    """(all positions, content positions) from an encoded match."""
    allp = [p if p >= 0 else -p - 1 for p in got]
    return allp, [-p - 1 for p in got if p < 0]


def _word_match(e: Element, s: SentView, j: int) -> bool:
    if e.content and s.block and s.neg[j]:
        return False
    m = e.cmask
    if m >= 0 and len(s.tcb) > 0:
        hit = (s.tcb[j][e.cbyte] & m) != 0  # the same as the set test below, one byte
    else:
        hit = not e.words.isdisjoint(s.keys[j])
    if hit or (e.form_only and s.forms[j] in e.form_only):
        return not e.negated
    return e.negated


def _elem_fwd(e: Element, s: SentView, j: int) -> list[int]:
    """End positions (exclusive) where element e matches starting at token j."""
    if j >= s.n:
        return []
    if e.kind == ANY:
        return [j + 1]
    ends = [j + 1] if _word_match(e, s, j) else []
    if e.fwd_phrases and not e.negated:
        ends.extend(_phrase_ends(e, s, j))
    return ends


def _phrase_ends(e: Element, s: SentView, j: int) -> list[int]:
    ends = []
    for key in s.keys[j]:
        for ph in e.fwd_phrases.get(key, ()):
            k = len(ph)
            if j + k <= s.n and all(ph[x] in s.keys[j + x] for x in range(1, k)):
                ends.append(j + k)
    return ends


def _elem_bwd(e: Element, s: SentView, j: int) -> list[int]:
    """Start positions where element e matches ending just before token j."""
    if j <= 0:
        return []
    if e.kind == ANY:
        return [j - 1]
    starts = [j - 1] if _word_match(e, s, j - 1) else []
    if e.bwd_phrases and not e.negated:
        starts.extend(_phrase_starts(e, s, j))
    return starts


def _phrase_starts(e: Element, s: SentView, j: int) -> list[int]:
    starts = []
    for key in s.keys[j - 1]:
        for ph in e.bwd_phrases.get(key, ()):
            k = len(ph)
            if j - k >= 0 and all(ph[x] in s.keys[j - k + x] for x in range(k - 1)):
                starts.append(j - k)
    return starts


def _fwd(
    els: list[Element], k: int, s: SentView, j: int, budget: _Budget, clause: int
) -> list[int] | None:
    if k == len(els):
        return []
    budget.left -= 1
    if budget.left < 0:
        return None
    e = els[k]
    if e.kind <= ANY:  # WORD or ANY, the commonest kinds: tested first
        # The ends of `_elem_fwd`, tried lazily in the same order (computing them costs no budget).
        if j < s.n:
            if e.kind == ANY or _word_match(e, s, j):
                got = _fwd(els, k + 1, s, j + 1, budget, s.clause[j])
                if got is not None:
                    return [-(j + 1), *got] if e.content else [j, *got]
            if e.kind != ANY and e.fwd_phrases and not e.negated:
                for end in _phrase_ends(e, s, j):
                    got = _fwd(els, k + 1, s, end, budget, s.clause[end - 1])
                    if got is not None:
                        if e.content:
                            return [*(-(p + 1) for p in range(j, end)), *got]
                        return [*range(j, end), *got]
        if e.optional:
            return _fwd(els, k + 1, s, j, budget, clause)
        return None
    if e.kind == GAP:
        # A plain word after the gap is checked here first; where it cannot match, the call
        # below would only spend one step of the budget to return None.
        nxt = els[k + 1]
        quick = nxt.kind == WORD and not nxt.optional and (nxt.negated or not nxt.fwd_phrases)
        for g in range(e.gap + 1):
            p = j + g
            if p > s.n:
                break
            if g and not e.sentence_gap and s.clause[p - 1] != clause:
                break
            if quick and (p >= s.n or not _word_match(nxt, s, p)):
                budget.left -= 1
                continue
            got = _fwd(els, k + 1, s, p, budget, s.clause[p - 1] if g else clause)
            if got is not None:
                return got
        return None
    if e.kind == CSTART:
        if j < s.n and s.cstart[j]:
            return _fwd(els, k + 1, s, j, budget, s.clause[j])
        return None
    if e.kind == SSTART:
        return _fwd(els, k + 1, s, j, budget, clause) if j == 0 else None
    if e.kind == CEND:
        return _fwd(els, k + 1, s, j, budget, clause) if j > 0 and s.cend[j - 1] else None
    return None


def _bwd(
    els: list[Element], k: int, s: SentView, j: int, budget: _Budget, clause: int
) -> list[int] | None:
    if k < 0:
        return []
    budget.left -= 1
    if budget.left < 0:
        return None
    e = els[k]
    if e.kind <= ANY:  # WORD or ANY, the commonest kinds: tested first
        # The starts of `_elem_bwd`, tried lazily in the same order.
        if j > 0:
            if e.kind == ANY or _word_match(e, s, j - 1):
                got = _bwd(els, k - 1, s, j - 1, budget, s.clause[j - 1])
                if got is not None:
                    return [*got, -j] if e.content else [*got, j - 1]
            if e.kind != ANY and e.bwd_phrases and not e.negated:
                for start in _phrase_starts(e, s, j):
                    got = _bwd(els, k - 1, s, start, budget, s.clause[start])
                    if got is not None:
                        if e.content:
                            return [*got, *(-(p + 1) for p in range(start, j))]
                        return [*got, *range(start, j)]
        if e.optional:
            return _bwd(els, k - 1, s, j, budget, clause)
        return None
    if e.kind == GAP:
        # As in `_fwd`: a plain word before the gap that cannot match costs one step.
        prv = els[k - 1]
        quick = prv.kind == WORD and not prv.optional and (prv.negated or not prv.bwd_phrases)
        for g in range(e.gap + 1):
            p = j - g
            if p < 0:
                break
            if g and not e.sentence_gap and s.clause[p] != clause:
                break
            if quick and (p <= 0 or not _word_match(prv, s, p - 1)):
                budget.left -= 1
                continue
            got = _bwd(els, k - 1, s, p, budget, s.clause[p] if g else clause)
            if got is not None:
                return got
        return None
    if e.kind == CSTART:
        return _bwd(els, k - 1, s, j, budget, clause) if j < s.n and s.cstart[j] else None
    if e.kind == SSTART:
        return _bwd(els, k - 1, s, j, budget, clause) if j == 0 else None
    if e.kind == CEND:
        return _bwd(els, k - 1, s, j, budget, clause) if j > 0 and s.cend[j - 1] else None
    return None


# -- compiling -------------------------------------------------------------------------------


def _parse_atoms(spec: str, lexicons: Mapping[str, Lexicon], el: Element) -> None:
    words: set[str] = set()
    form_only: set[str] = set()
    for atom in spec.split("|"):
        if not atom:
            raise PatternError(f"empty alternative in {spec!r}")
        if atom.startswith("@"):
            name = atom[1:]
            lex = lexicons.get(name)
            if lex is None:
                raise PatternError(f"unknown lexicon list @{name}")
            el.content = True
            words |= lex.words
            for ph in lex.phrases:
                el.fwd_phrases.setdefault(ph[0], []).append(ph)
                el.bwd_phrases.setdefault(ph[-1], []).append(ph)
        elif atom.startswith("#"):
            if atom not in FEATURES:
                raise PatternError(f"unknown word feature {atom!r} (known: {sorted(FEATURES)})")
            words.add(atom)
        elif "_" in atom:
            ph = tuple(fold_word(w) for w in atom.split("_"))
            if not all(_is_wordlike(w) for w in ph):
                raise PatternError(f"bad phrase {atom!r}")
            el.fwd_phrases.setdefault(ph[0], []).append(ph)
            el.bwd_phrases.setdefault(ph[-1], []).append(ph)
        elif atom.startswith("="):
            w = fold_word(atom[1:])
            if not w or not _is_wordlike(w):
                raise PatternError(f"bad surface form {atom!r}")
            form_only.add(w)
        else:
            w = fold_word(atom)
            if not _is_wordlike(w):
                raise PatternError(f"bad word {atom!r}")
            words.add(w)
    el.words = frozenset(words)
    el.form_only = frozenset(form_only)


def _is_wordlike(w: str) -> bool:
    if not w:
        return False
    if len(w) == 1 and not w.isalnum():
        # Single punctuation marks (",", ":") may be matched literally.
        return w not in "?*~^$!|@="
    return all(c.isalnum() or c in "'-" for c in w)


def compile_pattern(source: str, lexicons: Mapping[str, Lexicon]) -> Pattern:
    if not isinstance(source, str) or not source.strip():
        raise PatternError("pattern must be a non-empty string")
    parts = source.split()
    if len(parts) > MAX_ELEMENTS:
        raise PatternError(f"too many elements (max {MAX_ELEMENTS})")
    els: list[Element] = []
    for part in parts:
        if part.startswith("~"):
            sentence = part.startswith("~~")
            num = part[2:] if sentence else part[1:]
            if not num.isdigit() or not 1 <= int(num) <= MAX_GAP:
                raise PatternError(f"bad gap {part!r} (use ~N or ~~N with 1 <= N <= {MAX_GAP})")
            els.append(Element(GAP, gap=int(num), sentence_gap=sentence))
            continue
        if part in ("^", "^^", "$"):
            els.append(Element({"^": CSTART, "^^": SSTART, "$": CEND}[part]))
            continue
        if part in ("?", "!"):
            # A literal question or exclamation mark.
            els.append(Element(WORD, words=frozenset({part})))
            continue
        optional = part.endswith("?") and len(part) > 1
        body = part[:-1] if optional else part
        if body == "*":
            els.append(Element(ANY, optional=optional))
            continue
        negated = body.startswith("!")
        if negated:
            body = body[1:]
        if not body:
            raise PatternError(f"bad element {part!r}")
        el = Element(WORD, optional=optional, negated=negated)
        _parse_atoms(body, lexicons, el)
        els.append(el)
    if els[0].kind == GAP or els[-1].kind == GAP:
        raise PatternError("a pattern cannot start or end with a gap")
    for a, b in itertools.pairwise(els):
        if a.kind == GAP and b.kind == GAP:
            raise PatternError("two gaps in a row")
    candidates = [
        k
        for k, e in enumerate(els)
        if e.kind == WORD and not e.optional and not e.negated and e.index_keys()
    ]
    anchor = min(candidates, key=lambda k: (_cost(els[k]), k)) if candidates else None
    if anchor is None:
        raise PatternError("pattern needs at least one required word element to anchor on")
    return Pattern(source, els, anchor)
