"""Stage 5: one document's records, table by table.

Runs the stages in order (page objects -> body text and tables -> drafts ->
records) and returns plain dicts shaped by the JSON Schemas in `schemas/`.
No file is written here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from . import __version__
from .budget import BudgetLine, read_budget
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
from .layout import body_text
from .model import Document, Record, issue
from .nlp import money_mentions, target_timing
from .provenance import locate, page_lines, where
from .reader import read_pdf
from .reference import account_codes
from .results import (
    OutcomeDraft,
    outcome_blocks,
    outcome_cell_parts,
    read_framework,
    resolve_parties,
    split_indicators,
    target_items,
)
from .risks import read_risks
from .sections import Section, split_sections
from .tables import date_project_years, find_tables, output_of
from .text import flatten
from .workplan import read_workplan

COVER_PAGES = 3  # the title is looked for on the first pages
NUMBERED_PART = re.compile(r"^(?:component|outcome|output)\s+(\d+)\b", re.I)


def extract_file(path: Path, ocr: str = "auto") -> Extraction:
    """The document at `path`, read (its scanned pages by OCR, see
    `reader.read_pdf`) and extracted."""
    return extract_document(read_pdf(path, ocr))


def extract_document(doc: Document) -> Extraction:
    """The records of a document as the reader read it, stage after stage."""
    find_grids(doc)
    body = body_text(doc)
    sections = split_sections(body)
    tables = find_tables(doc)
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
    add_results(ex, base, src)
    ex.records["workplan"] = [
        {
            **base,
            "activity_id": m.activity_id,
            "year": m.year,
            "quarter": m.quarter,
            "sub_activity": m.sub_activity,
            "page": m.page,
            **src,
            **where(m.boxes),
        }
        for m in marks
    ]
    descriptions = account_codes()
    ex.records["budget_lines"] = [
        {
            **base,
            "year": b.year,
            "activity_id": b.activity_id,
            "label": b.label,
            "responsible_party": b.responsible_party,
            "fund_code": b.fund_code or None,
            "account_code": b.account_code or None,
            "account_description": descriptions.get(b.account_code, ""),
            "amount_usd": b.amount_usd,
            "fund_printed": b.fund_printed,
            "account_printed": b.account_printed,
            "amount_printed": b.amount_printed,
            "quarters": ";".join(map(str, b.quarters)),
            "page": b.page,
            **src,
            **where(b.boxes),
        }
        for b in ex.budget
    ]
    ex.records["risks"] = [
        {
            **base,
            "risk_no": r.risk_no,
            "description": r.fields["description"],
            "category": r.fields["category"],
            "impact": r.impact,
            "probability": r.probability,
            "countermeasures": r.fields["countermeasures"],
            "owner": r.fields["owner"],
            "author": r.fields["author"],
            "date_identified": r.fields["date_identified"],
            "last_update": r.fields["last_update"],
            "status": r.fields["status"],
            "page": r.page,
            **src,
            **where(r.boxes),
        }
        for r in read_risks(tables)
    ]
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


def add_results(ex: Extraction, base: Record, src: Record) -> None:
    fw = ex.framework
    blocks = outcome_blocks(ex.sections)
    outcomes = fw.outcomes or [
        OutcomeDraft(no) for no in sorted(blocks)
    ]  # frameworks without an outcome column
    for outcome in outcomes:
        block = blocks.get(outcome.outcome_no, {})
        _, cell_statement = outcome_cell_parts(outcome.text)
        ex.records["outcomes"].append(
            {
                **base,
                "outcome_no": outcome.outcome_no,
                "title": block.get("title", ""),
                "statement": block.get("statement") or cell_statement,
                "baseline": block.get("baseline", ""),
                "indicators": " ; ".join(split_indicators(block.get("indicators", ""))),
                "statement_framework": cell_statement,
                "page": min(outcome.pages, default=None),
                **src,
                **where(outcome.boxes),
            }
        )
    plan = {a.activity_id: a for a in ex.plan_activities}
    parties = resolve_parties(fw.outputs)
    planned_budget = planned_output_budgets(ex.budget)
    for i, out in enumerate(fw.outputs):
        if out.output_id is None:
            continue
        targets = target_items(out.targets)
        outcome_no = (
            out.outcome_no
            if out.outcome_no is not None or len(outcomes) != 1
            else outcomes[0].outcome_no
        )
        ex.records["outputs"].append(
            {
                **base,
                "output_id": out.output_id,
                "outcome_no": outcome_no,
                "title": flatten(out.title),
                "targets": " ; ".join(targets),
                "budget_usd": out.budget
                if out.budget is not None
                else planned_budget.get(out.output_id),
                "responsible_parties": "; ".join(parties[i]),
                "responsible_parties_printed": " | ".join(
                    flatten(p) for p in out.parties
                ),
                "baseline": flatten(out.baseline),
                "pages": ";".join(map(str, sorted(out.pages))),
                **src,
                "page": min(out.pages, default=None),
                **where(out.boxes),
            }
        )
        for seq, target in enumerate(targets, 1):
            timing = target_timing(target)
            ex.records["targets"].append(
                {
                    **base,
                    "output_id": out.output_id,
                    "seq": seq,
                    "text": target,
                    "year": timing.year,
                    "quarter": timing.quarter,
                    "ongoing": timing.ongoing,
                    "page": min(out.pages, default=None),
                    **src,
                    **where(out.boxes),
                }
            )
        for act in out.activities:
            planned = plan.get(act.activity_id)
            ex.records["activities"].append(
                {
                    **base,
                    "activity_id": act.activity_id,
                    "output_id": out.output_id,
                    "title": flatten(act.title),
                    "responsible_party": planned.party if planned else "",
                    "title_workplan": planned.title if planned else "",
                    "page": min(act.pages, default=None),
                    **src,
                    **where(act.boxes),
                }
            )
    if not ex.records["activities"]:  # no framework activities: the work plan's
        seen: set[str] = set()
        for a in ex.plan_activities:
            if a.activity_id not in seen:
                seen.add(a.activity_id)
                ex.records["activities"].append(
                    {
                        **base,
                        "activity_id": a.activity_id,
                        "output_id": output_of(a.activity_id),
                        "title": a.title,
                        "responsible_party": a.party,
                        "title_workplan": a.title,
                        "page": a.page,
                        **src,
                        **where(a.boxes),
                    }
                )


def planned_output_budgets(lines: list[BudgetLine]) -> dict[str, int]:
    """The work plan's subtotal per output: its activities' lines, or, in a
    budget kept by component, the lines of the component that bears the
    output's number (`Component 2: ...` for output 2)."""
    totals: dict[str, int] = defaultdict(int)
    for b in lines:
        numbered = NUMBERED_PART.match(b.label)
        key = (
            output_of(b.activity_id)
            if b.activity_id
            else numbered.group(1)
            if numbered
            else None
        )
        if key and b.amount_usd:
            totals[key] += b.amount_usd
    return totals


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
