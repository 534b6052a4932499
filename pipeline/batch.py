"""Run a batch: each document extracted in its own process (`supervise`),
here or on a Dask cluster (`cluster`), or taken from the cache (`cache`);
then every record validated and the dataset written in one step.

A document that fails (unreadable, not a PDF, too slow, out of memory, a
crash) is reported with its file name and a plain reason; the others still
complete.  Failures are not cached: they are tried again on the next run.
"""

from __future__ import annotations

import errno
import faulthandler
import importlib
import multiprocessing as mp
import os
import resource
import tempfile
import time
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .cache import (
    CACHE_DIR,
    PREPARED,
    cache_key,
    cache_miss,
    file_sha,
    prune_cache,
    read_payload,
    sound,
)
from .cluster import run_dask
from .corrections import apply_corrections, table_readings
from .datapackage import DESCRIPTOR_FILE, descriptor_bytes
from .errors import shown
from .export import RUN_FILE, output_names, write_dataset, write_tables
from .model import Record, finding, issue
from .processes import fork_context
from .readings import readings_text
from .run import DocumentResult, Observer, RunSummary, Settings
from .supervise import Ended, run_processes
from .validate import invalid_record, schemas, validate_records

REPORTS = "reports"


def run_batch(
    paths: list[Path],
    out_dir: Path,
    settings: Settings,
    progress: Callable[[DocumentResult], None] | None = None,
    observer: Observer | None = None,
) -> RunSummary:
    out_dir = Path(out_dir)
    observer = observer or Observer()
    warnings: list[str] = []
    with results_folder(out_dir / CACHE_DIR, observer, warnings) as scratch:
        return extract_batch(
            paths, out_dir, scratch, settings, progress, observer, warnings
        )


def warn(observer: Observer, warnings: list[str], text: str) -> None:
    """Tell the user now and in run.json."""
    warnings.append(text)
    observer.warning(text)


@contextmanager
def results_folder(
    cache: Path, observer: Observer, warnings: list[str]
) -> Iterator[Path]:
    """Where the workers write their results: the cache, or, when it cannot
    be written (read-only, full, not a folder), a temporary folder removed
    at the end; the run then goes on without caching, and says so."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=cache).close()
    except OSError as exc:
        warn(
            observer,
            warnings,
            f"the cache {shown(cache)} cannot be written ({exc.strerror or exc}): "
            "going on without it",
        )
        with tempfile.TemporaryDirectory(prefix="prodoc-results-") as folder:
            yield Path(folder)
        return
    yield cache


def extract_batch(
    paths: list[Path],
    out_dir: Path,
    scratch: Path,
    settings: Settings,
    progress: Callable[[DocumentResult], None] | None,
    observer: Observer,
    warnings: list[str],
) -> RunSummary:
    """The batch, with the results of its extractions written to `scratch`
    (the cache, where it can be written)."""
    cache = out_dir / CACHE_DIR
    tell = partial(warn, observer, warnings)
    results: dict[Path, DocumentResult] = {}
    valid: dict[Path, dict[str, list[Record]]] = {}
    jobs: list[tuple[Path, Path]] = []
    limits: dict[Path, float] = {}  # each extraction's time limit
    readings: dict[Path, str] = {}  # what a person said of its tables, if anything

    def report(result: DocumentResult) -> None:
        observer.finished(result)
        if progress:
            progress(result)

    def fail(
        path: Path, reason: str, seconds: float = 0.0, detail: str = "", stage: str = ""
    ) -> None:
        results[path] = DocumentResult(
            shown(path),
            ids[path] or "_",
            "failed",
            one_line(reason),
            issues=1,
            seconds=round(seconds, 2),
            stage=stage,
            time_limit_s=limits.get(path, 0.0),
            detail="\n".join(map(shown, detail.splitlines())),
        )  # issues 1: document_failed
        report(results[path])

    def finish(
        path: Path,
        payload: dict[str, Any],
        seconds: float,
        cached: bool,
        stage: str = "",
    ) -> None:
        if "error" in payload:
            fail(
                path,
                str(payload["error"]),
                seconds,
                str(payload.get("detail", "")),
                str(payload.get("stage") or stage),
            )
            return
        try:
            records = relabel(payload["records"], ids[path], shown(path.name))
            apply_corrections(records, settings.corrections, ids[path])
            tables, invalid = validate_records(records)
        except Exception as exc:
            fail(
                path,
                f"its records could not be checked ({type(exc).__name__}: {exc})",
                seconds,
                traceback.format_exc(limit=-5),
                "checking the records",
            )
            return
        invalid.extend(unstorable(tables))
        tables.setdefault("issues", []).extend(invalid)
        valid[path] = tables
        docs = tables.get("documents", [])
        issues = tables.get("issues", [])
        results[path] = DocumentResult(
            shown(path),
            ids[path],
            "partial"
            if any(str(f.get("check", "")).startswith("missing_") for f in issues)
            else "ok",
            pages=(docs[0].get("pages") or 0) if docs else 0,
            records={t: len(r) for t, r in sorted(tables.items())},
            issues=len(issues),
            seconds=round(seconds, 2),
            cached=cached,
            ocr_pages=list(payload.get("ocr_pages") or []),
            ocr_seconds=0.0 if cached else float(payload.get("ocr_seconds") or 0.0),
            ocr_jobs=int(payload.get("ocr_jobs") or 0),
            time_limit_s=0.0 if cached else limits.get(path, 0.0),
        )
        report(results[path])

    named: dict[str, Path] = {}
    spent: dict[
        Path, float
    ] = {}  # seconds of a document's limit used before its extraction
    cached_payloads: list[tuple[Path, dict[str, Any]]] = []
    documents = unique(paths, tell)
    ids = {path: doc_id_of(path) for path in documents}
    for path in documents:
        if not ids[path]:
            fail(
                path,
                "the file name leaves no document id (doc_id): name it with letters or "
                "digits",
            )
            continue
        if ids[path] in named:
            fail(
                path,
                f'another file in this batch has the same document id "{ids[path]}" '
                f"({shown(named[ids[path]])}); document ids must be unique",
            )
            continue
        named[ids[path]] = path
        began = time.monotonic()
        try:
            sha = file_sha(path, settings.timeout_s)
        except OSError as exc:
            fail(path, unreadable(path, exc))
            continue
        spent[path] = time.monotonic() - began
        if sha is None:
            fail(
                path,
                f"took longer than the {settings.timeout_s:g} s time limit (reading "
                "the file)",
                spent[path],
            )
            continue
        readings[path] = readings_text(
            table_readings(settings.corrections, ids[path], sha)
        )
        key = cache_key(sha, path.name, settings.ocr, readings[path])
        payload = None if settings.force else read_payload(cache / key)
        if payload is not None and sound(payload):
            observer.cache_decision(
                path, f"in the cache ({CACHE_DIR}/{key}): not extracted again"
            )
            cached_payloads.append((path, payload))
        else:
            observer.cache_decision(path, cache_miss(cache / key, settings.force))
            (scratch / key).unlink(missing_ok=True)
            jobs.append((path, scratch / key))
            limits[path] = time_limit(path, settings)
    observer.planned(len(documents), len(jobs), where(settings))
    for path, payload in cached_payloads:
        finish(path, payload, 0.0, cached=True)
    del cached_payloads
    if settings.scheduler:
        ended: Iterator[Ended] = run_dask(jobs, settings, observer, limits, readings)
    else:
        ended = run_processes(
            jobs,
            settings,
            observer,
            spent,
            meanwhile=partial(load_writers, settings),
            limits=limits,
            readings=readings,
        )
    for path, target, seconds, reason, stage in ended:
        payload = {"error": reason} if reason else read_payload(target)
        if payload is None:
            payload = {"error": "the extraction process left no readable result"}
        if "error" in payload:
            target.unlink(missing_ok=True)  # failures are tried again next run
        finish(path, payload, seconds, cached=False, stage=stage)

    order = sorted(results, key=lambda p: (results[p].doc_id, str(p)))
    tables: dict[str, list[Record]] = defaultdict(list)
    for path in order:
        result = results[path]
        if result.status == "failed":
            tables["issues"].append(
                issue(
                    result.doc_id,
                    shown(path.name),
                    finding(
                        "document_failed",
                        "error",
                        f"{shown(path.name)}: {result.reason}",
                    ),
                )
            )
            continue
        for table, rows in valid[path].items():
            tables[table].extend(rows)
    summary = RunSummary([results[p] for p in order], shown(out_dir), warnings=warnings)
    observer.writing(tuple(settings.formats))
    # the dataset is prepared beside the cache, then moved in (see write_dataset)
    prefix = PREPARED.format(pid=os.getpid())
    with tempfile.TemporaryDirectory(prefix=prefix, dir=scratch) as folder:
        prepared = Path(folder)
        write = partial(write_tables, prepared, tables, settings.formats)
        if "reports" in settings.formats:  # reports/<doc_id>.html
            from .reports import report_files

            drawn = report_files(
                tables, named, prepared / REPORTS, settings.cores, meanwhile=write
            )
            if drawn.failed:  # an issue more: the tables written again
                tables["issues"].extend(report_issues(drawn.failed, summary, tell))
                write()
            for doc_id, reason in drawn.unpaged.items():
                tell(f"{doc_id}: {reason}")
        else:
            write()
        extra = {RUN_FILE: summary.to_json().encode("utf-8")}
        if "csv" in settings.formats:
            extra[DESCRIPTOR_FILE] = descriptor_bytes(list(schemas()), tables)
        write_dataset(prepared, out_dir, extra)
    if scratch == cache:
        prune_cache(cache)
    return summary


PROBE_SECONDS = 30.0  # to find a document's pages to be read by OCR


def time_limit(path: Path, settings: Settings) -> float:
    """The seconds `path` may take: the run's limit, which grows with the
    pages to be read by OCR unless it was given (`Settings.time_limit`).
    The pages are found in a process of their own, under the memory cap
    and a short time limit: a hostile file's drawing may take all memory
    to parse, and must not take the batch with it (it then counts none)."""
    reader, writer = mp.Pipe(duplex=False)
    probe = fork_context().Process(
        target=count_scanned_pages,
        args=(path, settings.ocr, settings.memory_mb, writer),
        daemon=True,
    )
    probe.start()
    writer.close()
    try:
        pages = reader.recv() if reader.poll(PROBE_SECONDS) else 0
    except EOFError:  # the probe died before it could say (over the cap)
        pages = 0
    probe.kill()
    probe.join()
    return settings.time_limit(pages)


def count_scanned_pages(path: Path, mode: str, memory_mb: int, out: Connection) -> None:
    """In the probing process: how many pages of `path` OCR will read."""
    from .ocr import scanned_pages  # on first use: OpenCV comes with it

    # a probe that dies over the cap says nothing on the user's terminal
    faulthandler.disable()
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    cap = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        out.send(len(scanned_pages(path, mode)))
    except BaseException:  # an unreadable or hostile file: its extraction says why
        out.send(0)


def load_writers(settings: Settings) -> None:
    """Load the libraries of the chosen outputs (charts, Parquet, DuckDB:
    seconds in all), which the batch needs only once its documents are
    extracted: done while they are (see `run_processes`)."""
    if "reports" in settings.formats:
        importlib.import_module(".reports", __package__)
    if {"parquet", "duckdb"} & set(settings.formats):
        importlib.import_module(".columnar", __package__)


def dataset_names() -> set[str]:
    """The top-level names a run may write into its output folder, whatever
    its formats."""
    return output_names() | {RUN_FILE, DESCRIPTOR_FILE, REPORTS}


def where(settings: Settings) -> str:
    if settings.scheduler == "local":
        return f"on a local Dask cluster of {settings.workers} worker process(es)"
    if settings.scheduler:
        return f"on the Dask cluster at {settings.scheduler}"
    return f"in up to {settings.workers} process(es) on this machine"


def report_issues(
    failed: dict[str, str], summary: RunSummary, tell: Callable[[str], None]
) -> list[Record]:
    """A `report_failed` finding for each document whose report could not be
    drawn (its records are written all the same), counted in its summary."""
    findings = []
    for result in summary.documents:
        if result.doc_id in failed:
            message = (
                f"the report could not be drawn ({one_line(failed[result.doc_id])})"
            )
            tell(f"{result.doc_id}: {message}")
            result.issues += 1
            findings.append(
                issue(
                    result.doc_id,
                    Path(result.file).name,
                    finding("report_failed", "warning", message),
                )
            )
    return findings


def doc_id_of(path: Path) -> str:
    """A document's id: its file name without `.pdf`, white space of any
    kind (line breaks, tabs) made one space and dropped at either end, and
    each other character that is not printable (control and formatting
    characters, bytes that are not UTF-8) made `_`; "" when nothing is left."""
    return " ".join(
        "".join(
            ch if ch.isprintable() or ch.isspace() else "_" for ch in path.stem
        ).split()
    )


def relabel(
    records: dict[str, list[Record]], doc_id: str, source_file: str
) -> dict[str, list[Record]]:
    """The records with the batch's doc_id and printable file name (the
    extraction names them after the file as it is)."""
    for rows in records.values():
        for row in rows:
            row.update(doc_id=doc_id, source_file=source_file)
    return records


def unstorable(tables: dict[str, list[Record]]) -> list[Record]:
    """Remove the records holding an integer too large for the 64-bit
    columns of Parquet and DuckDB (one would stop the whole batch at
    writing); return an `invalid_record` finding for each."""
    findings = []
    for table, rows in tables.items():
        kept = []
        for row in rows:
            field_name = next(
                (
                    k
                    for k, v in row.items()
                    if isinstance(v, int)
                    and not isinstance(v, bool)
                    and not -(2**63) <= v < 2**63
                ),
                None,
            )
            if field_name is None:
                kept.append(row)
                continue
            page = row.get("page")
            findings.append(
                invalid_record(
                    row,
                    f"{table} record not written: {field_name}: "
                    f"{row[field_name]} is too large to store",
                    page if isinstance(page, int) and abs(page) < 2**31 else None,
                )
            )
        rows[:] = kept
    return findings


def unreadable(path: Path, exc: OSError) -> str:
    """Why a file cannot be read, in plain words (links told apart)."""
    if exc.errno == errno.ELOOP:
        return "a link that leads back to itself"
    if path.is_symlink() and exc.errno == errno.ENOENT:
        return f"a broken link: {shown(os.readlink(path))} does not exist"
    return f"cannot read the file ({exc.strerror or exc})"


def one_line(text: str, limit: int = 300) -> str:
    """A reason fit for one line of a terminal or a CSV cell: no control
    characters, runs of white space made one space, long ones shortened."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def unique(paths: list[Path], tell: Callable[[str], None]) -> list[Path]:
    """Each file once, in the order first given: of the names a file is
    given under, the one first in doc_id order, whatever the order of the
    arguments; `tell` of each other name that would give another doc_id."""
    names: dict[str, list[Path]] = defaultdict(list)
    for path in map(Path, paths):
        names[os.path.realpath(path)].append(path)
    kept = []
    for same in names.values():
        first = min(same, key=lambda p: (doc_id_of(p), str(p)))
        kept.append(first)
        for other in sorted({p for p in same if doc_id_of(p) != doc_id_of(first)}):
            tell(
                f"{shown(other)}: the same file as {shown(first)}, extracted once as "
                f"{doc_id_of(first)}"
            )
    return kept
