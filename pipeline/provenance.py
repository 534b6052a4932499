"""Where each record was read: its page(s) and box(es) on them.

Records read from table rows carry the boxes of their rows (`Row.boxes`);
records read from running text (a heading, a stated amount) are found again
among the words of their lines.  Boxes are in PDF points with the origin at
the top left, as pdfplumber gives them.  A record's `bbox` (CSV) is its first
fragment; its JSON `provenance` lists every fragment, one per page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .geometry import group_lines
from .model import BBox, Document, Region, TextLine

TEXT_PREFIX = 80  # letters and digits of a text enough to find it again
SHORT_PREFIXES = (30, 12)  # shorter starts tried when the whole start is not found
NOT_WORD = re.compile(r"[\W_]+")


def fragments(boxes: Iterable[Region]) -> list[Region]:
    """One box per page, in the order the pages first appear: the union of
    the boxes on it."""
    merged: dict[int, BBox] = {}
    for page, (x0, top, x1, bottom) in boxes:
        if page in merged:
            a = merged[page]
            merged[page] = (
                min(a[0], x0),
                min(a[1], top),
                max(a[2], x1),
                max(a[3], bottom),
            )
        else:
            merged[page] = (x0, top, x1, bottom)
    return list(merged.items())


def where(boxes: Iterable[Region]) -> dict[str, Any]:
    """A record's `bbox` and `provenance` fields for the boxes it was read from."""
    found = fragments(boxes)
    return {
        "bbox": bbox_text(found[0][1]) if found else None,
        "provenance": {
            "fragments": [
                {"page": page, "bbox": [round(v, 1) for v in box]}
                for page, box in found
            ]
        },
    }


def bbox_text(box: BBox) -> str:
    return " ".join(f"{v:.1f}" for v in box)


def normal(text: str) -> str:
    return NOT_WORD.sub("", text).lower()


def locate(lines: list[TextLine], text: str, after: str = "") -> list[Region]:
    """The boxes of the words that print `text` (its start, at least) in
    `lines`, read in order; where `after` is given, the first such words
    that follow the words printing `after` (a sentence's amount within its
    paragraph).  [] when the text is not found."""
    owners: list[int] = []  # per character of the stream: its word's index
    words = [(line.page, w) for line in lines for w in line.words]
    stream = []
    for i, (_, w) in enumerate(words):
        piece = normal(w.text)
        stream.append(piece)
        owners += [i] * len(piece)
    joined = "".join(stream)
    start = 0
    if after:
        span = find(joined, normal(after))
        start = span[0] if span else 0
    span = find(joined, normal(text), start)
    if span is None:
        return []
    first, last = owners[span[0]], owners[span[1] - 1]
    return [
        (page, (w.x0, w.top, w.x1, w.bottom)) for page, w in words[first : last + 1]
    ]


def find(stream: str, target: str, start: int = 0) -> tuple[int, int] | None:
    """(start, end) of the target's longest start found in the stream."""
    for size in (TEXT_PREFIX, *SHORT_PREFIXES):
        piece = target[:size]
        at = stream.find(piece, start) if piece else -1
        if at >= 0:
            return at, at + len(piece)
    return None


def page_lines(doc: Document, pages: Iterable[int]) -> list[TextLine]:
    """The text lines of the given 1-based pages (those the document has)."""
    return [
        line
        for p in pages
        if 1 <= p <= len(doc.pages)
        for line in group_lines(doc.pages[p - 1].words, p)
    ]
