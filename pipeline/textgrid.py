"""Tables without vertical rulings: a grid from the header line and the text.

A header line is a line whose word groups (separated by wide gaps) name at
least two table columns from the vocabulary, or years and quarters.  Column
boundaries are placed in the white space between header groups where the
fewest body words cross; rows are cut at horizontal rules where the table
has them, else at wider line gaps and at lines that open an activity number.
The result is an ordinary `Grid` (spans of one), so the same table stages
read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from .geometry import cell_shade, group_lines
from .labels import (
    BARE_OUTPUT_LABEL,
    CAPTION_SLACK,
    ID_IN_CELL,
    OUTPUT_NUMBER,
    PROJECT_YEAR,
    QUARTER,
    YEAR,
    exact_header,
    header_role,
    is_data_text,
    is_header_text,
    is_value_text,
    is_year_caption,
    longest_phrase_words,
)
from .model import Cell, Grid, Page, TextLine, Word
from .numbers import parse_amount
from .roles import names_role
from .sections import parse_heading

GROUP_GAP = 0.9  # a gap wider than this share of the font size separates word groups
HEADER_GROUP_GAP = 0.6  # ... and, within a header line already found, column headers
ROW_GAP = 0.55  # a line gap wider than this share of the font size starts a new row
HEADER_GAP = 1.5  # header lines closer than this many font sizes belong together
LABEL_VALUE = re.compile(r"^[^\W\d][\w ]{0,30}:\s+\S")  # `Baseline: Communities ...`
AWAITING_VALUE = re.compile(r"(:|\b(?:USD|US\$|\$)\)?|\((?:USD|US\$|\$)\))\s*$", re.I)
LEAD_SLACK = 0.5  # points: lines this close to one leading are set at it
SPACE_SHARE = 0.25  # a word space, as a share of the type size
TABLE_END_GAP = 3.0  # a gap wider than this many font sizes ends the table
# an unruled table ending below this share of the page height may go on overleaf
TABLE_RUNS_ON = 0.75
MIN_COLUMNS = 3
TOP_MARGIN = 0.06  # running headers sit above this share of the page height
ALIGNED_SHARE = 0.9  # share of a page's top lines that must fall inside a carried table
MIN_RULE = (
    3.0  # shorter horizontal strokes are not rules (underlines of marks, bullets)
)
MAX_HEADER_CELL_WORDS = 4  # a line of a header cell: `Responsible Partner/Individual`
MAX_HEADER_WORDS = 7  # a header: `TARGETS (by frequency of data collection)`
MAX_STAGGERED_LINES = 6  # header lines a table's column headers may be spread over
MAX_SUB_HEADER_WORDS = (
    2  # a sub-header names a column in a word or two (`Value`, `Year`, `2017`)
)


@dataclass
class HeaderGroup:
    x0: float
    x1: float
    text: str


def word_groups(line: TextLine, gap: float = GROUP_GAP) -> list[HeaderGroup]:
    """Runs of words separated by wide gaps; a run that reads as two column
    headers side by side (`Budget ('000` + `Res. Parties`) is split."""
    groups: list[list[Word]] = []
    for w in line.words:
        if groups and w.x0 - groups[-1][-1].x1 <= gap * w.size:
            groups[-1].append(w)
        else:
            groups.append([w])
    return [
        HeaderGroup(g[0].x0, g[-1].x1, " ".join(w.text for w in g))
        for ws in groups
        for g in split_headers(ws)
    ]


def split_headers(words: list[Word]) -> list[list[Word]]:
    text = " ".join(w.text for w in words)
    if len(words) < 2 or exact_header(text):
        return [words]
    if all(
        QUARTER.match(w.text) or YEAR.match(w.text) for w in words
    ):  # narrow columns: `Q.1 Q.2`, `2018 2019`
        return [[w] for w in words]
    for i in range(max(1, len(words) - longest_phrase_words()), len(words)):
        left, right = (
            " ".join(w.text for w in words[:i]),
            " ".join(w.text for w in words[i:]),
        )
        if exact_header(right) and is_header_text(left):
            return [words[:i], words[i:]]
    return [words]


def merged_groups(lines: list[list[HeaderGroup]]) -> list[HeaderGroup]:
    """One group per column over several header lines.  A group that spans
    two groups of another line (`Planned budget by year` over `2018 2019`,
    a wrapped header overhanging its neighbour) names no single column and
    is left out; the others join the groups they overlap."""
    kept = [
        g
        for line in lines
        for g in line
        if not any(
            sum(overlaps(g, o) for o in other) >= 2
            for other in lines
            if other is not line
        )
    ]
    merged: list[HeaderGroup] = []
    for g in sorted(kept, key=lambda g: g.x0):
        if merged and overlaps(g, merged[-1]):
            last = merged[-1]
            merged[-1] = HeaderGroup(
                last.x0, max(last.x1, g.x1), f"{last.text} {g.text}"
            )
        else:
            merged.append(g)
    return merged


def header_groups(line: TextLine, loose: bool = True) -> list[HeaderGroup] | None:
    groups = word_groups(line)
    return groups if names_columns(groups, loose) else None


def names_columns(groups: list[HeaderGroup], loose: bool = True) -> bool:
    """Groups that read as a table's column headers: three or more, at least
    two named by the vocabulary (or one and quarters), no values, no label
    with its value (`Baseline: Communities in ...` is a body line).  Named
    exactly, or (`loose`) by the word families of a role's phrases."""
    if len(groups) < MIN_COLUMNS:
        return False
    names = names_role if loose else lambda text: bool(header_role(text)[0])
    named = sum(1 for g in groups if names(g.text))  # years also stand in body rows
    timing = sum(
        1
        for g in groups
        if QUARTER.match(g.text.strip())
        or YEAR.match(g.text.strip())
        or PROJECT_YEAR.search(g.text)
    )
    quarters = sum(1 for g in groups if QUARTER.match(g.text.strip()))
    mostly_named = (
        named * 3 >= len(groups) - timing
    )  # not a justified line of prose, spread into words
    lower = sum(1 for g in groups if g.text[:1].islower())
    return (
        (named >= 2 or bool(named) and quarters >= 2)
        and mostly_named
        and lower <= 1  # a justified line of prose spreads into lower-case words
        and not any(
            is_data_text(g.text)
            or LABEL_VALUE.match(g.text)
            or len(g.text.split()) > MAX_HEADER_WORDS  # a line of cells' prose
            for g in groups
        )
    )


def staggered_header(lines: list[TextLine], start: int) -> int:
    """How many lines from `start` make a header whose cells are set at
    different heights (vertically centred, or wrapped to different depths),
    so that no line alone names the columns; 0 where none do."""
    if not any(names_role(g.text) for g in word_groups(lines[start])):
        return 0
    for end in range(start + 2, min(start + MAX_STAGGERED_LINES, len(lines)) + 1):
        last = lines[end - 1]
        groups = word_groups(last)
        if (
            last.top - lines[end - 2].bottom > HEADER_GAP * last.size
            or header_groups(last) is not None
            or any(
                is_data_text(g.text) or len(g.text.split()) > MAX_HEADER_CELL_WORDS
                for g in groups
            )
        ):
            return 0
        if names_columns(
            merged_groups(
                [word_groups(ln, HEADER_GROUP_GAP) for ln in lines[start:end]]
            )
        ):
            return end - start
    return 0


def lowest(lines: list[TextLine]) -> TextLine:
    """The line reaching furthest down: in a header, one with text set
    sideways may reach below the lines that follow it."""
    return max(lines, key=lambda ln: ln.bottom)


def continues_header(header: list[TextLine], line: TextLine) -> bool:
    gap = line.top - lowest(header).bottom
    above = [g for h in header for g in word_groups(h, HEADER_GROUP_GAP)]
    groups = word_groups(line)
    sideways = not any(
        w.upright for w in line.words
    )  # hangs lower in its tall cell: its height counts
    size = min(w.size for w in line.words) if sideways else line.size
    reach = HEADER_GAP * size + (line.bottom - line.top if sideways else 0)
    if gap > reach or any(
        is_data_text(g.text) and not finishes_heading(g, above) for g in groups
    ):
        return False
    return gap < ROW_GAP * size or all(is_header_text(g.text) for g in groups)


def finishes_heading(group: HeaderGroup, above: list[HeaderGroup]) -> bool:
    """A number under `Amount Year` or `Q.`: the rest of the heading `Year
    1` or `Q.1`, wrapped in a narrow column."""
    return group.text.strip().isdigit() and any(
        overlaps(group, a)
        and bool(
            PROJECT_YEAR.search(f"{a.text} {group.text}")
            or QUARTER.match(a.text.split()[-1] + group.text.strip())
        )
        for a in above
    )


def boundaries(groups: list[HeaderGroup], body: list[Word]) -> list[float]:
    """Column edges: between the middles of two header groups, the x crossed
    by the fewest body words (ties go to the right-hand header's left edge,
    as columns are mostly left-aligned)."""
    edges = [min(groups[0].x0, min((w.x0 for w in body), default=groups[0].x0)) - 1]
    for left, right in zip(groups, groups[1:], strict=False):
        lo, hi = int((left.x0 + left.x1) / 2), int((right.x0 + right.x1) / 2)
        best = min(
            range(lo, hi + 1),
            key=lambda x: (sum(1 for w in body if w.x0 < x < w.x1), abs(x - right.x0)),
        )
        edges.append(float(best))
    edges.append(
        max(groups[-1].x1, max((w.x1 for w in body), default=groups[-1].x1)) + 1
    )
    return edges


def text_grids(
    page: Page,
    words: list[Word],
    taken: list[Grid],
    carried: Grid | None = None,
) -> list[Grid]:
    """Grids for the header-led tables of a page that no ruled grid covers
    (among `words`, the page's without its running header and footer), and
    for the top of the page where `carried`, an unruled table that filled
    the previous page, goes on without repeating its header."""
    hrules = page.hrules
    free = [
        w
        for w in words
        if not any(
            g.bbox[1] <= w.y_mid <= g.bbox[3] and g.bbox[0] <= w.x_mid <= g.bbox[2]
            for g in taken
        )
    ]
    lines = [
        ln for ln in group_lines(free, page.number) if ln.top > page.height * TOP_MARGIN
    ]
    grids: list[Grid] = []
    i = floor = 0
    if carried is not None and lines and not taken:
        body = table_body(lines, 0, None)
        if body and aligned(body, carried.col_edges):
            words = [w for ln in body for w in ln.words]
            # the outer edges reach the body's words (a header's may be narrower)
            cols = [
                min(carried.col_edges[0], min(w.x0 for w in words) - 1),
                *carried.col_edges[1:-1],
                max(carried.col_edges[-1], max(w.x1 for w in words) + 1),
            ]
            groups = [
                HeaderGroup(x0, x1, name)
                for x0, x1, name in zip(
                    cols, cols[1:], carried.column_names, strict=False
                )
            ]
            grids.append(build_text_grid(page, [], body, groups, hrules, cols))
            i = floor = len(body)
    while i < len(lines):
        depth = 1 if header_groups(lines[i]) is not None else staggered_header(lines, i)
        if not depth:
            i += 1
            continue
        j = i + depth
        while i > floor and opens_header(lines[i - 1], lines[i]):
            i -= 1  # the first lines of header cells wrapped deeper than this one
        header = lines[i:j]
        while j < len(lines) and continues_header(header, lines[j]):
            header.append(
                lines[j]
            )  # a header over two lines (wrapped, or years above quarters)
            j += 1
        groups = merged_groups([word_groups(h, HEADER_GROUP_GAP) for h in header])
        subs = sub_header(lines[j], groups) if j < len(lines) else None
        if subs is not None:
            header.append(
                lines[j]
            )  # `Value  Year` under BASELINE, `2017 2018 2019` under TARGETS
            j += 1
        body = table_body(lines, j, lowest(header))
        if body or lowest(header).bottom > page.height * TABLE_RUNS_ON:
            # a header at the foot of a page: its body starts overleaf
            grids.append(build_text_grid(page, header, body, groups, hrules, subs=subs))
        i = floor = j + len(body)
    return grids


def opens_header(line: TextLine, below: TextLine) -> bool:
    """Whether `line` is the first line of a header found on the line below
    it: set tight above it, short groups, no values, no heading."""
    groups = word_groups(line)
    return (
        below.top - line.bottom < ROW_GAP * below.size
        and len(groups) >= 2
        and not any(
            is_data_text(g.text) or len(g.text.split()) > MAX_HEADER_CELL_WORDS
            for g in groups
        )
        and parse_heading(line, line.size) is None
    )


def overlaps(a: HeaderGroup, b: HeaderGroup) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1


def sub_header(line: TextLine, groups: list[HeaderGroup]) -> list[HeaderGroup] | None:
    """The groups of a second header line that divides header groups into
    columns of their own: short labels or years, no values, each under one
    header group, and at least two under one of them."""
    subs = word_groups(line, HEADER_GROUP_GAP)
    parents = [[p for p in groups if overlaps(g, p)] for g in subs]
    if (
        len(subs) < 2
        or any(len(ps) != 1 for ps in parents)
        or any(
            is_data_text(g.text) or len(g.text.split()) > MAX_SUB_HEADER_WORDS
            for g in subs
        )
    ):
        return None
    counts = [sum(ps[0] is p for ps in parents) for p in groups]
    return subs if max(counts) >= 2 else None


def column_groups(
    groups: list[HeaderGroup], subs: list[HeaderGroup] | None
) -> list[HeaderGroup]:
    """The groups that make columns: a header group, or the sub-header
    groups under it where it has two or more."""
    if not subs:
        return groups
    found: list[HeaderGroup] = []
    for parent in groups:
        under = [g for g in subs if overlaps(g, parent)]
        found += under if len(under) >= 2 else [parent]
    return found


def table_body(
    lines: list[TextLine], start: int, above: TextLine | None
) -> list[TextLine]:
    """The lines from `start` on that belong to a table: up to a wide gap, a
    new header line, a heading, or the caption of the next table."""
    body: list[TextLine] = []
    left = min(ln.x0 for ln in [*lines[start : start + 1], *([above] if above else [])])
    for k in range(start, len(lines)):
        line, prev = lines[k], body[-1] if body else above
        if (
            (prev is not None and ends_table(prev, line))
            # within a table's rows only a header in the vocabulary's own
            # words opens another (cells' words may share a role's family)
            or header_groups(line, loose=False) is not None
            or parse_heading(line, line.size) is not None
            or names_next_table(lines, k, left)
        ):
            break
        body.append(line)
    return body


def ends_table(last: TextLine, line: TextLine) -> bool:
    """A gap wider than a table's row gaps between its `last` line and `line`."""
    return line.top - last.bottom > TABLE_END_GAP * line.size


def names_next_table(lines: list[TextLine], k: int, left: float) -> bool:
    """Whether line `k` is the caption of the table below it (`Year: 2015`
    over the next annual plan's header, or at a page foot over the plan
    overleaf): a short line naming a year, starting no further in than the
    table's `left` edge (a cell's `(2nd Q., 2010)` starts in its column),
    with a header or nothing near under it."""
    if lines[k].x0 > left + CAPTION_SLACK or not is_year_caption(lines[k].text):
        return False
    below = k + 1
    return (
        below == len(lines)
        or ends_table(lines[k], lines[below])
        or header_groups(lines[below]) is not None
        or staggered_header(lines, below) > 0
    )


def aligned(body: list[TextLine], cols: list[float]) -> bool:
    """Whether lines sit in a table's columns: nearly all their words inside
    its width, spread over at least two columns; or all inside one column
    beyond the first, running on mid-sentence (the rest of a cell of the
    table's last row)."""
    words = [w for ln in body for w in ln.words]
    inside = [w for w in words if cols[0] <= w.x_mid <= cols[-1]]
    used = {column_of(cols, w.x_mid) for w in inside}
    if len(used) == 1 and len(inside) == len(words) and body[0].text[:1].islower():
        k = used.pop()
        return (
            k is not None
            and k > 0
            and all(cols[k] - 1 <= w.x0 and w.x1 <= cols[k + 1] + 1 for w in words)
        )
    return (
        len(inside) >= ALIGNED_SHARE * len(words)
        and len(used) >= 2
        and all(
            ln.x1 - ln.x0 < 0.9 * (cols[-1] - cols[0]) or len(word_groups(ln)) > 1
            for ln in body
        )
    )


ROW_OPENING_ROLES = ("activity", "risk_no", "amount", "fund", "account")
CODE_ROLES = ("fund", "account")
CONNECTORS = (
    "and",
    "or",
    "of",
    "the",
    "for",
    "to",
    "in",
    "with",
    "on",
    "by",
    "a",
    "an",
)


def column_of(cols: list[float], x: float) -> int | None:
    return next((k for k in range(len(cols) - 1) if cols[k] <= x < cols[k + 1]), None)


def line_cells(line: TextLine, cols: list[float]) -> dict[int, str]:
    cells: dict[int, list[Word]] = {}
    for w in line.words:
        k = column_of(cols, w.x_mid)
        if k is not None:
            cells.setdefault(k, []).append(w)
    return {k: " ".join(w.text for w in ws) for k, ws in cells.items()}


def opens_row(line: TextLine, cols: list[float], roles: list[str | None]) -> bool:
    """A body line opens a row when it starts an output, an activity or a
    risk number, or prints an amount (one budget line per amount; in a
    table without amounts, a code).  A fund or account code alone on a line
    of a table with amounts is a code wrapped under its name.  In the amount
    column a number is an amount even where it reads like a year (`2000`)."""
    opening = [
        r for r in ROW_OPENING_ROLES if "amount" not in roles or r not in CODE_ROLES
    ]
    for k, text in line_cells(line, cols).items():
        role = roles[k] if k < len(roles) else None
        if role in opening and (
            ID_IN_CELL.match(text)
            or is_data_text(text)
            or role == "amount"
            and parse_amount(text) is not None
        ):
            return True
        if role == "output" and OUTPUT_NUMBER.match(text):
            return True
    return False


def awaits_value(text: str) -> bool:
    """Text ending in a label whose value is printed after it: `Total:`,
    `Total: USD`, `Government (US$)`."""
    return bool(AWAITING_VALUE.search(text))


def carries_on(upper: str, lower: str, wrapped: bool = False) -> bool:
    """Whether `lower` continues the text of the cell above it (a wrapped
    line that landed on the next row) rather than opening a new entry; set
    out as a wrapped line (`wrapped`, see `wraps_into`), any text but a
    label or a value does."""
    upper, lower = upper.rstrip(), lower.lstrip()
    if upper and lower and awaits_value(upper) and not ID_IN_CELL.match(lower):
        return True  # the value of the label above
    if (
        not upper
        or not lower
        or ID_IN_CELL.match(lower)
        or is_value_text(upper)
        or is_value_text(lower)
    ):
        return False  # a mark, code or amount is an entry of its own (`x` under `x`)
    last = upper.split()[-1].lower()
    return (
        wrapped
        or lower[0].islower()
        or bool(BARE_OUTPUT_LABEL.match(upper) and not OUTPUT_NUMBER.match(lower))
        or upper.count("(") > upper.count(")")
        or upper.endswith((",", "-", "/", "&"))
        or last in CONNECTORS
    )


def wraps_into(upper: list[Word], lower: list[Word], right: float) -> bool:
    """Whether the words `lower` of a column are the rest of a paragraph
    wrapped from the words `upper` above them: the upper lines (two or more)
    are set at one leading, the lower text starts one leading below the
    last of them, and its first word would not have fitted at the end of
    that line in a column whose text reaches `right` at the furthest."""
    above, below = group_lines(upper, 0), group_lines(lower, 0)
    if len(above) < 2 or not below:
        return False
    leads = [b.top - a.top for a, b in pairwise(above)]
    lead = leads[-1]
    if max(leads) - min(leads) > LEAD_SLACK:
        return False
    if abs(below[0].top - above[-1].top - lead) > LEAD_SLACK:
        return False
    first = below[0].words[0]
    space = SPACE_SHARE * first.size
    return above[-1].x1 + space + (first.x1 - first.x0) > right


def row_edge_above(body: list[TextLine], i: int) -> float:
    """Where a row opening at body line `i` begins: above the lines that
    overlap it vertically (a tick or a larger glyph printed a little higher
    belongs to the same row)."""
    line = body[i]
    j = i
    while (
        j > 0 and body[j - 1].bottom > line.top + 0.5 and body[j - 1].top < line.bottom
    ):
        j -= 1
    return (body[j - 1].bottom + body[j].top) / 2 if j > 0 else body[0].top - 0.5


def build_text_grid(
    page: Page,
    header: list[TextLine],
    body: list[TextLine],
    groups: list[HeaderGroup],
    hrules: list[tuple[float, float, float]],
    cols: list[float] | None = None,
    subs: list[HeaderGroup] | None = None,
) -> Grid:
    """Rows start at horizontal rules where the table has them; otherwise
    at lines that open a row.  A column's text that carries on over a row
    edge (no rule there, or a wrapped line) becomes one cell spanning both.
    With a sub-header line, the header is two rows, a header group over
    several columns spanning them."""
    page_no, fills = page.number, page.fills
    body_words = [w for ln in body for w in ln.words]
    columns = column_groups(groups, subs)
    cols = cols or boundaries(columns, body_words)
    roles = [header_role(g.text)[0] for g in columns]
    top = (header or body)[0].top - 1
    bottom = (body[-1] if body else lowest(header)).bottom + 1
    body_top = lowest(header).bottom + 0.5 if header else top
    sub_top = [round(header[-1].top - 0.5, 1)] if subs else []
    rules = [
        (x0, x1, y)
        for x0, x1, y in hrules
        if body_top < y < bottom and x1 - x0 > MIN_RULE
    ]
    if len({round(y) for _, _, y in rules}) >= 2:
        edges = sorted({round(y, 1) for _, _, y in rules})
    else:
        edges = []
        above: dict[int, tuple[str, int]] = {}  # column -> its last text, its line
        for i, line in enumerate(body):
            cells = line_cells(line, cols)
            if i and opens_row(line, cols, roles):
                # a value printed under its label (`Total: USD` over `230,000`)
                # opens its row at the label
                start = min(
                    (
                        at
                        for k, (text, at) in above.items()
                        if k in cells and awaits_value(text)
                    ),
                    default=i,
                )
                if start:
                    edges.append(row_edge_above(body, start))
            above.update({k: (text, i) for k, text in cells.items()})
    row_edges = sorted(
        {round(top, 1), *sub_top, round(body_top, 1), *edges, round(bottom, 1)}
    )
    members: dict[tuple[int, int], list[Word]] = {}
    for w in [*(w for ln in header for w in ln.words), *body_words]:
        r = next(
            (
                k
                for k in range(len(row_edges) - 1)
                if row_edges[k] <= w.y_mid < row_edges[k + 1]
            ),
            None,
        )
        c = column_of(cols, w.x_mid)
        if r is not None and c is not None:
            members.setdefault((r, c), []).append(w)
    texts = {
        key: " ".join(ln.text for ln in group_lines(ws, page_no))
        for key, ws in members.items()
    }
    n_header = (2 if subs else 1) if header else 0
    cells = (
        spanning_header_cells(groups, columns, cols, row_edges, members, page_no)
        if subs
        else []
    )
    spanned = {c for cell in cells for c in range(cell.col, cell.col + cell.col_span)}
    rights: dict[int, float] = {}  # how far the body's text reaches in each column
    for (r, c), ws in members.items():
        if r >= n_header:
            rights[c] = max(rights.get(c, 0.0), *(w.x1 for w in ws))
    for c in range(len(cols) - 1):
        r = 1 if c in spanned else 0
        while r < len(row_edges) - 1:
            end = r + 1
            while (
                end < len(row_edges) - 1
                and (r >= n_header or c not in spanned and end < n_header)
                and (
                    end < n_header
                    or joins_below(
                        c, end, texts, cols, row_edges, rules, members, rights
                    )
                )
            ):
                end += 1
            words = [w for k in range(r, end) for w in members.get((k, c), [])]
            cell = Cell(
                r, c, end - r, 1, (cols[c], row_edges[r], cols[c + 1], row_edges[end])
            )
            cell.lines = group_lines(words, page_no)
            cell.shade = cell_shade(cell.bbox, fills)
            cells.append(cell)
            r = end
    return Grid(
        page_no,
        (cols[0], top, cols[-1], bottom),
        cols,
        row_edges,
        cells,
        ruled=False,
        column_names=[g.text for g in columns],
    )


def spanning_header_cells(
    groups: list[HeaderGroup],
    columns: list[HeaderGroup],
    cols: list[float],
    row_edges: list[float],
    members: dict[tuple[int, int], list[Word]],
    page_no: int,
) -> list[Cell]:
    """The first header row's cells over two or more sub-header columns."""
    cells = []
    for parent in groups:
        under = [
            k for k, g in enumerate(columns) if g is not parent and overlaps(g, parent)
        ]
        if len(under) < 2:
            continue
        c0, c1 = min(under), max(under) + 1
        cell = Cell(0, c0, 1, c1 - c0, (cols[c0], row_edges[0], cols[c1], row_edges[1]))
        cell.lines = group_lines(
            [w for c in range(c0, c1) for w in members.get((0, c), [])], page_no
        )
        cells.append(cell)
    return cells


def joins_below(
    c: int,
    row: int,
    texts: dict[tuple[int, int], str],
    cols: list[float],
    row_edges: list[float],
    rules: list[tuple[float, float, float]],
    members: dict[tuple[int, int], list[Word]],
    rights: dict[int, float],
) -> bool:
    """Whether the cell of column `c` in `row` is the same cell as the one
    above: no rule crosses the column at the edge between them, and the
    text carries on (or the lower part is empty).  `members` are the words
    of each (row, column), `rights` how far each column's text reaches."""
    if rules:
        y = row_edges[row]
        mid = (cols[c] + cols[c + 1]) / 2
        return not any(abs(ry - y) < 1.5 and x0 <= mid <= x1 for x0, x1, ry in rules)
    above, below = texts.get((row - 1, c), ""), texts.get((row, c), "")
    wrapped = wraps_into(
        members.get((row - 1, c), []), members.get((row, c), []), rights.get(c, 0.0)
    )
    return bool(above) and carries_on(above, below, wrapped)
