"""The answer key of a rendered document, in the dataset contract's shape.

This module is the only place that maps a spec to gold rows.  Structured
tables come from the spec (the same values the templates print, through the
same `ProjectDocument` methods); sections come from the blocks the PDF was
typeset from, with the page each heading landed on (where LibreOffice or
Chromium laid the pages out, as read back from their PDF).

Conventions beyond the contract:
- outcomes.title is empty where the document prints no short name (the 2009
  and 2016 templates, unless the layout states the outcome in the CPD style);
- outputs.targets for 2016 are the "Targets by year" lines of the output's
  indicators, in print order;
- budget_lines.fund_code is empty where the layout names funds without code;
- outputs.budget_usd of a 2016 plan printed one table per year is the sum of
  the output's sub-totals in those tables;
- a 2016 budget kept by component (GEF) prints no activity: no activities or
  workplan rows; its budget lines carry the component cell as their label.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .document import Block, Heading, Para
from .engine import Typeset
from .language import account_name, source_name
from .layout import Layout
from .spec import ACCOUNTS, ProjectDocument

COLUMNS: dict[str, list[str]] = {
    "documents": ["doc_id", "title", "country", "start_year", "end_year", "pages"],
    "funding": ["doc_id", "source", "amount_usd"],
    "sections": ["doc_id", "seq", "level", "number", "title", "page_start", "text"],
    "outcomes": [
        "doc_id",
        "outcome_no",
        "title",
        "statement",
        "baseline",
        "indicators",
    ],
    "outputs": [
        "doc_id",
        "output_id",
        "outcome_no",
        "title",
        "targets",
        "budget_usd",
        "responsible_parties",
    ],
    "activities": ["doc_id", "activity_id", "output_id", "title", "responsible_party"],
    "workplan": ["doc_id", "activity_id", "year", "quarter"],
    "budget_lines": [
        "doc_id",
        "year",
        "activity_id",
        "label",
        "responsible_party",
        "fund_code",
        "account_code",
        "account_description",
        "amount_usd",
    ],
    "risks": [
        "doc_id",
        "risk_no",
        "description",
        "category",
        "impact",
        "probability",
        "countermeasures",
        "owner",
        "author",
        "date_identified",
        "last_update",
        "status",
    ],
    "issues": ["doc_id", "check", "severity", "message", "page"],
}

Row = dict[str, object]


@dataclass(frozen=True)
class Rendered:
    """One document as printed: what it says, how, and where things landed."""

    spec: ProjectDocument
    layout: Layout
    blocks: list[Block]
    pages: int
    heading_pages: dict[int, int]  # index of a Heading block -> 1-based page
    typeset: Typeset | None = (
        None  # our typesetter's result; None where a producer laid out the pages
    )


def documents(r: Rendered) -> list[Row]:
    s = r.spec
    return [
        {
            "title": s.title,
            "country": s.country,
            "start_year": s.start_year,
            "end_year": s.end_year,
            "pages": r.pages,
        }
    ]


def funding(r: Rendered) -> list[Row]:
    return [
        {"source": source_name(f.source, r.layout.language), "amount_usd": value}
        for f, value in r.spec.funding_amounts()
    ]


def sections(r: Rendered) -> list[Row]:
    """Each heading with the paragraphs printed under it (tables skipped)."""
    rows: list[Row] = []
    texts: list[list[str]] = []
    for i, block in enumerate(r.blocks):
        if isinstance(block, Heading):
            rows.append(
                {
                    "seq": len(rows) + 1,
                    "level": block.level,
                    "number": block.number,
                    "title": block.title,
                    "page_start": r.heading_pages[i],
                }
            )
            texts.append([])
        elif isinstance(block, Para) and texts:
            texts[-1].append(block.text)
    for row, paragraphs in zip(rows, texts, strict=True):
        row["text"] = "\n\n".join(paragraphs)
    return rows


def outcomes(r: Rendered) -> list[Row]:
    titled = r.spec.generation == "2007" or r.layout.preamble == "cpd"
    return [
        {
            "outcome_no": oc.no,
            "title": oc.title if titled else "",
            "statement": oc.statement,
            "baseline": oc.baseline,
            "indicators": " ; ".join(oc.indicators),
        }
        for oc in r.spec.outcomes
    ]


def outputs(r: Rendered) -> list[Row]:
    return [
        {
            "output_id": o.id,
            "outcome_no": oc.no,
            "title": o.title,
            "targets": " ; ".join(o.targets),
            "budget_usd": r.spec.output_budget(o),
            "responsible_parties": "; ".join(
                source_name(p, r.layout.language) for p in o.parties
            ),
        }
        for oc in r.spec.outcomes
        for o in oc.outputs
    ]


def by_component(r: Rendered) -> bool:
    """A 2016 budget kept by component (GEF): no activity is printed, the money stands
    under the outputs."""
    return r.spec.generation == "2016" and r.layout.budget == "components"


def activities(r: Rendered) -> list[Row]:
    if by_component(r):
        return []
    return [
        {
            "activity_id": a.id,
            "output_id": o.id,
            "title": a.title,
            "responsible_party": source_name(a.party, r.layout.language),
        }
        for o in r.spec.outputs
        for a in o.activities
    ]


def workplan(r: Rendered) -> list[Row]:
    s = r.spec
    if by_component(r):
        return []
    if s.generation == "2016":
        return [
            {"activity_id": a.id, "year": y, "quarter": ""}
            for a in s.activities
            for y in s.funded_years(a.id)
        ]
    return [
        {"activity_id": a.id, "year": y, "quarter": q}
        for a in s.activities
        for y, q in s.marks.get(a.id, ())
    ]


def budget_lines(r: Rendered) -> list[Row]:
    if by_component(r):
        return component_lines(r)
    return [
        {
            "year": ln.year,
            "activity_id": ln.activity_id,
            "label": ln.label,
            "responsible_party": source_name(ln.party, r.layout.language),
            "fund_code": r.layout.fund_code(ln.fund),
            "account_code": ln.account,
            "account_description": account_name(ln.description, r.layout.language),
            "amount_usd": ln.amount,
        }
        for ln in r.spec.budget_lines
    ]


def component_lines(r: Rendered) -> list[Row]:
    """One line per non-zero year cell of the budget by component, labelled by its
    component cell."""
    s = r.spec
    return [
        {
            "year": y,
            "activity_id": "",
            "label": s.output(key.item).component if key.item else key.label,
            "responsible_party": source_name(key.party, r.layout.language),
            "fund_code": key.fund,
            "account_code": key.account,
            "account_description": account_name(
                ACCOUNTS[key.account], r.layout.language
            ),
            "amount_usd": value,
        }
        for key, years in s.year_amounts(by_output=True).items()
        for y, value in sorted(years.items())
        if value
    ]


def risks(r: Rendered) -> list[Row]:
    return [
        {
            "risk_no": k.no,
            "description": k.description,
            "category": k.category,
            "impact": k.impact,
            "probability": k.probability,
            "countermeasures": k.countermeasures,
            "owner": k.owner,
            "author": k.author,
            "date_identified": k.date_identified,
            "last_update": k.last_update,
            "status": k.status,
        }
        for k in r.spec.risks
    ]


def issues(r: Rendered) -> list[Row]:
    """Only what was planted: activities with no quarter marked, a misstated total."""
    s = r.spec
    rows: list[Row] = []
    if s.generation != "2016":
        for a in s.activities:
            if not s.marks.get(a.id):
                rows.append(
                    {
                        "check": "activity_without_workplan",
                        "severity": "warning",
                        "page": "",
                        "message": f'Activity {a.id} ("{a.title}") has no quarter '
                        "marked in the work plan.",
                    }
                )
    if s.printed_total != s.total:
        rows.append(
            {
                "check": "stated_total_vs_budget_total",
                "severity": "error",
                "page": "",
                "message": "The document states a total budget of US$ "
                f"{s.printed_total:,} but its budget "
                f"lines add up to US$ {s.total:,}.",
            }
        )
    return rows


TABLES = {
    "documents": documents,
    "funding": funding,
    "sections": sections,
    "outcomes": outcomes,
    "outputs": outputs,
    "activities": activities,
    "workplan": workplan,
    "budget_lines": budget_lines,
    "risks": risks,
    "issues": issues,
}


def gold_rows(r: Rendered) -> dict[str, list[Row]]:
    return {
        name: [{"doc_id": r.spec.doc_id, **row} for row in build(r)]
        for name, build in TABLES.items()
    }


def write_gold(rendered: list[Rendered], folder: Path) -> None:
    """All documents' rows in one CSV per table (header only when a table has none)."""
    write_rows([gold_rows(r) for r in rendered], folder)


def write_rows(per_doc: list[dict[str, list[Row]]], folder: Path) -> None:
    """The `gold_rows` of several documents, one CSV per table."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, columns in COLUMNS.items():
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, columns)
            writer.writeheader()
            for rows in per_doc:
                writer.writerows(rows[name])
