"""The layout description: what a document prints, independent of any renderer.

A document is a list of blocks.  Templates build it from a spec; the
typesetter (`engine.py`) places it on pages; the gold writer reads the
section text back from the same blocks, so the printed text and the answer
key come from one list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Align = Literal["justify", "left", "center", "right"]
Rules = Literal["grid", "horizontal", "none"]
Orientation = Literal["portrait", "landscape"]
PageNumbers = Literal["plain", "page", "dashes", "of"]

# How each page-number style prints: literal text and the fields PAGE (this
# page) and NUMPAGES (the page count).
PAGE_NUMBER_PARTS: dict[PageNumbers, tuple[str, ...]] = {
    "plain": ("PAGE",),
    "page": ("Page ", "PAGE"),
    "dashes": ("- ", "PAGE", " -"),
    "of": ("PAGE", " of ", "NUMPAGES"),
}


@dataclass(frozen=True)
class Para:
    """A paragraph, subheading (bold), bullet item or caption of running text."""

    text: str
    bold: bool = False
    size_delta: float = 0.0
    align: Align | None = None  # None: the document's body alignment
    bullet: bool = False
    keep_with_next: bool = False


@dataclass(frozen=True)
class Heading:
    """A numbered heading; `printed` is the line as it appears, the other
    fields are what the answer key says about it."""

    printed: str
    level: int
    number: str
    title: str


@dataclass(frozen=True)
class Cell:
    """A table cell: `items` are its paragraphs (targets, indicators ...),
    printed one under the other with a small gap."""

    items: tuple[str, ...] = ()
    colspan: int = 1
    rowspan: int = 1
    bold: bool = False
    align: Align = "left"
    shade: float | None = None  # grey level of a filled cell, 0 black .. 1 white
    symbol: bool = False  # drawn in the symbol face (tick marks)
    vertical: bool = (
        False  # text turned 90 degrees, running bottom to top, one line per item
    )


@dataclass(frozen=True)
class Table:
    """Rows list only the cells that start in them (as in HTML): a cell with
    rowspan 3 is left out of the next two rows."""

    widths: tuple[float, ...]  # relative column widths
    header: tuple[tuple[Cell, ...], ...]
    body: tuple[tuple[Cell, ...], ...]
    rules: Rules = "grid"
    repeat_header: bool = True
    split_rows: bool = (
        True  # a row taller than the rest of the page breaks inside its cells
    )
    size: float = 8.0
    header_shade: float | None = None


@dataclass(frozen=True)
class PageBreak:
    orientation: Orientation | None = None  # None keeps the current orientation


@dataclass(frozen=True)
class Spacer:
    height: float


Block = Para | Heading | Table | PageBreak | Spacer


@dataclass
class PageSetup:
    """Page geometry and running furniture shared by all pages of a document."""

    size: tuple[float, float] = (595.28, 841.89)  # portrait width, height
    family: str = "times"
    body_size: float = 11.0
    align: Align = "justify"
    running_header: str = ""
    page_numbers: PageNumbers = "plain"
    title: str = ""  # PDF metadata
