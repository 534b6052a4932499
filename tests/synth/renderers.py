"""PDF backends: each measures text for the typesetter and replays its
display list.  They differ only in the PDF library (and so in the producer,
font embedding and content-stream style the pipeline sees).

The renderers "libreoffice" and "chromium" lay documents out themselves
(`producers.py`); they do not use the typesetter."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Protocol

import fpdf
from fpdf import FPDF
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .engine import FillOp, Page, RuleOp, TextOp
from .fonts import FontFace

RendererName = Literal["reportlab", "fpdf2", "libreoffice", "chromium"]


class Renderer(Protocol):
    name: RendererName

    def measure(self, text: str, face: FontFace, size: float) -> float: ...

    def write(self, pages: list[Page], path: Path, title: str) -> None: ...


class ReportlabRenderer:
    name: RendererName = "reportlab"

    def __init__(self) -> None:
        self._ready: set[str] = set()

    def _register(self, face: FontFace) -> None:
        if face.is_core or face.name in self._ready:
            return
        face.check()
        if face.name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(face.name, str(face.path)))
        self._ready.add(face.name)

    def measure(self, text: str, face: FontFace, size: float) -> float:
        self._register(face)
        return float(pdfmetrics.stringWidth(text, face.name, size))

    def write(self, pages: list[Page], path: Path, title: str) -> None:
        canvas = Canvas(
            str(path), pagesize=(pages[0].width, pages[0].height), invariant=1
        )
        canvas.setTitle(title)
        for page in pages:
            canvas.setPageSize((page.width, page.height))
            for op in page.ops:
                self._draw(canvas, op, page.height)
            canvas.showPage()
        canvas.save()

    def _draw(
        self, canvas: Canvas, op: TextOp | RuleOp | FillOp, height: float
    ) -> None:
        if isinstance(op, TextOp):
            self._register(op.face)
            canvas.setFont(op.face.name, op.size)
            if not op.angle:
                canvas.drawString(op.x, height - op.y, op.text)
                return
            canvas.saveState()
            canvas.translate(op.x, height - op.y)
            canvas.rotate(op.angle)
            canvas.drawString(0, 0, op.text)
            canvas.restoreState()
        elif isinstance(op, RuleOp):
            canvas.setLineWidth(op.width)
            canvas.line(op.x0, height - op.y0, op.x1, height - op.y1)
        else:
            canvas.setFillGray(op.grey)
            canvas.rect(op.x, height - op.y - op.h, op.w, op.h, stroke=0, fill=1)
            canvas.setFillGray(0)


class Fpdf2Renderer:
    """Measures with the same FPDF object it later writes, so each font is
    loaded once (loading a TrueType font is the slow part of fpdf2)."""

    name: RendererName = "fpdf2"

    def __init__(self) -> None:
        self._pdf = self._new_pdf()

    @staticmethod
    def _new_pdf() -> FPDF:
        pdf = FPDF(unit="pt")
        pdf.set_auto_page_break(False)
        pdf.set_margins(0, 0)
        return pdf

    def _use(self, pdf: FPDF, face: FontFace, size: float) -> None:
        if face.is_core:
            pdf.set_font(face.core[0], face.core[1], size)
            return
        if face.name.lower() not in pdf.fonts:
            face.check()
            pdf.add_font(face.name, "", str(face.path))
        pdf.set_font(face.name, "", size)

    def measure(self, text: str, face: FontFace, size: float) -> float:
        self._use(self._pdf, face, size)
        return self._pdf.get_string_width(text)

    def write(self, pages: list[Page], path: Path, title: str) -> None:
        pdf, self._pdf = self._pdf, self._new_pdf()
        pdf.set_title(title)
        pdf.set_producer(f"PyFPDF/fpdf2 {fpdf.__version__}")
        for page in pages:
            pdf.add_page(format=(page.width, page.height))
            for op in page.ops:
                self._draw(pdf, op)
        pdf.output(str(path))

    def _draw(self, pdf: FPDF, op: TextOp | RuleOp | FillOp) -> None:
        if isinstance(op, TextOp):
            self._use(pdf, op.face, op.size)
            if not op.angle:
                pdf.text(op.x, op.y, op.text)
                return
            with pdf.rotation(op.angle, op.x, op.y):
                pdf.text(op.x, op.y, op.text)
        elif isinstance(op, RuleOp):
            pdf.set_draw_color(0)
            pdf.set_line_width(op.width)
            pdf.line(op.x0, op.y0, op.x1, op.y1)
        else:
            pdf.set_fill_color(round(op.grey * 255))
            pdf.rect(op.x, op.y, op.w, op.h, style="F")


def renderer(name: RendererName) -> Renderer:
    """The backend of our typesetter called `name`."""
    backends: dict[str, type[Renderer]] = {
        "reportlab": ReportlabRenderer,
        "fpdf2": Fpdf2Renderer,
    }
    if name not in backends:
        raise ValueError(
            f"{name!r} is no backend of the typesetter (it lays out pages itself)"
        )
    return backends[name]()
