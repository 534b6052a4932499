"""Typesetting: place the blocks of a layout description on pages.

The result is a display list per page (text at a baseline, rules, grey
fills) in points from the top-left corner.  A renderer only replays it, so
both PDF producers print the same layout; the one thing a renderer lends the
typesetter is its measure of text width.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from . import tablelayout as tl
from .document import (
    PAGE_NUMBER_PARTS,
    Align,
    Block,
    Heading,
    Orientation,
    PageBreak,
    PageNumbers,
    PageSetup,
    Para,
    Spacer,
    Table,
)
from .fonts import FAMILIES, SYMBOL, FontFace

Measure = Callable[[str, FontFace, float], float]

LEADING = 1.25  # line height of running text, times the font size
CELL_LEADING = 1.18
CELL_PAD = 0.35  # cell padding, times the font size
SPACE_AFTER = 0.6  # paragraph spacing, times the font size (> the pipeline's 0.45)
BULLET_INDENT = 14.0
RULE_WIDTH = 0.5
ASCENT = 0.8  # baseline below the top of a line box, times the font size
HEADING_BEFORE = 0.8  # space above a heading, times the body size
HEADING_AFTER = 0.5  # space below a heading, times the body size


@dataclass(frozen=True)
class TextOp:
    x: float
    y: float  # baseline
    text: str
    face: FontFace
    size: float
    angle: float = (
        0.0  # degrees counter-clockwise about (x, y): 90 runs the text upwards
    )


@dataclass(frozen=True)
class RuleOp:
    x0: float
    y0: float
    x1: float
    y1: float
    width: float = RULE_WIDTH


@dataclass(frozen=True)
class FillOp:
    x: float
    y: float
    w: float
    h: float
    grey: float


Op = TextOp | RuleOp | FillOp


@dataclass
class Page:
    width: float
    height: float
    ops: list[Op] = field(default_factory=list)

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def margin(self) -> float:
        """Left and right margin."""
        return 50.0 if self.landscape else 72.0


@dataclass(frozen=True)
class TableStats:
    """How a table came out: what the layout variations are meant to produce."""

    pages: int
    repeat_header: bool
    broken_cells: int  # one-row cells whose text runs over a page break
    broken_spans: int  # cells spanning several rows whose text runs over a page break


@dataclass
class Typeset:
    pages: list[Page]
    heading_pages: dict[int, int]  # index of a Heading block -> 1-based page
    tables: list[TableStats] = field(default_factory=list)


class Typesetter:
    def __init__(self, setup: PageSetup, measure: Measure) -> None:
        self.setup = setup
        self.family = FAMILIES[setup.family]
        self._measure = measure
        self._widths: dict[tuple[str, str, float], float] = {}
        self.pages: list[Page] = []
        self.tables: list[TableStats] = []
        self.orientation: Orientation = "portrait"
        self.y = 0.0
        self.new_page()

    # ------------------------------------------------------------ geometry
    @property
    def page(self) -> Page:
        return self.pages[-1]

    @property
    def left(self) -> float:
        return self.page.margin

    @property
    def right(self) -> float:
        return self.page.width - self.left

    @property
    def top(self) -> float:
        return round(0.1 * self.page.height + 4, 2)

    @property
    def bottom(self) -> float:
        return round(0.9 * self.page.height - 4, 2)

    def new_page(self, orientation: Orientation | None = None) -> None:
        """Start a page; a page break on a page still blank only changes its
        orientation."""
        if self.pages and not self.page.ops:
            self.pages.pop()
        self.orientation = orientation or self.orientation
        w, h = self.setup.size
        if self.orientation == "landscape":
            w, h = h, w
        self.pages.append(Page(w, h))
        self.y = self.top

    def at_page_top(self) -> bool:
        return self.y <= self.top + tl.EPS

    # ------------------------------------------------------------ text
    def width(self, text: str, face: FontFace, size: float) -> float:
        """Width of a line as the sum of its cached word widths."""
        words = text.split(" ")
        return sum(self._word(w, face, size) for w in words) + (
            len(words) - 1
        ) * self._word(" ", face, size)

    def _word(self, word: str, face: FontFace, size: float) -> float:
        key = (word, face.name, size)
        if key not in self._widths:
            self._widths[key] = self._measure(face.printable(word), face, size)
        return self._widths[key]

    def wrap(self, text: str, face: FontFace, size: float, width: float) -> list[str]:
        """Greedy line breaking; a word wider than the line is cut where it must be."""
        lines: list[str] = []
        space = self._word(" ", face, size)
        words: list[str] = []
        used = 0.0
        for word in self._fit_words(text.split(), face, size, width):
            w = self._word(word, face, size)
            if words and used + space + w > width:
                lines.append(" ".join(words))
                words, used = [], 0.0
            used = used + space + w if words else w
            words.append(word)
        return [*lines, " ".join(words)] if words else lines

    def _fit_words(
        self, words: list[str], face: FontFace, size: float, width: float
    ) -> list[str]:
        out: list[str] = []
        for word in words:
            while self._word(word, face, size) > width and len(word) > 1:
                cut = max(
                    1,
                    next(
                        (
                            k
                            for k in range(len(word), 0, -1)
                            if self._word(word[:k], face, size) <= width
                        ),
                        1,
                    ),
                )
                out.append(word[:cut])
                word = word[cut:]
            out.append(word)
        return out

    def draw_line(
        self,
        text: str,
        x: float,
        width: float,
        top: float,
        face: FontFace,
        size: float,
        align: Align,
    ) -> None:
        """One line of text in a box `width` wide; justified lines are drawn
        word by word (each with its space) so the gaps can stretch."""
        baseline = top + ASCENT * size
        natural = self.width(text, face, size)
        words = text.split(" ")
        if align == "justify" and len(words) > 1:
            extra = (width - natural) / (len(words) - 1)
            for i, word in enumerate(words):
                piece = word if i == len(words) - 1 else word + " "
                self.emit(TextOp(x, baseline, piece, face, size))
                x += self._word(word, face, size) + self._word(" ", face, size) + extra
            return
        offset = {"center": (width - natural) / 2, "right": width - natural}.get(
            align, 0.0
        )
        self.emit(TextOp(x + offset, baseline, text, face, size))

    def emit(self, op: Op, page: Page | None = None) -> None:
        if isinstance(op, TextOp):
            op = replace(op, text=op.face.printable(op.text))
        (page or self.page).ops.append(op)

    # ------------------------------------------------------------ blocks
    def run(self, blocks: list[Block]) -> Typeset:
        heading_pages: dict[int, int] = {}
        for i, block in enumerate(blocks):
            if isinstance(block, Heading):
                self.heading(block)
                heading_pages[i] = len(self.pages)
            elif isinstance(block, Para):
                self.para(block)
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, PageBreak):
                self.new_page(block.orientation)
            elif isinstance(block, Spacer):
                self.y += block.height
        self.furniture()
        return Typeset(self.pages, heading_pages, self.tables)

    def ensure(self, height: float) -> None:
        if self.y + height > self.bottom and not self.at_page_top():
            self.new_page()

    def heading(self, h: Heading) -> None:
        body = self.setup.body_size
        size = heading_size(h.level, body)
        face = self.family.face(bold=True)
        lines = self.wrap(h.printed, face, size, self.right - self.left)
        if not self.at_page_top():
            self.y += HEADING_BEFORE * body
        self.ensure(len(lines) * size * LEADING + 3 * body * LEADING)
        for line in lines:
            self.draw_line(
                line, self.left, self.right - self.left, self.y, face, size, "left"
            )
            self.y += size * LEADING
        self.y += HEADING_AFTER * body

    def para(self, p: Para) -> None:
        size = self.setup.body_size + p.size_delta
        face = self.family.face(bold=p.bold)
        indent = BULLET_INDENT if p.bullet else 0.0
        width = self.right - self.left - indent
        lines = self.wrap(p.text, face, size, width)
        leading = size * LEADING
        align = p.align or self.setup.align
        if p.keep_with_next:
            self.ensure(len(lines) * leading + 3 * self.setup.body_size * LEADING)
        for i, line in enumerate(lines):
            self.ensure(leading)
            if p.bullet and i == 0:
                self.draw_line("•", self.left + 2, indent, self.y, face, size, "left")
            last = i == len(lines) - 1
            self.draw_line(
                line,
                self.left + indent,
                width,
                self.y,
                face,
                size,
                "left" if last and align == "justify" else align,
            )
            self.y += leading
        self.y += SPACE_AFTER * size

    # ------------------------------------------------------------ tables
    def table(self, t: Table) -> None:
        m = tl.Metrics(t.size, t.size * CELL_LEADING, CELL_PAD * t.size)
        edges = self._column_edges(t, m)
        wrap, measure = self._cell_wrapper(t.size), self._cell_measure(t.size)
        head = tl.slots(t.header, edges, wrap, measure, m)
        head_h = tl.row_heights(head, len(t.header), m)
        body = tl.slots(t.body, edges, wrap, measure, m)
        heights = tl.row_heights(body, len(t.body), m)
        first = (
            heights[0]
            if not t.split_rows
            else min(heights[0], 2 * m.pad + 3 * m.leading)
        )
        self.ensure(sum(head_h) + first)
        start = self.y
        frame = tl.Frame(
            start + sum(head_h),
            self.top + (sum(head_h) if t.repeat_header else 0.0),
            self.bottom,
        )
        pieces, flows = tl.layout_body(body, heights, frame, t.split_rows, m)
        first_page = len(self.pages) - 1
        for k in range(pieces[-1].page + 1):
            if k > 0:
                self.new_page()
            if k == 0 or t.repeat_header:
                self._draw_header(t, head, head_h, start if k == 0 else self.top, m)
            for f in flows:
                self._draw_flow(t, f, k, m)
        assert len(self.pages) - 1 == first_page + pieces[-1].page
        self.y = pieces[-1].y + pieces[-1].h + SPACE_AFTER * self.setup.body_size
        self.tables.append(table_stats(t, pieces, flows))

    def _column_edges(self, t: Table, m: tl.Metrics) -> list[float]:
        return tl.column_edges(
            tl.table_widths(t, self._cell_measure(t.size), m, self.right - self.left),
            self.left,
        )

    def _cell_measure(self, size: float) -> tl.Measure:
        def measure(text: str, bold: bool) -> float:
            return self.width(text, self.family.face(bold=bold), size)

        return measure

    def _cell_wrapper(self, size: float) -> tl.Wrap:
        def wrap(text: str, width: float, bold: bool) -> list[str]:
            return self.wrap(text, self.family.face(bold=bold), size, width)

        return wrap

    def _draw_header(
        self,
        t: Table,
        head: list[tl.Slot],
        heights: list[float],
        y0: float,
        m: tl.Metrics,
    ) -> None:
        tops = [y0 + sum(heights[:r]) for r in range(len(heights) + 1)]
        for s in head:
            seg = tl.Segment(0, tops[s.row], tops[s.last_row + 1])
            self._draw_cell_box(t, s, seg, t.header_shade)
            if s.cell.vertical:
                self._draw_sideways(s, seg.bottom, m)
                continue
            flow = tl.flow(s, [seg], m)
            for _, top, text in flow.placed:
                self._draw_cell_text(s, top, text, m, bold=True)

    def _draw_sideways(self, s: tl.Slot, bottom: float, m: tl.Metrics) -> None:
        """A header cell's items as lines running up from the cell's foot, side by
        side."""
        face = self.family.face(bold=True)
        for k, line in enumerate(s.lines):
            x = s.x + m.pad + k * m.leading + ASCENT * m.size
            self.emit(TextOp(x, bottom - m.pad, line.text, face, m.size, angle=90.0))

    def _draw_flow(self, t: Table, f: tl.SlotFlow, page: int, m: tl.Metrics) -> None:
        for k, seg in enumerate(f.segments):
            if seg.page != page:
                continue
            self._draw_cell_box(t, f.slot, seg, f.slot.cell.shade)
            for j, top, text in f.placed:
                if j == k:
                    self._draw_cell_text(f.slot, top, text, m, bold=f.slot.cell.bold)

    def _draw_cell_box(
        self, t: Table, s: tl.Slot, seg: tl.Segment, shade: float | None
    ) -> None:
        x0, x1, y0, y1 = s.x, s.x + s.w, seg.top, seg.bottom
        if shade is not None:
            self.emit(FillOp(x0, y0, x1 - x0, y1 - y0, shade))
        if t.rules in ("grid", "horizontal"):
            self.emit(RuleOp(x0, y0, x1, y0))
            self.emit(RuleOp(x0, y1, x1, y1))
        if t.rules == "grid":
            self.emit(RuleOp(x0, y0, x0, y1))
            self.emit(RuleOp(x1, y0, x1, y1))

    def _draw_cell_text(
        self, s: tl.Slot, top: float, text: str, m: tl.Metrics, bold: bool
    ) -> None:
        face = SYMBOL if s.cell.symbol else self.family.face(bold=bold)
        self.draw_line(
            text, s.x + m.pad, s.w - 2 * m.pad, top, face, m.size, s.cell.align
        )

    # ------------------------------------------------------------ furniture
    def furniture(self) -> None:
        """Running header and page number on every page but the cover."""
        face = self.family.face(italic=True)
        total = len(self.pages)
        for n, page in enumerate(self.pages[1:], start=2):
            if self.setup.running_header:
                text = self.setup.running_header
                x = page.width - page.margin - self.width(text, face, 8.0)
                self.emit(
                    TextOp(x, round(0.05 * page.height, 2), text, face, 8.0), page
                )
            number = page_number(n, total, self.setup.page_numbers)
            x = page.width / 2 - self.width(number, self.family.regular, 9.0) / 2
            self.emit(
                TextOp(
                    x, round(0.955 * page.height, 2), number, self.family.regular, 9.0
                ),
                page,
            )


def table_stats(
    t: Table, pieces: list[tl.Piece], flows: list[tl.SlotFlow]
) -> TableStats:
    broken = [f for f in flows if len({k for k, _, _ in f.placed}) > 1]
    return TableStats(
        pieces[-1].page + 1,
        t.repeat_header,
        sum(f.slot.cell.rowspan == 1 for f in broken),
        sum(f.slot.cell.rowspan > 1 for f in broken),
    )


def heading_size(level: int, body: float) -> float:
    return body + {1: 2.0, 2: 1.0}.get(level, 0.0)


def page_number(n: int, total: int, style: PageNumbers) -> str:
    fields = {"PAGE": str(n), "NUMPAGES": str(total)}
    return "".join(fields.get(part, part) for part in PAGE_NUMBER_PARTS[style])


def typeset(blocks: list[Block], setup: PageSetup, measure: Measure) -> Typeset:
    return Typesetter(setup, measure).run(blocks)
