"""Stage 3b: from page grids to logical tables.

Each grid's header rows are found and its columns given roles from the
header vocabulary (`data/vocabulary.json`), years and quarters; columns with
no header get a role from what their cells hold (fund and account codes,
amounts).  A table is classified by the roles it has, never by where it is.
Fragments on consecutive pages with the same columns are stitched into one
table; a first row that continues the previous page's last row is flagged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from itertools import takewhile

from .geometry import group_lines
from .labels import (
    CAPTION_SLACK,
    ID_IN_CELL,
    NUMBERED_PART,
    OUTPUT_NUMBER,
    PART_LABEL,
    PROJECT_YEAR,
    QUARTER,
    YEAR,
    YEAR_IN_TEXT,
    exact_header,
    header_role,
    is_data_text,
    is_header_text,
    is_mark,
    is_value_text,
    is_year_caption,
    month_of,
    months_spelt,
    quarter_of,
)
from .layout import in_margin
from .model import BBox, Document, Grid, Page, Region, TextLine, Word
from .numbers import parse_amount
from .readings import TableReading
from .reference import vocabulary
from .roles import ColumnText, kind_marks, likely_kind, names_role, read_roles
from .text import flatten, normalise_label

MARK_CONTRAST = (
    0.05  # a shaded mark is at least this much darker (grey level) than its row
)
MAX_LABEL_WORDS = (
    4  # a line label of no activity is short (`GMS`, `Project management`)
)
MIN_SUPPORT = 0.2  # cells that bear a role out: more than prose alone
YEARLY_TEXT_ROLES = (
    "targets",
    "baseline",
    "indicator",
)  # roles a header may split into one column per year


@dataclass
class Column:
    index: int
    header: str = ""
    role: str | None = None
    year: int | None = None
    quarter: int | None = None
    month: int | None = None  # a grid by month: its quarter is the month's
    scale: int = 1  # '000 $ columns multiply by 1000
    # `Amount Year 2`: the project's second year, dated by `date_project_years`
    year_no: int | None = None
    evidence: float = 0.0  # the score of its role's evidence (`roles`)
    named: str | None = None  # the role its header names exactly, if any
    support: float = 0.0  # what its cells add to its role's evidence


@dataclass
class Row:
    page: int
    cells: list[str]  # text of the cell covering each column (spans repeated)
    starts: list[bool]  # whether the covering cell begins on this row
    shades: list[float]  # grey level of each cell's fill, 1 = white
    cell_ids: list[int]  # identity of the covering cell, to tell spans apart
    first_on_page: bool = False  # the first row with text of a table's later page
    boxes: list[Region] = field(default_factory=list)  # one per page it is printed on
    total: bool | None = None  # a total row or a line, as a person said (`readings`)

    def get(self, column: Column | None) -> str:
        return self.cells[column.index] if column is not None else ""


UNCLASSIFIED = "unclassified"
YEAR_OR_QUARTER = "year_or_quarter"  # the role a kind's rule gives a dated column


@dataclass
class Table:
    kind: str  # a contract table's role, or `unclassified`
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    caption: str = ""  # text printed just above the table (e.g. a budget year)
    bbox: BBox = (0.0, 0.0, 0.0, 0.0)  # of its first fragment
    ruled: bool = True  # read from ruling lines, or from a header line and the text

    def column(self, role: str) -> Column | None:
        return next((c for c in self.columns if c.role == role), None)

    @property
    def quarter_columns(self) -> list[Column]:
        return [c for c in self.columns if c.quarter is not None]

    @property
    def year_columns(self) -> list[Column]:
        """Columns that stand for a whole year (a plan by year)."""
        return [
            c
            for c in self.columns
            if c.year is not None and c.quarter is None and c.role is None
        ]

    def columns_of(self, role: str) -> list[Column]:
        return [c for c in self.columns if c.role == role]

    @cached_property
    def marks_with_glyphs(self) -> bool:
        """Whether the quarter grid marks with glyphs (X, a tick): then its
        shading is decoration (bands of rows), never a mark."""
        return any(
            is_mark(row.cells[c.index])
            for row in self.rows
            for c in self.quarter_columns
        )


def header_row_count(grid: Grid) -> int:
    """Rows at the top that name columns and hold no data: a header word in
    one of their cells, or years and quarters alone (a year in a row of
    text is a date of the body); at most four."""
    count = 0
    for r in range(min(4, grid.n_rows)):
        cells = {
            c: grid.at(r, c).text.replace("\n", " ")
            for c in range(grid.n_cols)
            if grid.starts_here(r, c) and grid.at(r, c).text.strip()
        }
        texts = list(cells.values())
        named = (
            any(names_role(t) for t in texts)
            or all(is_header_text(t) for t in texts)
            or bool(months_spelt(texts))
            or r > 0
            and all(
                exact_header(f"{own_line(grid, r - 1, c)} {t}")
                for c, t in cells.items()
            )
        )
        # a row of cells' rest (`delay the adoption of ...`) opens in lower
        # case, unlike a month or the end of a header above (`party`)
        carried = r > 0 and any(
            t[:1].islower()
            and month_of(t) is None
            and not exact_header(f"{own_line(grid, r - 1, c)} {t}")
            for c, t in cells.items()
        )
        if not texts or any(is_data_text(t) for t in texts) or not named or carried:
            break
        count = r + 1
    return count


def own_line(grid: Grid, row: int, col: int) -> str:
    """The last line of the cell over one column (`Source of`, whose `Funds`
    fell into the row below)."""
    cell = grid.at(row, col)
    return cell.text.split("\n")[-1] if cell is not None and cell.col_span == 1 else ""


def grid_columns(grid: Grid, n_header: int) -> list[Column]:
    """Columns with their header text, role, year and quarter.  A column's
    own header (the lowest cell over it alone) names its role; a header
    spanning several columns (`Planned budget ('000 $)`) adds its scale."""
    columns = [Column(c) for c in range(grid.n_cols)]
    for col in columns:
        own: list[str] = []
        parts, seen = [], set()
        for r in range(n_header):
            cell = grid.at(r, col.index)
            if cell is None or id(cell) in seen:
                continue
            seen.add(id(cell))
            words = []
            lines = []
            for line in cell.text.split("\n"):  # a cell may hold `2020` over `Q1`
                year = YEAR.match(line.strip())
                if year:
                    col.year = int(year.group(1))
                elif line.strip():
                    lines.append(line.strip())
            whole = " ".join(lines)
            for line in [whole] if QUARTER.match(whole) else lines:  # `Q.` over `2`
                quarter = QUARTER.match(line)
                if quarter:
                    col.quarter = int(quarter.group(1) or quarter.group(2))
                elif month_of(line):
                    col.month = month_of(line)
                    col.quarter = quarter_of(col.month)
                else:
                    words.append(line)
            text = " ".join(words)
            if text:
                parts.append(text)
                if cell.col_span == 1:
                    own = words
        col.header = " ".join(parts)
        relative = PROJECT_YEAR.search(col.header) if col.year is None else None
        col.year_no = int(relative.group(1)) if relative else None
        role = (
            own_role(own)
            or header_role(col.header)[0]
            or (header_role(parts[0])[0] if parts else None)
        )
        dated = col.year is not None or col.year_no is not None
        if col.quarter is None and (not dated or role in YEARLY_TEXT_ROLES):
            # a year column of targets stays a targets column, with its year
            col.role = col.named = role
            col.scale = header_role(col.header)[1]
    date_month_initials(columns)
    drop_empty_quarters(columns, grid, n_header)
    propagate_years([c for c in columns if c.quarter is not None])
    return columns


def date_month_initials(columns: list[Column]) -> None:
    """Columns headed by one letter each that spell the months (`J F M A M
    J ...`) are the months of a grid by month, each in its quarter."""
    run: list[Column] = []
    for col in [*columns, None]:
        if col is not None and len(col.header) == 1 and col.header.isalpha():
            run.append(col)
            continue
        months = months_spelt([c.header for c in run]) or []
        for month_col, month in zip(run, months, strict=False):
            month_col.month, month_col.quarter = month, quarter_of(month)
            month_col.role = None
        run = []


def propagate_years(quarters: list[Column]) -> None:
    """Give every quarter column its year from one that has it: the year
    steps up where the quarter number falls (Q4 -> Q1), whether the year
    label spans its quarters or stands over one of them."""
    anchor = next((i for i, c in enumerate(quarters) if c.year is not None), None)
    if anchor is None:
        return
    period = [c.month or c.quarter * 3 for c in quarters]  # a quarter by its last month
    for i in range(anchor + 1, len(quarters)):
        step = 1 if period[i] <= period[i - 1] else 0
        quarters[i].year = quarters[i - 1].year + step
    for i in range(anchor - 1, -1, -1):
        step = 1 if period[i] >= period[i + 1] else 0
        quarters[i].year = quarters[i + 1].year - step


def own_role(lines: list[str]) -> str | None:
    """The role a column's own header names.  Where its lower lines form a
    phrase of their own (`PLANNED BUDGET` over `Budget Description` printed
    in one unruled cell), that phrase wins; where its upper lines do and the
    rest is a note (`PLANNED ACTIVITIES` over `List activity results ...`),
    the upper phrase names it.  A line that carries on the sentence of the
    line above (after `and`, a comma) starts no phrase."""
    for start in range(len(lines)):
        if exact_header(" ".join(lines[start:])) and not (
            start and runs_on(lines[start - 1])
        ):
            return header_role(" ".join(lines[start:]))[0]
    whole = header_role(" ".join(lines))[
        0
    ]  # with a word broken in a narrow cell: `Budget descriptio n`
    if whole is not None:
        return whole
    for end in range(len(lines) - 1, 0, -1):
        name, note = " ".join(lines[:end]), " ".join(lines[end:]).split()
        # `Risk` over `holder` is one name of two words, broken, not a note
        if exact_header(name) and (len(note) > 1 or len(name.split()) > 1):
            return header_role(name)[0]
    return None


def runs_on(line: str) -> bool:
    """Whether a header line's sentence goes on in the next line."""
    words = normalise_label(line).split()
    return (
        not words
        or line.rstrip().endswith((",", "/", "-"))
        or words[-1] in vocabulary()["small_title_words"]
    )


def drop_empty_quarters(columns: list[Column], grid: Grid, n_header: int) -> None:
    """Under a year cell that heads quarter columns, columns without a
    quarter label are unused quarters, not whole-year columns."""
    for col in columns:
        if col.year is None or col.quarter is not None:
            continue
        year_cell = next(
            (
                grid.at(r, col.index)
                for r in range(n_header)
                if YEAR.match(grid.text(r, col.index).strip())
            ),
            None,
        )
        siblings = [
            c
            for c in columns
            if c.quarter is not None
            and year_cell is not None
            and year_cell.col <= c.index < year_cell.col + year_cell.col_span
        ]
        if siblings:
            col.year = None


def assign_roles(
    columns: list[Column], rows: list[Row], reading: TableReading | None = None
) -> None:
    """Give the columns their roles jointly from the evidence of their
    headers and their cells (`roles`), and from what a person said of the
    table (`reading`): a header its cells contradict loses its role, and a
    column without a header gets one from what it holds.  Quarter columns,
    and year columns of amounts, keep no role unless a person gave one."""
    last_dated = max(
        (c.index for c in columns if c.quarter is not None or c.year is not None),
        default=-1,
    )
    given = reading.roles if reading else {}
    open_columns = [c for c in columns if not holds_dates(c) or c.index in given]
    texts = [
        ColumnText(
            col.header,
            col.named,
            [r.cells[col.index] for r in rows if r.starts[col.index]],
            after_dated=0 <= last_dated < col.index,
        )
        for col in open_columns
    ]
    read = (
        reading.read_roles(texts, [c.index for c in open_columns])
        if reading
        else read_roles(texts)
    )
    for col, chosen in zip(open_columns, read, strict=True):
        col.role, col.evidence, col.support = chosen.role, chosen.score, chosen.content


def read_as_likely_kind(columns: list[Column], rows: list[Row]) -> str | None:
    """A table its headers did not classify, read again as the kind its
    columns' roles point to (`roles.likely_kind`), that kind's roles lent to
    the columns with any evidence of them; kept where the new reading meets
    the kind's rules, else the first reading stands."""
    guess = likely_kind([c.role for c in columns])
    if guess is None:
        return None
    first = [(c.role, c.evidence) for c in columns]
    assign_roles(columns, rows, TableReading(kind=guess))
    if classify(columns) == guess:
        return guess
    for col, (role, score) in zip(columns, first, strict=True):
        col.role, col.evidence = role, score
    return None


def holds_dates(column: Column) -> bool:
    """A quarter column, or a year column of amounts (not of targets)."""
    dated = column.year is not None or column.year_no is not None
    return column.quarter is not None or dated and column.role is None


def grid_rows(grid: Grid, start: int) -> list[Row]:
    """The body rows of `grid` from row `start`."""
    rows: list[Row] = []
    for r in range(start, grid.n_rows):
        cells, starts, shades, ids = [], [], [], []
        for c in range(grid.n_cols):
            cell = grid.at(r, c)
            cells.append(cell.text if cell else "")
            starts.append(bool(cell) and cell.row == r)
            shades.append(cell.shade if cell else 1.0)
            ids.append(id(cell) if cell else 0)
        rows.append(
            Row(
                grid.page,
                cells,
                starts,
                shades,
                ids,
                boxes=[(grid.page, row_box(grid, r))],
            )
        )
    return rows


def row_box(grid: Grid, r: int) -> BBox:
    """The band of grid row `r` across the table, grown to the text of the
    cells that begin and end on it (a word may stand a little over a rule)."""
    x0, x1 = grid.col_edges[0], grid.col_edges[-1]
    top, bottom = grid.row_edges[r], grid.row_edges[r + 1]
    for cell in (c for c in grid.cells if c.row == r and c.row_span == 1):
        for line in cell.lines:
            x0, top = min(x0, line.x0), min(top, line.top)
            x1, bottom = max(x1, line.x1), max(bottom, line.bottom)
    return (x0, top, x1, bottom)


def classify(columns: list[Column]) -> str | None:
    """The first table kind of `table_kinds` (`data/vocabulary.json`) one of
    whose rules the column roles meet: every role of its `required` and one
    of its `any`. A column of a year or a quarter (`2019`, `Q1`, `Year 2`)
    counts as the role `year_or_quarter`, whatever its header role."""
    roles = {c.role for c in columns if c.role}
    if any(
        c.quarter is not None or c.year is not None or c.year_no is not None
        for c in columns
    ):
        roles.add(YEAR_OR_QUARTER)
    for kind, rules in vocabulary()["table_kinds"].items():
        if any(
            all(r in roles for r in rule["required"])
            and any(r in roles for r in rule["any"])
            for rule in rules
        ) and held_by_cells(kind, columns):
            return kind
    return None


def held_by_cells(kind: str, columns: list[Column]) -> bool:
    """Whether the cells bear the kind out where its marks ask them to
    (`supported` in `role_profiles.json`: a framework's outputs or
    activities are labelled or numbered, not only headed so)."""
    needed = kind_marks(kind).get("supported")
    return not needed or any(
        c.role in needed and c.support >= MIN_SUPPORT for c in columns
    )


def date_project_years(tables: list[Table], start_year: int | None) -> None:
    """Give `Year 1`, `Year 2` ... columns their calendar year, counted from
    the year the project starts."""
    for column in (
        c for t in tables for c in t.columns if c.year is None and c.year_no is not None
    ):
        column.year = start_year + column.year_no - 1 if start_year else None


def similar_geometry(a: Grid, b: Grid, tolerance: float = 6.0) -> bool:
    """The same columns: the same rules, or, for tables read from their
    header line (whose column edges follow the words of each page), the
    same column headers."""
    if a.n_cols != b.n_cols:
        return False
    if not (a.ruled or b.ruled) and a.column_names and a.column_names == b.column_names:
        return True
    return all(
        abs(x - y) <= tolerance for x, y in zip(a.col_edges, b.col_edges, strict=False)
    )


def same_timing(a: list[Column], b: list[Column]) -> bool:
    return [(c.year, c.quarter, c.year_no) for c in a] == [
        (c.year, c.quarter, c.year_no) for c in b
    ]


def lines_across(
    page: Page, grid: Grid, near: Callable[[Word], bool]
) -> list[TextLine]:
    """The page's body lines (no running header or footer) of the words
    within the table's width that `near` keeps, top to bottom."""
    words = [
        w
        for w in page.words
        if near(w) and w.x1 >= grid.bbox[0] and w.x0 <= grid.bbox[2]
    ]
    return [ln for ln in group_lines(words, page.number) if not in_margin(ln, page)]


def caption_above(page: Page, grid: Grid, reach: float = 36.0) -> str:
    """The text line printed just above a table (within `reach` points),
    below the page's running header."""
    lines = lines_across(
        page, grid, lambda w: grid.bbox[1] - reach <= w.bottom <= grid.bbox[1] + 1
    )
    return lines[-1].text if lines else ""


def caption_overleaf(page: Page, grid: Grid) -> str:
    """The caption of the table that starts overleaf, printed at the foot of
    the page under its lowest table `grid`: the last line above the page's
    footer, when it is a short line naming a year that starts no further in
    than the table's left edge (a caption, not the end of a cell's text)."""
    lines = lines_across(page, grid, lambda w: w.top >= grid.bbox[3] - 1)
    return (
        lines[-1].text
        if lines
        and lines[-1].x0 <= grid.bbox[0] + CAPTION_SLACK
        and is_year_caption(lines[-1].text)
        else ""
    )


def names_other_year(caption: str, table_caption: str) -> bool:
    """A caption over a fragment that names another year than the table's
    opens a new table (the next annual sheet), not a continuation."""
    years = set(YEAR_IN_TEXT.findall(caption))
    return bool(years) and years != set(YEAR_IN_TEXT.findall(table_caption))


def find_tables(
    doc: Document, readings: Mapping[int, TableReading] | None = None
) -> list[Table]:
    """Every table of the document, classified or not, stitched over page
    breaks: a grid on the next page with the same column geometry and the
    same years continues a classified table, with or without a repeated
    header.  `readings` are what a person said of tables, by their number
    (from 1, as `tables.csv` numbers them)."""
    readings = readings or {}
    tables: list[Table] = []
    previous: tuple[Grid, Table] | None = None
    foot = ""  # the line under the lowest table of the page before
    for page in doc.pages:
        top = min((g.bbox[1] for g in page.grids), default=0.0)
        for grid in page.grids:
            n_header = header_row_count(grid)
            rows = grid_rows(grid, n_header)
            caption = caption_above(page, grid) or (foot if grid.bbox[1] == top else "")
            if (
                previous is not None
                and page.number - previous[0].page == 1
                and similar_geometry(previous[0], grid)
            ):
                table = previous[1]
                if (
                    n_header == 0
                    or same_timing(table.columns, grid_columns(grid, n_header))
                ) and not names_other_year(caption, table.caption):
                    if n_header and rows:
                        drop_header_rest(table, grid_columns(grid, n_header), rows)
                    while rows and not any(c.strip() for c in rows[0].cells):
                        rows.pop(0)  # what is left of a repeated header
                    if rows:
                        rows[0].first_on_page = True
                    if carries_on_last_row(table, rows) and join_last_row(
                        table, rows[0]
                    ):
                        rows.pop(0)
                    table.rows.extend(rows)
                    table.pages.append(page.number)
                    previous = (grid, table)
                    continue
            columns = grid_columns(grid, n_header)
            reading = readings.get(len(tables) + 1)
            assign_roles(columns, rows, reading)
            kind = reading.kind_of(classify(columns)) if reading else classify(columns)
            if kind is None and reading is None:
                kind = read_as_likely_kind(columns, rows)
            table = Table(
                kind or UNCLASSIFIED,
                columns,
                rows,
                [page.number],
                caption,
                grid.bbox,
                grid.ruled,
            )
            tables.append(table)
            if kind:  # a box or a note beside a table does not break its run over pages
                previous = (grid, table)
        lowest = max(page.grids, key=lambda g: g.bbox[3], default=None)
        foot = caption_overleaf(page, lowest) if lowest else ""
    for no, reading in readings.items():
        for r, total in reading.rows.items():
            if no <= len(tables) and r < len(tables[no - 1].rows):
                tables[no - 1].rows[r].total = total
    return tables


def total_row(row: Row, read: bool) -> bool:
    """Whether a row is a total: as a person said, else as it was `read`."""
    return read if row.total is None else row.total


def drop_header_rest(table: Table, repeated: list[Column], rows: list[Row]) -> None:
    """A header repeated on a later page whose cells are too small for their
    words (`Responsible Party/ Implementing` over `Agent`): the words that
    complete the table's own header are the header's, not the first row's
    (nor the rows its cell spans)."""
    first = rows[0]
    for own, shown in zip(table.columns, repeated, strict=False):
        rest = own.header[len(shown.header) :].strip() if shown.header else ""
        if not own.header.startswith(shown.header) or not rest:
            continue
        lines = first.cells[own.index].split("\n")
        head = lines[0].strip()
        if head.startswith(rest):
            lines[0] = head[len(rest) :]
        elif head.endswith(rest):  # `72100Code`: set beside the first value
            lines[0] = head[: -len(rest)]
        else:
            continue
        text = "\n".join(ln.strip() for ln in lines if ln.strip())
        for row in rows:
            if row.cell_ids[own.index] == first.cell_ids[own.index]:
                row.cells[own.index] = text


def key_column(table: Table) -> Column | None:
    """The column whose text tells the rows apart: activity, or description."""
    return table.column("activity") or table.column("description")


def holds_values(column: Column) -> bool:
    """A column of amounts or quarter marks."""
    return column.role == "amount" or any(
        v is not None for v in (column.year, column.quarter, column.year_no)
    )


def carries_on_last_row(table: Table, rows: list[Row]) -> bool:
    """Whether the first row of a page is the rest of the previous page's
    last row (a row broken inside its cells): its key cell (activity or
    description) opens mid-sentence, with no id; or its key cell is empty
    and it holds only the rest of text cells, no amount or mark."""
    key = key_column(table)
    if not rows or not table.rows or key is None:
        return False
    first = rows[0]
    if first.get(table.column("risk_no")).strip():
        return False
    text = first.get(key).strip()
    if not text:
        last, columns = table.rows[-1], {c.index: c for c in table.columns}
        filled = [i for i, cell in enumerate(first.cells) if cell.strip()]
        return bool(filled) and all(
            last.cells[i].strip() and not holds_values(columns[i]) for i in filled
        )
    return not text[0].isupper() and not ID_IN_CELL.match(text)


def join_last_row(table: Table, rest: Row) -> bool:
    """Join `rest`, a page's first row that carries on the previous page's
    last row, to that row; return whether it was used up.

    A row broken inside its cells gives each cell's rest to the cell above.
    A row that also holds values of its own (an amount or a mark, where the
    row above has one too) is a new row beside a spanning cell broken over
    the page: only that cell's rest joins the cell above, and the row keeps
    the rest as part of the same span."""
    last = table.rows[-1]
    own_values = any(
        holds_values(column)
        and is_value_text(last.get(column))
        and is_value_text(rest.get(column))
        for column in table.columns
    )
    key = key_column(table)
    for c, text in enumerate(rest.cells):
        if not text.strip() or (own_values and (key is None or c != key.index)):
            continue
        joined = f"{last.cells[c]}\n{text}" if last.cells[c].strip() else text
        for row in takewhile(
            # the lambda runs within this iteration: c is the column at hand
            lambda row: row is last or row.cell_ids[c] == last.cell_ids[c] != 0,  # noqa: B023
            reversed(table.rows),
        ):
            row.cells[c] = joined
        last.shades[c] = min(last.shades[c], rest.shades[c])
        rest.cells[c], rest.starts[c], rest.cell_ids[c] = (
            joined,
            False,
            last.cell_ids[c],
        )
    if not own_values:
        last.boxes.extend(rest.boxes)
    return not own_values


def line_item(table: Table, row: Row) -> tuple[str | None, str] | None:
    """(activity number or None, label) when the row opens a new item of a
    plan or budget: an activity cell beginning here, or a label of no
    activity (`GMS`, `Miscellaneous`) printed in the activity or the output
    column; None when the row goes on with the item above (an activity cell
    spanning from above makes the output column's text the output's own)."""
    activity = table.column("activity")
    spanned = (
        activity is not None
        and not row.starts[activity.index]
        and bool(row.get(activity).strip())
    )
    for role in ("activity", "output"):
        column = table.column(role)
        text = (
            flatten(row.get(column))
            if column is not None and row.starts[column.index]
            else ""
        )
        if not text:
            continue
        number, _ = activity_id(text)
        overleaf = (  # the rest of a cell broken over the page
            row.first_on_page
            and len(text.split()) > MAX_LABEL_WORDS
            and not NUMBERED_PART.match(text)  # `Component 3: ...` opens a part
        )
        if number:
            return number, ""
        if overleaf or (
            role == "output"
            and (
                not text[0].isupper()
                or OUTPUT_NUMBER.match(text)
                or PART_LABEL.match(text)
                or spanned
            )
        ):
            # text run on from above, or the output's own cell (its activities
            # open the items, its baseline goes with it); a lower-case line in
            # the activity column is a milestone of the activity above
            return None
        return None, text
    return None


def quarter_marked(table: Table, row: Row, col: Column) -> bool:
    """A mark glyph in the quarter's cell, or, in a grid that marks by
    shading, the cell shaded darker than the row's other cells (a band of
    row shading marks nothing)."""
    text = row.cells[col.index].strip()
    if text or table.marks_with_glyphs:
        return is_mark(text)
    others = sorted(row.shades[c.index] for c in table.columns if c.quarter is None)
    band = others[len(others) // 2] if others else 1.0
    return row.shades[col.index] < band - MARK_CONTRAST


def table_year(table: Table) -> int | None:
    """A single year that the table's caption or year headers name."""
    years = {c.year for c in table.columns if c.year is not None}
    if len(years) == 1:
        return years.pop()
    digits = "".join(ch if ch.isdigit() else " " for ch in table.caption).split()
    found = [int(d) for d in digits if len(d) == 4 and d[:2] in ("19", "20")]
    return found[0] if found else None


def activity_id(text: str) -> tuple[str | None, str]:
    """The activity number a cell opens with (`Activity 1.2.1 ...`,
    `(1.2.1) ...`, `2.2.1National ...`) and the text after it."""
    m = ID_IN_CELL.match(text)
    if not m:
        return None, text.strip()
    return re.sub(r"\s+", "", m.group(1)), text[m.end() :].strip()


def output_of(activity: str) -> str:
    """The output an activity number implies: `1.2.3` sits under `1.2`."""
    return activity.rsplit(".", 1)[0] if "." in activity else activity


def outcome_of(number: str) -> int | None:
    """The outcome an output or activity number falls under: its first part."""
    head = number.split(".", 1)[0]
    return int(head) if head.isdigit() else None


def money(text: str, column: Column | None) -> int | None:
    """The amount a money cell prints: the amount alone, or the total of a
    cell that splits it by source (`Total: USD 300,000` over `UNDP:
    100,000` ...; without a total line, the parts added up)."""
    value = parse_amount(text)
    if value is None:
        value = labelled_total(text)
    if value is None:
        return None
    scale = column.scale if column is not None else 1
    return int((value * Decimal(scale)).to_integral_value())


LABELLED_AMOUNT = re.compile(
    r"([^\d:]*?):?\s*(?:US\s*\$|USD|\$)?\s*(\d[\d,.]*\d|\d)(?=\s|$)", re.I
)


def labelled_amounts(text: str) -> list[tuple[str, Decimal | None]]:
    """(label, amount) of each labelled amount in `text`."""
    return [
        (normalise_label(label), parse_amount(amount))
        for label, amount in LABELLED_AMOUNT.findall(flatten(text))
    ]


def source_part(text: str) -> bool:
    """Whether `text` gives amounts by their source (`Government: 37,500`)
    and no total: the part of a total printed above it."""
    parts = labelled_amounts(text)
    return (
        bool(parts)
        and parse_amount(text) is None
        and all(label and not label.startswith("total") for label, _ in parts)
    )


def labelled_total(text: str) -> Decimal | None:
    """`Total: USD 300,000 UNDP: 100,000 Donor: 200,000` -> 300000;
    `UNDP: 100,000 Donor: 200,000` -> 300000; None for other text."""
    parts = labelled_amounts(text)
    if (
        len(parts) < 2
        and not any(label.startswith("total") for label, _ in parts)
        or any(value is None or not label for label, value in parts)
    ):
        return None
    total = next((value for label, value in parts if label.startswith("total")), None)
    return total if total is not None else sum(value for _, value in parts)
