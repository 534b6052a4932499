"""Stage 1: read a PDF once into `Page` objects: words, rulings, shading.

This is the only module that opens PDF files (with `ocr`, which reads the
pages that are pictures without text), and all it does is read them:
finding the tables on the pages is the next stage's (`grids`).  Everything
later works on the returned `Document`, so every other stage can be tested
on in-memory pages.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
from pdfminer.layout import LTChar, LTContainer, LTImage, LTItem
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.page import fix_fontname_bytes
from pdfplumber.utils import extract_words, obj_to_edges
from pdfplumber.utils.text import LIGATURES

from .errors import DocumentError
from .model import Document, Edge, Fill, Page, Word
from .ocr import Scan, prepared, scanned_pages
from .processes import die_with_parent, fork_context, frozen_heap

PAGES_PER_PROCESS = 8  # fewer pages than this are not worth a process of their own
THIN_RULE = 2.0  # points: a filled rectangle thinner than this is a rule, not shading
WHITE = 0.95  # fills lighter than this grey level are not shading
SIDEWAYS_SHARE = (
    0.6  # a page whose text runs mostly up or down the page is read turned upright
)

WORD_SETTINGS = {
    "x_tolerance": 2,
    "y_tolerance": 3,
    "extra_attrs": ["fontname", "size"],
}
RULE_REACH = 1.0  # a column rule cuts a word whose line it spans, within this (pt)
# letters of one word touch: closer (or overlapping less) than this (pt)
MIN_CUT_GAP = 0.01
BAND_SHARE = (
    0.3  # a text line's characters sit within this share of the type size of its top
)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_pdf(path: Path, ocr: str = "auto", processes: int = 1) -> Document:
    """Read every page of `path`; raise `DocumentError` with a plain reason
    when the file is not a readable PDF or has no text to extract.  Pages
    that are pictures without text are read by OCR (`ocr`: `auto`; `force`
    reads every page so; `off` never).  `processes` over 1 reads parts of
    the pages in that many processes at once (see `Reading`)."""
    return Reading(path, ocr, processes).document()


@dataclass
class PagesRead:
    """Pages read, in order, with what the reading found on the way."""

    pages: list[Page]
    pictures: int = 0  # images drawn on the pages
    ocr_seconds: float = 0.0
    repairs: list[tuple[int, str, str]] = field(
        default_factory=list
    )  # page, as OCR read it, as taken

    @staticmethod
    def joined(parts: list[PagesRead]) -> PagesRead:
        """Runs of pages read apart, as one reading of them all in order."""
        return PagesRead(
            [page for part in parts for page in part.pages],
            sum(part.pictures for part in parts),
            sum(part.ocr_seconds for part in parts),
            [repair for part in parts for repair in part.repairs],
        )


class Reading:
    """A PDF being read.  The file is checked at once (a `DocumentError`
    names what is wrong with it); with `processes` over 1, a document of
    enough pages is split in that many runs of pages, each read in a
    process of its own, started at once: the caller may do other work (load
    the later stages) until it asks for the `document()`.  The pages read
    are the same however they are split."""

    def __init__(self, path: Path, ocr: str = "auto", processes: int = 1):
        self.path = Path(path)
        self.ocr = ocr
        self.processes = processes
        check_file(self.path)
        self.sha256 = file_sha256(self.path)
        try:
            self.scans = scanned_pages(self.path, ocr)
        except DocumentError:
            raise
        except Exception as exc:
            raise DocumentError(self.path, describe_pdf_error(exc, self.path)) from exc
        runs = page_runs(self.path, processes) if not self.scans else []
        self.pool: ProcessPoolExecutor | None = None
        self.parts: list[Future[PagesRead]] = []
        if len(runs) > 1:
            self.pool = ProcessPoolExecutor(
                len(runs), mp_context=fork_context(), initializer=die_with_parent
            )
            with frozen_heap():  # the page readers fork as the runs are given
                self.parts = [
                    self.pool.submit(read_pages, self.path, run, []) for run in runs
                ]

    def document(self) -> Document:
        """The document read; raises `DocumentError` when it cannot be."""
        path = self.path
        try:
            if self.pool is None:
                read = read_pages(path, None, self.scans, self.processes)
            else:
                read = PagesRead.joined([part.result() for part in self.parts])
        except DocumentError:
            raise
        except Exception as exc:  # pdfminer raises many unrelated types
            raise DocumentError(path, describe_pdf_error(exc, path)) from exc
        finally:
            if self.pool is not None:
                self.pool.shutdown(cancel_futures=True)
        if not read.pages:
            raise DocumentError(path, "the PDF has no pages")
        if not any(page.words for page in read.pages):
            if read.pictures and self.ocr == "off":
                raise DocumentError(path, "scanned PDF: no text layer (OCR is off)")
            if self.scans:
                raise DocumentError(path, "scanned PDF: OCR found no text on its pages")
            raise DocumentError(
                path, f"no text on any of its {len(read.pages)} page(s)"
            )
        return Document(
            path=str(path),
            doc_id=path.stem,
            sha256=self.sha256,
            pages=read.pages,
            ocr_pages=self.scans,
            ocr_seconds=round(read.ocr_seconds, 1),
            ocr_repairs=read.repairs,
            ocr_jobs=self.processes if self.scans else 0,
        )


def check_file(path: Path) -> None:
    """Raise `DocumentError` unless `path` is a file that starts as a PDF."""
    if not path.is_file():
        raise DocumentError(path, "file not found")
    if path.stat().st_size == 0:
        raise DocumentError(path, "empty file (0 bytes)")
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        from .errors import describe_content

        raise DocumentError(path, f"not a PDF: {describe_content(head)}")


def page_runs(path: Path, processes: int) -> list[list[int]]:
    """The page numbers of `path` in at most `processes` runs of at least
    `PAGES_PER_PROCESS` pages each; one run, or none when the page tree
    cannot be read here (the reading itself then says why)."""
    if processes < 2:
        return []
    try:
        pdf = pdfium.PdfDocument(str(path))
        count = len(pdf)
        pdf.close()
    except Exception:  # a damaged file: read in one process, which tells
        return []
    n = max(1, min(processes, count // PAGES_PER_PROCESS))
    return [list(range(1 + i * count // n, 1 + (i + 1) * count // n)) for i in range(n)]


def read_pages(
    path: Path, numbers: list[int] | None, scans: list[int], jobs: int = 1
) -> PagesRead:
    """Pages `numbers` (1-based; all when None) of `path`; `scans` are read
    by OCR, `jobs` at a time, while the others are read here."""
    read = PagesRead([])
    source: pdfium.PdfDocument | None = None  # opened for a page printed sideways
    with ExitStack() as stack:
        started = time.monotonic()
        straight = stack.enter_context(prepared(path, scans, jobs)) if scans else None
        read.ocr_seconds += time.monotonic() - started
        pdf = stack.enter_context(pdfplumber.open(path, pages=numbers))
        stack.callback(lambda: source and source.close())
        found: list[Page | Future[Scan]] = []
        for p in pdf.pages:
            objects = page_objects(p)
            if straight and p.page_number in scans:
                started = time.monotonic()
                found.append(straight.read(read_page(objects)))
                read.ocr_seconds += time.monotonic() - started
            elif turn := sideways_turn(objects.chars):
                source = source or pdfium.PdfDocument(str(path))
                with turned_page(source, p, turn) as upright:
                    found.append(read_page(page_objects(upright), number=p.page_number))
            else:
                found.append(read_page(objects))
            read.pictures += objects.images
            # frees the page's parsed objects: memory stays flat over long files
            p.close()
        started = time.monotonic()
        for item in found:
            if isinstance(item, Future):
                scan = item.result()
                read.repairs += [(scan.page.number, *pair) for pair in scan.repairs]
                item = scan.page
            read.pages.append(item)
        read.ocr_seconds += time.monotonic() - started
    return read


def describe_pdf_error(exc: BaseException, path: Path | None = None) -> str:
    """A plain reason for an error raised while parsing a PDF; `path` lets a
    file that stops short be called truncated."""
    while exc.args and isinstance(
        exc.args[0], BaseException
    ):  # pdfplumber wraps pdfminer's errors
        exc = exc.args[0]
    name = type(exc).__name__
    text = str(exc) or name
    low = f"{name} {text}".lower()
    if "password" in low or "encrypt" in low:
        return "encrypted PDF: a password is needed to open it"
    if path is not None:
        try:  # every complete PDF ends with an end-of-file marker
            with open(path, "rb") as fh:
                fh.seek(0, 2)
                fh.seek(max(0, fh.tell() - 2048))
                complete = b"%%EOF" in fh.read()
        except OSError:
            complete = True
        if not complete:
            return (
                "truncated PDF: the file stops before its end (an incomplete "
                "download or copy?)"
            )
    if isinstance(exc, RecursionError):
        return "damaged PDF (objects nested too deeply or in a loop)"
    if len(text) > 100:
        text = text[:97] + "..."
    if isinstance(exc, PDFSyntaxError) or any(
        k in low for k in ("syntax", "xref", "eof", "trailer", "malformed")
    ):
        return f"damaged PDF ({text})"
    return f"unreadable PDF ({name}: {text})"


def sideways_turn(chars: list[dict]) -> int:
    """The turn (90 or 270 degrees) that shows a page's text upright when
    most of it runs up or down the page (a landscape table printed on a
    portrait page without a /Rotate entry); 0 for a page that reads as is."""
    up = down = level = 0
    for char in chars:
        if char["upright"]:
            level += 1
        elif char["matrix"][1] > 0:
            up += 1
        else:
            down += 1
    if max(up, down) <= SIDEWAYS_SHARE * (up + down + level):
        return 0
    return 90 if up >= down else 270


@contextmanager
def turned_page(
    source: pdfium.PdfDocument, page: pdfplumber.page.Page, turn: int
) -> Iterator[pdfplumber.page.Page]:
    """`page` of `source` (the same file) alone in an in-memory PDF that shows
    it turned by `turn` more degrees, opened with pdfplumber."""
    single = pdfium.PdfDocument.new()
    try:
        single.import_pages(source, [page.page_number - 1])
        single[0].set_rotation((int(page.rotation or 0) + turn) % 360)
        data = io.BytesIO()
        single.save(data)
    finally:
        single.close()
    with pdfplumber.open(data) as pdf:
        yield pdf.pages[0]


@dataclass
class PageObjects:
    """What the reader takes from one pdfplumber page: its characters,
    rectangles, lines and curves as pdfplumber's object dicts, and how many
    images it draws."""

    number: int
    width: float
    height: float
    rotation: int
    chars: list[dict]
    rects: list[dict]
    lines: list[dict]
    curves: list[dict]
    images: int


def page_objects(page: pdfplumber.page.Page) -> PageObjects:
    """The objects of `page`, laid out by pdfminer once.  Characters, by
    far the most of them, are made into dicts holding only what the reader
    uses (`char_dict`); pdfplumber's own conversion, which keeps and
    resolves every attribute, takes as long as the layout itself.  Other
    objects are converted by pdfplumber."""
    chars: list[dict] = []
    others: dict[str, list[dict]] = defaultdict(list)
    images: list[LTImage] = []
    frame = (page.height, *page.mediabox[:2], page.initial_doctop)

    def walk(items: list[LTItem]) -> None:
        for item in items:
            if isinstance(item, LTChar):
                chars.append(char_dict(item, len(chars), frame))
            elif isinstance(item, LTContainer):  # a form drawn on the page
                walk(item._objs)
            elif isinstance(item, LTImage):
                images.append(item)
            else:
                obj = page.process_object(item)
                others[obj["object_type"]].append(obj)

    walk(page.layout._objs)
    return PageObjects(
        number=page.page_number,
        width=float(page.width),
        height=float(page.height),
        rotation=int(page.rotation or 0) % 360,
        chars=chars,
        rects=others["rect"],
        lines=others["line"],
        curves=others["curve"],
        images=len(images),
    )


def char_dict(
    char: LTChar, order: int, frame: tuple[float, float, float, float]
) -> dict:
    """A character with the keys the reader uses, valued as pdfplumber
    values them, and its `order` in the page's content stream.  `frame` is
    the page's height, the offsets of its media box and its top in the
    document."""
    height, x_shift, y_shift, doctop = frame
    top = (height - char.y1) + y_shift
    fontname = char.fontname
    return {
        "text": char.get_text(),
        "x0": char.x0 + x_shift if x_shift else char.x0,
        "x1": char.x1 + x_shift if x_shift else char.x1,
        "top": top,
        "bottom": (height - char.y0) + y_shift,
        "doctop": doctop + top,
        "width": char.width,
        "height": char.height,
        "upright": char.upright,
        "matrix": char.matrix,
        "fontname": fix_fontname_bytes(fontname)
        if isinstance(fontname, bytes)
        else fontname,
        "size": char.size,
        "order": order,
    }


def read_page(objects: PageObjects, number: int | None = None) -> Page:
    """One page's words, fills and rulings; `number` overrides the page's own
    number (a page read from a turned copy)."""
    edges = ruling_edges(objects)
    words = page_words(objects.chars, [e for e in edges if e.orientation == "v"])
    fills = [
        Fill(
            (r["x0"], r["top"], r["x1"], r["bottom"]),
            grey_level(r.get("non_stroking_color")),
        )
        for r in objects.rects
        if r.get("fill")
        and grey_level(r.get("non_stroking_color")) < WHITE
        and r["width"] > 3
        and r["height"] > 3
    ]
    return Page(
        number=number or objects.number,
        width=objects.width,
        height=objects.height,
        rotation=objects.rotation,
        words=words,
        fills=fills,
        edges=edges,
        hrules=horizontal_rules(objects),
    )


def page_words(chars: list[dict], column_rules: list[Edge] = ()) -> list[Word]:
    """The page's words.  Upright text is cut into lines first (see
    `text_bands`) and a word is cut where a column rule runs between two of
    its letters (text filling a narrow cell touches the next cell's); a run
    of characters set vertically (a narrow header cell's `Source of Funds`
    turned on its side) is one word per line of it, read in its own
    direction."""
    upright = [c for c in chars if c["upright"]]
    found = [
        part
        for band in text_bands(upright)
        for w in extract_words(band, **WORD_SETTINGS, return_chars=True)
        for part in cut_at_rules(w, column_rules)
    ]
    for up in (
        True,
        False,
    ):  # pdfminer sizes turned characters by their width: not a word boundary
        turned = [c for c in chars if not c["upright"] and (c["matrix"][1] > 0) == up]
        found += [
            {**w, "size": w["x1"] - w["x0"], "upright": False}
            for w in extract_words(
                turned,
                **{**WORD_SETTINGS, "extra_attrs": ["fontname"]},
                keep_blank_chars=True,
                char_dir_rotated="btt" if up else "ttb",
                line_dir_rotated="ltr" if up else "rtl",
            )
        ]
    return [
        Word(
            w["text"].strip(),
            w["x0"],
            w["x1"],
            w["top"],
            w["bottom"],
            w.get("fontname", ""),
            float(w.get("size", 0)),
            w.get("upright", True),
        )
        for w in found
        if w["text"].strip()
    ]


def cut_at_rules(word: dict, column_rules: list[Edge]) -> list[dict]:
    """`word` in parts where a column rule crossing its line runs through
    it, or where two texts overlap.  Text too long for a narrow cell runs on
    past its edge: over the next cell's text (the letters of the two cells
    then interleave, each cell's text still one run of the content stream)
    or up to it (the cut is where the letters from the rule on are furthest
    apart or overlap most)."""
    letters = word.pop("chars")
    crossing = sorted(
        rule.x0
        for rule in column_rules
        if rule.top <= word["top"] + RULE_REACH
        and rule.bottom >= word["bottom"] - RULE_REACH
        and word["x0"] < rule.x0 < word["x1"]
    )
    cuts = [  # the two sides of a thin rectangle are one rule
        x for i, x in enumerate(crossing) if i == 0 or x - crossing[i - 1] > THIN_RULE
    ]
    in_stream = sorted(letters, key=lambda c: c["order"])
    overlapping = any(b["x0"] < a["x0"] for a, b in pairwise(in_stream))
    if not cuts and not overlapping:
        return [word]
    return [
        {
            **word,
            "text": "".join(LIGATURES.get(c["text"], c["text"]) for c in part),
            "x0": part[0]["x0"],
            "x1": part[-1]["x1"],
        }
        for run in stream_runs(in_stream)
        for part in cut_between_letters(run, cuts)
    ]


def stream_runs(in_stream: list[dict]) -> list[list[dict]]:
    """Letters, in the order the content stream draws them, in runs that
    read left to right: a run ends where the next letter is drawn later
    (after another cell's text) or stands left of the last."""
    runs: list[list[dict]] = []
    for char in in_stream:
        last = runs[-1][-1] if runs else None
        if last and char["order"] == last["order"] + 1 and char["x0"] >= last["x0"]:
            runs[-1].append(char)
        else:
            runs.append([char])
    return runs


def cut_between_letters(letters: list[dict], cuts: list[float]) -> list[list[dict]]:
    """`letters` cut once after each rule at `cuts` that runs through them,
    at the widest gap (or deepest overlap) from the rule on, if any."""
    joins = [
        ((left["x1"] + right["x0"]) / 2, abs(right["x0"] - left["x1"]), i)
        for i, (left, right) in enumerate(
            zip(letters, letters[1:], strict=False), start=1
        )
    ]
    breaks = set()
    for cut, next_cut in pairwise([*cuts, float("inf")]):
        options = [
            (gap, -i)
            for at, gap, i in joins
            if cut - RULE_REACH <= at < next_cut and gap >= MIN_CUT_GAP
        ]
        if options and letters[0]["x0"] < cut < letters[-1]["x1"]:
            breaks.add(-max(options)[1])
    ends = sorted(breaks)
    return [
        letters[start:end]
        for start, end in zip([0, *ends], [*ends, len(letters)], strict=True)
    ]


def text_bands(chars: list[dict]) -> list[list[dict]]:
    """Upright characters in bands of one text line each, in stream order.

    pdfplumber chains lines whose tops lie within its tolerance of the next,
    so the two-line header cells of one row, set at staggered heights, fuse
    into one line whose words interleave letter by letter.  A band here is
    anchored at its first top and never reaches further than a fraction of
    the type size below it."""
    bands: list[list[tuple[int, dict]]] = []
    anchor = 0.0
    for i, char in sorted(enumerate(chars), key=lambda ic: ic[1]["top"]):
        if bands and char["top"] - anchor <= min(
            WORD_SETTINGS["y_tolerance"], BAND_SHARE * char["size"]
        ):
            bands[-1].append((i, char))
        else:
            bands.append([(i, char)])
            anchor = char["top"]
    return [[char for _, char in sorted(band, key=lambda ic: ic[0])] for band in bands]


def ruling_edges(page: PageObjects) -> list[Edge]:
    """The edges that rule tables: drawn lines and curves, the sides of
    stroked rectangles, and filled rectangles thin enough to be lines.  A
    filled rectangle of some size is shading (a shaded cell, a band of row
    shading, a shaded header), whose sides are no rules."""
    ruled = [
        r
        for r in page.rects
        if r.get("stroke") or min(r["width"], r["height"]) < THIN_RULE
    ]
    return [
        Edge(
            e["object_type"],
            e["orientation"],
            e["x0"],
            e["top"],
            e["x1"],
            e["bottom"],
            e["width"],
            e["height"],
        )
        for obj in [*page.lines, *page.curves, *ruled]
        for e in obj_to_edges(obj)
        if e["orientation"] in ("h", "v")
    ]


def horizontal_rules(page: PageObjects) -> list[tuple[float, float, float]]:
    """(x0, x1, y) of the page's horizontal rulings, drawn as lines or as
    thin rectangles."""
    rules = [
        (ln["x0"], ln["x1"], ln["top"])
        for ln in page.lines
        if abs(ln["top"] - ln["bottom"]) < 1
    ]
    rules += [
        (r["x0"], r["x1"], (r["top"] + r["bottom"]) / 2)
        for r in page.rects
        if r["height"] < 2 and r["width"] > 10
    ]
    return rules


def grey_level(colour: object) -> float:
    """0 = black, 1 = white, for grey, RGB or CMYK colour tuples."""
    if colour is None:
        return 1.0
    if isinstance(colour, (int, float)):
        return float(colour)
    values = [float(v) for v in colour if isinstance(v, (int, float))]
    if len(values) == 1:
        return values[0]
    if len(values) == 3:
        return sum(values) / 3
    if len(values) == 4:
        return 1.0 - min(1.0, values[3] + sum(values[:3]) / 3)
    return 1.0
