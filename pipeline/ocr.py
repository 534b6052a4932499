"""Scanned pages: what a page that is only a picture says, read by OCR.

A page without a text layer (a whole scanned document, or a signed cover or
annex scanned into a born-digital file) is straightened and cleaned by
OCRmyPDF (`--deskew --clean-final`, unpaper), then read from its picture:
Tesseract gives the words with their confidences (its TSV output, which
OCRmyPDF's text layer does not carry), and the table rulings, which a scan
has only as pixels, are found with OpenCV as long thin runs of ink.  The
rulings are handed to the reader as the page's edges and erased before the
words are read, so the rest of the pipeline reads a scanned page as it reads
a born-digital one.

Every word read here carries its confidence (0-100); a drawn word has none.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium

from .errors import DocumentError
from .model import Edge, Fill, Page, Word
from .processes import Guard, guarded_folder

MODES = ("auto", "force", "off")
WAITING = 2  # pictures drawn per job, waiting to be read (each some 9 MB)
DPI = 300  # Tesseract reads small table type best at about this resolution
INK = 128  # grey level (0-255) below which a pixel is ink
FAINT = 200  # ... or faint ink: a thin stroke of type blurred by the scan
# Rulings: runs of ink at least this long (points) and thin; rows of one line
# are short, so vertical rules may be shorter.  Breaks of RULE_GAP are bridged.
RULE_ACROSS = 24.0
RULE_UP = 10.0
RULE_GAP = 1.0
RULE_THICK = 2.0  # points: a run of faint ink no thicker than this may be a rule
RULE_MEET = 2.0  # points: a ruling's end this close to a ruling across meets it
SPECK = 1.2  # points: a dot of ink no wider than this may be dust ...
SPECK_ALONE = 3.0  # ... when no type lies this close to it
LIGHT_REACH = 60.0  # points: light varies over more than this, shading over less
LIGHT_CELLS = 15  # ... looked at in cells of a fifteenth of that
LIGHT_EVEN = 12  # grey levels: paper lit as evenly as this is left as it is
DOT_REACH = 0.35  # points: a fax's dots averaged over this (a Gaussian's sigma)
REVERSED = 180  # grey level below which an area is a dark ground (of white type) ...
TYPE_CONTRAST = 60  # ... if more of it is this much lighter than darker
GROUND_SOLID = 0.6  # ... and covers this share of its box (bold type does not)
TYPE_RISE = 20  # grey levels: its type is lighter than the ground around it by this
RULE_DRAWN = 2  # pixels: the rules drawn round an area turned over
SHADE = (150, 235)  # grey levels of shading: lighter than ink, darker than paper
PAPER = 0.95  # shading lighter than this grey level is the paper itself
SHADE_MIN = 6.0  # points: shading narrower or lower than this is not a fill
SHADE_NOISE = 40  # grey levels a scan speckles shading darker by
TYPE_STROKE = 3.0  # points: no stroke of type is wider (closed over to see the shading)
BOLD_STROKE = 1.3  # strokes this much thicker than the page's usual are bold
MARK = "✓"
FIGURE_SURE = 30.0  # a lone figure read at least this surely (of 100) is no mark
MARK_SIZE = (2.5, 14.0)  # points: the extent of a blot that may be a mark ...
MARK_SHAPE = 2.5  # ... no longer than this many times its width
LETTER_GAP = 1.2  # points: ink closer than this is one piece (letters of a word)
LINE_HIGH = 20.0  # points: a piece of ink taller than this is no line of type
PIECE_WIDE = 150.0  # ... nor one wider than this
PIECES_A_LINE = 20  # pieces read again at once, side by side on one line ...
LINE_PIXELS = 16000  # ... at most this long (Tesseract refuses over 32767)
LETTER_SURE = 70.0  # a letter-sized piece read alone as digits this surely is no mark
WORD_SURE = 60.0  # a wider piece read alone this surely is a word OCR skipped
ENLARGE = 2.0  # a word read unsurely is read again this much larger ...
REREAD_PAD = 0.2  # ... with this share of its height around it
MARK_DOUBT = 70.0  # a word of a letter or two read less surely may be a mark
BARE_NAME = re.compile(r"[\w.]*(Error|Exception)")  # an exception named, no message
TOOL_SAID = re.compile(r"(\d+) \[(\w+)\] (.+)")  # what a tool said of a page
ROMAN_L = re.compile(r"[IVX]*l[IVXl]*\.")
QUARTER_L = re.compile(r"Q\.?[lIi|]\.?|Q\.?[1-4]\.")
GROUPED = re.compile(r"[\dOoIlS]{1,3}(?:[,;][\dOoIlS]{3})+")
DIGIT_FOR = str.maketrans("OoIli|S;", "0011115,")
ONE_READ_AS = {"l", "I", "|"}  # a lone figure one, read as a letter
SPARSE_TEXT = "11"  # Tesseract's page segmentation: text in no order (tables)
ONE_LINE = "7"  # ... a single line of text
# runs a command to its end: (command, its input, variables of its environment)
Runner = Callable[
    [list[str], bytes, dict[str, str]], subprocess.CompletedProcess[bytes]
]
INSTALL = (
    "install them with apt-get install tesseract-ocr tesseract-ocr-eng unpaper "
    "(make setup-ocr) and pip install ocrmypdf (make setup)"
)


@dataclass
class Scan:
    """A scanned page as read from its picture, and the words OCR misread
    that were repaired on it: (as read, as taken)."""

    page: Page
    repairs: list[tuple[str, str]]


def scanned_pages(path: Path, mode: str) -> list[int]:
    """Numbers (1-based) of the pages to read by OCR: with `auto`, the pages
    that show a picture and hold no text; with `force`, every page.  None
    of a file pdfium cannot open: the reader tells what is wrong with it."""
    if mode == "off":
        return []
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return []
    try:
        found = []
        for index in range(len(pdf)):
            page = pdf[index]
            text = page.get_textpage()
            if mode == "force" or (
                text.count_chars() == 0
                and any(
                    obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE
                    for obj in page.get_objects()
                )
            ):
                found.append(index + 1)
            text.close()
            page.close()
        return found
    finally:
        pdf.close()


def missing_tools() -> list[str]:
    """The OCR tools this machine lacks."""
    missing = [tool for tool in ("tesseract", "unpaper") if shutil.which(tool) is None]
    if importlib.util.find_spec("ocrmypdf") is None:
        missing.append("ocrmypdf")
    return missing


@dataclass
class Prepared:
    """A PDF straightened and cleaned by OCRmyPDF, the guard its pages are
    read by Tesseract under, and the threads that read them, `jobs` pages
    at a time (Tesseract and OpenCV leave Python's lock while they work)."""

    pdf: pdfium.PdfDocument
    guard: Guard
    jobs: int
    pool: ThreadPoolExecutor
    reading: list[Future[Scan]] = field(default_factory=list)

    def read(self, shown: Page) -> Future[Scan]:
        """The page `shown` read by a thread (`read_scan`); its picture is
        drawn here first, once fewer than `WAITING` pictures per job wait."""
        while sum(not f.done() for f in self.reading) >= WAITING * self.jobs:
            wait(self.reading, return_when=FIRST_COMPLETED)
        grey, bitonal = picture(self, shown.number)
        self.reading = [f for f in self.reading if not f.done()]
        self.reading.append(
            self.pool.submit(read_scan, grey, shown, self.guard.run, bitonal)
        )
        return self.reading[-1]


@contextmanager
def prepared(path: Path, pages: list[int], jobs: int = 1) -> Iterator[Prepared]:
    """`path` with `pages` straightened and cleaned by OCRmyPDF, `jobs`
    pages at a time (the other pages as they were), opened with pdfium.
    OCRmyPDF, Tesseract and what they start die with this process, their
    temporary files with them."""
    missing = missing_tools()
    if missing:
        raise DocumentError(
            path,
            f"scanned pages need OCR, and {', '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing: {INSTALL}",
        )
    with guarded_folder("prodoc-ocr-") as guard:
        target = guard.folder / "prepared.pdf"
        command = [
            sys.executable,
            "-m",
            "ocrmypdf",
            "--deskew",
            "--clean-final",
            "--force-ocr",  # pages with text, when `force` asks for them
            "--tesseract-timeout",
            "0",  # no text layer: the words are read below, with confidences
            "--pages",
            ",".join(map(str, pages)),
            "--output-type",
            "pdf",
            "--optimize",
            "0",
            "--jobs",
            str(
                max(1, jobs)
            ),  # not --quiet: it would keep the cause of a failure to itself
            str(path),
            str(target),
        ]
        done = guard.run(command)
        if done.returncode != 0:
            reason = failure(done.stderr.decode("utf-8", errors="replace"))
            raise DocumentError(path, f"OCR failed (ocrmypdf: {reason})")
        pdf = pdfium.PdfDocument(str(target))
        pool = ThreadPoolExecutor(max(1, jobs))
        try:
            yield Prepared(pdf, guard, max(1, jobs), pool)
        finally:
            pool.shutdown(cancel_futures=True)
            pdf.close()


def failure(stderr: str) -> str:
    """What OCRmyPDF's messages say went wrong: its last line, or, where
    that is an exception's bare name, the line before it that tells the
    cause (`    1 [tesseract] Image too large: ...` as `tesseract on page 1:
    Image too large: ...`)."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()] or ["no message"]
    said = [ln for ln in lines if not BARE_NAME.fullmatch(ln)]
    cause = said[-1] if said and BARE_NAME.fullmatch(lines[-1]) else lines[-1]
    if told := TOOL_SAID.fullmatch(cause):
        page, tool, message = told.groups()
        return f"{tool} on page {page}: {message}"
    return cause


def picture(prepared: Prepared, number: int) -> tuple[np.ndarray, bool]:
    """Page `number` (1-based) of a prepared PDF in grey levels at `DPI`,
    and whether its pictures are black and white only (a fax, a photocopy:
    grey drawn as dots).  pdfium serves one thread at a time: pictures are
    drawn by the thread that opened it, and read (`read_scan`) by any."""
    page = prepared.pdf[number - 1]
    try:
        image = page.render(scale=DPI / 72, grayscale=True).to_pil()
        depths = [
            obj.get_metadata().bits_per_pixel
            for obj in page.get_objects()
            if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE
        ]
        return np.asarray(image.convert("L")), bool(depths) and max(depths) == 1
    finally:
        page.close()


def read_scan(
    grey: np.ndarray, shown: Page, run: Runner, bitonal: bool = False
) -> Scan:
    """Words, rulings and shading of a page's picture (`picture`; `bitonal`:
    in black and white only), in points from the top left of the page as
    displayed; `shown` gives its number and size (the words it holds, none,
    are replaced); `run` runs Tesseract."""
    scale = DPI / 72
    grey = flattened(grey, scale)
    ground = undotted(grey, scale) if bitonal else grey
    grey = reversed_out(grey, ground, scale)
    ink = (grey < INK).astype(np.uint8) * 255
    across, up = rulings(ink, (grey < FAINT).astype(np.uint8) * 255, scale)
    edges = rule_edges(across, "h", scale) + rule_edges(up, "v", scale)
    rules = cv2.dilate(across | up, np.ones((7, 7), np.uint8))
    fills = shading(ground, rules, scale)
    clean = grey.copy()
    clean[(rules > 0) | specks(ink, scale)] = 255
    for fill in fills:  # type on shading is read as on paper
        x0, top, x1, bottom = (round(v * scale) for v in fill.bbox)
        area = clean[top:bottom, x0:x1]
        area[area >= min(SHADE[0], fill.grey * 255 - SHADE_NOISE)] = 255
    lines = recognise(clean, scale, run)
    read = passed_over(
        clean, reread(clean, bolden(lines, clean, scale), scale, run), scale, run
    )
    words = [replace(w, text=repaired(w.text)) for w in read]
    repairs = [
        (a.text, b.text) for a, b in zip(read, words, strict=True) if a.text != b.text
    ]
    return Scan(
        replace(
            shown,
            words=words,
            fills=fills,
            edges=edges,
            hrules=[(e.x0, e.x1, e.top) for e in edges if e.orientation == "h"],
        ),
        repairs,
    )


def flattened(grey: np.ndarray, scale: float) -> np.ndarray:
    """The page as if lit evenly (a photograph lit from one side, in a
    shadow): each pixel against the light of the paper around it, the
    lightest level within `LIGHT_REACH`, smoothed.  A page lit evenly
    within `LIGHT_EVEN` grey levels is left as it is."""
    step = max(1, round(LIGHT_REACH * scale / LIGHT_CELLS))
    small = cv2.resize(
        grey,
        (max(1, grey.shape[1] // step), max(1, grey.shape[0] // step)),
        interpolation=cv2.INTER_AREA,
    )
    paper = cv2.dilate(small, np.ones((LIGHT_CELLS, LIGHT_CELLS), np.uint8))
    paper = cv2.blur(paper, (LIGHT_CELLS, LIGHT_CELLS))
    low, high = np.percentile(paper, (1, 99))
    if high - low < LIGHT_EVEN:
        return grey
    light = cv2.resize(
        paper, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR
    )
    even = grey.astype(np.float32) * 255 / np.maximum(light, 1)
    return np.clip(even, 0, 255).astype(np.uint8)


def reversed_out(grey: np.ndarray, ground: np.ndarray, scale: float) -> np.ndarray:
    """The page with its dark areas (a header set white on a dark shade)
    turned over: black type on white, as the rest of the page is read,
    their white rules black.  An area is dark where its ink is thicker
    than any stroke of type over a shading's extent; it is looked for, and
    turned, in the page's `ground` (its dots averaged, on a fax)."""
    reach = max(3, round(TYPE_STROKE * scale) | 1)
    local = cv2.medianBlur(ground, reach)  # the ground under type and rules
    dark = (local < REVERSED).astype(np.uint8)
    size = max(3, round(SHADE_MIN * scale))
    dark = cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((size, size), np.uint8))
    contours, _ = cv2.findContours(dark, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = grey.copy()
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        area = ground[y : y + h, x : x + w]
        own = area[dark[y : y + h, x : x + w] > 0]  # not the paper around it
        level = float(np.median(own))
        lighter = np.count_nonzero(own > level + TYPE_CONTRAST)
        solid = np.count_nonzero(area < REVERSED) >= GROUND_SOLID * area.size
        if solid and lighter > np.count_nonzero(own < level - TYPE_CONTRAST):
            # its type is lighter than the ground around it: type black,
            # ground white (a lighter band of it too: quarters under a year)
            under = local[y : y + h, x : x + w].astype(np.int16)
            light = area.astype(np.int16) > under + TYPE_RISE
            out[y : y + h, x : x + w] = np.where(light, 0, 255).astype(np.uint8)
            # its edges, where it met the paper or the rows under it, rule it
            cv2.rectangle(out, (x, y), (x + w - 1, y + h - 1), 0, RULE_DRAWN)
    return out


def undotted(grey: np.ndarray, scale: float) -> np.ndarray:
    """A black and white page with its dots averaged back into grey (its
    shading, reversed type), its type softened as a grey scan's is."""
    return cv2.GaussianBlur(grey, (0, 0), DOT_REACH * scale)


def specks(ink: np.ndarray, scale: float) -> np.ndarray:
    """Dots of ink standing alone (dust, scanner noise), which OCR reads as
    letters; a full stop or a decimal point sits beside its type and stays."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = np.zeros(count, bool)
    small[1:] = stats[1:, cv2.CC_STAT_AREA] <= (SPECK * scale) ** 2
    dots = small[labels]
    reach = max(3, round(SPECK_ALONE * scale) | 1)
    near_type = cv2.dilate(
        ((ink > 0) & ~dots).astype(np.uint8), np.ones((reach, reach), np.uint8)
    )
    touching = np.unique(labels[dots & (near_type > 0)])
    alone = small.copy()
    alone[touching] = False
    return alone[labels]


def rulings(
    ink: np.ndarray, faint: np.ndarray, scale: float
) -> tuple[np.ndarray, np.ndarray]:
    """Pixels of horizontal and vertical rulings: runs of ink, and thin runs
    of faint ink away from ink (a light grey rule, blurred lighter still by
    the scan; a band of shading, the blurred edge of type are no rule)."""
    across, up = rule_masks(ink, scale)
    reach = max(3, round(RULE_GAP * scale) | 1)  # the halo of type is no rule
    alone = faint & ~cv2.dilate(ink, np.ones((reach, reach), np.uint8))
    light_across, light_up = rule_masks(alone, scale)
    return across | thin(light_across, (1, 0), scale), up | thin(
        light_up, (0, 1), scale
    )


def thin(mask: np.ndarray, along: tuple[int, int], scale: float) -> np.ndarray:
    """The pixels of `mask` in runs no thicker than `RULE_THICK` across the
    direction `along` ((1, 0): horizontal runs)."""
    size = max(2, round(RULE_THICK * scale) + 1)
    kernel = cv2.getStructuringElement(
        cv2.MORPH_RECT, (1, size) if along[0] else (size, 1)
    )
    return mask & ~cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)


def rule_masks(ink: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Pixels of horizontal and vertical rulings: runs of ink too long and
    thin to be type (see `meeting` for the vertical ones)."""
    bridge = max(1, round(RULE_GAP * scale))
    masks = []
    for length, shape in ((RULE_ACROSS, (1, 0)), (RULE_UP, (0, 1))):
        size = max(3, round(length * scale))
        kernel = cv2.getStructuringElement(
            cv2.MORPH_RECT, (size, 1) if shape[0] else (1, size)
        )
        closed = cv2.morphologyEx(
            ink,
            cv2.MORPH_CLOSE,
            cv2.getStructuringElement(
                cv2.MORPH_RECT, (bridge, 1) if shape[0] else (1, bridge)
            ),
        )
        masks.append(cv2.morphologyEx(closed, cv2.MORPH_OPEN, kernel))
    return masks[0], meeting(masks[1], masks[0], scale)


def meeting(up: np.ndarray, across: np.ndarray, scale: float) -> np.ndarray:
    """The vertical runs of `up` that are rulings: those taller than a line
    of type, and shorter ones that run from a horizontal ruling to another
    (the side of a row).  A short run between no rulings is the stem of a
    letter of large type (I, l, 1), which erased would leave the word
    unreadable."""
    reach = 2 * max(1, round(RULE_MEET * scale)) + 1
    near = cv2.dilate(across, np.ones((reach, reach), np.uint8)) > 0
    count, labels, stats, _ = cv2.connectedComponentsWithStats(up, connectivity=8)
    keep = np.zeros(count, bool)
    for n in range(1, count):
        x, y, w, h = (int(v) for v in stats[n][:4])
        keep[n] = h >= LINE_HIGH * scale or bool(
            near[y, x : x + w].any() and near[y + h - 1, x : x + w].any()
        )
    return np.where(keep[labels], up, 0).astype(up.dtype)


def rule_edges(mask: np.ndarray, orientation: str, scale: float) -> list[Edge]:
    """Each run of a rule mask as a ruling, in points."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    edges = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if orientation == "h":
            mid = (y + h / 2) / scale
            box = (x / scale, mid, (x + w) / scale, mid)
        else:
            mid = (x + w / 2) / scale
            box = (mid, y / scale, mid, (y + h) / scale)
        edges.append(Edge("line", orientation, *box, box[2] - box[0], box[3] - box[1]))
    return edges


def shading(grey: np.ndarray, rules: np.ndarray, scale: float) -> list[Fill]:
    """Shaded areas (cell shading, shaded quarter marks) as fills with their
    grey level: the page's background (its type closed over: each pixel the
    lightest near it) where it is mid-grey, cut apart where `rules` run
    between shaded cells side by side."""
    reach = round(TYPE_STROKE * scale) | 1
    background = cv2.morphologyEx(
        grey, cv2.MORPH_CLOSE, np.ones((reach, reach), np.uint8)
    )
    band = ((background >= SHADE[0]) & (background <= SHADE[1])).astype(np.uint8)
    band[cv2.dilate(rules, np.ones((9, 9), np.uint8)) > 0] = 0
    size = max(3, round(SHADE_MIN * scale))
    band = cv2.morphologyEx(band, cv2.MORPH_OPEN, np.ones((size, size), np.uint8))
    contours, _ = cv2.findContours(band, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    fills = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        level = float(np.median(background[y : y + h, x : x + w])) / 255
        if level < PAPER:
            fills.append(
                Fill((x / scale, y / scale, (x + w) / scale, (y + h) / scale), level)
            )
    return fills


def passed_over(
    grey: np.ndarray, words: list[Word], scale: float, run: Runner
) -> list[Word]:
    """`words` with what OCR passed over, and the quarter marks it misread.

    Ink is joined into pieces letter to letter (faint strokes count, gaps
    narrower than a space are bridged).  A piece no word covers is read
    again alone (`read_pieces`): a word OCR skipped (an isolated code or
    number in a cell), or, the size of a letter and read as no number, a
    tick or cross in a quarter grid: a tick word of confidence 0.  A word
    of a letter or two (no digit) read with low confidence whose ink is one
    letter-sized piece is a tick too (a tick read `Ca`)."""
    faint = (grey < FAINT).astype(np.uint8)
    ink = cv2.dilate(faint, np.ones((3, max(3, round(LETTER_GAP * scale))), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    sizes = stats[:, cv2.CC_STAT_WIDTH : cv2.CC_STAT_HEIGHT + 1]
    longest, shortest = sizes.max(axis=1), sizes.min(axis=1)
    blot = (
        (MARK_SIZE[0] * scale <= longest)
        & (longest <= MARK_SIZE[1] * scale)
        & (longest <= MARK_SHAPE * shortest)
    )
    piece = (
        (sizes[:, 1] >= MARK_SIZE[0] * scale)
        & (sizes[:, 1] <= LINE_HIGH * scale)
        & (sizes[:, 0] <= PIECE_WIDE * scale)
    )
    blot[0] = piece[0] = False  # the background
    out, read = [], {0}
    for word in words:
        box = labels[
            int(word.top * scale) : int(word.bottom * scale) + 1,
            int(word.x0 * scale) : int(word.x1 * scale) + 1,
        ]
        inside = set(np.unique(box)) - {0}
        read |= inside
        guess = (
            len(word.text) <= 2
            and not any(ch.isdigit() for ch in word.text)
            and (word.conf or 0) < MARK_DOUBT
            and repaired(word.text) == word.text  # no misread code (`Ql`)
        )
        if guess and len(inside) == 1 and blot[next(iter(inside))]:
            word = replace(word, text=MARK)
        out.append(word)
    unread = [n for n in np.flatnonzero(piece) if n not in read]
    boxes = [tuple(int(v) for v in stats[n][:4]) for n in unread]
    for n, (x, y, w, h), (text, conf) in zip(
        unread, boxes, read_pieces(grey, boxes, run), strict=True
    ):
        if blot[n] and text in ONE_READ_AS:
            text = "1"  # a lone figure one
        # a figure read alone stays a figure (a risk's number), however unsure
        figure = blot[n] and text.isdigit() and conf >= FIGURE_SURE
        if (conf < (LETTER_SURE if blot[n] else WORD_SURE) and not figure) or (
            blot[n] and not (text.isdigit() or coded(text, conf))
        ):
            text, conf = "", 0.0  # a letter-sized piece: a number, or a mark
        if text or blot[n]:
            box = (x / scale, (x + w) / scale, y / scale, (y + h) / scale)
            out.append(Word(text or MARK, *box, "", h / scale, conf=conf))
    return out


def reread(
    grey: np.ndarray, words: list[Word], scale: float, run: Runner
) -> list[Word]:
    """`words` with those read unsurely (small type: a table's quarter
    headers, `Q3` read `eo`) read again alone, `ENLARGE` times larger; the
    surer reading is kept."""
    unsure = [i for i, w in enumerate(words) if (w.conf or 0.0) < WORD_SURE]
    boxes = [inked(grey, words[i], scale) for i in unsure]
    out = list(words)
    for i, (text, conf) in zip(
        unsure, read_pieces(grey, boxes, run, ENLARGE), strict=True
    ):
        if text and " " not in text and conf > (out[i].conf or 0.0):
            out[i] = replace(out[i], text=text, conf=conf)
    return out


def inked(grey: np.ndarray, word: Word, scale: float) -> tuple[int, int, int, int]:
    """The box (x, y, width, height, in pixels) of the ink in a word's box
    (OCR's box may take in a blank cell or more), with `REREAD_PAD` of
    its height around it."""
    x0, y0 = int(word.x0 * scale), int(word.top * scale)
    x1, y1 = int(word.x1 * scale) + 1, int(word.bottom * scale) + 1
    ys, xs = np.nonzero(grey[y0:y1, x0:x1] < INK)
    if len(xs):
        x0, x1, y0, y1 = (
            x0 + xs.min(),
            x0 + xs.max() + 1,
            y0 + ys.min(),
            y0 + ys.max() + 1,
        )
    pad = max(1, round((y1 - y0) * REREAD_PAD))
    x0, y0 = max(0, x0 - pad), max(0, y0 - pad)
    x1, y1 = min(grey.shape[1], x1 + pad), min(grey.shape[0], y1 + pad)
    return int(x0), int(y0), int(x1 - x0), int(y1 - y0)


def lines_of(
    boxes: list[tuple[int, int, int, int]], enlarge: float
) -> Iterator[list[tuple[int, int, int, int]]]:
    """`boxes` in runs to be set on one line each: at most `PIECES_A_LINE`,
    on a line no longer than `LINE_PIXELS` once enlarged (a piece set
    between gaps of its line's height on either side)."""
    batch: list[tuple[int, int, int, int]] = []
    for box in boxes:
        grown = [*batch, box]
        gap = max(h for _, _, _, h in grown)
        wide = sum(w + 2 * gap for _, _, w, _ in grown) * enlarge
        if batch and (len(grown) > PIECES_A_LINE or wide > LINE_PIXELS):
            yield batch
            grown = [box]
        batch = grown
    if batch:
        yield batch


def coded(text: str, conf: float) -> bool:
    """Whether a piece of ink read alone is surely a short code of letters
    and digits (a quarter `Q4` in a header), which no mark is read as."""
    return (
        conf >= WORD_SURE
        and any(ch.isdigit() for ch in text)
        and any(ch.isalpha() for ch in text)
    )


def read_pieces(
    grey: np.ndarray,
    boxes: list[tuple[int, int, int, int]],
    run: Runner,
    enlarge: float = 1.0,
) -> list[tuple[str, float]]:
    """What OCR makes of each piece of ink alone, with the confidence of its
    least sure word: the pieces set side by side, well apart, on lines of a
    few at a time, each line read at once (`enlarge` times larger); ("", 0)
    for a piece it reads as no letter or digit."""
    found: list[tuple[str, float]] = []
    for batch in lines_of(boxes, enlarge):
        gap = max(h for _, _, _, h in batch)
        height = 3 * gap
        strip = np.full(
            (height, sum(w + 2 * gap for _, _, w, _ in batch)), 255, np.uint8
        )
        spans, left = [], gap
        for x, y, w, h in batch:
            top = (height - h) // 2
            strip[top : top + h, left : left + w] = grey[y : y + h, x : x + w]
            spans.append((left - gap, left + w + gap))
            left += w + 2 * gap
        if enlarge != 1.0:
            strip = cv2.resize(
                strip, None, fx=enlarge, fy=enlarge, interpolation=cv2.INTER_CUBIC
            )
        texts: list[list[str]] = [[] for _ in batch]
        rates: list[list[float]] = [[] for _ in batch]
        for row in second_reading(strip, run):
            text = (row.get("text") or "").strip().strip("|")  # bits of a rule
            if row["level"] != "5" or not text or float(row["conf"]) < 0:
                continue
            mid = (int(row["left"]) + int(row["width"]) / 2) / enlarge
            for i, (a, b) in enumerate(spans):
                if a <= mid < b:
                    texts[i].append(text)
                    rates[i].append(float(row["conf"]))
        for words, confs in zip(texts, rates, strict=True):
            text = " ".join(words)
            ok = any(ch.isalnum() for ch in text)
            found.append((text, min(confs)) if ok else ("", 0.0))
    return found


def second_reading(strip: np.ndarray, run: Runner) -> list[dict[str, str]]:
    """Tesseract's rows for a line of pieces read again; none where it
    refuses the line (a piece too thin to scale): the pieces keep their
    first reading rather than failing the page."""
    try:
        return tesseract(strip, ONE_LINE, run)
    except RuntimeError:
        return []


def recognise(grey: np.ndarray, scale: float, run: Runner) -> list[list[Word]]:
    """Tesseract's lines of words with their confidences, in points; each
    word sized by the height of its line (a scan has no type size to tell)."""
    rows = tesseract(grey, SPARSE_TEXT, run)
    line_height = {
        line_key(row): int(row["height"]) for row in rows if row["level"] == "4"
    }
    lines: dict[tuple[str, str, str], list[Word]] = {}
    for row in rows:
        text = (row.get("text") or "").strip().strip("|")  # bits of an erased rule
        if row["level"] != "5" or not text or float(row["conf"]) < 0:
            continue
        left, top = int(row["left"]), int(row["top"])
        width, height = int(row["width"]), int(row["height"])
        lines.setdefault(line_key(row), []).append(
            Word(
                text,
                left / scale,
                (left + width) / scale,
                top / scale,
                (top + height) / scale,
                "",
                line_height.get(line_key(row), height) / scale,
                conf=float(row["conf"]),
            )
        )
    return list(lines.values())


def repaired(text: str) -> str:
    """A word with the OCR confusions that no reading of it can mean
    corrected: a roman numeral with `l` for `I` (`Il.`, `VIl.`), a quarter
    with `l` or `i` for `1` or a dot after its digit (`Ql`, `Qi`, `Q.2.`), a number set
    in groups of three digits with letters for digits or a semicolon for a
    comma (`4O,5OO`, `40;000`)."""
    if ROMAN_L.fullmatch(text):
        return text.replace("l", "I")
    if QUARTER_L.fullmatch(text):
        return "Q" + text.strip("Q.").translate(DIGIT_FOR)
    if GROUPED.fullmatch(text) and sum(ch.isdigit() for ch in text) >= 2:
        return text.translate(DIGIT_FOR)
    return text


def tesseract(grey: np.ndarray, psm: str, run: Runner) -> list[dict[str, str]]:
    """Tesseract's TSV rows for a picture (one thread: documents run side by side)."""
    _, png = cv2.imencode(".png", grey)
    done = run(
        ["tesseract", "-", "-", "--psm", psm, "-l", "eng", "tsv"],
        png.tobytes(),
        {"OMP_THREAD_LIMIT": "1"},
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode(errors="replace").strip())
    return list(
        csv.DictReader(
            io.StringIO(done.stdout.decode("utf-8", errors="replace")),
            delimiter="\t",
            quoting=csv.QUOTE_NONE,
        )
    )


def line_key(row: dict[str, str]) -> tuple[str, str, str]:
    return row["block_num"], row["par_num"], row["line_num"]


def bolden(lines: list[list[Word]], grey: np.ndarray, scale: float) -> list[Word]:
    """The words of the lines whose strokes are markedly thicker than the
    page's usual ones (pixels of ink per pixel of its outline), given a bold
    font name: a scan has no font to tell."""
    ink = (grey < INK).astype(np.uint8)
    thin = cv2.erode(ink, np.ones((3, 3), np.uint8))
    strokes = []
    for line in lines:
        dark = edge = 0
        for w in line:
            x0, x1 = int(w.x0 * scale), int(w.x1 * scale) + 1
            y0, y1 = int(w.top * scale), int(w.bottom * scale) + 1
            area = int(ink[y0:y1, x0:x1].sum())
            dark += area
            edge += area - int(thin[y0:y1, x0:x1].sum())
        strokes.append(2 * dark / edge if edge else 0.0)
    usual = float(np.median([s for s in strokes if s])) if any(strokes) else 0.0
    return [
        replace(w, font="Bold") if usual and stroke > BOLD_STROKE * usual else w
        for line, stroke in zip(lines, strokes, strict=True)
        for w in line
    ]
