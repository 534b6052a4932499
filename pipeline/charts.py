"""Per-document charts and a static HTML report, drawn from the dataset's records.

For one document (`render_document`):

    <doc_id>-workplan.png   Gantt chart of the work plan: activities grouped by
                            output, one bar per run of marked quarters (a plan
                            by year: one bar per funded year)
    <doc_id>-budget.png     budget sheets by year, stacked by output (lines
                            without an activity count as "management")
    <doc_id>.html           the document's facts, sections outline, outputs,
                            activities, work-plan summary, budget by year and
                            the issues found, with the two charts

Input is the dataset as records per table (`dict[str, list[dict]]`, as in the
CSVs or JSON files); values may be typed (JSON) or CSV strings.  Output is
deterministic: the same records give the same bytes (no timestamps, fixed PNG
metadata, Agg rendering without global pyplot state).
"""

from __future__ import annotations

import html
import multiprocessing as mp
import os
import re
import tempfile
import warnings
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import quote

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter
from matplotlib.transforms import blended_transform_factory

from .tables import output_of

Record = Mapping[str, Any]
Tables = Mapping[str, Sequence[Record]]
MANAGEMENT = "management"
SEVERITIES = ("error", "warning")
PNG_METADATA = {"Software": None}
DPI = 100
OUTCOME_COLOURS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
MANAGEMENT_COLOUR = "#9e9e9e"
FONT = {
    "font.family": "DejaVu Sans",
    "text.parse_math": False,
}  # text from a PDF is never read as markup


# ------------------------------------------------------------------ values and ids


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def integer(value: Any) -> int | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        return int(number) if number.is_integer() else None


def id_key(value: str) -> tuple:
    """Sort key for dotted ids: 1.2 < 1.10 < 2.1; non-numeric parts last."""
    parts = []
    for part in re.split(r"[.\s]+", value):
        parts.append((0, int(part), "") if part.isdigit() else (1, 0, part))
    return tuple(parts)


def outcome_of(output_id: str) -> int | None:
    head = output_id.split(".", 1)[0]
    return int(head) if head.isdigit() else None


def shorten(value: str, width: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= width else value[: width - 1].rstrip(" ,;:-") + "…"


def usd(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def outcome_colour(outcome: int | None) -> str:
    return (
        MANAGEMENT_COLOUR
        if outcome is None
        else OUTCOME_COLOURS[(outcome - 1) % len(OUTCOME_COLOURS)]
    )


def shade(colour: str, step: int, steps: int) -> tuple[float, float, float]:
    """The outcome's colour, lighter for each later output of the same outcome."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    mix = 0.55 * step / max(1, steps - 1) if steps > 1 else 0.0
    return (r + (1 - r) * mix, g + (1 - g) * mix, b + (1 - b) * mix)


# ------------------------------------------------------------------ one document's records


@dataclass
class Doc:
    doc_id: str
    tables: dict[str, list[Record]]
    facts: Record = field(default_factory=dict)

    def rows(self, table: str) -> list[Record]:
        return self.tables.get(table, [])


def select(doc_id: str, tables: Tables) -> Doc:
    mine = {
        t: [r for r in rows if text(r.get("doc_id")) == doc_id]
        for t, rows in tables.items()
    }
    docs = mine.get("documents", [])
    return Doc(doc_id, mine, docs[0] if docs else {})


@dataclass
class PlanRow:
    """One line of the Gantt chart: an output heading or an activity."""

    kind: str  # "output" or "activity"
    ident: str
    title: str
    outcome: int | None
    in_framework: bool = True
    marks: set[tuple[int, int | None]] = field(default_factory=set)


def outputs_by_id(doc: Doc) -> dict[str, Record]:
    found: dict[str, Record] = {}
    for row in doc.rows("outputs"):
        found.setdefault(text(row.get("output_id")), row)
    return found


def activity_outputs(doc: Doc) -> dict[str, str]:
    """activity id -> output id, from the activities table."""
    found: dict[str, str] = {}
    for row in doc.rows("activities"):
        aid = text(row.get("activity_id"))
        if aid:
            found.setdefault(aid, text(row.get("output_id")) or output_of(aid))
    return found


def output_of_line(activity_id: str, outputs_of: Mapping[str, str]) -> str:
    """The output a budget line belongs to: its activity's, else the one its
    numbering implies; lines without an activity are management costs."""
    if not activity_id:
        return MANAGEMENT
    return outputs_of.get(activity_id) or output_of(activity_id)


def plan_marks(doc: Doc) -> dict[str, set[tuple[int, int | None]]]:
    marks: dict[str, set[tuple[int, int | None]]] = defaultdict(set)
    for row in doc.rows("workplan"):
        aid, year = text(row.get("activity_id")), integer(row.get("year"))
        if aid and year is not None:
            quarter = integer(row.get("quarter"))
            marks[aid].add((year, quarter if quarter in (1, 2, 3, 4) else None))
    return marks


def plan_rows(doc: Doc) -> list[PlanRow]:
    """Outputs in id order, each followed by its activities in id order,
    including those that only the work plan numbers (under the output their
    number implies)."""
    outputs = outputs_by_id(doc)
    outputs_of = activity_outputs(doc)
    marks = plan_marks(doc)
    titles = {
        text(r.get("activity_id")): text(r.get("title"))
        or text(r.get("title_workplan"))
        for r in doc.rows("activities")
    }
    members: dict[str, list[str]] = defaultdict(list)
    for aid in outputs_of:
        members[outputs_of[aid]].append(aid)
    for aid in marks:
        if aid not in outputs_of:
            members[output_of(aid)].append(aid)
    rows: list[PlanRow] = []
    for oid in sorted(set(outputs) | set(members), key=id_key):
        out = outputs.get(oid, {})
        outcome = integer(out.get("outcome_no")) if out else None
        outcome = outcome if outcome is not None else outcome_of(oid)
        rows.append(PlanRow("output", oid, text(out.get("title")), outcome, bool(out)))
        for aid in sorted(members.get(oid, []), key=id_key):
            rows.append(
                PlanRow(
                    "activity",
                    aid,
                    titles.get(aid, ""),
                    outcome,
                    aid in outputs_of,
                    marks.get(aid, set()),
                )
            )
    return rows


def runs(slots: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive slots as (start, length) runs."""
    ordered = sorted(set(slots))
    found: list[tuple[int, int]] = []
    for slot in ordered:
        if found and found[-1][0] + found[-1][1] == slot:
            found[-1] = (found[-1][0], found[-1][1] + 1)
        else:
            found.append((slot, 1))
    return found


def quarter_label(year: int, quarter: int | None) -> str:
    return str(year) if quarter is None else f"{year} Q{quarter}"


def marks_summary(marks: set[tuple[int, int | None]]) -> str:
    """`2008 Q1–Q3, 2009 Q2` / `2008, 2009` for a plan by year."""
    by_year: dict[int, list[int]] = defaultdict(list)
    whole: set[int] = set()
    for year, quarter in marks:
        if quarter is None:
            whole.add(year)
        else:
            by_year[year].append(quarter)
    parts = []
    for year in sorted(set(by_year) | whole):
        if year in whole:
            parts.append(str(year))
            continue
        spans = [
            f"Q{s}" if n == 1 else f"Q{s}–Q{s + n - 1}" for s, n in runs(by_year[year])
        ]
        parts.append(f"{year} {', '.join(spans)}")
    return "; ".join(parts)


# ------------------------------------------------------------------ figures


def new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def fit(label: Any, fig: Figure, right: float) -> None:
    """Shorten a text (with an ellipsis) until it ends left of `right` (figure fraction)."""
    renderer = fig.canvas.get_renderer()
    limit = right * fig.bbox.width
    full = label.get_text()
    box = label.get_window_extent(renderer)
    if box.x1 <= limit:
        return
    keep = max(
        8, int(len(full) * (limit - box.x0) / max(1.0, box.x1 - box.x0))
    )  # proportional first guess
    label.set_text(shorten(full, keep))
    while keep > 8 and label.get_window_extent(renderer).x1 > limit:
        keep -= 1
        label.set_text(shorten(full, keep))


def save(fig: Figure, path: Path) -> Path:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fig.savefig(tmp, format="png", dpi=DPI, metadata=PNG_METADATA, facecolor="white")
    os.replace(tmp, path)
    return path


def gantt_chart(doc: Doc, path: Path) -> Path | None:
    """The work plan as a Gantt chart; None when the document has no work plan."""
    rows = plan_rows(doc)
    marked = [m for r in rows for m in r.marks]
    if not marked:
        return None
    years = sorted({y for y, _ in marked})
    first, last = years[0], years[-1]
    by_quarter = any(q is not None for _, q in marked)
    per_year = 4 if by_quarter else 1

    def slots(mark: tuple[int, int | None]) -> list[int]:
        year, quarter = mark
        base = (year - first) * per_year
        return (
            [base + quarter - 1]
            if quarter is not None and by_quarter
            else list(range(base, base + per_year))
        )

    n_slots = (last - first + 1) * per_year
    with matplotlib.rc_context(FONT):
        height = 1.7 + 0.26 * len(rows)
        fig = new_figure(14 if by_quarter else 12, height)
        left = 0.43
        ax = fig.add_axes((left, 0.45 / height, 0.995 - left, 1 - 1.55 / height))
        label_at = blended_transform_factory(fig.transFigure, ax.transData)
        for y, row in enumerate(rows):
            colour = outcome_colour(row.outcome)
            if row.kind == "output":
                ax.axhspan(y - 0.5, y + 0.5, color=colour, alpha=0.10, lw=0)
                label = f"Output {row.ident}" + (
                    f": {shorten(row.title, 120)}"
                    if row.title
                    else ""
                    if row.in_framework
                    else " (not in the results framework)"
                )
                fit(
                    fig.text(
                        0.008,
                        y,
                        label,
                        transform=label_at,
                        fontsize=7.5,
                        fontweight="bold",
                        color=colour,
                        va="center",
                        ha="left",
                    ),
                    fig,
                    left - 0.006,
                )
                continue
            fig.text(
                0.022,
                y,
                row.ident,
                transform=label_at,
                fontsize=7.5,
                va="center",
                ha="left",
            )
            title = row.title if row.in_framework else f"(work plan only) {row.title}"
            fit(
                fig.text(
                    0.058,
                    y,
                    title,
                    transform=label_at,
                    fontsize=7.5,
                    va="center",
                    ha="left",
                    color="#222222" if row.in_framework else "#8a4b00",
                ),
                fig,
                left - 0.006,
            )
            cells = [s for m in row.marks for s in slots(m)]
            # quarters: one bar per run of marked quarters; a plan by year: one bar per funded year
            bars = (
                runs(cells)
                if by_quarter
                else [(s + 0.04, 0.92) for s in sorted(set(cells))]
            )
            if bars:
                ax.broken_barh(
                    bars,
                    (y - 0.32, 0.64),
                    facecolors=colour,
                    edgecolor="white",
                    linewidth=0.6,
                    hatch=None if row.in_framework else "///",
                )
            else:
                ax.text(
                    0.15,
                    y,
                    "no period marked",
                    va="center",
                    ha="left",
                    fontsize=7,
                    color="#777777",
                    style="italic",
                )
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_yticks([])
        ax.set_xlim(0, n_slots)
        for year_index in range(last - first + 2):
            ax.axvline(year_index * per_year, color="#555555", lw=0.8)
        if by_quarter:
            ax.set_xticks(
                [i + 0.5 for i in range(n_slots)],
                [f"Q{i % 4 + 1}" for i in range(n_slots)],
                fontsize=7,
            )
            for q in range(n_slots):
                if q % 4:
                    ax.axvline(q, color="#dddddd", lw=0.5, zorder=0)
            top = ax.secondary_xaxis("top")
            top.set_xticks(
                [i * 4 + 2 for i in range(last - first + 1)],
                [str(y) for y in range(first, last + 1)],
                fontsize=9,
                fontweight="bold",
            )
            top.tick_params(length=0)
        else:
            ax.set_xticks(
                [i + 0.5 for i in range(n_slots)],
                [str(y) for y in range(first, last + 1)],
                fontsize=9,
            )
        ax.tick_params(axis="x", length=0)
        for side in ("left", "right"):
            ax.spines[side].set_visible(False)
        kind = "quarters marked" if by_quarter else "years funded"
        fig.text(
            0.008,
            1 - 0.3 / height,
            "Work plan by output and activity",
            fontsize=12,
            fontweight="bold",
            va="center",
        )
        fig.text(
            0.008,
            1 - 0.58 / height,
            f"{shorten(text(doc.facts.get('title')) or doc.doc_id, 120)} "
            f"({doc.doc_id})",
            fontsize=8.5,
            color="#333333",
            va="center",
        )
        fig.text(
            0.008,
            1 - 0.82 / height,
            f"bars: {kind} in the work plan; hatched: activity numbered only in "
            "the work plan, not in the results framework",
            fontsize=8,
            color="#666666",
            va="center",
        )
        return save(fig, path)


def budget_by_output_year(doc: Doc) -> tuple[dict[str, dict[int, int]], list[int], int]:
    """{output id or "management": {year: US$}}, the years, and the amount of
    lines with no year."""
    outputs_of = activity_outputs(doc)
    table: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    undated = 0
    for line in doc.rows("budget_lines"):
        amount = integer(line.get("amount_usd"))
        if not amount:
            continue
        year = integer(line.get("year"))
        if year is None:
            undated += amount
            continue
        table[output_of_line(text(line.get("activity_id")), outputs_of)][year] += amount
    years = sorted({y for per_year in table.values() for y in per_year})
    return {k: dict(v) for k, v in table.items()}, years, undated


def ordered_groups(groups: Iterable[str]) -> list[str]:
    return sorted((g for g in groups if g != MANAGEMENT), key=id_key) + [
        g for g in groups if g == MANAGEMENT
    ]


def money_axis(value: float, _pos: Any = None) -> str:
    if abs(value) >= 1_000_000:
        return f"${value / 1_000_000:.2f}".rstrip("0").rstrip(".") + "M"
    if abs(value) >= 1000:
        return f"${value / 1000:,.0f}k"
    return f"${value:,.0f}"


def budget_chart(doc: Doc, path: Path) -> Path | None:
    """Budget sheets per year, stacked by output; None without budget lines."""
    table, years, _ = budget_by_output_year(doc)
    if not years:
        return None
    outputs = outputs_by_id(doc)
    groups = ordered_groups(table)
    by_outcome: dict[int | None, list[str]] = defaultdict(list)
    for g in groups:
        by_outcome[None if g == MANAGEMENT else outcome_of(g)].append(g)
    colours = {}
    for outcome, members in by_outcome.items():
        for i, g in enumerate(members):
            colours[g] = shade(outcome_colour(outcome), i, len(members))
    with matplotlib.rc_context(FONT):
        fig = new_figure(12, 6.2)
        ax = fig.add_axes((0.085, 0.08, 0.5, 0.77))
        x = list(range(len(years)))
        bottoms = [0] * len(years)
        for g in groups:
            values = [table[g].get(y, 0) for y in years]
            ax.bar(
                x,
                values,
                0.62,
                bottom=bottoms,
                color=colours[g],
                edgecolor="white",
                linewidth=0.6,
            )
            bottoms = [b + v for b, v in zip(bottoms, values)]
        top = max(bottoms) or 1
        for xi, total in zip(x, bottoms):
            ax.text(
                xi,
                total + top * 0.012,
                f"${total:,}",
                ha="center",
                va="bottom",
                fontsize=8.5,
            )
        ax.set_xticks(x, [str(y) for y in years], fontsize=10)
        ax.set_ylim(0, top * 1.09)
        ax.yaxis.set_major_formatter(FuncFormatter(money_axis))
        ax.tick_params(axis="y", labelsize=8.5)
        ax.grid(axis="y", color="#e0e0e0", lw=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        handles = []
        for g in reversed(groups):  # legend top-down like the stack
            total = sum(table[g].values())
            if g == MANAGEMENT:
                name = f"management (no activity)  ${total:,}"
            else:
                title = text(outputs.get(g, {}).get("title"))
                name = (
                    f"{g}  {shorten(title, 38)}  ${total:,}"
                    if title
                    else f"{g}  ${total:,}"
                )
            handles.append(Patch(facecolor=colours[g], edgecolor="white", label=name))
        fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0.6, 0.86),
            fontsize=7.5,
            frameon=False,
            title="Output (total over all years)",
            title_fontsize=8.5,
            alignment="left",
        )
        fig.text(
            0.01,
            0.965,
            "Budget sheets by year and output",
            fontsize=12,
            fontweight="bold",
            va="center",
        )
        fig.text(
            0.01,
            0.93,
            f"{shorten(text(doc.facts.get('title')) or doc.doc_id, 120)} ({doc.doc_id})",
            fontsize=8.5,
            color="#333333",
            va="center",
        )
        fig.text(
            0.01,
            0.9,
            f"total of the budget lines ${sum(bottoms):,}; a line counts for the output of its "
            "activity, lines without an activity as management",
            fontsize=8,
            color="#666666",
            va="center",
        )
        return save(fig, path)


# ------------------------------------------------------------------ the HTML report

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2em auto; max-width: 1150px; color: #222;
       line-height: 1.4; font-size: 14px; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { border-bottom: 2px solid #ddd; padding-bottom: 0.2em; margin-top: 2em; }
h3 { margin-bottom: 0.3em; }
.sub { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.92em; }
th, td { border: 1px solid #d5d5d5; padding: 0.25em 0.55em; vertical-align: top; text-align: left; }
th { background: #f3f3f3; }
td.nowrap { white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; background: #fafafa; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1.2em; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
ul.outline { list-style: none; padding-left: 0; }
ul.outline li { margin: 0.1em 0; }
ul.outline .page { color: #888; }
.level-1 { font-weight: bold; margin-top: 0.5em !important; }
.level-2 { padding-left: 1.5em; }
.level-3 { padding-left: 3em; }
.level-4 { padding-left: 4.5em; }
.issue-error { border-left: 4px solid #c62828; }
.issue-warning { border-left: 4px solid #f9a825; }
ul.issues { padding-left: 0; list-style: none; }
ul.issues li { padding: 0.3em 0.7em; margin: 0.35em 0; background: #fafafa; }
code { background: #f1f1f1; padding: 0 0.25em; }
img.chart { max-width: 100%; border: 1px solid #e3e3e3; }
.muted { color: #777; }
nav a { margin-right: 1em; }
"""


NUM = ' class="num"'
NOWRAP = ' class="nowrap"'


def esc(value: Any) -> str:
    return html.escape(text(value), quote=True)


def table_html(
    head: Sequence[str],
    body: Sequence[Sequence[Any]],
    numeric: Sequence[int] = (),
    total: Sequence[Any] | None = None,
    nowrap: Sequence[int] = (),
) -> str:
    def cells(values: Sequence[Any], tag: str) -> str:
        return "".join(
            f"<{tag}{NUM if i in numeric else NOWRAP if i in nowrap else ''}>{esc(v)}</{tag}>"
            for i, v in enumerate(values)
        )

    rows = [f"<tr>{cells(head, 'th')}</tr>"]
    rows += [f"<tr>{cells(r, 'td')}</tr>" for r in body]
    if total is not None:
        rows.append(f'<tr class="total">{cells(total, "td")}</tr>')
    return "<table>\n" + "\n".join(rows) + "\n</table>"


def facts_html(doc: Doc) -> str:
    f = doc.facts
    start, end = integer(f.get("start_year")), integer(f.get("end_year"))
    period = f"{start or '?'}–{end or '?'}" if start or end else "not stated"
    items = [
        ("Document", doc.doc_id),
        ("Country", text(f.get("country")) or "not stated"),
        ("Work-plan years", period),
        ("Pages", text(f.get("pages"))),
        ("Source file", text(f.get("source_file"))),
        ("SHA-256", text(f.get("sha256"))),
        ("Pipeline version", text(f.get("pipeline_version"))),
    ]
    out = ['<dl class="facts">']
    out += [f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items if v]
    out.append("</dl>")
    funding = doc.rows("funding")
    if funding:
        body = [
            (
                text(r.get("source")),
                usd(integer(r.get("amount_usd"))),
                text(r.get("printed")),
                text(r.get("page")),
            )
            for r in funding
        ]
        total = sum(integer(r.get("amount_usd")) or 0 for r in funding)
        out.append("<h3>Funding as the document states it</h3>")
        out.append(
            table_html(
                ("source", "US$", "as printed", "page"),
                body,
                numeric=(1, 3),
                total=("total", usd(total), "", ""),
            )
        )
    return "\n".join(out)


def outline_html(doc: Doc) -> str:
    sections = sorted(doc.rows("sections"), key=lambda s: integer(s.get("seq")) or 0)
    if not sections:
        return '<p class="muted">No numbered headings found.</p>'
    items = []
    for s in sections:
        level = min(max(integer(s.get("level")) or 1, 1), 4)
        number = text(s.get("number"))
        items.append(
            f'<li class="level-{level}">{esc(number) + " " if number else ""}{esc(s.get("title"))} '
            f'<span class="page">p. {esc(s.get("page_start"))}</span></li>'
        )
    return '<ul class="outline">\n' + "\n".join(items) + "\n</ul>"


def outputs_html(doc: Doc, sheet: Mapping[str, dict[int, int]]) -> str:
    outputs = sorted(
        doc.rows("outputs"), key=lambda r: id_key(text(r.get("output_id")))
    )
    if not outputs:
        return '<p class="muted">No outputs found in a results framework.</p>'
    body = []
    for r in outputs:
        oid = text(r.get("output_id"))
        in_sheets = sum(sheet.get(oid, {}).values()) if oid in sheet else None
        body.append(
            (
                oid,
                text(r.get("outcome_no")),
                text(r.get("title")),
                usd(integer(r.get("budget_usd"))),
                usd(in_sheets),
                text(r.get("responsible_parties")),
            )
        )
    framework_total = sum(integer(r.get("budget_usd")) or 0 for r in outputs)
    listed = {text(r.get("output_id")) for r in outputs}
    sheets_total = sum(sum(v.values()) for k, v in sheet.items() if k in listed)
    out = table_html(
        (
            "output",
            "outcome",
            "title",
            "framework budget US$",
            "budget sheets US$",
            "responsible parties",
        ),
        body,
        numeric=(3, 4),
        total=("total", "", "", usd(framework_total), usd(sheets_total), ""),
    )
    rest = {k: sum(v.values()) for k, v in sheet.items() if k not in listed}
    if rest:
        named = ", ".join(
            f"{'lines without an activity' if k == MANAGEMENT else 'output ' + k} US$ {v:,}"
            for k, v in sorted(
                rest.items(), key=lambda kv: (kv[0] == MANAGEMENT, id_key(kv[0]))
            )
        )
        out += (
            f'<p class="muted">Budget sheets: the lines of each output\'s activities. Not in any output '
            f"above: {esc(named)}.</p>"
        )
    return out


def activities_html(doc: Doc) -> str:
    activities = sorted(
        doc.rows("activities"), key=lambda r: id_key(text(r.get("activity_id")))
    )
    if not activities:
        return '<p class="muted">No activities found.</p>'
    marks = plan_marks(doc)
    body = [
        (
            text(r.get("activity_id")),
            text(r.get("output_id")),
            text(r.get("title")),
            text(r.get("responsible_party")),
            marks_summary(marks.get(text(r.get("activity_id")), set()))
            or "none marked",
        )
        for r in activities
    ]
    return table_html(
        ("activity", "output", "title", "responsible party", "work plan"),
        body,
        nowrap=(0, 4),
    )


def workplan_html(doc: Doc) -> str:
    rows = plan_rows(doc)
    if not any(r.marks for r in rows):
        return '<p class="muted">No work-plan grid found.</p>'
    body = []
    current: PlanRow | None = None
    members: list[PlanRow] = []

    def flush() -> None:
        if current is None:
            return
        marks = [m for r in members for m in r.marks]
        ordered = sorted(marks, key=lambda m: (m[0], m[1] or 0))
        body.append(
            (
                current.ident,
                shorten(current.title, 70),
                f"{sum(bool(r.marks) for r in members)} of {len(members)}",
                quarter_label(*ordered[0]) if ordered else "",
                quarter_label(*ordered[-1]) if ordered else "",
                str(len(set(marks))),
            )
        )

    for row in rows:
        if row.kind == "output":
            flush()
            current, members = row, []
        else:
            members.append(row)
    flush()
    only = [r.ident for r in rows if r.kind == "activity" and not r.in_framework]
    note = (
        f'<p class="muted">In the work plan but not in the results framework: {esc(", ".join(only))}.</p>'
        if only
        else ""
    )
    return (
        table_html(
            (
                "output",
                "title",
                "activities with marks",
                "first",
                "last",
                "distinct periods marked",
            ),
            body,
            numeric=(2, 5),
        )
        + note
    )


def budget_html(doc: Doc) -> str:
    table, years, undated = budget_by_output_year(doc)
    if not years:
        return '<p class="muted">No budget sheet found.</p>'
    outputs = outputs_by_id(doc)
    body = []
    for g in ordered_groups(table):
        title = (
            "lines without an activity"
            if g == MANAGEMENT
            else text(outputs.get(g, {}).get("title"))
        )
        body.append(
            (
                g,
                shorten(title, 60),
                *(usd(table[g].get(y)) for y in years),
                usd(sum(table[g].values())),
            )
        )
    totals = [sum(table[g].get(y, 0) for g in table) for y in years]
    out = table_html(
        ("output", "title", *map(str, years), "total"),
        body,
        numeric=tuple(range(2, 3 + len(years))),
        total=("total", "", *map(usd, totals), usd(sum(totals))),
    )
    if undated:
        out += f'<p class="muted">Lines without a year, not shown: US$ {undated:,}.</p>'
    return out


def issues_html(doc: Doc) -> str:
    issues = doc.rows("issues")
    out = []
    for severity in SEVERITIES:
        found = sorted(
            (i for i in issues if text(i.get("severity")) == severity),
            key=lambda i: (integer(i.get("page")) or 10**6, text(i.get("check"))),
        )
        out.append(f'<h3 id="{severity}s">{severity.capitalize()}s ({len(found)})</h3>')
        if not found:
            out.append('<p class="muted">None.</p>')
            continue
        out.append('<ul class="issues">')
        for i in found:
            page = integer(i.get("page"))
            where = f"p. {page}" if page else "no page"
            out.append(
                f'<li class="issue-{severity}"><code>{esc(i.get("check"))}</code> '
                f'<span class="muted">({where})</span><br>{esc(i.get("message"))}</li>'
            )
        out.append("</ul>")
    other = [i for i in issues if text(i.get("severity")) not in SEVERITIES]
    if other:
        out.append(f'<h3>Other ({len(other)})</h3><ul class="issues">')
        out += [
            f"<li><code>{esc(i.get('check'))}</code> {esc(i.get('message'))}</li>"
            for i in other
        ]
        out.append("</ul>")
    return "\n".join(out)


def chart_html(path: Path | None, alt: str, missing: str) -> str:
    if path is None:
        return f'<p class="muted">{esc(missing)}</p>'
    return f'<p><a href="{quote(path.name)}"><img class="chart" src="{quote(path.name)}" alt="{esc(alt)}"></a></p>'


def report_html(doc: Doc, gantt: Path | None, budget: Path | None) -> str:
    title = text(doc.facts.get("title")) or doc.doc_id
    table, _, _ = budget_by_output_year(doc)
    counts = {
        s: sum(text(i.get("severity")) == s for i in doc.rows("issues"))
        for s in SEVERITIES
    }
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{esc(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="sub">{esc(doc.doc_id)} · {counts["error"]} error(s), {counts["warning"]} warning(s) found '
        "in the document</p>",
        '<nav><a href="#facts">Facts</a><a href="#sections">Sections</a><a href="#outputs">Outputs</a>'
        '<a href="#activities">Activities</a><a href="#workplan">Work plan</a><a href="#budget">Budget</a>'
        '<a href="#issues">Issues</a></nav>',
        '<h2 id="facts">Document</h2>',
        facts_html(doc),
        '<h2 id="sections">Sections</h2>',
        outline_html(doc),
        '<h2 id="outputs">Outputs</h2>',
        outputs_html(doc, table),
        '<h2 id="activities">Activities</h2>',
        activities_html(doc),
        '<h2 id="workplan">Work plan</h2>',
        chart_html(
            gantt,
            f"Work plan of {doc.doc_id} as a Gantt chart",
            "No work-plan grid found.",
        ),
        workplan_html(doc),
        '<h2 id="budget">Budget by year</h2>',
        chart_html(
            budget,
            f"Budget of {doc.doc_id} by year and output",
            "No budget sheet found.",
        ),
        budget_html(doc),
        '<h2 id="issues">Issues found in the document</h2>',
        issues_html(doc),
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


# ------------------------------------------------------------------ entry points


def file_stem(doc_id: str) -> str:
    """doc_id as a file name (doc ids are file stems; only separators are replaced)."""
    return doc_id.replace("/", "_").replace("\\", "_").replace("\0", "_") or "_"


def render_document(
    doc_id: str, tables: dict[str, list[dict]], out_dir: Path
) -> list[Path]:
    """Write the charts and the HTML report of one document into `out_dir`;
    return the files written (the report last).  A chart without data (no
    work plan, no budget sheet) is left out and the report says so."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    doc = select(doc_id, tables)
    stem = file_stem(doc_id)
    with (
        warnings.catch_warnings()
    ):  # a character the font lacks is drawn as a box, not told on stderr
        warnings.filterwarnings(
            "ignore", r"Glyph \d+ .* missing from font", UserWarning
        )
        gantt = gantt_chart(doc, out_dir / f"{stem}-workplan.png")
        budget = budget_chart(doc, out_dir / f"{stem}-budget.png")
    report = out_dir / f"{stem}.html"
    tmp = report.with_name(f".{report.name}.tmp-{os.getpid()}")
    tmp.write_text(report_html(doc, gantt, budget), encoding="utf-8")
    os.replace(tmp, report)
    return [p for p in (gantt, budget) if p is not None] + [report]


def documents(tables: Tables) -> list[Doc]:
    """Each document of `tables["documents"]` with its own rows, in doc_id
    order (one pass over the rows, however many documents)."""
    ids = sorted({text(r.get("doc_id")) for r in tables.get("documents", [])} - {""})
    mine: dict[str, dict[str, list[Record]]] = {
        doc_id: defaultdict(list) for doc_id in ids
    }
    for table, rows in tables.items():
        for row in rows:
            own = mine.get(text(row.get("doc_id")))
            if own is not None:
                own[table].append(row)
    return [
        Doc(doc_id, dict(mine[doc_id]), mine[doc_id]["documents"][0]) for doc_id in ids
    ]


def index_html(docs: list[Doc], failed: Iterable[str] = ()) -> str:
    """The index of the reports; a document whose report failed is listed without a link."""
    rows = []
    for doc in docs:
        counts = {
            s: sum(text(i.get("severity")) == s for i in doc.rows("issues"))
            for s in SEVERITIES
        }
        name = (
            esc(doc.doc_id)
            if doc.doc_id in failed
            else f'<a href="{quote(file_stem(doc.doc_id))}.html">{esc(doc.doc_id)}</a>'
        )
        rows.append(
            f"<tr><td>{name}</td>"
            f"<td>{esc(doc.facts.get('title'))}</td><td>{esc(doc.facts.get('country'))}</td>"
            f'<td class="num">{counts["error"]}</td><td class="num">{counts["warning"]}</td></tr>'
        )
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en">',
                "<head>",
                '<meta charset="utf-8">',
                "<title>Documents</title>",
                f"<style>{CSS}</style>",
                "</head>",
                "<body>",
                "<h1>Documents</h1>",
                "<table>",
                '<tr><th>document</th><th>title</th><th>country</th><th class="num">errors</th>'
                '<th class="num">warnings</th></tr>',
                *rows,
                "</table>",
                "</body>",
                "</html>",
            ]
        )
        + "\n"
    )


def document_report(doc_id: str, tables: Tables) -> dict[str, bytes] | str:
    """One document's charts and report as {file name: bytes}, or why they
    could not be drawn (one document's report must not stop the others)."""
    try:
        with tempfile.TemporaryDirectory() as tmp:
            return {
                p.name: p.read_bytes()
                for p in render_document(doc_id, tables, Path(tmp))
            }
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


def report_files(
    tables: Tables, folder: str = "reports", workers: int = 1
) -> tuple[dict[str, bytes], dict[str, str]]:
    """Every document's charts and report, and an `index.html` linking the
    reports, as {"<folder>/<file name>": bytes}, ready to be written with the
    dataset as extra files; and {doc_id: reason} for the reports that could
    not be drawn.  Up to `workers` processes render documents side by side:
    drawing a document's charts takes seconds."""
    docs = documents(tables)
    ids, own_tables = [d.doc_id for d in docs], [d.tables for d in docs]
    if workers > 1 and len(docs) > 1 and "fork" in mp.get_all_start_methods():
        with ProcessPoolExecutor(
            min(workers, len(docs)), mp_context=mp.get_context("fork")
        ) as pool:
            reports = list(pool.map(document_report, ids, own_tables))
    else:
        reports = list(map(document_report, ids, own_tables))
    failed = {
        doc_id: report
        for doc_id, report in zip(ids, reports)
        if isinstance(report, str)
    }
    files = {
        f"{folder}/{name}": content
        for report in reports
        if not isinstance(report, str)
        for name, content in report.items()
    }
    files[f"{folder}/index.html"] = index_html(docs, failed).encode("utf-8")
    return files, failed
