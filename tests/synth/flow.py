"""Documents laid out by a word processor or a browser instead of our typesetter.

`FlowWriter` walks the blocks once, in print order, and hands each to an
output format (`docx_writer`, `html_writer`); LibreOffice or Chromium then
decides the pages itself.  Both formats take their page geometry, type sizes
and column widths from here, so the two producers are given the same
document and differ only in how their engines lay it out.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from . import tablelayout as tl
from .document import (
    Align,
    Block,
    Cell,
    Heading,
    Orientation,
    PageBreak,
    PageSetup,
    Para,
    Rules,
    Spacer,
    Table,
)
from .engine import (
    CELL_LEADING,
    CELL_PAD,
    HEADING_AFTER,
    HEADING_BEFORE,
    SPACE_AFTER,
    heading_size,
)
from .fonts import FAMILIES, FontFamily
from .renderers import ReportlabRenderer

RULE_WIDTH = 0.5  # points
HEADER_DISTANCE = 30.0  # page top to the running header, points
FOOTER_DISTANCE = 28.0  # page bottom to the page number, points
RUNNING_HEADER_SIZE = 8.0
PAGE_NUMBER_SIZE = 9.0

# The table sides each ruling draws (the names of Word's w:tblBorders).
RULED_SIDES: dict[Rules, frozenset[str]] = {
    "grid": frozenset({"top", "left", "bottom", "right", "insideH", "insideV"}),
    "horizontal": frozenset({"top", "bottom", "insideH"}),
    "none": frozenset(),
}
ALL_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")


@dataclass(frozen=True)
class Margins:
    top: float
    right: float
    bottom: float
    left: float


MARGINS: dict[Orientation, Margins] = {
    "portrait": Margins(72, 72, 72, 72),
    "landscape": Margins(60, 50, 60, 50),
}


def installed_family(key: str) -> FontFamily:
    """The font family a word processor or browser can print: a system font."""
    family = FAMILIES[key]
    if not family.installed:
        choices = ", ".join(k for k, f in FAMILIES.items() if f.installed)
        raise ValueError(
            f"font family {key!r} is no system font LibreOffice or Chromium can use; "
            f"choose {choices}"
        )
    for face in (family.regular, family.bold, family.italic):
        face.check()
    return family


def grey_hex(level: float) -> str:
    """A grey level (0 black .. 1 white) as an RGB hex colour, e.g. '9E9E9E'."""
    return f"{round(level * 255):02X}" * 3


@dataclass(frozen=True)
class Placed:
    """A table cell at its grid position (header rows first), with the look
    it prints with: header cells are bold and take the table's header shade."""

    row: int
    col: int
    cell: Cell
    header: bool
    bold: bool
    shade: float | None


def placed_cells(t: Table) -> list[Placed]:
    """Every cell of the table, row by row."""
    header_rows = len(t.header)
    out = []
    for r, c, cell in tl.positions(t.header + t.body):
        header = r < header_rows
        out.append(
            Placed(
                r,
                c,
                cell,
                header,
                header or cell.bold,
                t.header_shade if header else cell.shade,
            )
        )
    return out


class FlowWriter(ABC):
    """Walks the blocks once; a subclass writes each block in its format.

    A page break is passed on to the next block that prints (`new_page`);
    a change of orientation starts a new section (a new page of the other
    orientation), as in a word processor.
    """

    suffix: str

    def __init__(self, setup: PageSetup) -> None:
        self.setup = setup
        self.family = installed_family(setup.family)
        self.orientation: Orientation = "portrait"
        self._measure = ReportlabRenderer().measure

    # ------------------------------------------------------------ geometry and style
    def page_size(self, orientation: Orientation) -> tuple[float, float]:
        w, h = self.setup.size
        return (h, w) if orientation == "landscape" else (w, h)

    @property
    def text_width(self) -> float:
        m = MARGINS[self.orientation]
        return self.page_size(self.orientation)[0] - m.left - m.right

    @property
    def body(self) -> float:
        return self.setup.body_size

    def heading_size(self, level: int) -> float:
        return heading_size(level, self.body)

    def heading_space(self) -> tuple[float, float]:
        """Space above and below a heading, points."""
        return HEADING_BEFORE * self.body, HEADING_AFTER * self.body

    def para_size(self, p: Para) -> float:
        return self.body + p.size_delta

    @staticmethod
    def space_after(size: float) -> float:
        """Space below a paragraph of type `size`, points."""
        return SPACE_AFTER * size

    def para_align(self, p: Para) -> Align:
        return p.align or self.setup.align

    @staticmethod
    def cell_metrics(t: Table) -> tl.Metrics:
        return tl.Metrics(t.size, t.size * CELL_LEADING, CELL_PAD * t.size)

    def item_gap(self, t: Table) -> float:
        """Space between the paragraphs of one cell, points."""
        return tl.ITEM_GAP * self.cell_metrics(t).leading

    def sideways_height(self, t: Table, cell: Cell) -> float:
        """The height a cell of sideways text needs: its longest item's length."""
        face = self.family.face(bold=True)
        return 2 * self.cell_metrics(t).pad + max(
            self._measure(item, face, t.size) for item in cell.items
        )

    def column_widths(self, t: Table) -> list[float]:
        """Widths in points across the text width: the table's weights, each
        column wide enough for its longest word."""

        def measure(word: str, bold: bool) -> float:
            return self._measure(word, self.family.face(bold=bold), t.size)

        return tl.table_widths(t, measure, self.cell_metrics(t), self.text_width)

    # ------------------------------------------------------------ the walk
    def write(self, blocks: list[Block], path: Path) -> None:
        self.begin()
        new_page = False
        for block in blocks:
            if isinstance(block, PageBreak):
                turn = block.orientation or self.orientation
                if turn != self.orientation:
                    self.orientation = turn
                    self.section(turn)
                    new_page = False
                else:
                    new_page = True
            elif isinstance(block, Spacer):
                self.spacer(block.height)
            else:
                if isinstance(block, Heading):
                    self.heading(block, new_page)
                elif isinstance(block, Para):
                    self.para(block, new_page)
                else:
                    self.table(block, self.column_widths(block), new_page)
                new_page = False
        self.save(path)

    @abstractmethod
    def begin(self) -> None:
        """Start the document: page set-up, styles, running header and page numbers."""

    @abstractmethod
    def section(self, orientation: Orientation) -> None:
        """Start a new page in `orientation`."""

    @abstractmethod
    def heading(self, h: Heading, new_page: bool) -> None: ...

    @abstractmethod
    def para(self, p: Para, new_page: bool) -> None: ...

    @abstractmethod
    def table(self, t: Table, widths: list[float], new_page: bool) -> None: ...

    @abstractmethod
    def spacer(self, height: float) -> None: ...

    @abstractmethod
    def save(self, path: Path) -> None: ...
