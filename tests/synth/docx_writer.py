"""The blocks as a Word document (python-docx), for LibreOffice to lay out.

Headings use Word's built-in heading styles, bullets its "List Bullet"
style; tables carry their column grid, merged cells (w:gridSpan, w:vMerge),
cell shading (w:shd), repeated header rows (w:tblHeader), rows that must
not split (w:cantSplit) and their ruling (w:tblBorders).  Landscape parts
are sections of their own; the running header and the page number (a PAGE
field) sit in each section's header and footer, none on the cover.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Pt, RGBColor
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from lxml.etree import _Element

from . import flow
from .document import PAGE_NUMBER_PARTS, Align, Heading, Orientation, Para, Table
from .flow import FlowWriter, Placed, grey_hex, placed_cells
from .fonts import SYMBOL_FAMILY

ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
HEADING_LEVELS = (1, 2, 3)
TWIPS = 20  # per point
EIGHTHS = 8  # border widths are in eighths of a point
# The schema's order of the table and cell properties this writer adds (and of those
# after them).
TABLE_PR_ORDER = (
    "w:tblBorders",
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
)
CELL_PR_ORDER = (
    "w:shd",
    "w:noWrap",
    "w:tcMar",
    "w:textDirection",
    "w:tcFitText",
    "w:vAlign",
    "w:hideMark",
    "w:headers",
    "w:cellIns",
    "w:cellDel",
    "w:cellMerge",
    "w:tcPrChange",
)


def element(tag: str, **attrs: str) -> _Element:
    """A w: element with w: attributes."""
    el = OxmlElement(tag)
    for name, value in attrs.items():
        el.set(qn(f"w:{name}"), value)
    return el


def add_property(
    parent: BaseOxmlElement, tag: str, order: tuple[str, ...], **attrs: str
) -> _Element:
    """A new property `tag` of `parent`, placed before those the schema puts after
    it."""
    child = element(tag, **attrs)
    parent.insert_element_before(child, *order[order.index(tag) + 1 :])
    return child


def set_fonts(rpr: _Element, family: str) -> None:
    """Name the font for every script, replacing the template's theme fonts."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = element("w:rFonts")
        rpr.insert(0, fonts)
    for name in list(fonts.attrib):
        del fonts.attrib[name]
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{script}"), family)


def add_field(paragraph: Paragraph, instruction: str) -> None:
    """A complex field (PAGE, NUMPAGES) as Word writes it: begin, code, separate, shown
    value, end."""
    code = element("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(element("w:fldChar", fldCharType="begin"))
    paragraph.add_run()._r.append(code)
    paragraph.add_run()._r.append(element("w:fldChar", fldCharType="separate"))
    paragraph.add_run("1")
    paragraph.add_run()._r.append(element("w:fldChar", fldCharType="end"))


class DocxWriter(FlowWriter):
    suffix = ".docx"

    def begin(self) -> None:
        self.doc = Document()
        self.doc.core_properties.title = self.setup.title
        self.doc.core_properties.author = "UNDP"
        self._styles()
        section = self.doc.sections[0]
        self._page(section, "portrait")
        section.different_first_page_header_footer = True
        self._furniture(section)

    def _styles(self) -> None:
        name = self.family.installed
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        set_fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), name)
        normal = self.doc.styles["Normal"]
        set_fonts(normal.element.get_or_add_rPr(), name)
        normal.font.size = Pt(self.body)
        fmt = normal.paragraph_format
        fmt.space_before, fmt.space_after, fmt.line_spacing = (
            Pt(0),
            Pt(self.space_after(self.body)),
            1.0,
        )
        fmt.alignment = ALIGN[self.setup.align]
        before, after = self.heading_space()
        for level in HEADING_LEVELS:
            style = self.doc.styles[f"Heading {level}"]
            set_fonts(style.element.get_or_add_rPr(), name)
            style.font.size = Pt(self.heading_size(level))
            style.font.bold, style.font.italic = True, False
            style.font.color.rgb = RGBColor(0, 0, 0)
            style.paragraph_format.space_before, style.paragraph_format.space_after = (
                Pt(before),
                Pt(after),
            )
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT

    def _page(self, section: Section, orientation: Orientation) -> None:
        w, h = self.page_size(orientation)
        section.orientation = (
            WD_ORIENT.LANDSCAPE if orientation == "landscape" else WD_ORIENT.PORTRAIT
        )
        section.page_width, section.page_height = Pt(w), Pt(h)
        m = flow.MARGINS[orientation]
        section.top_margin, section.right_margin = Pt(m.top), Pt(m.right)
        section.bottom_margin, section.left_margin = Pt(m.bottom), Pt(m.left)
        section.header_distance, section.footer_distance = (
            Pt(flow.HEADER_DISTANCE),
            Pt(flow.FOOTER_DISTANCE),
        )

    def _furniture(self, section: Section) -> None:
        """Running header (right, italic) and centred page number on every page but the
        first."""
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = header.add_run(self.setup.running_header)
        run.italic, run.font.size = True, Pt(flow.RUNNING_HEADER_SIZE)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for part in PAGE_NUMBER_PARTS[self.setup.page_numbers]:
            if part in ("PAGE", "NUMPAGES"):
                add_field(footer, part)
            else:
                footer.add_run(part)
        for run in footer.runs:
            run.font.size = Pt(flow.PAGE_NUMBER_SIZE)

    def section(self, orientation: Orientation) -> None:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._page(section, orientation)
        section.different_first_page_header_footer = False

    # ------------------------------------------------------------ text
    def heading(self, h: Heading, new_page: bool) -> None:
        paragraph = self.doc.add_paragraph(
            h.printed, style=f"Heading {min(h.level, HEADING_LEVELS[-1])}"
        )
        paragraph.paragraph_format.page_break_before = new_page or None

    def para(self, p: Para, new_page: bool) -> None:
        paragraph = self.doc.add_paragraph(style="List Bullet" if p.bullet else None)
        run = paragraph.add_run(p.text)
        run.bold = p.bold or None
        if p.size_delta:
            run.font.size = Pt(self.para_size(p))
        fmt = paragraph.paragraph_format
        fmt.alignment = ALIGN[self.para_align(p)]
        fmt.space_after = Pt(self.space_after(self.para_size(p)))
        fmt.keep_with_next = p.keep_with_next or None
        fmt.page_break_before = new_page or None

    def spacer(self, height: float) -> None:
        fmt = self.doc.add_paragraph().paragraph_format
        fmt.space_after, fmt.line_spacing = Pt(0), Pt(height)

    # ------------------------------------------------------------ tables
    def table(self, t: Table, widths: list[float], new_page: bool) -> None:
        if new_page:
            self.doc.add_paragraph().paragraph_format.page_break_before = True
        rows = len(t.header) + len(t.body)
        table = self.doc.add_table(rows=rows, cols=len(widths))
        table.autofit = False
        self._table_properties(table, t, widths)
        for col, width in zip(table.columns, widths, strict=True):
            col.width = Pt(width)
        cells = placed_cells(t)
        for p in cells:
            if p.cell.rowspan > 1 or p.cell.colspan > 1:
                table.cell(p.row, p.col).merge(
                    table.cell(p.row + p.cell.rowspan - 1, p.col + p.cell.colspan - 1)
                )
        for p in cells:
            self._cell(
                table.cell(p.row, p.col),
                p,
                t,
                sum(widths[p.col : p.col + p.cell.colspan]),
            )
        for k, row in enumerate(table.rows):
            tr_pr = row._tr.get_or_add_trPr()
            if not t.split_rows:
                tr_pr.append(element("w:cantSplit"))
            if k < len(t.header) and t.repeat_header:
                tr_pr.append(element("w:tblHeader"))
        for p in cells:
            if (
                p.cell.vertical
            ):  # Writer does not grow a row for sideways text by itself
                row = table.rows[p.row + p.cell.rowspan - 1]
                row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
                row.height = Pt(
                    max(
                        row.height.pt if row.height else 0.0,
                        self.sideways_height(t, p.cell),
                    )
                )
        self.doc.add_paragraph().paragraph_format.space_after = Pt(
            0
        )  # keeps the next table apart

    def _table_properties(
        self, table: DocxTable, t: Table, widths: list[float]
    ) -> None:
        tbl_pr = table._tbl.tblPr
        width = tbl_pr.find(qn("w:tblW"))
        width.set(qn("w:type"), "dxa")
        width.set(qn("w:w"), str(round(sum(widths) * TWIPS)))
        borders = add_property(tbl_pr, "w:tblBorders", TABLE_PR_ORDER)
        for side in flow.ALL_SIDES:
            ruled = side in flow.RULED_SIDES[t.rules]
            borders.append(
                element(
                    f"w:{side}",
                    val="single" if ruled else "nil",
                    sz=str(round(flow.RULE_WIDTH * EIGHTHS)),
                    space="0",
                    color="000000",
                )
            )
        pad = str(round(self.cell_metrics(t).pad * TWIPS))
        margins = add_property(tbl_pr, "w:tblCellMar", TABLE_PR_ORDER)
        for side in ("top", "left", "bottom", "right"):
            margins.append(element(f"w:{side}", w=pad, type="dxa"))

    def _cell(self, target: _Cell, p: Placed, t: Table, width: float) -> None:
        target.width = Pt(width)
        if p.shade is not None:
            add_property(
                target._tc.get_or_add_tcPr(),
                "w:shd",
                CELL_PR_ORDER,
                val="clear",
                color="auto",
                fill=grey_hex(p.shade),
            )
        if p.cell.vertical:
            add_property(
                target._tc.get_or_add_tcPr(),
                "w:textDirection",
                CELL_PR_ORDER,
                val="btLr",
            )
        for i, item in enumerate(p.cell.items):
            paragraph = target.paragraphs[0] if i == 0 else target.add_paragraph()
            self._cell_paragraph(
                paragraph, p.cell.align, self.item_gap(t) if i else 0.0
            )
            run = paragraph.add_run(item)
            run.bold = p.bold or None
            run.font.size = Pt(t.size)
            if p.cell.symbol:
                set_fonts(run._r.get_or_add_rPr(), SYMBOL_FAMILY)
        if not p.cell.items:
            self._cell_paragraph(target.paragraphs[0], p.cell.align, 0.0)
            target.paragraphs[0].paragraph_format.line_spacing = Pt(t.size)

    @staticmethod
    def _cell_paragraph(paragraph: Paragraph, align: Align, gap: float) -> None:
        fmt = paragraph.paragraph_format
        fmt.alignment = ALIGN[align]
        fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(gap), Pt(0), 1.0

    def save(self, path: Path) -> None:
        self.doc.save(str(path))
