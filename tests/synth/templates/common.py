"""Pieces every template generation uses: headings, narrative, money
sentences, covers, grouped table headers and the risk log."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar

from ..document import Align, Block, Cell, Heading, PageBreak, Para, Spacer, Table
from ..layout import Layout
from ..spec import (
    ACCOUNTS,
    Activity,
    BudgetLine,
    Chapter,
    Funding,
    Outcome,
    Output,
    Passage,
    ProjectDocument,
    Risk,
)
from ..tablelayout import positions

MANAGEMENT_ROW = "Project management and General Management Support (GMS)"
ROMAN = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
NUMBER_WORDS = ("", "One", "Two", "Three", "Four", "Five", "Six")

RISK_COLUMNS = {
    "2007": (
        "ID",
        "Description",
        "Category",
        "Impact & Probability",
        "Countermeasures / Management response",
        "Owner",
        "Author",
        "Date Identified",
        "Last Update",
        "Status",
    ),
    "2016": (
        "#",
        "Description",
        "Date Identified",
        "Type",
        "Impact & Probability",
        "Countermeasures / Mngt response",
        "Owner",
        "Submitted, updated by",
        "Last Update",
        "Status",
    ),
}
BAND_SHADE = 0.93  # alternate rows: lighter than any mark or header shade
# Header labels of the narrow columns, which a layout may set sideways.
NARROW = frozenset(
    {"Q1", "Q2", "Q3", "Q4", "Q.1", "Q.2", "Q.3", "Q.4", "Source of Funds"}
)
# The fund and account columns of a budget table, in each layout's order.
MONEY_ORDERS = {
    "fund-account": ("fund", "account"),
    "account-fund": ("account", "fund"),
}

Column = tuple[
    str, ...
]  # a column's header labels: its groups from the top, its own label last
T = TypeVar("T")


class Composer:
    """Collects the blocks of one document and applies the layout's table style."""

    def __init__(self, spec: ProjectDocument, layout: Layout) -> None:
        self.spec = spec
        self.layout = layout
        self.blocks: list[Block] = []

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def heading(self, printed: str, level: int, number: str, title: str) -> None:
        self.add(Heading(printed, level, number, title))

    def para(
        self,
        text: str,
        *,
        bold: bool = False,
        size_delta: float = 0.0,
        align: Align | None = None,
        keep_with_next: bool = False,
    ) -> None:
        self.add(
            Para(
                text,
                bold=bold,
                size_delta=size_delta,
                align=align,
                keep_with_next=keep_with_next,
            )
        )

    def passages(self, passages: Sequence[Passage]) -> None:
        for p in passages:
            self.add(
                Para(
                    p.text,
                    bold=p.kind == "sub",
                    bullet=p.kind == "bullet",
                    keep_with_next=p.kind == "sub",
                    align="left" if p.kind == "sub" else None,
                )
            )

    def table(
        self,
        widths: Sequence[float],
        header: Sequence[Sequence[Cell]],
        body: Sequence[Sequence[Cell]],
        size: float | None = None,
    ) -> None:
        """A table in the layout's style: its ruling, its row spans or first-row texts,
        its banding."""
        lay = self.layout
        rows = tuple(tuple(r) for r in body)
        if lay.spans == "first":
            rows = first_rows_only(rows)
        if lay.band:
            rows = banded(rows)
        self.add(
            Table(
                tuple(widths),
                tuple(tuple(r) for r in header),
                rows,
                lay.rules,
                lay.repeat_header,
                lay.split_rows,
                size or lay.table_size,
                lay.header_shade,
            )
        )

    def sheet(
        self,
        columns: Sequence[tuple[Column, float]],
        rows: int,
        body: Sequence[Sequence[Cell]],
        least: int = 1,
        size: float | None = None,
    ) -> None:
        """A table of grouped columns (header labels, relative width) under a header of
        `rows` rows (see `header`)."""
        self.table(
            [w for _, w in columns],
            self.header([col for col, _ in columns], rows, least),
            body,
            size,
        )

    def header(
        self, columns: Sequence[Column], rows: int, least: int = 1
    ) -> list[list[Cell]]:
        """The header of `columns` in `rows` rows, or in as many as the layout
        asks (at least `least`, at most the deepest column has labels): the
        top groups are left out first."""
        deepest = max(len(col) for col in columns)
        depth = min(deepest, max(least, self.layout.header_rows or rows))
        drop = deepest - depth
        sideways = self.layout.vertical_headers
        return header_grid(
            [col[min(drop, len(col) - 1) :] for col in columns],
            depth,
            lambda label: sideways and label in NARROW,
        )

    def landscape(self) -> None:
        """Start the big tables: on a landscape page if the layout says so, else on a
        new portrait page."""
        self.add(PageBreak("landscape" if self.layout.landscape else "portrait"))

    def portrait(self) -> None:
        self.add(PageBreak("portrait"))

    def key_values(self, rows: Sequence[tuple[str, str | Sequence[str]]]) -> None:
        """A two-column cover table: bold label, value (one or more lines)."""
        body = [
            (
                Cell((label,), bold=True),
                Cell((value,) if isinstance(value, str) else tuple(value)),
            )
            for label, value in rows
        ]
        self.add(
            Table(
                (30, 70),
                (),
                tuple(body),
                self.layout.rules,
                False,
                True,
                self.layout.body_size - 1,
            )
        )

    def risk_log(self, template: str) -> None:
        """The risk log with the template's columns, or those the layout names."""
        columns = RISK_COLUMNS[
            template
            if self.layout.risk_columns == "template"
            else self.layout.risk_columns
        ]
        rows = [risk_row(r, columns) for r in self.spec.risks]
        widths = {
            "Description": 16,
            "Countermeasures / Management response": 20,
            "Countermeasures / Mngt response": 20,
            "Impact & Probability": 13,
        }
        self.table([widths.get(c, 7) for c in columns], [header(columns)], rows)


def header(names: Sequence[str]) -> list[Cell]:
    return [Cell((n,), bold=True) for n in names]


def header_grid(
    columns: Sequence[Column], depth: int, sideways: Callable[[str], bool]
) -> list[list[Cell]]:
    """`depth` header rows: a group label over the run of neighbouring columns
    it heads, each column's own label below its groups, reaching down to the
    last row."""
    rows: list[list[Cell]] = [[] for _ in range(depth)]
    for level in range(depth):
        i = 0
        while i < len(columns):
            col = columns[i]
            if level == len(col) - 1:
                rows[level].append(
                    Cell(
                        (col[-1],),
                        rowspan=depth - level,
                        bold=True,
                        vertical=sideways(col[-1]),
                    )
                )
            if level >= len(col) - 1:
                i += 1
                continue
            j = i + 1
            while (
                j < len(columns)
                and len(columns[j]) - 1 > level
                and columns[j][: level + 1] == col[: level + 1]
            ):
                j += 1
            rows[level].append(Cell((col[level],), colspan=j - i, bold=True))
            i = j
    return rows


def first_rows_only(rows: tuple[tuple[Cell, ...], ...]) -> tuple[tuple[Cell, ...], ...]:
    """The rows with every spanning cell's text in its first row and empty cells below
    it."""
    by_row: list[dict[int, Cell]] = [
        {} for _ in rows
    ]  # row -> column -> the cell starting there
    for r, col, cell in positions(rows):
        by_row[r][col] = replace(cell, rowspan=1)
        for below in range(r + 1, r + cell.rowspan):
            by_row[below][col] = Cell(colspan=cell.colspan)
    return tuple(tuple(cells[col] for col in sorted(cells)) for cells in by_row)


def banded(rows: tuple[tuple[Cell, ...], ...]) -> tuple[tuple[Cell, ...], ...]:
    """Every second row shaded (cells with a shade of their own keep it)."""
    return tuple(
        tuple(
            replace(cell, shade=BAND_SHADE) if r % 2 and cell.shade is None else cell
            for cell in row
        )
        for r, row in enumerate(rows)
    )


def bold(text: str, colspan: int = 1, rowspan: int = 1) -> Cell:
    return Cell((text,), colspan=colspan, rowspan=rowspan, bold=True)


def text(*items: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell(tuple(i for i in items if i), colspan=colspan, rowspan=rowspan)


def amount(value: str, rowspan: int = 1, bold_: bool = False) -> Cell:
    return Cell((value,) if value else (), rowspan=rowspan, align="right", bold=bold_)


def spanning(cell: Cell, rowspan: int) -> Cell:
    return replace(cell, rowspan=rowspan)


def money_order(c: Composer, named: dict[str, T]) -> list[T]:
    """The fund and account columns (their headers, widths ...) in the layout's
    order."""
    return [named[k] for k in MONEY_ORDERS[c.layout.money_order]]


def money_cells(
    c: Composer, party: str, fund: str, account: str, value: int
) -> list[Cell]:
    """Party, fund and account (in the layout's order) and amount, as every budget table
    prints them."""
    lay = c.layout
    return [
        text(party),
        *money_order(
            c,
            {
                "fund": text(lay.fund_text(c.spec.funding_of(fund))),
                "account": text(lay.account_text(account, ACCOUNTS[account])),
            },
        ),
        amount(lay.usd(value)),
    ]


def line_cells(c: Composer, ln: BudgetLine) -> list[Cell]:
    return money_cells(c, ln.party, ln.fund, ln.account, ln.amount)


def year_rows(
    c: Composer,
    year: int,
    output_cell: Callable[[Output, int], Cell],
    activity_text: Callable[[Activity], str],
    management_label: str,
) -> list[list[Cell]]:
    """The body of a budget sheet (2007) or annual work plan (2009) for one
    year: each activity's lines, with the output, the activity and its four
    quarter marks spanning them (and a sub-total row per output where the
    layout prints one); then the management lines and a total row."""
    spec, lay = c.spec, c.layout
    rows: list[list[Cell]] = []
    for o in spec.outputs:
        first = len(rows)
        for a in o.activities:
            lines = [ln for ln in spec.activity_lines(a.id) if ln.year == year]
            quarters = spec.quarters(a.id, year)
            for j, ln in enumerate(lines):
                marks = [
                    spanning(lay.mark(q in quarters), len(lines)) for q in range(1, 5)
                ]
                head = (
                    [text(activity_text(a), rowspan=len(lines)), *marks]
                    if j == 0
                    else []
                )
                rows.append(head + line_cells(c, ln))
        if len(rows) > first:
            rows[first].insert(0, output_cell(o, len(rows) - first))
            if lay.subtotal:
                ids = {a.id for a in o.activities}
                rows.append(
                    sum_row(
                        c,
                        lay.subtotal.format(n=o.id),
                        sum(
                            ln.amount
                            for ln in spec.lines_in(year)
                            if ln.activity_id in ids
                        ),
                    )
                )
    management = [ln for ln in spec.management_lines() if ln.year == year]
    for j, ln in enumerate(management):
        head = [text(management_label, rowspan=len(management))] if j == 0 else []
        rows.append([*head, text(ln.label), *[Cell()] * 4, *line_cells(c, ln)])
    rows.append(
        sum_row(
            c,
            lay.total_label.format(year=year),
            sum(ln.amount for ln in spec.lines_in(year)),
        )
    )
    return rows


def sum_row(c: Composer, label: str, value: int) -> list[Cell]:
    """A total or sub-total row of `year_rows`: its label under the activities, its sum
    under the amounts."""
    return [
        Cell(),
        bold(label),
        Cell(colspan=7),
        amount(c.layout.usd(value), bold_=True),
    ]


def risk_row(r: Risk, columns: tuple[str, ...]) -> list[Cell]:
    values = {
        "ID": r.no,
        "#": r.no,
        "Description": r.description,
        "Category": r.category,
        "Type": r.category,
        "Owner": r.owner,
        "Author": r.author,
        "Submitted, updated by": r.author,
        "Date Identified": r.date_identified,
        "Last Update": r.last_update,
        "Status": r.status,
        "Countermeasures / Management response": r.countermeasures,
        "Countermeasures / Mngt response": r.countermeasures,
    }
    return [
        text(r.impact, f"P = {r.probability}")
        if c == "Impact & Probability"
        else text(values[c])
        for c in columns
    ]


def millions(amount: int) -> str:
    """`1315000` -> `US$ 1.315 million`; amounts under 100,000 in dollars."""
    if amount < 100_000:
        return f"US$ {amount:,}"
    return f"US$ {amount / 1e6:.3f}".rstrip("0").rstrip(".") + " million"


def funding_statement(spec: ProjectDocument) -> str:
    """The 2007 template's funding sentence, with every source the spec has."""
    parts = []
    for funding, value in spec.funding_amounts():
        if funding.source == "UNDP":
            parts.append(f"{millions(value)} is from UNDP")
        elif funding.source.startswith("Government of"):
            parts.append(
                f"{millions(value)} is committed from the {funding.source} cost "
                "sharing contribution"
            )
        else:
            parts.append(f"{millions(value)} is provided by the {funding.source}")
    joined = (
        ", and ".join(parts)
        if len(parts) < 3
        else ", ".join(parts[:-1]) + " and " + parts[-1]
    )
    return (
        f"The total budget for the project is {millions(spec.printed_total)} of which "
        f"{joined}, "
        f"and potentially additional resources may be further mobilized."
    )


def source_kind(funding: Funding) -> str:
    return (
        "regular"
        if funding.source == "UNDP"
        else "government"
        if funding.source.startswith("Government of")
        else "other"
    )


def resources_lines(
    spec: ProjectDocument, lay: Layout, labels: dict[str, str]
) -> list[tuple[str, str]]:
    """Cover rows: totals, then one row per source under its template label
    (Regular / Other / Government), the source named in the value."""
    rows = [
        ("Total resources required", f"US$ {lay.usd(spec.printed_total)}"),
        ("Total allocated resources", f"US$ {lay.usd(spec.total)}"),
    ]
    for funding, value in spec.funding_amounts():
        rows.append(
            (labels[source_kind(funding)], f"{funding.source}: US$ {lay.usd(value)}")
        )
    return rows


# How the cover table and the resources box name a source of each kind.
TABLE_SOURCE_LABELS = {
    "regular": "Regular ({source})",
    "other": "Donor ({source})",
    "government": "{source} (cost sharing)",
}
BOX_SOURCE_LABELS = {
    "regular": "UNDP TRAC:",
    "other": "Donor: {source}",
    "government": "{source}:",
}


def source_rows(
    spec: ProjectDocument, lay: Layout, labels: dict[str, str]
) -> list[tuple[str, str]]:
    """One row per source: its label (naming the source), its amount."""
    return [
        (labels[source_kind(f)].format(source=f.source), lay.usd(value))
        for f, value in spec.funding_amounts()
    ]


def table_cover(c: Composer) -> None:
    """The cover as one two-column table of labels and values, the sources in the
    labels."""
    spec, lay = c.spec, c.layout
    c.para(
        "United Nations Development Programme", bold=True, align="center", size_delta=2
    )
    c.para("Project Document", bold=True, align="center", size_delta=2)
    c.add(Spacer(12))
    c.key_values(
        [
            ("Project Title", spec.title),
            ("Country", spec.country),
            ("Expected CP Outcome(s)", spec.cp_outcome),
            ("Implementing Partner", spec.implementing_partner),
            ("Programme Period", f"{spec.start_year}-{spec.end_year}"),
            ("Atlas Award ID", spec.award_id),
            ("Total resources required", lay.usd(spec.printed_total)),
            *source_rows(spec, lay, TABLE_SOURCE_LABELS),
        ]
    )
    c.para("Brief Description", bold=True, align="left", keep_with_next=True)
    for paragraph in spec.summary:
        c.para(paragraph)
    c.add(PageBreak())


def box_cover(c: Composer) -> None:
    """The cover as free lines (the title in large type, no label) and a box of
    resources."""
    spec, lay = c.spec, c.layout
    c.para(
        "United Nations Development Programme", bold=True, align="center", size_delta=2
    )
    c.para("Project Document", align="center", size_delta=1)
    c.add(Spacer(12))
    c.para(spec.title, bold=True, align="center", size_delta=5)
    c.add(Spacer(12))
    for label, value in (
        ("Project Number", spec.award_id),
        ("Implementing Partner", spec.implementing_partner),
        ("Start Date", f"January {spec.start_year}"),
        ("End Date", f"December {spec.end_year}"),
    ):
        c.para(f"{label}: {value}", align="left")
    c.para("Brief Description", bold=True, align="left", keep_with_next=True)
    for paragraph in spec.summary:
        c.para(paragraph)
    c.key_values(
        [
            ("Total resources required:", lay.usd(spec.printed_total)),
            ("Total resources allocated:", lay.usd(spec.total)),
            *source_rows(spec, lay, BOX_SOURCE_LABELS),
            ("In-Kind:", "-"),
            ("Unfunded:", "-"),
        ]
    )
    c.add(PageBreak())


def print_cover(c: Composer, own: Callable[[Composer], None]) -> None:
    """The template's own cover (`own`), or the style the layout names."""
    {"template": own, "table": table_cover, "box": box_cover}[c.layout.cover](c)


def outcome_indicators(indicators: Sequence[str]) -> str:
    return "Indicators: " + "; ".join(indicators)


def styled_heading(
    c: Composer, forms: tuple[str, str], level: int, number: str, title: str, n: str
) -> None:
    """A heading printed in the layout's heading style: `forms` are the
    standard and the alternate format, with {n}, {title} and {TITLE}."""
    form = forms[0] if c.layout.headings == "standard" else forms[1]
    c.heading(form.format(n=n, title=title, TITLE=title.upper()), level, number, title)


def chapter_heading(c: Composer, number: int, chapter_title: str) -> None:
    """A roman-numbered chapter (2009 and 2016 templates)."""
    roman = ROMAN[number]
    styled_heading(c, ("{n}. {TITLE}", "{n}. {title}"), 1, roman, chapter_title, roman)


def annex_heading(c: Composer, number: int, annex_title: str) -> None:
    styled_heading(
        c,
        ("ANNEX {n} - {TITLE}", "Annex {n}: {title}"),
        1,
        f"Annex {number}",
        annex_title,
        str(number),
    )


def outcome_preamble(c: Composer, framework: str, title_label: str) -> None:
    """The lines above a results framework (2009 and 2016 templates): the
    intended outcome as the `framework` states it, its indicators, and the
    project title under `title_label`; or the outcome in the CPD style."""
    spec = c.spec
    oc = spec.outcomes[0]
    if c.layout.preamble == "cpd":
        cpd_outcome(c, oc)
    else:
        c.para(
            f"Intended Outcome as stated in the {framework} Results and Resource "
            "Framework:",
            bold=True,
            keep_with_next=True,
            align="left",
        )
        c.para(oc.statement)
        c.para(
            "Outcome indicators as stated in the Country Programme Results and "
            "Resources Framework, including "
            "baseline and targets:",
            bold=True,
            keep_with_next=True,
            align="left",
        )
        c.para(f"Baseline: {oc.baseline}")
        c.para(outcome_indicators(oc.indicators))
    c.para(f"{title_label}: {spec.title} ({spec.award_id})")


def cpd_outcome(c: Composer, oc: Outcome) -> None:
    """An outcome as a country programme document states it: number, short title and
    statement on one line."""
    c.para(f"CPD Outcome {oc.no} – {oc.title}: {oc.statement}", align="left")
    c.para(f"Baseline: {oc.baseline}")
    c.para(outcome_indicators(oc.indicators))


def narrative_chapter(c: Composer, number: int, chapter: Chapter) -> None:
    chapter_heading(c, number, chapter.title)
    c.passages(chapter.passages)
