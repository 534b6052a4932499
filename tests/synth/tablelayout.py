"""Table geometry: cell positions, row heights and the split over pages.

Pure functions of a `Table` and the page frame; the typesetter draws the
result.  Spanning cells and rows that break over a page are handled the way
a word processor does: a cell's lines flow from the part of the cell on one
page into its part on the next, and a row that needs more room than its cells
have grows until every line fits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .document import Cell, Table

EPS = 0.01
MAX_PASSES = 12
ITEM_GAP = 0.35  # gap between the paragraphs of one cell, in lines


@dataclass(frozen=True)
class Line:
    text: str
    gap: float  # extra space above the line


@dataclass
class Slot:
    """A cell at its grid position, with its text wrapped to its width."""

    cell: Cell
    row: int
    col: int
    x: float
    w: float
    lines: list[Line]
    extent: float = 0.0  # sideways text: the length of its longest line

    @property
    def last_row(self) -> int:
        return self.row + self.cell.rowspan - 1


@dataclass(frozen=True)
class Metrics:
    size: float
    leading: float
    pad: float

    def need(self, lines: list[Line]) -> float:
        return 2 * self.pad + sum(self.leading + ln.gap for ln in lines)

    def height(self, s: Slot) -> float:
        """The height a cell needs: its lines, or the length of its sideways text."""
        return 2 * self.pad + s.extent if s.cell.vertical else self.need(s.lines)

    def width(self, cell: Cell) -> float:
        """The width sideways text needs: a line's height per item."""
        return 2 * self.pad + len(cell.items) * self.leading


@dataclass(frozen=True)
class Piece:
    """The part of a body row on one page (page 0 = the page the table starts on)."""

    row: int
    page: int
    y: float
    h: float


@dataclass(frozen=True)
class Segment:
    page: int
    top: float
    bottom: float


@dataclass
class SlotFlow:
    slot: Slot
    segments: list[Segment]
    placed: list[tuple[int, float, str]] = field(
        default_factory=list
    )  # segment index, line top, text
    deficit: float = 0.0


@dataclass(frozen=True)
class Frame:
    """Where the table may go: it starts at `start` on page 0; later pages
    begin at `top` (below the repeated header, if any); all end at `bottom`."""

    start: float
    top: float
    bottom: float


Wrap = Callable[[str, float, bool], list[str]]
Measure = Callable[[str, bool], float]  # the width of a text, regular or bold


def positions(rows: tuple[tuple[Cell, ...], ...]) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) of every cell, skipping the places spans cover (HTML-
    style)."""
    taken: set[tuple[int, int]] = set()
    out: list[tuple[int, int, Cell]] = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            taken.update(
                (r + dr, c + dc)
                for dr in range(cell.rowspan)
                for dc in range(cell.colspan)
            )
            out.append((r, c, cell))
            c += cell.colspan
    return out


def slots(
    rows: tuple[tuple[Cell, ...], ...],
    col_x: list[float],
    wrap: Wrap,
    measure: Measure,
    m: Metrics,
) -> list[Slot]:
    """Every cell at its place, its text wrapped to its width (sideways text is not
    wrapped)."""
    out = []
    for r, c, cell in positions(rows):
        x, w = col_x[c], col_x[c + cell.colspan] - col_x[c]
        if cell.vertical:
            extent = max((measure(item, cell.bold) for item in cell.items), default=0.0)
            out.append(
                Slot(cell, r, c, x, w, [Line(item, 0.0) for item in cell.items], extent)
            )
        else:
            out.append(Slot(cell, r, c, x, w, cell_lines(cell, w - 2 * m.pad, wrap)))
    return out


def cell_lines(cell: Cell, width: float, wrap: Wrap) -> list[Line]:
    lines: list[Line] = []
    for i, item in enumerate(cell.items):
        for j, text in enumerate(wrap(item, width, cell.bold)):
            lines.append(Line(text, 0.0 if i == 0 or j > 0 else ITEM_GAP))
    return lines


def row_heights(cells: list[Slot], nrows: int, m: Metrics) -> list[float]:
    """Natural heights: single-row cells set their row; a spanning cell that
    needs more than its rows give adds the rest to its last row."""
    heights = [2 * m.pad + m.leading] * nrows
    for s in cells:
        if s.cell.rowspan == 1:
            heights[s.row] = max(heights[s.row], m.height(s))
    for s in sorted(cells, key=lambda s: s.last_row):
        if s.cell.rowspan > 1:
            have = sum(heights[s.row : s.last_row + 1])
            heights[s.last_row] += max(0.0, m.height(s) - have)
    return heights


def paginate(
    heights: list[float], frame: Frame, split_rows: bool, m: Metrics
) -> list[Piece]:
    """Cut the rows into per-page pieces.  A row that does not fit moves to
    the next page, or, when rows may split (or it is the first row on its
    page), fills the page and continues on the next."""
    pieces: list[Piece] = []
    page, y, fresh = 0, frame.start, False
    min_piece = (
        2 * m.pad + m.leading
    )  # a word processor breaks a row after a single line
    for r, h in enumerate(heights):
        remaining = h
        while True:
            avail = frame.bottom - y
            if remaining <= avail + EPS:
                pieces.append(Piece(r, page, y, remaining))
                y, fresh = y + remaining, False
                break
            if fresh or (split_rows and avail >= min_piece):
                pieces.append(Piece(r, page, y, avail))
                remaining = remaining - avail + 2 * m.pad
            page, y, fresh = page + 1, frame.top, True
    return pieces


def segments(s: Slot, by_row: dict[int, list[Piece]]) -> list[Segment]:
    """The cell's rectangle on each page it touches."""
    out: list[Segment] = []
    for r in range(s.row, s.last_row + 1):
        for p in by_row[r]:
            if out and out[-1].page == p.page:
                out[-1] = Segment(p.page, out[-1].top, p.y + p.h)
            else:
                out.append(Segment(p.page, p.y, p.y + p.h))
    return out


def flow(s: Slot, segs: list[Segment], m: Metrics) -> SlotFlow:
    """Place the cell's lines top-down through its segments."""
    result = SlotFlow(s, segs)
    k, cursor = 0, segs[0].top + m.pad
    for line in s.lines:
        gap = line.gap * m.leading
        while cursor + gap + m.leading > segs[k].bottom - m.pad + EPS and k + 1 < len(
            segs
        ):
            k, cursor, gap = k + 1, segs[k + 1].top + m.pad, 0.0
        cursor += gap
        result.placed.append((k, cursor, line.text))
        cursor += m.leading
    result.deficit = max(0.0, cursor + m.pad - segs[k].bottom)
    return result


def layout_body(
    cells: list[Slot], heights: list[float], frame: Frame, split_rows: bool, m: Metrics
) -> tuple[list[Piece], list[SlotFlow]]:
    """Paginate, flow every cell, and grow rows whose cells overflow, until stable."""
    heights = list(heights)
    for _ in range(MAX_PASSES):
        pieces = paginate(heights, frame, split_rows, m)
        by_row: dict[int, list[Piece]] = {}
        for p in pieces:
            by_row.setdefault(p.row, []).append(p)
        flows = [flow(s, segments(s, by_row), m) for s in cells]
        short = [f for f in flows if f.deficit > EPS]
        if not short:
            break
        for f in short:
            heights[f.slot.last_row] += f.deficit
    return pieces, flows


def column_widths(
    weights: tuple[float, ...], minimum: list[float], total: float
) -> list[float]:
    """Share `total` out by `weights`, but give every column at least its
    `minimum` (its longest word), taking the room from the other columns."""
    if sum(minimum) >= total:
        return [total * m / sum(minimum) for m in minimum]
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(weights)) if i not in fixed]
        room = total - sum(fixed.values())
        scale = room / sum(weights[i] for i in free)
        short = [i for i in free if weights[i] * scale < minimum[i]]
        if not short:
            return [fixed.get(i, weights[i] * scale) for i in range(len(weights))]
        fixed.update({i: minimum[i] for i in short})


def table_widths(t: Table, measure: Measure, m: Metrics, total: float) -> list[float]:
    """The table's column widths across `total`: its weights, each column at
    least as wide as its longest word."""
    minimum = [
        max(a, b)
        for a, b in zip(
            longest_words(t.header, len(t.widths), measure, m),
            longest_words(t.body, len(t.widths), measure, m),
            strict=True,
        )
    ]
    return column_widths(t.widths, minimum, total)


def column_edges(widths: list[float], x0: float) -> list[float]:
    edges = [x0]
    for w in widths:
        edges.append(edges[-1] + w)
    return edges


def longest_words(
    rows: tuple[tuple[Cell, ...], ...], ncols: int, measure: Measure, m: Metrics
) -> list[float]:
    """Per column, the width its longest word needs (cells of one column only;
    sideways text needs a line's height per item)."""
    need = [0.0] * ncols
    for _, c, cell in positions(rows):
        if cell.colspan == 1 and cell.vertical:
            need[c] = max(need[c], m.width(cell))
        elif cell.colspan == 1:
            words = [w for item in cell.items for w in item.split()]
            need[c] = max(
                [need[c]] + [measure(w, cell.bold) + 2 * m.pad + 0.5 for w in words]
            )
    return need
