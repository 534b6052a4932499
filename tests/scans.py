"""Scans of born-digital PDFs, as other offices make them, each page put
back into a PDF that holds nothing but its picture (no text layer, no
vector rules).  Three kinds (`KINDS`):

- `grey`: a flatbed scanner, 200 dpi grey, tilted a little, slightly
  blurred, speckled, saved as JPEG;
- `bitonal`: a fax or a photocopy, 300 dpi black and white (grey dithered to
  dots, type thickened or thinned by the toner), tilted, speckled, saved
  losslessly (CCITT G4);
- `photo`: a phone photograph of the page, the page in perspective, lit
  unevenly (brighter on one side, a soft shadow), blurred, grainy, JPEG.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

TILT = 0.6  # degrees, at most
SPECKS = 0.0004  # share of the page's pixels turned black or white
JPEG_QUALITY = 75
TONER = (0.85, 1.15)  # a photocopy's darkness: grey levels scaled by this
LEAN = 0.025  # a photo's corners move by up to this share of the page's sides
DESK = 90  # grey of what shows around a photographed page
LIGHT = (0.72, 0.95)  # a photo's darkest and brightest light, as shares of full
GRAIN = 6.0  # grey levels of a phone camera's noise (standard deviation)


@dataclass(frozen=True)
class Kind:
    """A way of scanning: the resolution a page is pictured at, what the
    device does to the picture and how the picture is stored."""

    dpi: int
    make: Callable[[Image.Image, random.Random], Image.Image]
    store: Callable[[Image.Image, float, float], pdfium.PdfDocument]


def scan_pdf(
    source: Path,
    target: Path,
    pages: set[int] | None = None,
    seed: int = 0,
    kind: str = "grey",
) -> Path:
    """`source` with its pages (1-based numbers in `pages`, every page when
    None) replaced by scans of `kind` (in `KINDS`); the other pages are kept
    as they are."""
    how = KINDS[kind]
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
            image = page.render(scale=how.dpi / 72, grayscale=True).to_pil()
            sheet = how.store(how.make(image.convert("L"), rng), width, height)
            out.import_pages(sheet)
            sheet.close()
        out.save(str(target))
        out.close()
    finally:
        pdf.close()
    return target


def tilted(image: Image.Image, rng: random.Random) -> Image.Image:
    return image.rotate(rng.uniform(-TILT, TILT), resample=Image.BICUBIC, fillcolor=255)


def speckled(image: Image.Image, rng: random.Random) -> Image.Image:
    pixels = image.load()
    width, height = image.size
    for _ in range(int(width * height * SPECKS)):
        pixels[rng.randrange(width), rng.randrange(height)] = rng.choice((0, 255))
    return image


def scan(image: Image.Image, rng: random.Random) -> Image.Image:
    """The page as a grey flatbed scanner sees it: tilted, slightly blurred,
    speckled."""
    return speckled(tilted(image, rng).filter(ImageFilter.GaussianBlur(0.6)), rng)


def bitonal(image: Image.Image, rng: random.Random) -> Image.Image:
    """The page through a fax or a photocopier: darkened or lightened as its
    toner runs, tilted, speckled, grey dithered to black and white dots."""
    toner = rng.uniform(*TONER)
    image = image.point(lambda v: max(0, min(255, round(255 - (255 - v) * toner))))
    return speckled(tilted(image, rng), rng).convert("1")


def photo(image: Image.Image, rng: random.Random) -> Image.Image:
    """The page as a phone photographs it: in perspective (the desk showing
    at its edges), lit from one side with a soft shadow, blurred, grainy."""
    grey = np.asarray(image, np.float32)
    height, width = grey.shape
    corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    moved = corners + np.float32(
        [
            [rng.uniform(-1, 1) * LEAN * width, rng.uniform(-1, 1) * LEAN * height]
            for _ in range(4)
        ]
    )
    warp = cv2.getPerspectiveTransform(corners, moved)
    grey = cv2.warpPerspective(
        grey, warp, (width, height), borderMode=cv2.BORDER_CONSTANT, borderValue=DESK
    )
    grey *= light(width, height, rng)
    grey = cv2.GaussianBlur(grey, (0, 0), 0.8)
    grey += np.random.default_rng(rng.randrange(2**32)).normal(0, GRAIN, grey.shape)
    return Image.fromarray(np.clip(grey, 0, 255).astype(np.uint8))


def light(width: int, height: int, rng: random.Random) -> np.ndarray:
    """Uneven light over a page: brightest along one side, darkest along the
    other, with a soft round shadow (a hand, the phone) somewhere on it."""
    dim, bright = LIGHT
    angle = rng.uniform(0, 2 * np.pi)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    along = (xs / width - 0.5) * np.cos(angle) + (ys / height - 0.5) * np.sin(angle)
    field = dim + (bright - dim) * (along - along.min()) / np.ptp(along)
    cx, cy = rng.uniform(0, width), rng.uniform(0, height)
    reach = rng.uniform(0.2, 0.4) * max(width, height)
    shadow = np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * reach**2))
    return field * (1 - 0.12 * shadow)


def as_jpeg(image: Image.Image, width: float, height: float) -> pdfium.PdfDocument:
    """A one-page PDF of `width` x `height` points showing `image` as JPEG."""
    data = io.BytesIO()
    image.save(data, "JPEG", quality=JPEG_QUALITY)
    out = pdfium.PdfDocument.new()
    picture = pdfium.PdfImage.new(out)
    picture.load_jpeg(io.BytesIO(data.getvalue()), inline=False)
    picture.set_matrix(pdfium.PdfMatrix().scale(width, height))
    sheet = out.new_page(width, height)
    sheet.insert_obj(picture)
    sheet.gen_content()
    return out


def as_fax(image: Image.Image, width: float, height: float) -> pdfium.PdfDocument:
    """A one-page PDF showing a black and white `image` stored as a fax
    stores it (CCITT G4), at the resolution that makes it `width` points
    wide."""
    data = io.BytesIO()
    image.save(data, "PDF", resolution=image.width * 72 / width)
    return pdfium.PdfDocument(data.getvalue())


KINDS = {
    "grey": Kind(200, scan, as_jpeg),
    "bitonal": Kind(300, bitonal, as_fax),
    "photo": Kind(200, photo, as_jpeg),
}
