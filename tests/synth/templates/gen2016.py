"""The 2016 template: chapters I-X, a results framework of indicators with
targets by year, and a multi-year work plan with one budget column per year."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..document import Block, Cell, PageBreak, Spacer
from ..layout import Layout
from ..spec import ACCOUNTS, Output, PlanKey, ProjectDocument
from .common import (
    Composer,
    amount,
    annex_heading,
    bold,
    chapter_heading,
    header,
    money_cells,
    money_order,
    narrative_chapter,
    outcome_preamble,
    print_cover,
    resources_lines,
    text,
)

RESOURCE_LABELS = {"regular": "UNDP TRAC", "other": "Donor", "government": "Government"}
SUBTOTAL = "Sub-Total for Output {n}"
YEAR_HEADS = {"year": "{year}", "Y1 year": "Y{i} {year}"}
PlanRow = tuple[PlanKey, dict[int, int]]


def output_items(c: Composer, o: Output) -> tuple[str, ...]:
    if c.layout.output_newline:
        return (f"Output {o.number}", o.title)
    return (f"Output {o.number}: {o.title}",)


def cover(c: Composer) -> None:
    spec, lay = c.spec, c.layout
    c.para(
        "United Nations Development Programme", bold=True, align="center", size_delta=2
    )
    c.para(f"Country: {spec.country}", bold=True, align="center")
    c.add(Spacer(10))
    c.key_values(
        [
            ("Project Title", spec.title),
            ("Project Number", spec.award_id),
            ("Implementing Partner", spec.implementing_partner),
            ("Start Date", f"1 January {spec.start_year}"),
            ("End Date", f"31 December {spec.end_year}"),
        ]
    )
    c.para("Brief Description", bold=True, align="left", keep_with_next=True)
    for paragraph in spec.summary:
        c.para(paragraph)
    c.key_values(
        [
            ("Contributing Outcome (UNDAF/CPD)", spec.cp_outcome),
            (
                "Indicative Output(s) with gender marker",
                [f"Output {o.number}: {o.title} (GEN2)" for o in spec.outputs],
            ),
        ]
    )
    c.key_values(resources_lines(spec, lay, RESOURCE_LABELS))
    c.add(PageBreak())


def results_framework(c: Composer) -> None:
    spec = c.spec
    oc = spec.outcomes[0]
    outcome_preamble(
        c, "UNDAF/Country Programme", "Project title and Atlas Project Number"
    )
    rows: list[list[Cell]] = []
    for o in oc.outputs:
        for j, ind in enumerate(o.indicators):
            row = (
                [text(*output_items(c, o), rowspan=len(o.indicators))] if j == 0 else []
            )
            rows.append(
                row
                + [
                    text(ind.text),
                    text(ind.data_source),
                    text(ind.baseline),
                    text(*ind.targets),
                    text(ind.method),
                ]
            )
    c.table(
        (22, 24, 12, 12, 14, 14),
        [
            header(
                (
                    "Expected outputs",
                    "Output indicators",
                    "Data source",
                    "Baseline value and year",
                    "Targets by year",
                    "Data collection methods",
                )
            )
        ],
        rows,
    )


@dataclass(frozen=True)
class Plan:
    """What one work-plan table prints: its rows' amounts by year, and the
    years it shows as columns (none in a plan of one year under its caption,
    where the amount column holds that year's amount)."""

    amounts: dict[PlanKey, dict[int, int]]
    shown: tuple[int, ...]

    def rows_of(self, item: str) -> list[PlanRow]:
        return [(key, years) for key, years in self.amounts.items() if key.item == item]


def year_cells(c: Composer, plan: Plan, years: dict[int, int]) -> list[Cell]:
    return [
        amount(c.layout.usd(years[y]) if years.get(y) else c.layout.zero)
        for y in plan.shown
    ]


def line_cells(
    c: Composer, plan: Plan, key: PlanKey, years: dict[int, int]
) -> list[Cell]:
    """The year amounts of a row, then its party, fund, account and total."""
    return [
        *year_cells(c, plan, years),
        *money_cells(c, key.party, key.fund, key.account, sum(years.values())),
    ]


def sums(plan: Plan, rows: Iterable[PlanRow]) -> tuple[dict[int, int], int]:
    """The rows' sums per shown year, and their sum over all years."""
    rows = list(rows)
    return (
        {y: sum(years.get(y, 0) for _, years in rows) for y in plan.shown},
        sum(sum(years.values()) for _, years in rows),
    )


def total_cells(
    c: Composer, plan: Plan, label: Cell, rows: Iterable[PlanRow]
) -> list[Cell]:
    """A sub-total or total row: sums per year and overall, nothing else."""
    by_year, total = sums(plan, rows)
    return [
        label,
        *year_cells(c, plan, by_year),
        Cell(colspan=3),
        amount(c.layout.usd(total), bold_=True),
    ]


def output_rows(c: Composer, plan: Plan, o: Output) -> list[list[Cell]]:
    """An output's activity rows and its sub-total; the output cell spans them all."""
    groups = [(a, plan.rows_of(a.id)) for a in o.activities]
    groups = [(a, g) for a, g in groups if g]
    if not groups:
        return []
    rows: list[list[Cell]] = []
    for a, group in groups:
        for j, (key, years) in enumerate(group):
            head = [text(f"{a.id} {a.title}", rowspan=len(group))] if j == 0 else []
            rows.append(head + line_cells(c, plan, key, years))
    rows.append(
        total_cells(
            c,
            plan,
            bold((c.layout.subtotal or SUBTOTAL).format(n=o.id)),
            [r for _, g in groups for r in g],
        )
    )
    rows[0].insert(0, text(*output_items(c, o), rowspan=len(rows)))
    return rows


def plan_table(c: Composer, plan: Plan, total_label: str) -> None:
    lay = c.layout
    heads = [
        YEAR_HEADS[lay.year_heads].format(i=c.spec.years.index(y) + 1, year=y)
        for y in plan.shown
    ]
    columns = [
        (("Expected outputs",), 17),
        (("Planned activities",), 25),
        *((("PLANNED BUDGET", "Planned budget by year", head), 7) for head in heads),
        (("Responsible party",), 9),
        *money_order(
            c,
            {
                "fund": (("Funding source",), 8),
                "account": (("Budget description",), 13),
            },
        ),
        (("Amount",), 8),
    ]
    rows = [row for o in c.spec.outputs for row in output_rows(c, plan, o)]
    management = plan.rows_of("")
    rows += [
        [text(key.label, colspan=2), *line_cells(c, plan, key, years)]
        for key, years in management
    ]
    rows.append(
        total_cells(c, plan, bold(total_label, colspan=2), plan.amounts.items())
    )
    c.sheet(columns, 2, rows)


def work_plan(c: Composer) -> None:
    """One table with a column per year, or one table per year under its caption."""
    spec, lay = c.spec, c.layout
    amounts = spec.year_amounts()
    if lay.plan_years == "columns":
        plan_table(
            c,
            Plan(amounts, tuple(spec.years)),
            lay.total_label.format(year=f"{spec.start_year}-{spec.end_year}"),
        )
        return
    for i, year in enumerate(spec.years):
        if i and lay.sheet_per_page:
            c.add(PageBreak())
        c.para(
            (lay.caption or "Year: {year}").format(year=year),
            bold=True,
            keep_with_next=True,
            align="left",
        )
        of_year = {
            key: {year: years[year]}
            for key, years in amounts.items()
            if years.get(year)
        }
        plan_table(c, Plan(of_year, ()), lay.total_label.format(year=year))


def component_cells(
    c: Composer, plan: Plan, key: PlanKey, years: dict[int, int]
) -> list[Cell]:
    """A row of the budget by component: party, fund code and donor, account code and
    description, years, total."""
    lay = c.layout
    return [
        text(key.party),
        text(key.fund),
        text(c.spec.funding_of(key.fund).source),
        text(key.account),
        text(ACCOUNTS[key.account]),
        *year_cells(c, plan, years),
        amount(lay.usd(sum(years.values()))),
    ]


def component_total(
    c: Composer, plan: Plan, label: str, rows: Iterable[PlanRow]
) -> list[Cell]:
    by_year, total = sums(plan, rows)
    return [
        bold(label),
        Cell(colspan=5),
        *year_cells(c, plan, by_year),
        amount(c.layout.usd(total), bold_=True),
    ]


def budget_by_component(c: Composer) -> None:
    """The GEF Total Budget and Workplan: the money of each output's activities
    kept together under the output's component, one column per project year."""
    spec = c.spec
    plan = Plan(spec.year_amounts(by_output=True), tuple(spec.years))
    rows: list[list[Cell]] = []
    for o in spec.outputs:
        group = plan.rows_of(o.id)
        for j, (key, years) in enumerate(group):
            head = [text(o.component, rowspan=len(group))] if j == 0 else []
            rows.append(head + component_cells(c, plan, key, years))
        rows.append(component_total(c, plan, f"Total Component {o.number}", group))
    rows += [
        [text(key.label), *component_cells(c, plan, key, years)]
        for key, years in plan.rows_of("")
    ]
    rows.append(component_total(c, plan, "PROJECT TOTAL", plan.amounts.items()))
    columns = [
        (("Component/Outcome",), 16),
        (("Responsible party",), 8),
        (("Fund ID",), 6),
        (("Donor name",), 10),
        (("Atlas budget account code",), 7),
        (("ATLAS budget description",), 12),
        *(((f"Amount Year {i}",), 7) for i in range(1, len(spec.years) + 1)),
        (("Total (USD)",), 8),
    ]
    c.sheet(columns, 1, rows)


# The chapter that holds the money: its title and what it prints.
BUDGETS = {
    "activities": ("Multi-Year Work Plan", work_plan),
    "components": ("Total Budget and Workplan", budget_by_component),
}


def compose(spec: ProjectDocument, layout: Layout) -> list[Block]:
    c = Composer(spec, layout)
    print_cover(c, cover)
    for number, key in enumerate(
        ("challenge", "strategy", "results", "project_management"), start=1
    ):
        narrative_chapter(c, number, spec.chapter(key))
    c.landscape()
    chapter_heading(c, 5, "Results Framework")
    results_framework(c)
    c.portrait()
    narrative_chapter(c, 6, spec.chapter("monitoring"))
    c.landscape()
    title, budget = BUDGETS[layout.budget]
    chapter_heading(c, 7, title)
    budget(c)
    c.portrait()
    for number, key in enumerate(("governance", "legal", "risk"), start=8):
        narrative_chapter(c, number, spec.chapter(key))
    c.landscape()
    annex_heading(c, 1, "Risk Log")
    c.risk_log("2016")
    return c.blocks
