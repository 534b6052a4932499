"""Records read from scanned pages: how far the OCR behind them can be trusted.

Every record that names its page(s) says whether it was read by OCR (`ocr`)
and, if so, its `confidence`: the lowest confidence Tesseract gave (0-100)
to the words on its page(s) that spell its fields.  A record is as good as
its worst-read word.  Records do not keep the words they were built from,
so a field's words are found by their text (a number by its digits) among
the OCR words inside the boxes the record was read from (its row), else
among its page's (the best-read of equal words counts); a value the
document does not print as such (a sum, a code's standard description)
adds nothing.

A record below `LOW` is named in the issues (`ocr_low_confidence`) for an
analyst to check against the page.  The cross-checks stay the safety net
for what OCR misread with confidence: a total that no longer adds up is
reported like any other (`table_total_vs_lines`).
"""

from __future__ import annotations

import re

from .model import Document, Record, Word, finding
from .ocr import MARK

LOW = 60.0  # below this confidence a record is named for checking
PAGE_FIELDS = ("pages", "page", "page_start")  # where records name their pages
NOT_READ = {
    "doc_id",
    "source_file",
    "ocr",
    "confidence",
    "bbox",
    "provenance",
    *PAGE_FIELDS,
}  # where a record was read, not what it reads
EDGES = re.compile(r"^[^\w]+|[^\w]+$")  # punctuation around a word
NUMBER = re.compile(r"\d[\d,.]*")
SEPARATORS = re.compile(r"[,.]")
FIELDS_SHOWN = 6  # the record's first fields, which name it
UNMARKED = {"documents", "issues"}  # not read from a page of their own


def rate_records(records: dict[str, list[Record]], doc: Document) -> list[Record]:
    """Give every record with page provenance its `ocr` flag and confidence;
    return findings for the records read with low confidence and for the
    words OCR misread that were repaired (`ocr.repaired`)."""
    scanned = {
        page.number: page.words for page in doc.pages if page.number in doc.ocr_pages
    }
    best = {number: rates(words) for number, words in scanned.items()}
    findings = []
    for table, rows in records.items():
        if table in UNMARKED:
            continue
        for record in rows:
            pages = [p for p in record_pages(record) if p in scanned]
            record["ocr"] = bool(pages)
            inside = boxed(record, scanned)
            record["confidence"] = lowest(
                confidence(record, rates(inside), [best[p] for p in pages]),
                telling(inside),
            )
            if record["confidence"] is not None and record["confidence"] < LOW:
                findings.append(low_confidence(table, record, pages[0]))
    return findings + [
        finding(
            "ocr_repaired",
            "warning",
            f"OCR read {read!r}, taken as {taken!r}, the one reading "
            "that makes sense of it.",
            page,
        )
        for page, read, taken in doc.ocr_repairs
    ]


def record_pages(record: Record) -> list[int]:
    for name in PAGE_FIELDS:
        value = record.get(name)
        if isinstance(value, int):
            return [value]
        if isinstance(value, str) and value:
            return [int(p) for p in value.split(";") if p.isdigit()]
    return []


def token(text: str) -> str:
    """A word as compared: without the punctuation around it, and a number
    without its separators (`18,000` is the amount 18000)."""
    bare = EDGES.sub("", text).casefold()
    return SEPARATORS.sub("", bare) if NUMBER.fullmatch(bare) else bare


def rates(words: list[Word]) -> dict[str, float]:
    """Each word's token with the best confidence it was read with."""
    best: dict[str, float] = {}
    for word in words:
        key = token(word.text)
        if key and word.conf is not None:
            best[key] = max(word.conf, best.get(key, 0.0))
    return best


def boxed(record: Record, scanned: dict[int, list[Word]]) -> list[Word]:
    """The OCR words inside the boxes the record was read from (its row)."""
    provenance = record.get("provenance")
    fragments = provenance.get("fragments", []) if isinstance(provenance, dict) else []
    inside = []
    for fragment in fragments:
        x0, top, x1, bottom = fragment["bbox"]
        inside += [
            w
            for w in scanned.get(fragment["page"], [])
            if x0 <= (w.x0 + w.x1) / 2 <= x1 and top <= (w.top + w.bottom) / 2 <= bottom
        ]
    return inside


def telling(words: list[Word]) -> float | None:
    """The lowest confidence of the words in a record's row that tell most
    when misread: numbers (amounts, codes) and quarter marks."""
    found = [
        w.conf
        for w in words
        if w.conf is not None and (w.text == MARK or any(ch.isdigit() for ch in w.text))
    ]
    return min(found) if found else None


def lowest(*rates: float | None) -> float | None:
    found = [r for r in rates if r is not None]
    return round(min(found), 1) if found else None


def confidence(
    record: Record, own: dict[str, float], pages: list[dict[str, float]]
) -> float | None:
    """The lowest confidence among the words that spell the record's fields,
    each as read where the record was read from (`own`: its row), else
    anywhere on its pages (None when it was not read by OCR, or no field is
    printed as such).  A word read elsewhere on the page as well does not
    vouch for the reading of the record's own."""
    if not pages:
        return None
    found = []
    for name, value in record.items():
        if name in NOT_READ or value is None or isinstance(value, bool):
            continue
        for word in str(value).split():
            key = token(word)
            rates = [own[key]] if key in own else [p[key] for p in pages if key in p]
            if rates:
                found.append(max(rates))
    return round(min(found), 1) if found else None


def low_confidence(table: str, record: Record, page: int) -> Record:
    fields = ", ".join(
        f"{name} {str(value)[:40]!r}"
        for name, value in list(record.items())[:FIELDS_SHOWN]
        if name not in NOT_READ and value not in (None, "")
    )
    return finding(
        "ocr_low_confidence",
        "warning",
        f"A record of {table} was read by OCR with confidence "
        f"{record['confidence']:g} of 100; check it against the page: {fields}.",
        page,
    )
