"""Large type on a scan keeps its letter stems: the strokes of I, l and 1
set at 14 pt or more are as long as the short rulings of a table's row,
and are not erased as rulings, while the table's rulings still are found."""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfgen import canvas

from pipeline.reader import read_pdf
from tests.scans import scan_pdf

ROWS = [("Activity", "2011", "Amount"), ("1.1 Train", "X", "11,100")]


def printed(path: Path) -> Path:
    """A page of large type over a small ruled table of one-line rows."""
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.setFont("Helvetica-Bold", 14)
    c.drawString(72, 100, "1. SITUATION ANALYSIS")
    c.setFont("Helvetica", 14)
    c.drawString(72, 140, "Illustrative total: US$ 111,111 in 2011")
    c.setFont("Helvetica", 18)
    c.drawString(72, 180, "II. LIST OF 1111 Ill")
    c.setLineWidth(0.75)
    top, xs = 400, (72, 200, 300, 400)
    for i in range(len(ROWS) + 1):
        c.line(xs[0], top - 18 * i, xs[-1], top - 18 * i)
    for x in xs:
        c.line(x, top, x, top - 18 * len(ROWS))
    c.setFont("Helvetica", 9)
    for i, row in enumerate(ROWS):
        for x, text in zip(xs, row, strict=False):
            c.drawString(x + 4, top - 18 * i - 13, text)
    c.showPage()
    c.save()
    return path


def test_stems_of_large_type_are_not_rulings(tmp_path: Path):
    scan = scan_pdf(printed(tmp_path / "born.pdf"), tmp_path / "scan.pdf", seed=3)
    page = read_pdf(scan).pages[0]
    words = {w.text for w in page.words}
    expected = "1. SITUATION ANALYSIS Illustrative US$ 111,111 2011 II. 1111"
    assert set(expected.split()) <= words, sorted(words)
    assert len([e for e in page.edges if e.orientation == "v"]) == 4
    assert {"11,100", "Activity", "Amount"} <= words
