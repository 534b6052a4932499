"""Per-document charts and a static HTML report, drawn from the dataset's records.

For one document (`render_document`): `<doc_id>-workplan.png` and
`<doc_id>-budget.png` (`charts`) and `<doc_id>.html` (`html`), from the
records shaped by `data`; for a batch (`report_files`), every document's
files and an `index.html`, as bytes to be written with the dataset.

Output is deterministic: the same records give the same bytes (no
timestamps, fixed PNG metadata, Agg rendering without global pyplot state).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import tempfile
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .charts import budget_chart, gantt_chart
from .data import Tables, documents, file_stem, select
from .html import index_html, report_html


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
        for doc_id, report in zip(ids, reports, strict=True)
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
