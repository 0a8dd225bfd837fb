"""docs/data-inventory.md names every stored column, and nothing that is not stored."""

from __future__ import annotations

import re

import api.models  # noqa: F401  (registers every table)
from api.config import ROOT
from api.db import Base


def test_inventory_matches_the_models() -> None:
    doc = (ROOT / "docs" / "data-inventory.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| ([a-z_]+\.[a-z_]+) \|", doc, flags=re.M))
    stored = {f"{t.name}.{c.name}" for t in Base.metadata.sorted_tables for c in t.columns}
    assert not stored - listed, f"stored but not in the inventory: {sorted(stored - listed)}"
    assert not listed - stored, f"in the inventory but not stored: {sorted(listed - stored)}"
