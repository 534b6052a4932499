"""Column headers in other words: each template header that names a
column's role is replaced by a wording drawn from that role's pool
(`wording_pools.json`), from its `seen` half or its `unseen` half, the
same header always by the same wording within a document."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from functools import cache
from pathlib import Path

from .document import Block, Cell, Table

TEMPLATE = "template"  # the template's own wordings
HALVES = ("seen", "unseen")


@cache
def pools() -> dict[str, dict[str, list[str]]]:
    path = Path(__file__).with_name("wording_pools.json")
    return {
        role: pool
        for role, pool in json.loads(path.read_text("utf-8")).items()
        if not role.startswith("_")
    }


def rewording(half: str, seed: int) -> dict[str, str]:
    """Template header -> the wording a document of `seed` prints instead."""
    if half == TEMPLATE:
        return {}
    rng = random.Random(f"{seed}-{half}")
    chosen: dict[str, str] = {}
    for pool in pools().values():
        wording = rng.choice(pool[half])
        for key in pool["keys"]:
            chosen[key] = wording.upper() if key.isupper() else wording
    return chosen


def reworded(blocks: list[Block], half: str, seed: int) -> list[Block]:
    """The blocks with their tables' header cells reworded."""
    words = rewording(half, seed)
    if not words:
        return blocks
    return [
        replace(
            b,
            header=tuple(tuple(header_cell(c, words) for c in row) for row in b.header),
        )
        if isinstance(b, Table)
        else b
        for b in blocks
    ]


def header_cell(cell: Cell, words: dict[str, str]) -> Cell:
    return replace(cell, items=tuple(words.get(t, t) for t in cell.items))
