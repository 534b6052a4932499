"""The 2009-2015 template: a cover table, roman chapters I-VII, a results
and resources framework in dollars and one annual work plan per year."""

from __future__ import annotations

from ..document import Block, Cell, PageBreak, Spacer
from ..layout import Layout
from ..spec import Activity, Output, ProjectDocument
from .common import (
    MANAGEMENT_ROW,
    Composer,
    annex_heading,
    chapter_heading,
    header,
    money_order,
    narrative_chapter,
    outcome_preamble,
    print_cover,
    resources_lines,
    text,
    year_rows,
)

RESOURCE_LABELS = {"regular": "Regular", "other": "Other", "government": "Government"}


def cover(c: Composer) -> None:
    spec, lay = c.spec, c.layout
    c.para(
        "United Nations Development Programme", bold=True, align="center", size_delta=2
    )
    c.para(f"Country: {spec.country}", bold=True, align="center")
    c.para("PROJECT DOCUMENT", bold=True, align="center", size_delta=3)
    c.add(Spacer(12))
    c.key_values(
        [
            ("Project Title", spec.title),
            ("UNDAF Outcome(s)", spec.undaf_outcome),
            ("Expected CP Outcome(s)", spec.cp_outcome),
            ("Executing Entity", spec.executing_entity),
            ("Implementing Partner", spec.implementing_partner),
        ]
    )
    c.para("Brief Description", bold=True, align="left", keep_with_next=True)
    for paragraph in spec.summary:
        c.para(paragraph)
    c.key_values(
        [
            ("Programme Period", f"{spec.start_year}-{spec.end_year}"),
            ("Atlas Award ID", spec.award_id),
            ("Start date", f"1 January {spec.start_year}"),
            ("End date", f"31 December {spec.end_year}"),
            ("Management Arrangements", "National Implementation"),
        ]
        + resources_lines(spec, lay, RESOURCE_LABELS)
    )
    c.add(PageBreak())


def activity_label(c: Composer, a: Activity) -> str:
    return (
        f"Activity {a.id} {a.title}"
        if c.layout.activity_prefix
        else f"{a.id} {a.title}"
    )


def output_cell(c: Composer, o: Output, rowspan: int) -> Cell:
    items = [f"Output {o.number}: {o.title}"]
    if c.layout.output_extras:
        items.append(f"Baseline: {o.baseline}")
    return text(*items, rowspan=rowspan)


def framework(c: Composer) -> None:
    spec, lay = c.spec, c.layout
    oc = spec.outcomes[0]
    outcome_preamble(c, "Country Programme", "Project title and ID (ATLAS Award ID)")
    rows: list[list[Cell]] = []
    for o in oc.outputs:
        n = len(o.activities)
        for j, a in enumerate(o.activities):
            row = [output_cell(c, o, n), text(*o.targets, rowspan=n)] if j == 0 else []
            row += [text(activity_label(c, a)), text(a.party)]
            if j == 0:
                row.append(text(*inputs(c, o), rowspan=n))
            rows.append(row)
    rows.append(
        [
            Cell(colspan=2),
            text(MANAGEMENT_ROW),
            Cell(),
            text(f"US$ {lay.usd(spec.management_total)}"),
        ]
    )
    c.table(
        (24, 22, 30, 12, 12),
        [
            header(
                (
                    "INTENDED OUTPUTS",
                    "OUTPUT TARGETS FOR (YEARS)",
                    "INDICATIVE ACTIVITIES",
                    "RESPONSIBLE PARTIES",
                    "INPUTS",
                )
            )
        ],
        rows,
    )


def inputs(c: Composer, o: Output) -> tuple[str, ...]:
    """The output's budget as the framework's INPUTS cell prints it: the sum, or a total
    and its split by source."""
    lay, budget = c.layout, c.spec.output_budget(o)
    if lay.inputs == "plain":
        return (f"US$ {lay.usd(budget)}",)
    return (
        f"Total: USD {lay.usd(budget)}",
        *(f"{f.fund_name}: {lay.usd(v)}" for f, v in c.spec.fund_split(o)),
    )


def annual_plan(c: Composer, year: int) -> None:
    money = money_order(
        c,
        {
            "fund": (("PLANNED BUDGET", "Source of Funds"), 8),
            "account": (("PLANNED BUDGET", "Budget Description"), 14),
        },
    )
    columns = [
        (("EXPECTED OUTPUTS",), 17),
        (("PLANNED ACTIVITIES",), 25),
        *((("TIMEFRAME", f"Q{q}"), 3) for q in range(1, 5)),
        (("RESPONSIBLE PARTY",), 11),
        *money,
        (("PLANNED BUDGET", "Amount"), 9),
    ]
    rows = year_rows(
        c, year, lambda o, n: output_cell(c, o, n), lambda a: activity_label(c, a), ""
    )
    c.sheet(columns, 2, rows)


def compose(spec: ProjectDocument, layout: Layout) -> list[Block]:
    c = Composer(spec, layout)
    print_cover(c, cover)
    narrative_chapter(c, 1, spec.chapter("situation"))
    narrative_chapter(c, 2, spec.chapter("strategy"))
    c.landscape()
    chapter_heading(c, 3, "Results and Resources Framework")
    framework(c)
    if layout.sheet_per_page:
        c.add(PageBreak())
    chapter_heading(c, 4, "Annual Work Plan")
    for i, year in enumerate(spec.years):
        if i and layout.sheet_per_page:
            c.add(PageBreak())
        c.para(
            (layout.caption or "Year: {year}").format(year=year),
            bold=True,
            keep_with_next=True,
            align="left",
        )
        annual_plan(c, year)
    c.portrait()
    narrative_chapter(c, 5, spec.chapter("management"))
    narrative_chapter(c, 6, spec.chapter("monitoring"))
    narrative_chapter(c, 7, spec.chapter("legal"))
    c.landscape()
    annex_heading(c, 1, "Risk Log")
    c.para(f"Project Title: {spec.title}")
    c.para(f"Award ID: {spec.award_id}")
    c.risk_log("2007")
    return c.blocks
