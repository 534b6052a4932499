"""The 2007 template: SECTION I/II, Parts 1-8, a results and resources
framework in thousands of dollars, a quarter work plan and one budget sheet
per year in an annex."""

from __future__ import annotations

from ..document import Block, Cell, PageBreak, Spacer
from ..layout import Layout
from ..spec import Output, ProjectDocument
from .common import (
    MANAGEMENT_ROW,
    NUMBER_WORDS,
    ROMAN,
    Composer,
    amount,
    annex_heading,
    bold,
    cpd_outcome,
    funding_statement,
    header,
    money_order,
    outcome_indicators,
    print_cover,
    styled_heading,
    text,
    year_rows,
)


def section(c: Composer, number: int, title: str) -> None:
    roman = ROMAN[number]
    styled_heading(
        c, ("SECTION {n} – {TITLE}", "SECTION {n}: {title}"), 1, roman, title, roman
    )


def part(c: Composer, number: int, title: str) -> None:
    if c.layout.headings == "alternate":
        printed = f"Part {number}: {title}"
    else:
        printed = (
            f"Part {number} – {title}" if number >= 7 else f"Part {number}. {title}"
        )
    c.heading(printed, 2, str(number), title)


def subsection(c: Composer, part_no: int, number: int, title: str) -> None:
    key = f"{part_no}.{number}"
    styled_heading(c, ("{n}. {title}", "{n} {title}"), 3, key, title, key)


def cover(c: Composer) -> None:
    spec = c.spec
    c.para(f"Government of {spec.country}", align="center")
    c.para("United Nations Development Programme (UNDP)", align="center")
    c.add(Spacer(60))
    c.para("Project Document", align="center", size_delta=3)
    c.add(Spacer(20))
    c.para(spec.title, bold=True, align="center", size_delta=5)
    c.add(Spacer(60))
    for paragraph in spec.summary:
        c.para(paragraph)
    c.add(PageBreak())


def narrative(c: Composer) -> None:
    section(c, 1, "Rationale and Strategy")
    for number, chapter in enumerate(c.spec.chapters, start=1):
        part(c, number, chapter.title)
        if chapter.key == "funding":
            c.para(funding_statement(c.spec))
        c.passages(chapter.passages)
        for k, sub in enumerate(chapter.subsections, start=1):
            subsection(c, number, k, sub.title)
            c.passages(sub.passages)


def framework_preface(c: Composer) -> None:
    c.para(
        "Intended Outcome as stated in the Country Results Framework:",
        bold=True,
        keep_with_next=True,
    )
    c.para(c.spec.cp_outcome)
    for oc in c.spec.outcomes:
        if c.layout.preamble == "cpd":
            cpd_outcome(c, oc)
            continue
        label = NUMBER_WORDS[oc.no] if c.layout.headings == "standard" else str(oc.no)
        c.para(
            f"Outcome {label}: {oc.title}", bold=True, keep_with_next=True, align="left"
        )
        c.para(oc.statement)
        c.para(f"Baseline: {oc.baseline}")
        c.para(outcome_indicators(oc.indicators))


def output_label(o: Output) -> str:
    return f"Output {o.number} - {o.title}"


def framework(c: Composer) -> None:
    spec, lay = c.spec, c.layout
    rows: list[list[Cell]] = []
    for oc in spec.outcomes:
        outcome_rows = sum(len(o.activities) for o in oc.outputs)
        for i, o in enumerate(oc.outputs):
            n = len(o.activities)
            for j, a in enumerate(o.activities):
                row: list[Cell] = []
                if i == 0 and j == 0:
                    row.append(
                        text(f"Outcome {oc.no}", oc.statement, rowspan=outcome_rows)
                    )
                if j == 0:
                    row += [
                        text(output_label(o), rowspan=n),
                        text(*o.targets, rowspan=n),
                    ]
                row.append(text(f"Activity {a.id} {a.title}"))
                if j == 0:
                    row += [
                        amount(lay.kusd(spec.output_budget(o)), rowspan=n),
                        text(", ".join(o.parties), rowspan=n),
                    ]
                rows.append(row)
    rows.append(
        [
            Cell(colspan=3),
            text(MANAGEMENT_ROW),
            amount(lay.kusd(spec.management_total)),
            Cell(),
        ]
    )
    rows.append(
        [
            Cell(colspan=3),
            bold("TOTAL"),
            amount(lay.kusd(spec.total), bold_=True),
            Cell(),
        ]
    )
    c.table(
        (16, 16, 16, 26, 8, 10),
        [
            header(
                (
                    "Outcomes",
                    "Outputs",
                    "Output Targets",
                    "Indicative Activities",
                    "Budget ('000 $)",
                    "Res. Parties",
                )
            )
        ],
        rows,
    )


def quarter_columns(spec: ProjectDocument) -> list[tuple[int, int]]:
    return [
        (y, q)
        for y in spec.years
        for q in range(spec.start_quarter if y == spec.start_year else 1, 5)
    ]


def workplan(c: Composer) -> None:
    spec, lay = c.spec, c.layout
    columns = quarter_columns(spec)
    head = [
        (("Outputs",), 16),
        (("Indicative Activities",), 24),
        *((("TIMEFRAME", str(y), f"Q.{q}"), 2.6) for y, q in columns),
        (("Responsible Partner/Individual",), 11),
    ]
    rows: list[list[Cell]] = []
    for o in spec.outputs:
        for j, a in enumerate(o.activities):
            row = [text(output_label(o), rowspan=len(o.activities))] if j == 0 else []
            row.append(text(f"Activity {a.id} {a.title}"))
            row += [lay.mark(q in spec.quarters(a.id, y)) for y, q in columns]
            row.append(text(a.party))
            rows.append(row)
    c.sheet(head, 2, rows, least=2, size=min(lay.table_size, 7.5))


def budget_sheet(c: Composer, year: int) -> None:
    rows = year_rows(
        c,
        year,
        lambda o, n: text(output_label(o), rowspan=n),
        lambda a: f"Activity {a.id} {a.title}",
        "Project management",
    )
    money = money_order(
        c,
        {
            "fund": (("PLANNED BUDGET", "Source of Funds"), 8),
            "account": (("PLANNED BUDGET", "Budget Description"), 12),
        },
    )
    columns = [
        (("Outputs",), 15),
        (("Indicative Activities",), 22),
        *((("TIMEFRAME", f"Q.{q}"), 3) for q in range(1, 5)),
        (("Resp. Partner/Individual",), 10),
        *money,
        (("PLANNED BUDGET", "Amount"), 8),
    ]
    c.sheet(columns, 1, rows)


def compose(spec: ProjectDocument, layout: Layout) -> list[Block]:
    c = Composer(spec, layout)
    print_cover(c, cover)
    narrative(c)
    c.landscape()
    section(c, 2, "Results and Resources Framework")
    part(c, 7, "Project Results and Resources Framework")
    framework_preface(c)
    framework(c)
    part(c, 8, "Tentative Work plan")
    workplan(c)
    annex_heading(c, 1, "Risk Log")
    c.para(f"Project Title: {spec.title}")
    c.para(f"Award ID: {spec.award_id}")
    c.risk_log("2007")
    c.add(PageBreak())
    annex_heading(c, 2, "Annual Project Work Plan Budget Sheets")
    for i, year in enumerate(spec.years):
        if i and layout.sheet_per_page:
            c.add(PageBreak())
        c.para(
            (layout.caption or "{year}").format(year=year),
            bold=True,
            keep_with_next=True,
            align="left",
        )
        budget_sheet(c, year)
    return c.blocks
