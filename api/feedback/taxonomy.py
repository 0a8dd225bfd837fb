"""The closed feedback vocabulary (PRODUCT.md section 3).

One list shared by the engine, the dialogue branches, the API and the UI. Every finding carries
exactly one of these categories; the Dutch label is what users see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from api import native

Polarity = Literal["safe", "unsafe"]
Verdict = Literal["safe", "almost", "unsafe"]
Role = Literal["speaker", "listener"]

ROLES: tuple[Role, ...] = ("speaker", "listener")
VERDICTS: tuple[Verdict, ...] = ("safe", "almost", "unsafe")


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    polarity: Polarity
    label: str

    # Explicit for copy and pickle when compiled (see api/native.py), same as dataclasses' own.
    def __getstate__(self) -> list[object]:
        return native.frozen_getstate(self)

    def __setstate__(self, state: list[object]) -> None:
        native.frozen_setstate(self, state)


CATEGORIES: dict[str, Category] = {
    c.id: c
    for c in (
        Category("absolute_language", "unsafe", "Absolute taal"),
        Category("accusation", "unsafe", "Verwijt"),
        Category("character_attack", "unsafe", "Persoon aanvallen"),
        Category("contempt", "unsafe", "Minachting"),
        Category("defensiveness", "unsafe", "Verdedigen"),
        Category("dismissal", "unsafe", "Wegwuiven"),
        Category("threat", "unsafe", "Dreigen"),
        Category("command", "unsafe", "Eisen"),
        Category("stonewalling", "unsafe", "Dichtklappen"),
        Category("past_raking", "unsafe", "Oude koeien"),
        Category("pseudo_ik", "unsafe", "Verkapt verwijt"),
        Category("feeling", "safe", "Gevoel"),
        Category("need", "safe", "Behoefte"),
        Category("observation", "safe", "Waarneming"),
        Category("curiosity", "safe", "Nieuwsgierigheid"),
        Category("validation", "safe", "Erkenning"),
        Category("responsibility", "safe", "Verantwoordelijkheid"),
        Category("collaboration", "safe", "Samen zoeken"),
        Category("regulation", "safe", "Vertragen"),
        Category("reassurance", "safe", "Geruststellen"),
        Category("appreciation", "safe", "Waardering"),
    )
}

UNSAFE_CATEGORIES: frozenset[str] = frozenset(
    c.id for c in CATEGORIES.values() if c.polarity == "unsafe"
)
SAFE_CATEGORIES: frozenset[str] = frozenset(
    c.id for c in CATEGORIES.values() if c.polarity == "safe"
)


def polarity_of(category: str) -> Polarity:
    return CATEGORIES[category].polarity


def label_of(category: str) -> str:
    return CATEGORIES[category].label
