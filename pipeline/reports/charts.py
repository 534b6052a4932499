"""The two charts of a document's report, drawn with matplotlib (Agg, no
global pyplot state, fixed PNG metadata: the same records give the same
bytes):

    <doc_id>-workplan.png   Gantt chart of the work plan: activities grouped by
                            output, one bar per run of marked quarters (a plan
                            by year: one bar per funded year)
    <doc_id>-budget.png     budget sheets by year, stacked by output (lines
                            without an activity count as "management")
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter
from matplotlib.transforms import blended_transform_factory

from ..tables import outcome_of
from .data import (
    MANAGEMENT,
    Doc,
    budget_by_output_year,
    ordered_groups,
    outputs_by_id,
    plan_rows,
    runs,
    shorten,
    text,
)

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


def new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def fit(label: Any, fig: Figure, right: float) -> None:
    """Shorten a text (with an ellipsis) until it ends left of `right` (a
    fraction of the figure's width)."""
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
            # quarters: one bar per run of marked quarters;
            # a plan by year: one bar per funded year
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
        chart_heading(
            fig,
            0.008,
            (1 - 0.3 / height, 1 - 0.58 / height, 1 - 0.82 / height),
            "Work plan by output and activity",
            doc,
            f"bars: {kind} in the work plan; hatched: activity numbered only in "
            "the work plan, not in the results framework",
        )
        return save(fig, path)


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
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
        top = max(bottoms) or 1
        for xi, total in zip(x, bottoms, strict=True):
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
        chart_heading(
            fig,
            0.01,
            (0.965, 0.93, 0.9),
            "Budget sheets by year and output",
            doc,
            f"total of the budget lines ${sum(bottoms):,}; a line counts for the "
            "output of its activity, lines without an activity as management",
        )
        return save(fig, path)


HEADING_STYLES = (  # a chart's title, the document it shows, how to read it
    {"fontsize": 12, "fontweight": "bold"},
    {"fontsize": 8.5, "color": "#333333"},
    {"fontsize": 8, "color": "#666666"},
)


def chart_heading(
    fig: Figure,
    x: float,
    heights: tuple[float, float, float],
    title: str,
    doc: Doc,
    note: str,
) -> None:
    """The three heading lines over a chart: its title, the document's title
    and id, and a note on how to read it."""
    shown = f"{shorten(text(doc.facts.get('title')) or doc.doc_id, 120)} ({doc.doc_id})"
    for y, line, style in zip(
        heights, (title, shown, note), HEADING_STYLES, strict=True
    ):
        fig.text(x, y, line, va="center", **style)
