"""Stage 4b: work-plan grids -> one row per marked quarter (or funded year).

A quarter is marked by a mark glyph (X, x, a tick ...) or by a shaded cell.
Rows with no activity number of their own are sub-rows of the activity
above them (e.g. its successive milestones); a row that carries on the
previous page's last row belongs to that row's activity.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .labels import is_total
from .model import Region
from .tables import (
    Row,
    Table,
    activity_id,
    line_item,
    money,
    quarter_marked,
    table_year,
    total_row,
)
from .text import flatten


@dataclass
class Mark:
    activity_id: str
    year: int
    quarter: int | None
    page: int
    sub_activity: str = ""
    title: str = ""
    boxes: list[Region] = field(default_factory=list)


@dataclass
class PlanActivity:
    activity_id: str
    title: str
    party: str
    page: int
    boxes: list[Region] = field(default_factory=list)
    # listed only by a budget kept as a plan by year, beside the grids
    by_year_only: bool = False

    @property
    def gridded(self) -> bool:
        return not self.by_year_only


def read_plan(table: Table) -> tuple[list[Mark], list[PlanActivity]]:
    """Marks and the activities (with their responsible party) of one table."""
    act_col, party_col = table.column("activity"), table.column("party")
    default_year = table_year(table)
    marks: list[Mark] = []
    activities: list[PlanActivity] = []
    current: str | None = None
    opened: list[Region] = []  # where the current activity's row is printed
    sub = ""
    funded: set[tuple[str, int | None]] = set()
    seen: set[tuple[str, int, int | None, str]] = set()
    for row in table.rows:
        item = line_item(table, row)
        label = item[1] if item else ""
        if item and item[0]:
            current, sub, opened = item[0], "", row.boxes
            title = activity_id(flatten(row.get(act_col)))[1]
            activities.append(
                PlanActivity(
                    item[0], title, flatten(row.get(party_col)), row.page, row.boxes
                )
            )
        elif item and (total_row(row, is_total(label)) or table.kind == "budget"):
            current = (
                None  # a subtotal, or a line of no activity (GMS) in a budget table
            )
        elif item:
            sub = label  # a sub-row of the activity above (its next milestone)
        if current is None:
            continue
        for col in table.quarter_columns:  # a mark spanning several quarters marks each
            if not row.starts[col.index]:
                continue
            year = col.year or default_year
            if (
                year is not None
                and quarter_marked(table, row, col)
                and (current, year, col.quarter, sub) not in seen
            ):
                seen.add(
                    (current, year, col.quarter, sub)
                )  # a shaded cell over several rows marks once
                marks.append(
                    Mark(
                        current,
                        year,
                        col.quarter,
                        row.page,
                        sub,
                        boxes=row.boxes + opened,
                    )
                )
        for year in funded_years(
            table, row, default_year
        ):  # a plan by year: one row per activity and year
            if (current, year) not in funded:
                funded.add((current, year))
                marks.append(
                    Mark(current, year, None, row.page, sub, boxes=row.boxes + opened)
                )
    return marks, activities


def funded_years(table: Table, row: Row, table_year: int | None) -> list[int]:
    """The years a row of a plan by year funds: its year columns with an
    amount, or, in an annual sheet without quarters (one per year under
    its caption), the sheet's year where the row has an amount."""
    if table.year_columns:
        return [
            c.year
            for c in table.year_columns
            if row.starts[c.index] and money(flatten(row.cells[c.index]), c)
        ]
    amount = table.column("amount")
    if (
        table.quarter_columns
        or table_year is None
        or amount is None
        or not row.starts[amount.index]
    ):
        return []
    return [table_year] if money(flatten(row.cells[amount.index]), amount) else []


def read_workplan(tables: list[Table]) -> tuple[list[Mark], list[PlanActivity]]:
    """From the work-plan grids; where a document has none, from the budget
    tables that carry the timing (an annual work plan with its budget).
    Where the grids cover some years only (an annual plan beside a
    multi-year plan by year), the other years come from the plan by year,
    and so do the activities the grids do not list."""
    grids = [t for t in tables if t.kind == "workplan"]
    budgets = [t for t in tables if t.kind == "budget"]
    marks, activities = read_plans(grids or budgets)
    if not grids:
        return marks, activities
    by_year, listed = read_plans(budgets)
    covered = {m.year for m in marks if m.quarter is not None}
    marks += [m for m in by_year if m.quarter is None and m.year not in covered]
    known = {a.activity_id for a in activities}
    activities += [
        replace(a, by_year_only=True) for a in listed if a.activity_id not in known
    ]
    return marks, activities


def read_plans(tables: list[Table]) -> tuple[list[Mark], list[PlanActivity]]:
    marks: list[Mark] = []
    activities: list[PlanActivity] = []
    for table in tables:
        m, a = read_plan(table)
        marks.extend(m)
        activities.extend(a)
    return marks, activities
