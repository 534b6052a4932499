"""Per-document charts and a static HTML report, drawn from the dataset's records.

For one document (`render_document`): `<doc_id>-workplan.png` and
`<doc_id>-budget.png` (`charts`) and `<doc_id>.html` (`html`), from the
records shaped by `data`; for a batch (`report_files`), every document's
files and an `index.html`, as bytes to be written with the dataset.

Output is deterministic: the same records give the same bytes (no
timestamps, fixed PNG metadata, Agg rendering without global pyplot state).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..processes import die_with_parent, fork_context, frozen_heap
from .charts import budget_chart, gantt_chart
from .data import Doc, Tables, documents, file_stem, select
from .html import index_html, report_html
from .review import review_files

CHARTS: dict[str, Callable[[Doc, Path], Path | None]] = {
    "workplan": gantt_chart,
    "budget": budget_chart,
}


def draw_chart(doc: Doc, kind: str, out_dir: Path) -> Path | None:
    """Draw one of the document's `CHARTS` into `out_dir`; None when it has
    no data for it (no work plan, no budget sheet)."""
    with (
        warnings.catch_warnings()
    ):  # a character the font lacks is drawn as a box, not told on stderr
        warnings.filterwarnings(
            "ignore", r"Glyph \d+ .* missing from font", UserWarning
        )
        return CHARTS[kind](doc, Path(out_dir) / f"{file_stem(doc.doc_id)}-{kind}.png")


def render_document(
    doc_id: str, tables: dict[str, list[dict]], out_dir: Path
) -> list[Path]:
    """Write the charts and the HTML report of one document into `out_dir`;
    return the files written (the report last).  A chart without data (no
    work plan, no budget sheet) is left out and the report says so."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    doc = select(doc_id, tables)
    charts = [draw_chart(doc, kind, out_dir) for kind in CHARTS]
    report = out_dir / f"{file_stem(doc_id)}.html"
    tmp = report.with_name(f".{report.name}.tmp-{os.getpid()}")
    tmp.write_text(report_html(doc, *charts), encoding="utf-8")
    os.replace(tmp, report)
    return [p for p in charts if p is not None] + [report]


def chart_file(doc: Doc, kind: str, folder: Path) -> tuple[Path | None, str]:
    """One chart of a document drawn into `folder` (None when it has no data
    for it), and why it could not be drawn ("" when it was: one chart must
    not stop the others)."""
    try:
        return draw_chart(doc, kind, folder), ""
    except Exception as exc:
        return None, f"{type(exc).__name__}: {exc}"


@dataclass
class Drawn:
    """The documents whose report ({doc_id: reason}, an issue of the
    dataset) or review page ({doc_id: reason}, a warning) could not be made."""

    failed: dict[str, str] = field(default_factory=dict)
    unpaged: dict[str, str] = field(default_factory=dict)


def report_files(
    tables: Tables,
    sources: Mapping[str, Path],
    folder: Path,
    workers: int = 1,
    meanwhile: Callable[[], object] | None = None,
) -> Drawn:
    """Draw into `folder` every document's charts, report and review page (of
    the PDFs in `sources`, by doc_id), and an `index.html` linking the
    reports; files go to disk as they are drawn, so that memory does not
    grow with the batch.  Each chart and each review page is drawn by one
    of up to `workers` processes: a chart takes up to a second, a review
    page renders every page of its PDF.  `meanwhile` is called once every
    drawing is handed out: work of the caller's own, done while they are
    drawn."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    docs = documents(tables)
    drawn = Drawn()
    with task_pool(workers) as submit:
        charts = {
            (doc.doc_id, kind): submit(chart_file, doc, kind, folder)
            for doc in docs
            for kind in CHARTS
        }
        reviews = {
            doc.doc_id: submit(review_files, doc, sources[doc.doc_id], folder)
            for doc in docs
            if doc.doc_id in sources
        }
        if meanwhile is not None:
            meanwhile()
        for doc in docs:
            done = {kind: charts[doc.doc_id, kind].result() for kind in CHARTS}
            if reason := report_of(doc, done, folder):
                drawn.failed[doc.doc_id] = reason
        for doc_id, review in reviews.items():
            if reason := review.result():
                drawn.unpaged[doc_id] = reason
    (folder / "index.html").write_bytes(index_html(docs, drawn.failed).encode("utf-8"))
    return drawn


def report_of(
    doc: Doc, charts: dict[str, tuple[Path | None, str]], folder: Path
) -> str:
    """Write a document's HTML report beside its charts (as `chart_file`
    drew them); or, when one could not be drawn or the report cannot be
    made, remove the charts and return why."""
    reason = next((why for _, why in charts.values() if why), "")
    if not reason:
        try:
            page = report_html(doc, *(path for path, _ in charts.values()))
            (folder / f"{file_stem(doc.doc_id)}.html").write_bytes(page.encode("utf-8"))
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
    if reason:
        for path, _ in charts.values():
            if path is not None:
                path.unlink(missing_ok=True)
    return reason


@contextmanager
def task_pool(workers: int) -> Iterator[Callable[..., Future[Any]]]:
    """`submit(fn, *args)`: `fn` run in one of `workers` forked processes,
    or here at once with one worker (or where processes cannot fork)."""
    context = fork_context()
    if workers < 2 or context.get_start_method() != "fork":

        def run_here(fn: Callable[..., Any], *args: Any) -> Future[Any]:
            done: Future[Any] = Future()
            done.set_result(fn(*args))
            return done

        yield run_here
        return
    with (
        frozen_heap(),
        ProcessPoolExecutor(
            workers, mp_context=context, initializer=die_with_parent
        ) as pool,
    ):
        yield pool.submit
