"""Small geometric helpers shared by the layout stages."""
from __future__ import annotations

from typing import Iterable

from .model import BBox, TextLine, Word


def cluster(values: Iterable[float], tolerance: float) -> list[float]:
    """Collapse sorted values closer than `tolerance` to their mean."""
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tolerance:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def nearest(edges: list[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def contains(box: BBox, x: float, y: float, margin: float = 0.5) -> bool:
    x0, top, x1, bottom = box
    return x0 - margin <= x <= x1 + margin and top - margin <= y <= bottom + margin


def group_lines(words: list[Word], page: int) -> list[TextLine]:
    """Group words into lines, top to bottom, left to right.

    A word joins the current line when it overlaps the line vertically by at
    least half of the smaller height, so superscripts (smaller and raised)
    stay on the line they belong to; side-by-side columns whose lines are
    offset do not chain into one tall line."""
    lines: list[list[Word]] = []
    extents: list[tuple[float, float]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines:
            top, bottom = extents[-1]
            overlap = min(bottom, w.bottom) - max(top, w.top)
            if overlap >= 0.5 * min(w.bottom - w.top, bottom - top):
                lines[-1].append(w)      # the line keeps its first word's extent, so lines never chain
                continue
        lines.append([w])
        extents.append((w.top, w.bottom))
    return [TextLine(page, sorted(ws, key=lambda w: w.x0)) for ws in lines]
