"""Stage 2: the running text of a document, in reading order.

Words outside ruled tables are grouped into lines; running headers and
footers, page numbers and footnotes are set apart, so the section stage sees
only body lines.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import median

from .geometry import contains, group_lines
from .model import Document, Page, TextLine
from .reference import alternation, vocabulary

MARGIN_SHARE = 0.09  # top/bottom share of the page where running furniture lives
REPEAT_SHARE = 0.3  # a margin line on this share of pages (and >= 2) is furniture
PAGE_NUMBER = re.compile(
    rf"^(?:(?:{alternation(vocabulary()['page_words'])})\s*)?[-–—]?\s*(\d{{1,4}})\s*[-–—]?"
    rf"(?:\s*(?:{alternation(vocabulary()['page_of_words'])}|/)\s*\d{{1,4}})?$",
    re.I,
)  # `3`, `- 3 -`, `Page 3 of 40`, `Página 3 de 40`
MIN_LINES_FOR_MARGINS = 3  # fewer lines on a page say nothing about its text edges
FOOTNOTE_START = re.compile(
    r"^(?:\d{1,3}(?!\d)(?![.,]\d)|[*†‡])\s*\S"
)  # a note number, not an amount (`380,000`)


@dataclass
class BodyText:
    """The running text of a document, tables and page furniture removed."""

    lines: list[TextLine]
    footnotes: list[TextLine]
    body_size: float
    right_margin: dict[int, float] = field(
        default_factory=dict
    )  # page -> usual right edge of text
    left_margin: dict[int, float] = field(default_factory=dict)
    furniture: list[TextLine] = field(
        default_factory=list
    )  # running headers and footers removed


def page_lines(page: Page) -> list[TextLine]:
    """Lines of the page's words that are not inside a ruled table."""
    words = [
        w
        for w in page.words
        if not any(contains(g.bbox, w.x_mid, w.y_mid) for g in page.grids)
    ]
    return group_lines(words, page.number)


def furniture_key(line: TextLine) -> str:
    return re.sub(r"\d+", "#", line.text.strip().lower())


def in_margin(line: TextLine, page: Page) -> bool:
    return line.bottom < page.height * MARGIN_SHARE or line.top > page.height * (
        1 - MARGIN_SHARE
    )


def page_number_offset(per_page: list[tuple[Page, list[TextLine]]]) -> int | None:
    """The usual difference between a printed page number and the PDF page."""
    offsets = Counter(
        int(m.group(1)) - page.number
        for page, lines in per_page
        for ln in lines
        if in_margin(ln, page)
        for m in [PAGE_NUMBER.match(ln.text.strip())]
        if m
    )
    return offsets.most_common(1)[0][0] if offsets else None


def furniture_flags(per_page: list[tuple[Page, list[TextLine]]]) -> list[list[bool]]:
    """For each page's lines, whether it is running furniture: a margin line
    repeated on many pages (digits aside), or the page's printed number."""
    repeated = Counter(
        key
        for page, lines in per_page
        for key in {furniture_key(ln) for ln in lines if in_margin(ln, page)}
        if key.strip("# ")
    )
    threshold = max(2, REPEAT_SHARE * len(per_page))
    offset = page_number_offset(per_page)

    def is_furniture(line: TextLine, page: Page) -> bool:
        if not in_margin(line, page):
            return False
        number = PAGE_NUMBER.match(line.text.strip())
        if number:
            return offset is not None and int(number.group(1)) - page.number == offset
        return repeated[furniture_key(line)] >= threshold

    return [[is_furniture(ln, page) for ln in lines] for page, lines in per_page]


def furniture_words(doc: Document) -> set[int]:
    """The words (by identity) of the running headers, footers and page
    numbers of a document's pages, found before its tables are: a table
    that fills its page reaches down to the footer."""
    per_page = [(page, group_lines(page.words, page.number)) for page in doc.pages]
    return {
        id(w)
        for (_, lines), flags in zip(per_page, furniture_flags(per_page), strict=True)
        for ln, flag in zip(lines, flags, strict=True)
        if flag
        for w in ln.words
    }


def body_text(doc: Document) -> BodyText:
    per_page = [(page, page_lines(page)) for page in doc.pages]
    kept: list[tuple[Page, list[TextLine]]] = []
    furniture: list[TextLine] = []
    for (page, lines), flags in zip(per_page, furniture_flags(per_page), strict=True):
        kept.append(
            (page, [ln for ln, flag in zip(lines, flags, strict=True) if not flag])
        )
        furniture += [ln for ln, flag in zip(lines, flags, strict=True) if flag]
    sizes: Counter[float] = Counter()
    for _, lines in kept:
        for ln in lines:
            sizes[ln.size] += len(ln.text)
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0

    body: list[TextLine] = []
    notes: list[TextLine] = []
    result = BodyText(body, notes, body_size, furniture=furniture)
    for page, lines in kept:
        split = footnote_start(lines, body_size, page)
        body.extend(lines[:split])
        notes.extend(lines[split:])
        if split >= MIN_LINES_FOR_MARGINS:
            result.right_margin[page.number] = sorted(ln.x1 for ln in lines[:split])[
                int(0.9 * (split - 1))
            ]
            result.left_margin[page.number] = median(ln.x0 for ln in lines[:split])
    return result


def footnote_start(lines: list[TextLine], body_size: float, page: Page) -> int:
    """Index of the first footnote line: within the block of smaller lines
    at the foot of the page, the first that opens with a note mark (a raised
    number, or a number in the bottom third of the page)."""
    i = len(lines)
    while i > 0 and lines[i - 1].size < body_size - 0.8:
        i -= 1
    for j in range(i, len(lines)):
        first = lines[j].words[0]
        if not FOOTNOTE_START.match(raw_text(lines[j])):
            continue
        raised = first.size < 0.9 * lines[j].size
        if raised or lines[j].top > page.height * 0.66:
            return j
    return len(lines)


def raw_text(line: TextLine) -> str:
    """The line's text including any raised marks."""
    return " ".join(w.text for w in line.words)
