"""Records read from scanned pages: how far the OCR behind them can be trusted.

Every record that names its page(s) says whether it was read by OCR (`ocr`)
and, if so, its `confidence`: the lowest confidence Tesseract gave (0-100)
to the words on its page(s) that spell its fields.  A record is as good as
its worst-read word.  Records do not keep the words they were built from,
so a field's words are found by their text among the page's OCR words (the
best-read of equal words counts); a value the document does not print as
such (a sum, a code's standard description) adds nothing.

A record below `LOW` is named in the issues (`ocr_low_confidence`) for an
analyst to check against the page.  The cross-checks stay the safety net
for what OCR misread with confidence: a total that no longer adds up is
reported like any other (`table_total_vs_lines`).
"""

from __future__ import annotations

import re
from collections import defaultdict

from .model import Document, Record, finding

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
FIELDS_SHOWN = 6  # the record's first fields, which name it
UNMARKED = {"documents", "issues"}  # not read from a page of their own


def rate_records(records: dict[str, list[Record]], doc: Document) -> list[Record]:
    """Give every record with page provenance its `ocr` flag and confidence;
    return findings for the records read with low confidence and for the
    words OCR misread that were repaired (`ocr.repaired`)."""
    scanned = set(doc.ocr_pages)
    best: dict[int, dict[str, float]] = defaultdict(dict)
    for page in doc.pages:
        if page.number in scanned:
            for word in page.words:
                key = token(word.text)
                if key and word.conf is not None:
                    best[page.number][key] = max(
                        word.conf, best[page.number].get(key, 0.0)
                    )
    findings = []
    for table, rows in records.items():
        if table in UNMARKED:
            continue
        for record in rows:
            pages = [p for p in record_pages(record) if p in scanned]
            record["ocr"] = bool(pages)
            record["confidence"] = confidence(record, [best[p] for p in pages])
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
    return EDGES.sub("", text).casefold()


def confidence(record: Record, pages: list[dict[str, float]]) -> float | None:
    """The lowest confidence among the words that spell the record's fields
    (None when it was not read by OCR, or no field is printed as such)."""
    if not pages:
        return None
    found = []
    for name, value in record.items():
        if name in NOT_READ or value is None or isinstance(value, bool):
            continue
        for word in str(value).split():
            key = token(word)
            rates = [page[key] for page in pages if key in page]
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
