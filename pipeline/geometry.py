"""Small geometric helpers shared by the layout stages."""

from __future__ import annotations

from collections.abc import Iterable

from .model import BBox, Fill, TextLine, Word

CELL_FILL_WIDTH = (
    1.5  # a fill wider than this many times a cell shades a row band, not the cell
)


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
                lines[-1].append(
                    w
                )  # the line keeps its first word's extent, so lines never chain
                continue
        lines.append([w])
        extents.append((w.top, w.bottom))
    return [TextLine(page, sorted(ws, key=lambda w: w.x0)) for ws in lines]


def cell_shade(cell: BBox, fills: list[Fill]) -> float:
    """The grey level of the darkest fill that is the cell's own (covering
    most of it, not a band much wider than it); 1.0 for a white cell."""
    return min(
        (f.grey for f in fills if covers(f.bbox, cell) and fits(f.bbox, cell)),
        default=1.0,
    )


def fits(fill: BBox, cell: BBox) -> bool:
    return fill[2] - fill[0] <= CELL_FILL_WIDTH * (cell[2] - cell[0])


def covers(outer: BBox, inner: BBox, share: float = 0.6) -> bool:
    """True when `outer` covers at least `share` of `inner`'s area."""
    w = min(outer[2], inner[2]) - max(outer[0], inner[0])
    h = min(outer[3], inner[3]) - max(outer[1], inner[1])
    area = (inner[2] - inner[0]) * (inner[3] - inner[1])
    return w > 0 and h > 0 and area > 0 and w * h >= share * area
