"""A document's report and the index of reports as static HTML: the
document's facts, sections outline, outputs, activities, work-plan summary,
budget by year and the issues found, with its two charts.  Text from a PDF
is escaped, never read as markup.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .data import (
    MANAGEMENT,
    SEVERITIES,
    Doc,
    PlanRow,
    budget_by_output_year,
    file_stem,
    id_key,
    integer,
    marks_summary,
    ordered_groups,
    outputs_by_id,
    plan_marks,
    plan_rows,
    quarter_label,
    shorten,
    text,
    usd,
)

CSS = resources.files("pipeline.data").joinpath("report.css").read_text("utf-8")


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
            f"<{tag}{NUM if i in numeric else NOWRAP if i in nowrap else ''}>"
            f"{esc(v)}</{tag}>"
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
            "<li "
            f'class="level-{level}">{esc(number) + " " if number else ""}'
            f"{esc(s.get('title'))} "
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
            f"{'lines without an activity' if k == MANAGEMENT else 'output ' + k} US$ "
            f"{v:,}"
            for k, v in sorted(
                rest.items(), key=lambda kv: (kv[0] == MANAGEMENT, id_key(kv[0]))
            )
        )
        out += (
            '<p class="muted">Budget sheets: the lines of each output\'s activities. '
            "Not in any output "
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
        '<p class="muted">In the work plan but not in the results framework: '
        f"{esc(', '.join(only))}.</p>"
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


def corrections_html(doc: Doc) -> str:
    """How many records of each table the corrections folder changed or added."""
    counts = {
        table: sum(r.get("corrected") is True for r in rows)
        for table, rows in sorted(doc.tables.items())
    }
    body = [(table, str(n)) for table, n in counts.items() if n]
    if not body:
        return "<p>No record corrected.</p>"
    return table_html(("table", "corrected records"), body, numeric=(1,))


def chart_html(path: Path | None, alt: str, missing: str) -> str:
    if path is None:
        return f'<p class="muted">{esc(missing)}</p>'
    return (
        f'<p><a href="{quote(path.name)}"><img class="chart" '
        f'src="{quote(path.name)}" alt="{esc(alt)}"></a></p>'
    )


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
        f'<p class="sub">{esc(doc.doc_id)} · {counts["error"]} error(s), '
        f"{counts['warning']} warning(s) found "
        "in the document</p>",
        '<nav><a href="#facts">Facts</a><a href="#sections">Sections</a><a '
        'href="#outputs">Outputs</a>'
        '<a href="#activities">Activities</a><a href="#workplan">Work plan</a><a '
        'href="#budget">Budget</a>'
        '<a href="#issues">Issues</a><a href="#corrections">Corrections</a>'
        f'<a href="{quote(file_stem(doc.doc_id))}.review.html">Review page</a></nav>',
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
        '<h2 id="corrections">Corrected records</h2>',
        corrections_html(doc),
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def index_html(docs: list[Doc], failed: Iterable[str] = ()) -> str:
    """The index of the reports; a document whose report failed is listed
    without a link."""
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
            f'<td class="num">{counts["error"]}</td><td '
            f'class="num">{counts["warning"]}</td></tr>'
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
                "<tr><th>document</th><th>title</th><th>country</th><th "
                'class="num">errors</th>'
                '<th class="num">warnings</th></tr>',
                *rows,
                "</table>",
                "</body>",
                "</html>",
            ]
        )
        + "\n"
    )
