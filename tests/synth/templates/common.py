"""Pieces every template generation uses: headings, narrative, money
sentences, the cover key/value tables and the risk log."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from ..document import Align, Block, Cell, Heading, PageBreak, Para, Table
from ..layout import Layout
from ..spec import ACCOUNTS, Activity, BudgetLine, Chapter, Output, Passage, ProjectDocument, Risk

MANAGEMENT_ROW = "Project management and General Management Support (GMS)"
ROMAN = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
NUMBER_WORDS = ("", "One", "Two", "Three", "Four", "Five", "Six")

RISK_COLUMNS_2007 = ("ID", "Description", "Category", "Impact & Probability",
                     "Countermeasures / Management response", "Owner", "Author", "Date Identified",
                     "Last Update", "Status")
RISK_COLUMNS_2016 = ("#", "Description", "Date Identified", "Type", "Impact & Probability",
                     "Countermeasures / Mngt response", "Owner", "Submitted, updated by", "Last Update", "Status")


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

    def para(self, text: str, *, bold: bool = False, size_delta: float = 0.0, align: Align | None = None,
             keep_with_next: bool = False) -> None:
        self.add(Para(text, bold=bold, size_delta=size_delta, align=align, keep_with_next=keep_with_next))

    def passages(self, passages: Sequence[Passage]) -> None:
        for p in passages:
            self.add(Para(p.text, bold=p.kind == "sub", bullet=p.kind == "bullet", keep_with_next=p.kind == "sub",
                          align="left" if p.kind == "sub" else None))

    def table(self, widths: Sequence[float], header: Sequence[Sequence[Cell]], body: Sequence[Sequence[Cell]],
              size: float | None = None) -> None:
        lay = self.layout
        self.add(Table(tuple(widths), tuple(tuple(r) for r in header), tuple(tuple(r) for r in body),
                       lay.rules, lay.repeat_header, lay.split_rows, size or lay.table_size, lay.header_shade))

    def landscape(self) -> None:
        """Start the big tables: on a landscape page if the layout says so, else on a new portrait page."""
        self.add(PageBreak("landscape" if self.layout.landscape else "portrait"))

    def portrait(self) -> None:
        self.add(PageBreak("portrait"))

    def key_values(self, rows: Sequence[tuple[str, str | Sequence[str]]]) -> None:
        """A two-column cover table: bold label, value (one or more lines)."""
        body = [(Cell((label,), bold=True), Cell((value,) if isinstance(value, str) else tuple(value)))
                for label, value in rows]
        self.add(Table((30, 70), (), tuple(body), self.layout.rules, False, True, self.layout.body_size - 1))

    def risk_log(self, columns: tuple[str, ...]) -> None:
        rows = [risk_row(r, columns) for r in self.spec.risks]
        widths = {"Description": 16, "Countermeasures / Management response": 20,
                  "Countermeasures / Mngt response": 20, "Impact & Probability": 13}
        self.table([widths.get(c, 7) for c in columns], [header(columns)], rows)


def header(names: Sequence[str]) -> list[Cell]:
    return [Cell((n,), bold=True) for n in names]


def bold(text: str, colspan: int = 1, rowspan: int = 1) -> Cell:
    return Cell((text,), colspan=colspan, rowspan=rowspan, bold=True)


def text(*items: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell(tuple(i for i in items if i), colspan=colspan, rowspan=rowspan)


def amount(value: str, rowspan: int = 1, bold_: bool = False) -> Cell:
    return Cell((value,) if value else (), rowspan=rowspan, align="right", bold=bold_)


def spanning(cell: Cell, rowspan: int) -> Cell:
    return replace(cell, rowspan=rowspan)


def money_cells(c: Composer, party: str, fund: str, account: str, value: int) -> list[Cell]:
    """Party, fund, account and amount, as every budget table prints them."""
    lay = c.layout
    return [text(party), text(lay.fund_text(fund, c.spec.fund_name(fund))),
            text(lay.account_text(account, ACCOUNTS[account])), amount(lay.usd(value))]


def line_cells(c: Composer, ln: BudgetLine) -> list[Cell]:
    return money_cells(c, ln.party, ln.fund, ln.account, ln.amount)


def year_rows(c: Composer, year: int, output_cell: Callable[[Output, int], Cell],
              activity_text: Callable[[Activity], str], management_label: str) -> list[list[Cell]]:
    """The body of a budget sheet (2007) or annual work plan (2009) for one
    year: each activity's lines, with the output, the activity and its four
    quarter marks spanning them; then the management lines and a TOTAL row."""
    spec, lay = c.spec, c.layout
    rows: list[list[Cell]] = []
    for o in spec.outputs:
        first = len(rows)
        for a in o.activities:
            lines = [ln for ln in spec.activity_lines(a.id) if ln.year == year]
            quarters = spec.quarters(a.id, year)
            for j, ln in enumerate(lines):
                marks = [spanning(lay.mark(q in quarters), len(lines)) for q in range(1, 5)]
                head = [text(activity_text(a), rowspan=len(lines)), *marks] if j == 0 else []
                rows.append(head + line_cells(c, ln))
        if len(rows) > first:
            rows[first].insert(0, output_cell(o, len(rows) - first))
    management = [ln for ln in spec.management_lines() if ln.year == year]
    for j, ln in enumerate(management):
        head = [text(management_label, rowspan=len(management))] if j == 0 else []
        rows.append([*head, text(ln.label), *[Cell()] * 4, *line_cells(c, ln)])
    total = sum(ln.amount for ln in spec.lines_in(year))
    rows.append([Cell(), bold("TOTAL"), Cell(colspan=7), amount(lay.usd(total), bold_=True)])
    return rows


def risk_row(r: Risk, columns: tuple[str, ...]) -> list[Cell]:
    values = {
        "ID": r.no, "#": r.no, "Description": r.description, "Category": r.category, "Type": r.category,
        "Owner": r.owner, "Author": r.author, "Submitted, updated by": r.author,
        "Date Identified": r.date_identified, "Last Update": r.last_update, "Status": r.status,
        "Countermeasures / Management response": r.countermeasures,
        "Countermeasures / Mngt response": r.countermeasures,
    }
    return [text(r.impact, f"P = {r.probability}") if c == "Impact & Probability" else text(values[c])
            for c in columns]


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
            parts.append(f"{millions(value)} is committed from the {funding.source} cost sharing contribution")
        else:
            parts.append(f"{millions(value)} is provided by the {funding.source}")
    joined = ", and ".join(parts) if len(parts) < 3 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return (f"The total budget for the project is {millions(spec.printed_total)} of which {joined}, "
            f"and potentially additional resources may be further mobilized.")


def resources_lines(spec: ProjectDocument, lay: Layout, labels: dict[str, str]) -> list[tuple[str, str]]:
    """Cover rows: totals, then one row per source under its template label
    (Regular / Other / Government), the source named in the value."""
    rows = [("Total resources required", f"US$ {lay.usd(spec.printed_total)}"),
            ("Total allocated resources", f"US$ {lay.usd(spec.total)}")]
    for funding, value in spec.funding_amounts():
        kind = ("regular" if funding.source == "UNDP" else
                "government" if funding.source.startswith("Government of") else "other")
        rows.append((labels[kind], f"{funding.source}: US$ {lay.usd(value)}"))
    return rows


def outcome_indicators(indicators: Sequence[str]) -> str:
    return "Indicators: " + "; ".join(indicators)


def styled_heading(c: Composer, forms: tuple[str, str], level: int, number: str, title: str, n: str) -> None:
    """A heading printed in the layout's heading style: `forms` are the
    standard and the alternate format, with {n}, {title} and {TITLE}."""
    form = forms[0] if c.layout.headings == "standard" else forms[1]
    c.heading(form.format(n=n, title=title, TITLE=title.upper()), level, number, title)


def chapter_heading(c: Composer, number: int, chapter_title: str) -> None:
    """A roman-numbered chapter (2009 and 2016 templates)."""
    roman = ROMAN[number]
    styled_heading(c, ("{n}. {TITLE}", "{n}. {title}"), 1, roman, chapter_title, roman)


def annex_heading(c: Composer, number: int, annex_title: str) -> None:
    styled_heading(c, ("ANNEX {n} - {TITLE}", "Annex {n}: {title}"), 1, f"Annex {number}", annex_title, str(number))


def outcome_preamble(c: Composer, framework: str, title_label: str) -> None:
    """The lines above a results framework (2009 and 2016 templates): the
    intended outcome as the `framework` states it, its indicators, and the
    project title under `title_label`."""
    spec = c.spec
    oc = spec.outcomes[0]
    c.para(f"Intended Outcome as stated in the {framework} Results and Resource Framework:", bold=True,
           keep_with_next=True, align="left")
    c.para(oc.statement)
    c.para("Outcome indicators as stated in the Country Programme Results and Resources Framework, including "
           "baseline and targets:", bold=True, keep_with_next=True, align="left")
    c.para(f"Baseline: {oc.baseline}")
    c.para(outcome_indicators(oc.indicators))
    c.para(f"{title_label}: {spec.title} ({spec.award_id})")


def narrative_chapter(c: Composer, number: int, chapter: Chapter) -> None:
    chapter_heading(c, number, chapter.title)
    c.passages(chapter.passages)
