"""Stage 5: one document's records, table by table.

Runs the stages in order (page objects -> body text and tables -> drafts ->
records) and returns plain dicts shaped by the JSON Schemas in `schemas/`:
the document's own records here, those of each table kind by its entry in
`kinds.TABLE_KINDS`.  No file is written here.
"""

from __future__ import annotations

from pathlib import Path

from . import __version__
from .budget import read_budget
from .checks import run_checks
from .confidence import rate_records
from .document import (
    cover_fields,
    document_country,
    document_title,
    start_year,
    stated_funding,
)
from .extraction import Extraction
from .grids import find_grids
from .kinds import TABLE_KINDS
from .language import decimal_mark_of, document_language, identifier
from .layout import BodyText, body_text
from .model import Document, Record, issue
from .nlp import money_mentions, nlp
from .numbers import decimal_mark
from .provenance import locate, page_lines, where
from .readings import TableReading
from .reference import LANGUAGES
from .results import read_framework
from .sections import Section, split_sections
from .tables import Column, date_project_years, find_tables
from .workplan import read_workplan

COVER_PAGES = 3  # the title is looked for on the first pages


def load_stages() -> None:
    """Build what the stages build once per process (the spaCy pipeline
    that finds money and dates, the language model), ahead of the first
    document: processes forked afterwards, or one waiting for its pages,
    start with them built."""
    nlp()
    identifier()


def extract_document(
    doc: Document, readings: dict[int, TableReading] | None = None
) -> Extraction:
    """The records of a document as the reader read it, stage after stage,
    its amounts read by its own decimal mark: its grids are found under the
    mark its words suggest, the rest is read under the mark of the language
    of its running text.  `readings`: what a person said of its tables, by
    table number (`readings`)."""
    with decimal_mark(decimal_mark_of(doc)):
        find_grids(doc)
        body = body_text(doc)
    language = document_language(body)
    with decimal_mark(decimal_mark_of(doc, language)):
        return read_document(doc, body, language, readings)


def read_document(
    doc: Document,
    body: BodyText,
    language: str | None,
    readings: dict[int, TableReading] | None = None,
) -> Extraction:
    sections = split_sections(body, language or LANGUAGES[0])
    tables = find_tables(doc, readings)
    cover = cover_fields(doc, body, sections)
    date_project_years(tables, start_year(cover))
    marks, plan_activities = read_workplan(tables)
    budget, totals = read_budget(tables)
    ex = Extraction(
        doc,
        sections,
        tables,
        read_framework(tables),
        marks,
        plan_activities,
        budget,
        totals,
    )
    ex.language = language
    base = {"doc_id": doc.doc_id}
    src = {"source_file": Path(doc.path).name}
    country = document_country(body, cover)
    years = sorted({m.year for m in marks} or {b.year for b in ex.budget if b.year})
    title = document_title(body, sections, cover)
    title_boxes = locate(page_lines(doc, range(1, COVER_PAGES + 1)), title)
    ex.records["documents"].append(
        {
            **base,
            "title": title,
            "country": country,
            "start_year": years[0] if years else None,
            "end_year": years[-1] if years else None,
            "pages": len(doc.pages),
            "language": ex.language,
            **src,
            "sha256": doc.sha256,
            "pipeline_version": __version__,
            "page": title_boxes[0][0] if title_boxes else None,
            **where(title_boxes),
        }
    )
    ex.records["sections"] = [
        {
            **base,
            "seq": i,
            "level": s.heading.level,
            "number": s.heading.number,
            "title": s.heading.title,
            "page_start": s.heading.page,
            "text": s.text,
            "printed": s.heading.printed,
            **src,
            **where(locate(page_lines(doc, [s.heading.page]), s.heading.printed)),
        }
        for i, s in enumerate(sections, 1)
    ]
    ex.stated_total, sources = stated_funding(sections, country, cover)
    ex.records["funding"] = [
        {
            **base,
            "source": f.source,
            "amount_usd": f.amount_usd,
            "printed": f.printed,
            "page": f.page,
            **src,
            **where(locate(page_lines(doc, [f.page] if f.page else []), f.printed)),
        }
        for f in sources
    ]
    ex.records["money_statements"] = money_records(sections, base, src)
    for kind in TABLE_KINDS:
        for table, rows in kind.records(ex, base, src).items():
            ex.records[table].extend(rows)
    ex.records["tables"] = [
        {
            **base,
            "table_no": i,
            "kind": t.kind,
            "pages": ";".join(map(str, t.pages)),
            "bbox": " ".join(f"{v:.1f}" for v in t.bbox),
            "n_rows": len(t.rows),
            "n_cols": len(t.columns),
            "header": " | ".join(c.header or c.role or "" for c in t.columns),
            "roles": " | ".join(column_reading(c) for c in t.columns),
            "caption": t.caption,
            "reader": "ruled" if t.ruled else "text",
            **src,
            "provenance": where(
                [(t.pages[0], t.bbox), *(box for row in t.rows for box in row.boxes)]
            )["provenance"],
        }
        for i, t in enumerate(ex.tables, 1)
    ]
    ex.records["issues"] = [
        issue(doc.doc_id, src["source_file"], found)
        for found in [*run_checks(ex), *rate_records(ex.records, doc)]
    ]
    return ex


def column_reading(column: Column) -> str:
    """`activity:1.3`, `2019Q1`, `2020`: what a column was read as."""
    if column.role is not None:
        return f"{column.role}:{column.evidence:.2f}"
    dated = f"Y{column.year_no}" if column.year is None and column.year_no else ""
    year = str(column.year) if column.year is not None else dated
    return f"{year}Q{column.quarter}" if column.quarter is not None else year


def money_records(sections: list[Section], base: Record, src: Record) -> list[Record]:
    records = []
    for section in sections:
        for para in section.paragraphs:
            for m in money_mentions(para):
                records.append(
                    {
                        **base,
                        "amount_usd": m.usd,
                        "printed": m.printed,
                        "context": para,
                        "section": (
                            f"{section.heading.number} {section.heading.title}"
                        ).strip(),
                        "page": section.heading.page,
                        **src,
                        **where(locate(section.lines, m.printed, after=para)),
                    }
                )
    return records
