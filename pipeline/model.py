"""The in-memory page model every stage reads (words, ruled grids, text
lines) and the record every stage writes.

Data flows one way: the reader builds `Document`/`Page` objects once, layout
stages derive `TextLine`s and `Grid`s from them, extractors turn those into
records.  Nothing here touches the PDF file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

Record = dict[str, Any]  # one row of a dataset table, shaped by its JSON Schema

BBox = tuple[
    float, float, float, float
]  # x0, top, x1, bottom (PDF points, top-left origin)
Region = tuple[int, BBox]  # a 1-based page and a box on it: where a record was read


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    font: str
    size: float
    upright: bool = True  # False: a line of text set sideways, read as one word
    conf: float | None = None  # OCR confidence, 0-100 (None: drawn text)

    @property
    def bold(self) -> bool:
        name = self.font.lower()
        return any(k in name for k in ("bold", "black", "heavy", "semibold", ",b"))

    @property
    def x_mid(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def y_mid(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Fill:
    """A filled rectangle (cell shading); colour as a 0-1 grey level."""

    bbox: BBox
    grey: float


@dataclass(frozen=True, slots=True)
class Edge:
    """A straight ruling segment: a drawn line, a side of a stroked (or thin
    filled) rectangle, a piece of a curve; as pdfplumber measures it."""

    kind: str  # pdfplumber's object type: "line", "rect_edge" or "curve_edge"
    orientation: str  # "h" or "v"
    x0: float
    top: float
    x1: float
    bottom: float
    width: float
    height: float


@dataclass
class TextLine:
    """Words that share a baseline, left to right (never changed once
    grouped: its text and size are worked out once)."""

    page: int
    words: list[Word]

    @cached_property
    def text(self) -> str:
        """The line's text with footnote marks (raised, smaller words) left out."""
        size = self.size
        baseline = max(
            (w.bottom for w in self.words if w.size >= 0.85 * size), default=self.bottom
        )
        marks = [w.size < 0.8 * size and w.bottom < baseline - 1 for w in self.words]
        return join_words(self.words, skip=marks)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @cached_property
    def size(self) -> float:
        """The size most of the line's characters have."""
        weights: dict[float, int] = {}
        for w in self.words:
            weights[round(w.size, 1)] = weights.get(round(w.size, 1), 0) + len(w.text)
        return max(weights, key=lambda s: (weights[s], s))

    @property
    def bold(self) -> bool:
        letters = sum(len(w.text) for w in self.words)
        return sum(len(w.text) for w in self.words if w.bold) * 2 > letters


def join_words(words: list[Word], skip: list[bool] | None = None) -> str:
    """Join words left to right, with a space only where the gap shows one.

    Words split by a change of font or size but printed touching are glued;
    a skipped word (a footnote mark) keeps the spacing it had on the page."""
    out: list[str] = []
    prev: Word | None = None
    for i, w in enumerate(words):
        sideways = not (w.upright and prev is not None and prev.upright)
        if (
            prev is not None
            and out
            and out[-1] != " "
            and (
                sideways
                or w.conf is not None  # OCR words: the engine split them at spaces
                or w.x0 - prev.x1 > 0.15 * min(w.size, prev.size)
            )
        ):
            out.append(" ")
        if not (skip and skip[i]):
            out.append(w.text)
        prev = w
    return "".join(out).strip()


@dataclass
class Cell:
    """One cell of a ruled grid; spans are counted in grid rows/columns."""

    row: int
    col: int
    row_span: int
    col_span: int
    bbox: BBox
    lines: list[TextLine] = field(default_factory=list)
    shade: float = 1.0  # grey level of the darkest fill over it: 1 = white, 0 = black

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass
class Grid:
    """A table as a grid of cells, spans resolved: `at(r, c)` returns the
    cell covering that position, so a spanning cell is seen from every
    position it covers."""

    page: int
    bbox: BBox
    col_edges: list[float]
    row_edges: list[float]
    cells: list[Cell]
    ruled: bool = True
    column_names: list[str] = field(
        default_factory=list
    )  # header texts of an unruled table's columns
    _index: dict[tuple[int, int], Cell] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.row_span):
                for c in range(cell.col, cell.col + cell.col_span):
                    self._index[(r, c)] = cell

    @property
    def n_rows(self) -> int:
        return len(self.row_edges) - 1

    @property
    def n_cols(self) -> int:
        return len(self.col_edges) - 1

    def at(self, row: int, col: int) -> Cell | None:
        return self._index.get((row, col))

    def text(self, row: int, col: int) -> str:
        cell = self.at(row, col)
        return cell.text if cell else ""

    def starts_here(self, row: int, col: int) -> bool:
        """True where the covering cell begins on this row (not a span's tail)."""
        cell = self.at(row, col)
        return cell is not None and cell.row == row


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    rotation: int
    words: list[Word]
    grids: list[Grid] = field(default_factory=list)  # found by the `grids` stage
    fills: list[Fill] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)  # rulings: lines, rectangle sides
    hrules: list[tuple[float, float, float]] = field(
        default_factory=list
    )  # (x0, x1, y) of the horizontal rulings


@dataclass
class Document:
    path: str
    doc_id: str
    sha256: str
    pages: list[Page]
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR
    ocr_seconds: float = 0.0  # spent straightening and reading them
    ocr_jobs: int = 0  # pages read by OCR at a time
    ocr_repairs: list[tuple[int, str, str]] = field(
        default_factory=list
    )  # (page, word as OCR read it, as taken): see `ocr.repaired`


def finding(check: str, severity: str, message: str, page: int | None = None) -> Record:
    """What a check found: an `issues` record less the document it is about."""
    return {"check": check, "severity": severity, "message": message, "page": page}


def issue(doc_id: str, source_file: str, found: Record) -> Record:
    """An `issues` record: a finding about the document `doc_id`."""
    return {"doc_id": doc_id, **found, "source_file": source_file}
