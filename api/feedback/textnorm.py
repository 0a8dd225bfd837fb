"""Text normalisation with an offset map, and the tokeniser.

Matching happens on a folded copy of the text (compatibility forms, no accents, no control
characters, lower case) while every token keeps the character offsets of the text exactly as it was
submitted, so the UI can highlight `text[start:end]` whatever the user typed (NFD accents, emoji,
zero-width characters, fullwidth letters...).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from api import native

# Control and format characters carry no words; dropping them keeps "lu\u200bi" a single token.
_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_KEEP_AS_SPACE = frozenset("\t\n\r\x0b\x0c\x85\u2028\u2029")
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Words: letters with inner apostrophes or hyphens (da's, m'n, zelf-reflectie); informal elisions
# that start with an apostrophe ('t, 'k, 's, 'n) are words too. Abbreviations like i.p.v. stay one
# token so their dots do not end a sentence. Everything else that is not a space is one token.
# \u2019 counts as an apostrophe only between letters; elsewhere it closes a quote.
_TOKEN_RE = re.compile(
    r"(?:[^\W\d_]\.){2,}"
    r"|['\u2019](?:t|k|s|n|m|r)(?![^\W\d_])"
    r"|[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*"
    r"|\d+"
    r"|\.{2,}"
    r"|\S"
)


@dataclass(frozen=True, slots=True)
class Folded:
    """The folded text plus, per folded character, where it came from in the original."""

    text: str
    # starts[k] = original index of the character that produced folded char k;
    # ends[k] = original index just past it (past trailing marks that were dropped).
    starts: tuple[int, ...] | None
    ends: tuple[int, ...] | None

    # Written out, as for `types.Finding`: compiled, the generated one runs interpreted.
    def __init__(
        self, text: str, starts: tuple[int, ...] | None, ends: tuple[int, ...] | None
    ) -> None:
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "starts", starts)
        object.__setattr__(self, "ends", ends)

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self.starts is None or self.ends is None:
            return start, end
        return self.starts[start], self.ends[end - 1]

    # Copy and pickle rebuild it through __init__ (see api/native.py, `frozen_reduce`).
    def __reduce__(self) -> tuple[Any, ...]:
        return native.frozen_reduce(self)


def fold_char(ch: str) -> str:
    """Fold one character the way the matcher sees it (used for lexicon entries too)."""
    if ch in _KEEP_AS_SPACE:
        return " "
    if unicodedata.category(ch) in _DROP_CATEGORIES:
        return ""
    out = []
    for c in unicodedata.normalize("NFKD", ch):
        if unicodedata.combining(c):
            continue
        for low in c.lower():
            if not unicodedata.combining(low):
                out.append(low)
    return "".join(out)


_FOLD_CACHE: dict[str, str] = {}


def _fold_char_cached(ch: str) -> str:
    got = _FOLD_CACHE.get(ch)
    if got is None:
        got = fold_char(ch)
        if len(_FOLD_CACHE) < 50_000:
            _FOLD_CACHE[ch] = got
    return got


def fold_word(word: str) -> str:
    return "".join(_fold_char_cached(c) for c in word)


def fold(text: str) -> Folded:
    # Fast path: plain ASCII without control characters maps one to one.
    if text.isascii() and not _ASCII_CONTROL.search(text):
        return Folded(text.lower(), None, None)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        f = _fold_char_cached(ch)
        if not f:
            # A dropped mark belongs to the character before it, so a highlight of "be\u0301nt"
            # keeps its accent.
            if ends and unicodedata.combining(ch):
                ends[-1] = i + 1
            continue
        for c in f:
            out.append(c)
            starts.append(i)
            ends.append(i + 1)
    return Folded("".join(out), tuple(starts), tuple(ends))


_CHUNK_CACHE: dict[str, tuple[tuple[str, int, int], ...]] = {}
_CHUNK_CACHE_MAX = 100_000
# Longer chunks (pasted URLs, runs without spaces) are rare; they are not kept.
_CHUNK_CACHE_LEN = 64


def chunk_tokens(chunk: str) -> tuple[tuple[str, int, int], ...]:
    """(token, start, end) within one white-space-free chunk, cached (see `tokenize`)."""
    got = _CHUNK_CACHE.get(chunk)
    if got is None:
        got = tuple((m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(chunk))
        if len(chunk) <= _CHUNK_CACHE_LEN:
            if len(_CHUNK_CACHE) >= _CHUNK_CACHE_MAX:
                _CHUNK_CACHE.clear()
            _CHUNK_CACHE[chunk] = got
    return got


def tokenize(folded: str) -> list[tuple[str, int, int]]:
    """(token, start, end) over the folded text.

    No token spans white space and none looks past it, so the text is tokenised one
    white-space-separated chunk at a time (`str.split` and the regex agree on what white space
    is), with the tokens of each chunk cached."""
    out: list[tuple[str, int, int]] = []
    # No local aliases of bound methods: compiled, those are generic calls.
    pos = 0
    for chunk in folded.split():
        start = folded.find(chunk, pos)
        pos = start + len(chunk)
        toks = chunk_tokens(chunk)
        if len(toks) == 1 and toks[0][0] == chunk:
            out.append((chunk, start, pos))
        else:
            for tok, a, b in toks:
                out.append((tok, start + a, start + b))
    return out


def is_word(tok: str) -> bool:
    c = tok[0]
    if c in "'\u2019":
        return len(tok) > 1
    return c.isalpha() or c.isdigit()
