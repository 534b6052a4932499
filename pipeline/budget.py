"""Stage 4c: annual budget sheets -> one budget line per printed amount.

A line belongs to the activity whose cell covers its row; a row whose
activity cell holds a label without a number (`GMS`, `Overhead`) is a line
of no activity and keeps that label.  Accounts printed as `71300 Local
Consultants` or as the description alone are both resolved through the
Atlas reference table.  Subtotal and total rows are not lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .labels import YEAR_IN_TEXT, is_grand_total, is_total
from .model import Region
from .numbers import parse_amount
from .reference import account_descriptions
from .tables import (
    Column,
    Row,
    Table,
    line_item,
    money,
    quarter_marked,
    table_year,
    total_row,
)
from .text import flatten, normalise_label

FUND_CODE = re.compile(r"(?<![\d.,])(\d{5,6})(?![\d.,])")
CODE_IN_TEXT = re.compile(r"\d{5,6}")
CODE_PREFIX = re.compile(r"^\s*(\d{5,6})\b\s*[-–:]?\s*(.*)$", re.S)


@dataclass
class BudgetLine:
    year: int | None
    activity_id: str | None
    label: str
    responsible_party: str
    fund_code: str
    fund_printed: str
    account_code: str
    account_printed: str
    amount_usd: int | None
    amount_printed: str
    page: int
    quarters: tuple[int, ...] = ()
    boxes: list[Region] = field(default_factory=list)


def account_of(text: str) -> tuple[str, str]:
    """(code, printed) for an account cell: the code as printed, or looked up
    from a printed standard description."""
    flat = flatten(text)
    m = CODE_PREFIX.match(flat) or CODE_PREFIX.match(unbroken_code(text))
    if m:
        return m.group(1), flat
    by_description = {normalise_label(d): c for d, c in account_descriptions().items()}
    return by_description.get(normalise_label(flat), ""), flat


def fund_of(text: str) -> str:
    """The fund code printed in the cell (`04000`, `UNDP TRAC 04000`)."""
    m = FUND_CODE.search(flatten(text)) or FUND_CODE.search(unbroken_code(text))
    return m.group(1) if m else ""


def unbroken_code(text: str) -> str:
    """A cell whose code broke over two lines in a narrow column (`0400` /
    `0`): its digits joined again across the line break."""
    return flatten(re.sub(r"(?<=\d)\n(?=\d)", "", text))


def row_quarters(table: Table, row: Row, marked: dict[int, bool]) -> tuple[int, ...]:
    """The quarters a budget line's row marks.  A quarter cell spanning
    several rows is judged on the row where it starts (`marked`, by cell),
    whose shading it shares."""
    for c in table.quarter_columns:
        if row.starts[c.index] or row.cell_ids[c.index] not in marked:
            marked[row.cell_ids[c.index]] = quarter_marked(table, row, c)
    return tuple(
        c.quarter
        for c in table.quarter_columns
        if c.quarter is not None and marked[row.cell_ids[c.index]]
    )


def read_budget_table(table: Table) -> tuple[list[BudgetLine], list[PrintedTotal]]:
    """The table's budget lines, and its total rows with what they total."""
    party_col = table.column("party")
    fund_col, account_col, amount_col = (
        table.column("fund"),
        table.column("account"),
        table.column("amount"),
    )
    year = table_year(table)
    name = f"{year} {table.kind}" if year and not table.year_columns else table.kind
    scale = amount_col.scale if amount_col is not None and not table.year_columns else 1
    lines: list[BudgetLine] = []
    totals: list[PrintedTotal] = []
    bounds = [0]  # where the lines after each total row begin
    current_id: str | None = None
    current_label = current_party = ""
    marked: dict[int, bool] = {}
    donor_col = table.column("donor")
    fund_above = FundAbove()
    for row in table.rows:
        item = line_item(table, row)
        donor = flatten(row.get(donor_col))
        if item is not None:
            current_id, current_label = item
        party = flatten(row.get(party_col))
        if (
            party or item is not None
        ):  # a party cell left blank below a page break is the one above it
            current_party = party
        fund_cell = fund_above.carried(row, fund_col, item is not None)
        amounts = amount_cells(table, row, amount_col, year)
        label = total_label(row) if row.total is not False else ""
        summed = summed_lines(amounts, lines, bounds)
        sums = bool(summed) and unaccounted(row, account_col, fund_col, summed)
        if not label and total_row(row, sums):
            # a sub-total without a total word (`Sub-total GEF`, `Management`)
            label = row_label(row) or "(sum of the lines above)"
        if label:
            years = sorted(int(y) for y in YEAR_IN_TEXT.findall(label))
            named = range(years[0], years[-1] + 1) if years else range(0)
            totalled = (  # a copy: lines go on
                [line for line in lines if line.year in named]  # `Total 2016`
                if any(line.year in named for line in lines)
                else lines[0 if is_grand_total(label) else bounds[-1] :]
                if summed is None
                else summed
            )
            totals += [
                PrintedTotal(label, line_year, value, totalled, scale, row.page, name)
                for line_year, value, _ in amounts
                if value is not None
            ]
            bounds.append(len(lines))
            fund_above.forget()
            continue
        for line_year, value, printed in amounts:
            code, account_printed = account_of(row.get(account_col))
            lines.append(
                BudgetLine(
                    year=line_year,
                    activity_id=current_id,
                    label="" if current_id else current_label,
                    responsible_party=current_party,
                    fund_code=fund_of(fund_cell),
                    # the fund as printed, with its donor where a column names it
                    fund_printed=" ".join(t for t in (flatten(fund_cell), donor) if t),
                    account_code=code,
                    account_printed=account_printed,
                    amount_usd=value,
                    amount_printed=printed,
                    page=row.page,
                    quarters=row_quarters(table, row, marked),
                    boxes=row.boxes,
                )
            )
    return lines, totals


def amount_cells(
    table: Table, row: Row, amount_col: Column | None, year: int | None
) -> list[tuple[int | None, int | None, str]]:
    """(year, amount, printed) for each amount the row prints: one per
    non-zero year column in a plan by year, else the amount column."""
    if table.year_columns:
        found = []
        for col in table.year_columns:
            printed = flatten(row.cells[col.index]) if row.starts[col.index] else ""
            value = money(printed, col)
            if printed and value != 0:
                found.append((col.year, value, printed))
        return found
    if amount_col is None or not row.starts[amount_col.index]:
        return []
    printed = flatten(row.get(amount_col))
    return [(year, money(printed, amount_col), printed)] if printed else []


@dataclass
class PrintedTotal:
    """A total or sub-total row's amount for one year, with the lines it
    totals: those since the previous total row, or all the table's lines
    for a grand total (`TOTAL`)."""

    label: str
    year: int | None
    amount_usd: int
    totalled: list[BudgetLine]
    scale: int
    page: int
    table: str

    @property
    def lines(self) -> list[int]:
        """The amounts of the year's lines it totals."""
        return [
            b.amount_usd
            for b in self.totalled
            if b.year == self.year and b.amount_usd is not None
        ]


@dataclass
class FundAbove:
    """A fund cell merged over lines that a page break cut: printed on the
    first page only, it is the fund of the lines under it overleaf, until a
    total row or a new item."""

    text: str = ""
    page: int = 0

    def carried(self, row: Row, fund_col: Column | None, new_item: bool) -> str:
        own = row.get(fund_col)
        if own.strip():
            self.text, self.page = own, row.page
            return own
        if new_item:
            self.forget()
        return self.text if self.text and row.page > self.page else own

    def forget(self) -> None:
        self.text = ""


def summed_lines(
    amounts: list[tuple[int | None, int | None, str]],
    lines: list[BudgetLine],
    bounds: list[int],
) -> list[BudgetLine] | None:
    """The lines since an earlier total row (the nearest first) whose sums,
    year by year, are the row's amounts: what a total row totals, read from
    the document's own arithmetic."""
    printed = [(y, v) for y, v, _ in amounts if v is not None]
    if not printed or not any(v for _, v in printed):
        return None
    for start in sorted(set(bounds), reverse=True):
        group = lines[start:]
        if group and all(
            sum(b.amount_usd or 0 for b in group if b.year == y) == v
            for y, v in printed
        ):
            return group
    return None


def unaccounted(
    row: Row, account_col: Column | None, fund_col: Column | None, summed: list
) -> bool:
    """A row that names no account and no fund (or, in a sheet without such
    columns, sums two lines or more) cannot be a line of its own."""
    if account_col is None and fund_col is None:
        return len(summed) >= 2
    return not any(
        CODE_IN_TEXT.search(row.get(col)) for col in (account_col, fund_col) if col
    )


def row_label(row: Row) -> str:
    """The first text of a row that is no amount: a sub-total's own words."""
    return next(
        (
            flatten(t)
            for t, starts in zip(row.cells, row.starts, strict=True)
            if starts and t.strip() and parse_amount(flatten(t)) is None
        ),
        "",
    )


def total_label(row: Row) -> str:
    return next(
        (flatten(t) for t in row.cells if t.strip() and is_total(flatten(t))), ""
    )


def read_budget(tables: list[Table]) -> tuple[list[BudgetLine], list[PrintedTotal]]:
    lines: list[BudgetLine] = []
    totals: list[PrintedTotal] = []
    for table in (t for t in tables if t.kind == "budget"):
        found, printed = read_budget_table(table)
        lines += found
        totals += printed
    return lines, totals
