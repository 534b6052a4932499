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

from dataclasses import dataclass

from .geometry import group_lines
from .labels import ID_IN_CELL, is_data_text, is_header_text
from .model import Cell, Grid, Page, TextLine, Word

GROUP_GAP = 0.9        # a gap wider than this share of the font size separates column groups
ROW_GAP = 0.55         # a line gap wider than this share of the font size starts a new row
HEADER_GAP = 1.5      # header lines closer than this many font sizes belong together
TABLE_END_GAP = 3.0    # a gap wider than this many font sizes ends the table
MIN_COLUMNS = 3


@dataclass
class HeaderGroup:
    x0: float
    x1: float
    text: str


def word_groups(line: TextLine) -> list[HeaderGroup]:
    groups: list[list[Word]] = []
    for w in line.words:
        if groups and w.x0 - groups[-1][-1].x1 <= GROUP_GAP * w.size:
            groups[-1].append(w)
        else:
            groups.append([w])
    return [HeaderGroup(g[0].x0, g[-1].x1, " ".join(w.text for w in g)) for g in groups]


def merged_groups(groups: list[HeaderGroup]) -> list[HeaderGroup]:
    """One group per column over several header lines: groups whose x-ranges
    overlap (a year above its first quarter, a wrapped header) are one."""
    merged: list[HeaderGroup] = []
    for g in sorted(groups, key=lambda g: g.x0):
        if merged and g.x0 <= merged[-1].x1:
            last = merged[-1]
            merged[-1] = HeaderGroup(last.x0, max(last.x1, g.x1), f"{last.text} {g.text}")
        else:
            merged.append(g)
    return merged


def header_groups(line: TextLine) -> list[HeaderGroup] | None:
    groups = word_groups(line)
    if len(groups) < MIN_COLUMNS:
        return None
    named = sum(1 for g in groups if is_header_text(g.text))
    if named < 2 or any(is_data_text(g.text) for g in groups):
        return None
    return groups


def continues_header(last: TextLine, line: TextLine) -> bool:
    gap = line.top - last.bottom
    if gap > HEADER_GAP * line.size or any(is_data_text(g.text) for g in word_groups(line)):
        return False
    return gap < ROW_GAP * line.size or all(is_header_text(g.text) for g in word_groups(line))


def boundaries(groups: list[HeaderGroup], body: list[Word]) -> list[float]:
    """Column edges: in each gap between header groups, the x crossed by the
    fewest body words (ties go right, as columns are mostly left-aligned)."""
    edges = [min(groups[0].x0, min((w.x0 for w in body), default=groups[0].x0)) - 1]
    for left, right in zip(groups, groups[1:]):
        lo, hi = int(left.x1), int(right.x0)
        best = max(range(lo, hi + 1), key=lambda x: (-sum(1 for w in body if w.x0 < x < w.x1), x)) if hi > lo else hi
        edges.append(float(best))
    edges.append(max(groups[-1].x1, max((w.x1 for w in body), default=groups[-1].x1)) + 1)
    return edges


def text_grids(page: Page, taken: list[Grid], hrules: list[tuple[float, float, float]]) -> list[Grid]:
    """Grids for the header-led tables of a page that no ruled grid covers."""
    free = [w for w in page.words if not any(g.bbox[1] <= w.y_mid <= g.bbox[3] and g.bbox[0] <= w.x_mid <= g.bbox[2]
                                             for g in taken)]
    lines = group_lines(free, page.number)
    grids: list[Grid] = []
    i = 0
    while i < len(lines):
        groups = header_groups(lines[i])
        if groups is None:
            i += 1
            continue
        header = [lines[i]]
        j = i + 1
        while j < len(lines) and continues_header(header[-1], lines[j]):
            header.append(lines[j])            # a header over two lines (wrapped, or years above quarters)
            j += 1
        groups = merged_groups([g for h in header for g in word_groups(h)])
        body: list[TextLine] = []
        while j < len(lines):
            prev = body[-1] if body else header[-1]
            if lines[j].top - prev.bottom > TABLE_END_GAP * lines[j].size or header_groups(lines[j]) is not None:
                break
            body.append(lines[j])
            j += 1
        if body:
            grids.append(build_text_grid(page.number, header, body, groups, hrules))
        i = j
    return grids


def build_text_grid(page_no: int, header: list[TextLine], body: list[TextLine], groups: list[HeaderGroup],
                    hrules: list[tuple[float, float, float]]) -> Grid:
    body_words = [w for ln in body for w in ln.words]
    cols = boundaries(groups, body_words)
    top, bottom = header[0].top - 1, body[-1].bottom + 1
    rules = sorted(y for x0, x1, y in hrules if top < y < bottom and x1 - x0 > 0.5 * (cols[-1] - cols[0]))
    row_edges = [top, header[-1].bottom + 0.5]
    if len(rules) >= 2:
        row_edges += [y for y in rules if y > row_edges[-1] + 1]
    else:
        prev = header[-1]
        for ln in body:
            first_col_text = " ".join(w.text for w in ln.words if w.x_mid < cols[-1])
            opens_id = any(ID_IN_CELL.match(" ".join(w.text for w in ln.words if cols[k] <= w.x_mid < cols[k + 1]))
                           for k in range(len(cols) - 1))
            if prev is not header[-1] and (ln.top - prev.bottom > ROW_GAP * ln.size or opens_id) and first_col_text:
                row_edges.append((prev.bottom + ln.top) / 2)
            prev = ln
    row_edges.append(bottom)
    row_edges = sorted(set(round(y, 2) for y in row_edges))
    cells: list[Cell] = []
    members: dict[tuple[int, int], list[Word]] = {}
    for w in [*(w for ln in header for w in ln.words), *body_words]:
        r = next((k for k in range(len(row_edges) - 1) if row_edges[k] <= w.y_mid < row_edges[k + 1]), None)
        c = next((k for k in range(len(cols) - 1) if cols[k] <= w.x_mid < cols[k + 1]), None)
        if r is not None and c is not None:
            members.setdefault((r, c), []).append(w)
    for r in range(len(row_edges) - 1):
        for c in range(len(cols) - 1):
            cell = Cell(r, c, 1, 1, (cols[c], row_edges[r], cols[c + 1], row_edges[r + 1]))
            cell.lines = group_lines(members.get((r, c), []), page_no)
            cells.append(cell)
    return Grid(page_no, (cols[0], top, cols[-1], bottom), cols, row_edges, cells, ruled=False)
