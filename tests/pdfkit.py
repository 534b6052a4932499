"""Tiny PDF builders for stage tests: text lines and tables drawn at known
places with reportlab, ruled fully, by horizontal rules only, or not at all."""

from __future__ import annotations

import ctypes
import io
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

REGULAR, BOLD = "Helvetica", "Helvetica-Bold"


@dataclass
class TableSpec:
    """Rows of cell texts; a cell of `None` is covered by the cell above it
    (a row span), a cell of `"<"` by the cell on its left (a column span).
    `rules` is "full", "horizontal" or "none"."""

    widths: list[float]
    header: list[list[str]]
    rows: list[list[str | None]]
    rules: str = "full"
    size: float = 8
    bold_header: bool = True
    shaded: set[tuple[int, int]] = field(
        default_factory=set
    )  # (body row, column) filled grey


class Writer:
    """Writes lines and tables top-down, starting new pages as needed."""

    def __init__(
        self, path: Path, pagesize=A4, header_text: str = "", page_numbers: bool = True
    ):
        self.canvas = Canvas(str(path), pagesize=pagesize)
        self.width, self.height = pagesize
        self.header_text = header_text
        self.page_numbers = page_numbers
        self.page = 1
        self.margin = 60
        self.y = self.height - self.margin
        self._decorate()

    def _decorate(self) -> None:
        c = self.canvas
        c.setFont(REGULAR, 8)
        if self.header_text:
            c.drawString(self.margin, self.height - 30, self.header_text)
        if self.page_numbers:
            c.drawCentredString(self.width / 2, 25, str(self.page))

    def new_page(self, pagesize=None) -> None:
        self.canvas.showPage()
        if pagesize:
            self.canvas.setPageSize(pagesize)
            self.width, self.height = pagesize
        self.page += 1
        self.y = self.height - self.margin
        self._decorate()

    def line(
        self,
        text: str,
        bold: bool = False,
        size: float = 11,
        gap: float = 3,
        x: float | None = None,
    ) -> None:
        if self.y < self.margin + size:
            self.new_page()
        self.canvas.setFont(BOLD if bold else REGULAR, size)
        self.canvas.drawString(self.margin if x is None else x, self.y - size, text)
        self.y -= size + gap

    def space(self, points: float) -> None:
        self.y -= points

    def footnote(self, mark: str, text: str) -> None:
        c = self.canvas
        c.setFont(REGULAR, 5)
        c.drawString(self.margin, 62, mark)
        c.setFont(REGULAR, 8)
        c.drawString(self.margin + 5, 58, text)

    def superscript(self, base: str, mark: str, size: float = 11) -> None:
        """A body line ending in a raised footnote mark."""
        c = self.canvas
        c.setFont(REGULAR, size)
        c.drawString(self.margin, self.y - size, base)
        width = c.stringWidth(base, REGULAR, size)
        c.setFont(REGULAR, size * 0.55)
        c.drawString(self.margin + width, self.y - size + size * 0.45, mark)
        self.y -= size + 3

    def table(self, spec: TableSpec, repeat_header: bool = True) -> None:
        lead = spec.size + 2
        x0 = self.margin
        xs = [x0]
        for w in spec.widths:
            xs.append(xs[-1] + w)

        def height_of(row: list[str | None]) -> float:
            return max(len((t or "").split("\n")) for t in row) * lead + 4

        def draw_header() -> None:
            for hrow in spec.header:
                self._row(spec, xs, [[t] for t in hrow], height_of(hrow), header=True)

        draw_header()
        spans = self._spans(spec.rows)
        for r, row in enumerate(spec.rows):
            h = height_of(row)
            broke = self.y - h < self.margin
            if broke:  # close the page's part of the table, go on overleaf
                if spec.rules != "none":
                    self.canvas.line(xs[0], self.y, xs[-1], self.y)
                self.new_page()
                if repeat_header:
                    draw_header()
            self._row(
                spec,
                xs,
                [[t] if t is not None else ([""] if broke else None) for t in row],
                h,
                bottoms=[spans[r][c] for c in range(len(row))],
                shaded={c for (rr, c) in spec.shaded if rr == r},
            )
        self.y -= 6

    @staticmethod
    def _spans(rows: list[list[str | None]]) -> list[list[bool]]:
        """Whether each cell is the last row of its span (draws its bottom rule)."""
        out = []
        for r, row in enumerate(rows):
            out.append(
                [
                    r + 1 >= len(rows) or rows[r + 1][c] is not None
                    for c in range(len(row))
                ]
            )
        return out

    def _row(
        self,
        spec: TableSpec,
        xs: list[float],
        cells: list[list[str] | None],
        h: float,
        header: bool = False,
        bottoms: list[bool] | None = None,
        shaded: set[int] | None = None,
    ) -> None:
        c = self.canvas
        top, bottom = self.y, self.y - h
        for i, cell in enumerate(cells):
            if shaded and i in shaded:
                c.setFillGray(0.6)
                c.rect(xs[i], bottom, xs[i + 1] - xs[i], h, stroke=0, fill=1)
                c.setFillGray(0)
            if cell is not None and cell[0] and cell[0] != "<":
                c.setFont(BOLD if header and spec.bold_header else REGULAR, spec.size)
                for k, text in enumerate(cell[0].split("\n")):
                    c.drawString(xs[i] + 2, top - (k + 1) * (spec.size + 2), text)
        if spec.rules == "none":
            self.y = bottom
            return
        c.setLineWidth(0.5)
        for i, cell in enumerate(cells):
            if cell is not None:  # top rule of a starting cell
                c.line(xs[i], top, xs[i + 1], top)
            if bottoms is None or bottoms[i]:
                c.line(xs[i], bottom, xs[i + 1], bottom)
            if spec.rules == "full" and not (cell is not None and cell[0] == "<"):
                c.line(xs[i], top, xs[i], bottom)
        if spec.rules == "full":
            c.line(xs[-1], top, xs[-1], bottom)
        self.y = bottom

    def save(self) -> None:
        self.canvas.save()


LANDSCAPE = landscape(A4)


def store_rotated(
    path: Path, rotation: int, shown_upright: bool = True, landscape_only: bool = False
) -> None:
    """Rewrite `path` so that every page (or every landscape page) is stored
    turned by `rotation` degrees (90 or 270) and shown upright again through
    the page's /Rotate entry: the same picture, other coordinates underneath
    (as printers and some converters store landscape pages).  With
    `shown_upright` False the /Rotate entry is left out: a landscape table
    printed sideways on a portrait page."""
    doc = pdfium.PdfDocument(str(path))
    for page in doc:
        width, height = page.get_size()
        if landscape_only and width <= height:
            continue
        # content turned against the display rotation, into a mediabox of swapped sides
        turn = (0, 1, -1, 0, height, 0) if rotation == 90 else (0, -1, 1, 0, 0, width)
        pdfium_c.FPDFPage_TransFormWithClip(
            page.raw, ctypes.byref(pdfium_c.FS_MATRIX(*turn)), None
        )
        page.set_mediabox(0, 0, height, width)
        page.set_rotation(rotation if shown_upright else 0)
    data = io.BytesIO()
    doc.save(data)
    doc.close()
    path.write_bytes(data.getvalue())
