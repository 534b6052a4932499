"""Stage 5a: the table kinds and the records each one fills.

Each kind is declared once, in `TABLE_KINDS`: its name, which is the kind
`tables.classify` gives a table by the rules of `table_kinds` in
`data/vocabulary.json` (its columns' roles, from the header words of
`table_columns`); the warning when a document has none; the dataset tables
its records fill (`schemas/<table>.schema.json`); and the function that
shapes those records from the extraction, whose drafts the record builders
read from the kind's tables.  `extract` and the checks go through the
registry instead of naming the kinds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from .budget import BudgetLine, PrintedTotal
from .extraction import Extraction
from .labels import NAMED_PART, NUMBERED_PART
from .model import Record
from .nlp import target_timing
from .provenance import where
from .reference import LANGUAGES, account_codes
from .results import (
    OutcomeDraft,
    outcome_blocks,
    outcome_cell_parts,
    resolve_parties,
    split_indicators,
    target_items,
)
from .risks import read_risks
from .tables import output_of
from .text import flatten

# (extraction, the doc_id field, the source_file field) -> records per dataset table
RecordShaper = Callable[[Extraction, Record, Record], dict[str, list[Record]]]


@dataclass(frozen=True)
class TableKind:
    """A kind of table and the dataset tables its records fill."""

    name: str  # as `tables.classify` gives it, a key of vocabulary `table_kinds`
    missing: str  # the `missing_<name>` warning of a document without one
    datasets: tuple[str, ...]  # the dataset tables its records fill
    records: RecordShaper


def framework_records(
    ex: Extraction, base: Record, src: Record
) -> dict[str, list[Record]]:
    """Outcomes, outputs, their targets and activities from the Results and
    Resources Framework, completed from the outcome sections, the work plan
    and the budget."""
    records: dict[str, list[Record]] = defaultdict(list)
    fw = ex.framework
    blocks = outcome_blocks(ex.sections)
    outcomes = fw.outcomes or [
        OutcomeDraft(no) for no in sorted(blocks)
    ]  # frameworks without an outcome column
    for outcome in outcomes:
        block = blocks.get(outcome.outcome_no, {})
        _, cell_statement = outcome_cell_parts(outcome.text)
        records["outcomes"].append(
            {
                **base,
                "outcome_no": outcome.outcome_no,
                "title": block.get("title", ""),
                "statement": block.get("statement") or cell_statement,
                "baseline": block.get("baseline", outcome.baseline),
                "indicators": " ; ".join(
                    split_indicators(block.get("indicators", "")) or outcome.indicators
                ),
                "statement_framework": cell_statement,
                "page": min(outcome.pages, default=None),
                **src,
                **where(outcome.boxes),
            }
        )
    plan = {a.activity_id: a for a in ex.plan_activities if a.gridded}
    parties = resolve_parties(fw.outputs)
    planned_budget = {
        **planned_output_budgets(ex.budget),
        **printed_output_subtotals(ex.totals),
    }
    for i, out in enumerate(fw.outputs):
        if out.output_id is None:
            continue
        targets = target_items(out.targets)
        outcome_no = (
            out.outcome_no
            if out.outcome_no is not None or len(outcomes) != 1
            else outcomes[0].outcome_no
        )
        records["outputs"].append(
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
            records["targets"].append(
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
            records["activities"].append(
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
    if not records["activities"]:  # no framework activities: the work plan's
        seen: set[str] = set()
        for a in ex.plan_activities:
            if a.activity_id not in seen:
                seen.add(a.activity_id)
                records["activities"].append(
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
    return records


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


def printed_output_subtotals(totals: list[PrintedTotal]) -> dict[str, int]:
    """The work plan's subtotal per output as printed (`Sub-Total for Output
    3`), over all its years: the document's own figure, even where it
    differs from its lines."""
    printed: dict[str, int] = defaultdict(int)
    for total in totals:
        named = NAMED_PART.search(total.label)
        if named and named.group(1).lower() == "output":
            printed[named.group(2)] += total.amount_usd
    return printed


def workplan_records(
    ex: Extraction, base: Record, src: Record
) -> dict[str, list[Record]]:
    """The marked quarters (or funded years) of the work plan."""
    return {
        "workplan": [
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
            for m in ex.marks
        ]
    }


def budget_records(
    ex: Extraction, base: Record, src: Record
) -> dict[str, list[Record]]:
    """The amounts of the budget sheets, their accounts described."""
    descriptions = account_codes(ex.language or LANGUAGES[0])
    return {
        "budget_lines": [
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
    }


def risk_records(ex: Extraction, base: Record, src: Record) -> dict[str, list[Record]]:
    """The rows of the risk log."""
    return {
        "risks": [
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
            for r in read_risks(ex.tables)
        ]
    }


# in the order their records are made and their absence is reported
TABLE_KINDS: tuple[TableKind, ...] = (
    TableKind(
        "results_framework",
        "no Results and Resources Framework table found",
        ("outcomes", "outputs", "targets", "activities"),
        framework_records,
    ),
    TableKind(
        "workplan",
        "no work plan (quarter or year grid) found",
        ("workplan",),
        workplan_records,
    ),
    TableKind("budget", "no budget sheet found", ("budget_lines",), budget_records),
    TableKind("risk_log", "no risk log found", ("risks",), risk_records),
)
