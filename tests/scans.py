"""Scans of born-digital PDFs, as a user's scanner makes them: each page
printed to a grey image, tilted a little, speckled, saved as JPEG and put
back into a PDF that holds nothing but the images (no text layer, no
vector rules)."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageFilter

DPI = 200
TILT = 0.6  # degrees, at most
SPECKS = 0.0004  # share of the page's pixels turned black or white
JPEG_QUALITY = 75


def scan_pdf(
    source: Path, target: Path, pages: set[int] | None = None, seed: int = 0
) -> Path:
    """`source` with its pages (1-based numbers in `pages`, every page when
    None) replaced by scans; the other pages are kept as they are."""
    rng = random.Random(seed)
    pdf = pdfium.PdfDocument(str(source))
    try:
        out = pdfium.PdfDocument.new()
        for index in range(len(pdf)):
            if pages is not None and index + 1 not in pages:
                out.import_pages(pdf, [index])
                continue
            page = pdf[index]
            width, height = page.get_size()
            image = page.render(scale=DPI / 72, grayscale=True).to_pil()
            scanned = pdfium.PdfImage.new(out)
            scanned.load_jpeg(io.BytesIO(jpeg(scan(image, rng))), inline=False)
            scanned.set_matrix(pdfium.PdfMatrix().scale(width, height))
            sheet = out.new_page(width, height)
            sheet.insert_obj(scanned)
            sheet.gen_content()
        out.save(str(target))
        out.close()
    finally:
        pdf.close()
    return target


def scan(image: Image.Image, rng: random.Random) -> Image.Image:
    """The page as a scanner sees it: tilted, slightly blurred, speckled."""
    image = image.convert("L").rotate(
        rng.uniform(-TILT, TILT), resample=Image.BICUBIC, fillcolor=255
    )
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    pixels = image.load()
    width, height = image.size
    for _ in range(int(width * height * SPECKS)):
        pixels[rng.randrange(width), rng.randrange(height)] = rng.choice((0, 255))
    return image


def jpeg(image: Image.Image) -> bytes:
    data = io.BytesIO()
    image.save(data, "JPEG", quality=JPEG_QUALITY)
    return data.getvalue()
