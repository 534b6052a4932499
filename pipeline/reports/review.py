"""The review page of a document: each page of the PDF as an image, the tables
found on it outlined and labelled by role, and the records listed beside
it.  A click on a record (or an issue) scrolls to its page and highlights the
box it was read from; filters show one table, the issues, the records read
by OCR with low confidence, the corrected records or those whose text was not
found on the page.  A click on a table's label shows its kind and its
columns' roles as menus: another kind or role picked there gives the
correction line of table `tables` to paste into the document's corrections
file, and the `correct` command that records it.

Static HTML beside the document's report (`reports/<doc_id>.review.html`,
page images in `reports/<doc_id>-pages/`); no server, no script from
elsewhere.  Text from the PDF is escaped everywhere.
"""

from __future__ import annotations

import html
import io
import json
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pypdfium2 as pdfium

from ..confidence import LOW
from ..model import Record
from ..readings import column_roles, table_kinds
from .data import Doc, Tables, file_stem

CSS = resources.files("pipeline.data").joinpath("review.css").read_text("utf-8")
SCRIPT = resources.files("pipeline.data").joinpath("review.js").read_text("utf-8")
PAGE_SCALE = 1.25  # image pixels per PDF point: sharp enough to read a budget sheet
# ... on pages up to this many pixels (an A3 sheet at that scale): a larger
# page is drawn smaller, so that drawing takes the same memory and time
MAX_PIXELS = 2_500_000
JPEG_QUALITY = 65
SUMMARY = {  # the fields that name a record in the list, in order
    "documents": ("title", "country"),
    "sections": ("number", "title"),
    "funding": ("source", "amount_usd"),
    "money_statements": ("printed", "section"),
    "outcomes": ("outcome_no", "title", "statement"),
    "outputs": ("output_id", "title"),
    "targets": ("output_id", "seq", "text"),
    "activities": ("activity_id", "title"),
    "workplan": ("activity_id", "year", "quarter", "sub_activity"),
    "budget_lines": (
        "year",
        "activity_id",
        "label",
        "responsible_party",
        "account_code",
        "amount_usd",
    ),
    "risks": ("risk_no", "description"),
}
SUMMARY_WIDTH = 110


def page_images(pdf: Path) -> list[tuple[float, float, bytes]]:
    """(width, height in PDF points, JPEG) of each page, as displayed."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        images = []
        for page in document:
            width, height = page.get_size()
            image = page.render(scale=page_scale(width, height)).to_pil()
            image = image.convert("RGB")
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=JPEG_QUALITY)
            images.append((width, height, buffer.getvalue()))
            page.close()
        return images
    finally:
        document.close()


def page_scale(width: float, height: float) -> float:
    """Image pixels per PDF point for a page of that size (in points): the
    largest scale s up to PAGE_SCALE at which the image, each side rounded
    up to whole pixels, is no more than MAX_PIXELS: (w s + 1)(h s + 1) <= N."""
    area, sides = max(width * height, 1.0), width + height
    bounded = (sides**2 + 4 * area * (MAX_PIXELS - 1)) ** 0.5 - sides
    return min(PAGE_SCALE, bounded / (2 * area))


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def summary(table: str, row: Record) -> str:
    parts = [str(row[f]) for f in SUMMARY[table] if row.get(f) not in (None, "")]
    text = " · ".join(" ".join(p.split()) for p in parts)
    return text if len(text) <= SUMMARY_WIDTH else text[: SUMMARY_WIDTH - 1] + "…"


def fragments_attr(row: Record) -> str:
    """A record's fragments as `page:x0,top,x1,bottom|...` (numbers only)."""
    return "|".join(
        f"{int(f['page'])}:{','.join(f'{float(v):.1f}' for v in f['bbox'])}"
        for f in (row.get("provenance") or {}).get("fragments", [])
    )


def box_style(box: list[float], width: float, height: float) -> str:
    x0, top, x1, bottom = box
    return (
        f"left:{100 * x0 / width:.3f}%;top:{100 * top / height:.3f}%;"
        f"width:{100 * (x1 - x0) / width:.3f}%;"
        f"height:{100 * (bottom - top) / height:.3f}%"
    )


def pages_html(
    stem: str, sizes: list[tuple[float, float]], outlines: dict[int, list[str]]
) -> str:
    out = []
    for number, (width, height) in enumerate(sizes, 1):
        out.append(
            f'<div class="page" id="page-{number}" data-w="{width:.1f}" '
            f'data-h="{height:.1f}" style="aspect-ratio:{width:.1f}/{height:.1f}">'
            f'<img src="{quote(stem)}-pages/{number}.jpg" alt="page {number}" '
            f'loading="lazy"><span class="pageno">{number}</span>'
            f"{''.join(outlines.get(number, []))}</div>"
        )
    return "\n".join(out)


def table_outlines(
    tables: list[Record], sizes: list[tuple[float, float]]
) -> dict[int, list[str]]:
    """The outline and role label of each table on each page it covers."""
    outlines: dict[int, list[str]] = {}
    for row in tables:
        for f in (row.get("provenance") or {}).get("fragments", []):
            page = int(f["page"])
            if not 1 <= page <= len(sizes):
                continue
            role = esc(row.get("kind"))
            outlines.setdefault(page, []).append(
                f'<div class="tbl role-{role}" '
                f'data-table-no="{esc(row.get("table_no"))}" '
                f'data-kind="{role}" data-page="{page}" '
                f'data-columns="{esc(json.dumps(columns_of(row)))}" '
                f'style="{box_style(f["bbox"], *sizes[page - 1])}">'
                f"<span>{role} · table {esc(row.get('table_no'))}</span></div>"
            )
    return outlines


def columns_of(table: Record) -> list[dict[str, str]]:
    """A table's columns as `tables.csv` gives them: the header and the role
    (`role:score`; a year or quarter column has none)."""
    headers = str(table.get("header") or "").split(" | ")
    readings = str(table.get("roles") or "").split(" | ")
    columns = []
    for i in range(int(table.get("n_cols") or 0)):
        reading = readings[i] if i < len(readings) else ""
        role, colon, _ = reading.partition(":")
        columns.append(
            {
                "header": headers[i] if i < len(headers) else "",
                "role": role if colon else "",
                "dated": "" if colon else reading,
            }
        )
    return columns


def reading_options(doc_id: str) -> str:
    """What the page's menus offer, as JSON fit for a script element."""
    options = {"doc_id": doc_id, "kinds": table_kinds(), "roles": column_roles()}
    return json.dumps(options).replace("<", "\\u003c")


def records_html(doc: Tables) -> tuple[str, dict[str, int]]:
    """The list items of the records, and the number of records per table."""
    items, counts = [], {}
    for table in SUMMARY:
        rows = doc.get(table, [])
        counts[table] = len(rows)
        for row in rows:
            frags = fragments_attr(row)
            confidence = row.get("confidence")
            flags = (
                (" corrected" if row.get("corrected") else "")
                + ("" if frags else " unplaced")
                + (
                    " low"
                    if isinstance(confidence, (int, float)) and confidence < LOW
                    else ""
                )
            )
            notes = "; ".join(
                str(c.get("note", ""))
                for c in (row.get("provenance") or {}).get("corrections", [])
            )
            title = f' title="{esc("corrected: " + notes)}"' if notes else ""
            items.append(
                f'<li class="rec{flags}" data-table="{table}" '
                f'data-frags="{frags}"{title}>'
                f"<b>{esc(table)}</b> {esc(summary(table, row))}</li>"
            )
    for issue in doc.get("issues", []):
        page = issue.get("page")
        items.append(
            f'<li class="issue {esc(issue.get("severity"))}" data-table="issues" '
            f'data-page="{int(page) if isinstance(page, int) else ""}">'
            f"<b>{esc(issue.get('check'))}</b> {esc(issue.get('message'))}</li>"
        )
    return "\n".join(items), counts


def review_html(
    doc_id: str, doc: Tables, sizes: list[tuple[float, float]], stem: str
) -> str:
    items, counts = records_html(doc)
    corrected = sum(bool(r.get("corrected")) for t in SUMMARY for r in doc.get(t, []))
    options = "".join(
        f'<option value="{t}">{esc(t)} ({n})</option>' for t, n in counts.items() if n
    )
    title = esc(f"Review: {doc_id}")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>{CSS}</style>
</head>
<body>
<main id="pages">
{pages_html(stem, sizes, table_outlines(doc.get("tables", []), sizes))}
</main>
<aside>
<h1>{title}</h1>
<p><a href="{quote(stem)}.html">report</a> · {len(sizes)} pages ·
{corrected} corrected records</p>
<label>Show <select id="filter">
<option value="">all records and issues</option>{options}
<option value="issues">issues ({len(doc.get("issues", []))})</option>
<option value="low">records read by OCR with low confidence</option>
<option value="corrected">corrected records ({corrected})</option>
<option value="unplaced">records not found on the page</option>
</select></label>
<section id="reading" hidden>
<h2>Table <span id="reading-no"></span>: its reading</h2>
<label>Kind <select id="reading-kind"></select></label>
<table id="reading-columns"><tbody></tbody></table>
<p>Corrections to paste into <code>corrections/{esc(doc_id)}.csv</code>:</p>
<textarea id="reading-lines" readonly rows="3"></textarea>
<p>or record them, then extract again:</p>
<textarea id="reading-commands" readonly rows="4"></textarea>
</section>
<ul id="records">
{items}
</ul>
</aside>
<script type="application/json" id="reading-options">{reading_options(doc_id)}</script>
<script>{SCRIPT}</script>
</body>
</html>
"""


def review_files(doc: Doc, pdf: Path, folder: Path) -> str:
    """Write a document's review page and its page images into `folder`;
    "" or why they could not be made (one document's page must not stop the
    others)."""
    try:
        images = page_images(pdf)
    except Exception as exc:
        return f"its review page could not be drawn ({exc})"
    stem = file_stem(doc.doc_id)
    (folder / f"{stem}-pages").mkdir(exist_ok=True)
    for number, (_, _, jpeg) in enumerate(images, 1):
        (folder / f"{stem}-pages" / f"{number}.jpg").write_bytes(jpeg)
    page = review_html(doc.doc_id, doc.tables, [(w, h) for w, h, _ in images], stem)
    (folder / f"{stem}.review.html").write_bytes(page.encode("utf-8"))
    return ""
