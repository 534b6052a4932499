"""Stage 1b: the tables of each page as grids of cells, from what the
reader found on it.

Ruled tables come from the page's rulings (pdfplumber's table finder run
over them; cell spans resolved, each cell with its words and shading);
tables without vertical rules from their header lines (`textgrid`), on the
part of the page no ruled grid covers, and at the top of a page that goes
on with an unruled table that filled the page before.  A box, a band of
row shading or a shaded header alone is not taken for a ruled table.
"""

from __future__ import annotations

from bisect import bisect_right

from pdfplumber.table import (
    TableSettings,
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)
from pdfplumber.utils import filter_edges, obj_to_edges

from .geometry import cell_shade, cluster, group_lines, nearest
from .labels import is_header_text
from .layout import furniture_words
from .model import BBox, Cell, Document, Edge, Fill, Grid, Page, Word
from .text import flatten
from .textgrid import TABLE_RUNS_ON, text_grids

EDGE_SNAP = 2.0  # points: cell borders closer than this are one grid line
MIN_RULES_FOR_TABLE = 4  # pages with fewer ruling segments skip the table finder
TABLE_SETTINGS = TableSettings.resolve(
    {
        # the page's rulings, not every rectangle's sides
        "vertical_strategy": "explicit",
        "horizontal_strategy": "explicit",
        "snap_tolerance": 3,
        "join_tolerance": 3,
        "intersection_tolerance": 3,
    }
)


def find_grids(doc: Document) -> Document:
    """Fill each page's `grids`, page after page (an unruled table may run
    on from the page before); returns the same document."""
    furniture = furniture_words(doc)
    for i, page in enumerate(doc.pages):
        carried = carried_table(doc.pages[i - 1]) if i else None
        page.grids = ruled_grids(page)
        free = [w for w in page.words if id(w) not in furniture]
        page.grids.extend(text_grids(page, free, page.grids, carried))
    return doc


def ruled_grids(page: Page) -> list[Grid]:
    """The page's ruled tables, less the shaded or boxed headers of tables
    whose body has no rules (`header_band`)."""
    across = [e for e in page.edges if e.orientation == "h"] + open_ends(page.edges)
    upright = [e for e in page.edges if e.orientation == "v"]
    if len(page.edges) < MIN_RULES_FOR_TABLE or len(across) < 2 or len(upright) < 2:
        return []
    grids = []
    for boxes in cell_boxes(across, upright):
        grid = build_grid(page.number, boxes, page.words, page.fills)
        if grid is not None and not header_band(grid, page.height):
            grids.append(grid)
    return grids


def cell_boxes(across: list[Edge], upright: list[Edge]) -> list[list[BBox]]:
    """The cells of each table the rulings draw, as pdfplumber's table
    finder finds them (`Page.find_tables` given these lines explicitly)."""
    edges = [
        e
        for rulings, orientation in ((upright, "v"), (across, "h"))
        for ruling in rulings
        for e in obj_to_edges(pdf_object(ruling))
        if e["orientation"] == orientation
    ]
    s = TABLE_SETTINGS
    merged = merge_edges(
        edges,
        snap_x_tolerance=s.snap_x_tolerance,
        snap_y_tolerance=s.snap_y_tolerance,
        join_x_tolerance=s.join_x_tolerance,
        join_y_tolerance=s.join_y_tolerance,
    )
    crossings = edges_to_intersections(
        filter_edges(merged, min_length=s.edge_min_length),
        s.intersection_x_tolerance,
        s.intersection_y_tolerance,
    )
    return [
        [tuple(c) for c in group]
        for group in cells_to_tables(intersections_to_cells(crossings))
    ]


def pdf_object(edge: Edge) -> dict[str, object]:
    """A ruling as the object pdfplumber's table finder reads."""
    return {
        "object_type": edge.kind,
        "orientation": edge.orientation,
        "x0": edge.x0,
        "top": edge.top,
        "x1": edge.x1,
        "bottom": edge.bottom,
        "width": edge.width,
        "height": edge.height,
    }


def carried_table(page: Page) -> Grid | None:
    """An unruled table that runs to the foot of the page, which the next
    page may continue without repeating its header."""
    last = max(page.grids, key=lambda g: g.bbox[3], default=None)
    if last is None or last.ruled or last.bbox[3] < page.height * TABLE_RUNS_ON:
        return None
    return last


def header_band(grid: Grid, page_height: float) -> bool:
    """A grid of one row, or of header cells alone: the shaded or boxed
    header of a table whose body has no rules, which the header-led reader
    takes whole.  At the foot of a page it is kept (the header of a ruled
    table whose body starts overleaf), and so is one row of body text at the
    top of a page (the last row of a ruled table from the page before)."""
    if grid.bbox[3] > page_height * TABLE_RUNS_ON:
        return False
    texts = [flatten(c.text) for c in grid.cells if c.text.strip()]
    if texts and all(is_header_text(t) for t in texts):
        return True
    return grid.n_rows == 1 and grid.bbox[1] > page_height * (1 - TABLE_RUNS_ON)


def open_ends(edges: list[Edge]) -> list[Edge]:
    """Rules closing the page's lowest and topmost ruled rows where they are
    left open.  A browser draws no rule under a spanning cell that runs on
    overleaf, nor above the rest of a row broken over the page: the column
    rules reach the row's edge with nothing (or only part of a rule) across
    them there."""
    tolerance = TABLE_SETTINGS.snap_tolerance
    across = [e for e in edges if e.orientation == "h"]
    upright = [e for e in edges if e.orientation == "v"]
    if not across:
        return []
    closing = []
    for y, inward in (
        (max(e.top for e in across), -1),
        (min(e.top for e in across), 1),
    ):
        ends = [
            e.x0
            for e in upright
            if abs((e.bottom if inward < 0 else e.top) - y) <= tolerance
            and inward * ((e.top + e.bottom) / 2 - y) > tolerance
        ]
        if len(ends) < 2:
            continue
        left, right = min(ends), max(ends)
        reach = left
        for x0, x1 in sorted(
            (e.x0, e.x1) for e in across if abs(e.top - y) <= tolerance
        ):
            if x0 > reach + tolerance:
                break
            reach = max(reach, x1)
        if reach < right - tolerance:
            closing.append(Edge("line", "h", left, y, right, y, right - left, 0.0))
    return closing


def build_grid(
    page_no: int, boxes: list[BBox], words: list[Word], fills: list[Fill]
) -> Grid | None:
    """Turn cell boxes into a `Grid` with row/column spans and the words of
    each cell (a word belongs to the cell holding its centre)."""
    if len(boxes) < 2:
        return None
    col_edges = cluster([b[0] for b in boxes] + [b[2] for b in boxes], EDGE_SNAP)
    row_edges = cluster([b[1] for b in boxes] + [b[3] for b in boxes], EDGE_SNAP)
    if len(col_edges) < 3 or len(row_edges) < 2:
        return None  # one column: a box or a band of row shading, not a table
    cells: list[Cell] = []
    for x0, top, x1, bottom in boxes:
        c0, c1 = nearest(col_edges, x0), nearest(col_edges, x1)
        r0, r1 = nearest(row_edges, top), nearest(row_edges, bottom)
        if c1 <= c0 or r1 <= r0:
            continue
        cells.append(Cell(r0, c0, r1 - r0, c1 - c0, (x0, top, x1, bottom)))
    grid = Grid(
        page_no,
        (col_edges[0], row_edges[0], col_edges[-1], row_edges[-1]),
        col_edges,
        row_edges,
        cells,
    )
    members: dict[int, list[Word]] = {}
    for w in words:
        r = bisect_right(row_edges, w.y_mid) - 1
        c = bisect_right(col_edges, w.x_mid) - 1
        cell = grid.at(r, c)
        if cell is not None:
            members.setdefault(id(cell), []).append(w)
    for cell in cells:
        cell.lines = group_lines(members.get(id(cell), []), page_no)
        cell.shade = cell_shade(cell.bbox, fills)
    return grid
