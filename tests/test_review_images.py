"""The review page's page images are drawn at a resolution bounded by their
pixels: a page of the largest size a PDF allows is drawn as small an image
as a budget sheet, and in about as little memory."""

from __future__ import annotations

import io
import resource
from math import ceil
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from pipeline.reports.review import MAX_PIXELS, PAGE_SCALE, page_images

pytestmark = pytest.mark.fast


def pdf_of(path: Path, *sizes: tuple[float, float]) -> Path:
    pdf = pdfium.PdfDocument.new()
    for width, height in sizes:
        pdf.new_page(width, height)
    pdf.save(str(path))
    pdf.close()
    return path


def pixels(jpeg: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(jpeg)).size


def test_pages_are_drawn_within_a_pixel_budget(tmp_path: Path):
    pdf = pdf_of(tmp_path / "pages.pdf", (595, 842), (3000, 3000), (14400, 200))
    a4, large, strip = page_images(pdf)
    assert a4[:2] == (595, 842)
    assert pixels(a4[2]) == (ceil(595 * PAGE_SCALE), ceil(842 * PAGE_SCALE))
    for width, height, jpeg in (large, strip):
        w, h = pixels(jpeg)
        assert w * h <= MAX_PIXELS
        assert abs(w / h - width / height) < 0.02 * width / height


def test_a_page_of_the_largest_size_takes_little_memory(tmp_path: Path):
    pdf = pdf_of(tmp_path / "huge.pdf", (14400, 14400))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    [(width, height, jpeg)] = page_images(pdf)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert (width, height) == (14400, 14400)
    assert pixels(jpeg)[0] * pixels(jpeg)[1] <= MAX_PIXELS
    assert grown_mb < 200
