"""Run a batch: each document in its own process, with a time limit and a
memory cap, results cached by content hash; then validate and write.

A document that fails (unreadable, not a PDF, too slow, out of memory, a
crash) is reported with its file name and a plain reason; the others still
complete.  Failures are not cached: they are tried again on the next run.

The cache lives in `<out>/.cache`, one JSON file per document, keyed by the
file's content, its name (the name becomes the `doc_id`) and a fingerprint
of the pipeline's code, so a cached result is reused only for the same file
under the same name by the same code.

The extraction processes run on this machine, or, with `Settings.scheduler`,
on the workers of a Dask cluster (`cluster.py`); either way each document's
result comes back as the same JSON payload and is cached here.

Each extraction process posts the stage it has reached (the pipeline module
at work: reader, tables, budget...) on a small shared page, so that a
document stopped by the time limit or the memory cap is reported with the
stage it was in, and a progress display can show it.
"""

from __future__ import annotations

import errno
import hashlib
import importlib
import json
import logging
import mmap
import multiprocessing as mp
import os
import re
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import lru_cache, partial
from multiprocessing.connection import wait
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, Callable, Iterable, Iterator

from . import __version__
from .charts import report_files
from .datapackage import DESCRIPTOR_FILE, descriptor_bytes
from .errors import DocumentError, shown
from .export import FORMATS, RUN_FILE, output_names, write_dataset
from .model import Record, finding, issue
from .validate import schemas, validate_records

CACHE_DIR = ".cache"
REPORTS = "reports"
CACHE_FILE = re.compile(
    r"[0-9a-f]{32}-[0-9a-f]{16}\.json(?:\.part-(\d+))?"
)  # as cache_key names them


@dataclass
class Settings:
    workers: int = max(1, os.cpu_count() or 1)
    timeout_s: float = 300.0
    memory_mb: int = 4096
    force: bool = False
    formats: tuple[str, ...] = FORMATS
    scheduler: str | None = (
        None  # a Dask scheduler's address, or "local": run the extractions there
    )


@dataclass
class DocumentResult:
    file: str
    doc_id: str
    status: str  # "ok", "partial" (findings about missing parts) or "failed"
    reason: str = ""
    pages: int = 0
    records: dict[str, int] = field(default_factory=dict)
    issues: int = 0
    seconds: float = 0.0
    cached: bool = False  # taken from the cache: not extracted in this run
    detail: str = ""  # for an unexpected error: where it happened
    stage: str = ""  # for a failure: the stage of the extraction it happened in

    @property
    def source(self) -> str:
        return (
            "-" if self.status == "failed" else "cache" if self.cached else "extracted"
        )


@dataclass
class RunSummary:
    documents: list[DocumentResult]
    out_dir: str
    version: str = __version__
    warnings: list[str] = field(
        default_factory=list
    )  # what the run told that failed no document

    @property
    def failed(self) -> list[DocumentResult]:
        return [d for d in self.documents if d.status == "failed"]

    @property
    def cached(self) -> list[DocumentResult]:
        return [d for d in self.documents if d.cached and d.status != "failed"]

    def counts(self) -> dict[str, int]:
        return {
            "documents": len(self.documents),
            "extracted": sum(
                d.status != "failed" and not d.cached for d in self.documents
            ),
            "from_cache": len(self.cached),
            "partial": sum(d.status == "partial" for d in self.documents),
            "failed": len(self.failed),
        }

    def to_json(self) -> str:
        return (
            json.dumps(
                {
                    "version": self.version,
                    "out_dir": self.out_dir,
                    "counts": self.counts(),
                    "documents": [
                        {**asdict(d), "source": d.source} for d in self.documents
                    ],
                    "warnings": self.warnings,
                },
                indent=1,
                ensure_ascii=False,
            )
            + "\n"
        )


class Observer:
    """What a batch tells as it goes (for a progress display or a verbose
    log); every method is optional."""

    def planned(self, total: int, to_extract: int, where: str) -> None:
        """`total` documents, `to_extract` of them not in the cache, run `where`."""

    def cache_decision(self, path: Path, decision: str) -> None:
        """Whether the document is taken from the cache, and why not."""

    def started(self, path: Path) -> None:
        """The document's extraction has started (or been handed to a cluster)."""

    def stage(self, path: Path, stage: str) -> None:
        """The running extraction of the document has reached `stage`."""

    def tick(self) -> None:
        """Called about once a second while extractions run."""

    def finished(self, result: DocumentResult) -> None:
        """The document is done: extracted, taken from the cache or failed."""

    def writing(self, formats: tuple[str, ...]) -> None:
        """Every document is done; the dataset is being written."""

    def warning(self, text: str) -> None:
        """Something the user should know that fails no document."""


# ------------------------------------------------------------------ stages of an extraction

STAGES = {  # the pipeline module at work -> the stage as the user is told
    "reader": "reading the PDF",
    "layout": "page layout",
    "sections": "sections",
    "tables": "tables",
    "textgrid": "tables",
    "results": "results framework",
    "workplan": "work plan",
    "budget": "budget sheets",
    "risks": "risk log",
    "document": "document facts",
    "nlp": "money and dates",
    "checks": "consistency checks",
    "extract": "assembling records",
    "model": "assembling records",
}
STARTING, WRITING = "starting", "writing the result"
OUT_OF_MEMORY = "out of memory (the machine has no more)"
UNWRITABLE = 3  # the exit code of a worker that could not write its result
BOARD_SIZE = 64


def stage_of(frames: Iterable[FrameType]) -> str | None:
    """The stage a call stack (outermost frame first) is in: the pipeline
    module that `extract` called last, or `extract` itself; None before the
    extraction has begun."""
    stack = [f.f_globals.get("__name__", "") for f in frames]
    inside = [i for i, name in enumerate(stack) if name == f"{__package__}.extract"]
    if not inside:
        return None
    for name in stack[inside[-1] + 1 :]:
        if name.startswith(f"{__package__}."):
            module = name.rsplit(".", 1)[1]
            return STAGES.get(module, module)
    return STAGES["extract"]


def traceback_stage(tb: TracebackType | None) -> str:
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    return stage_of(frames) or STARTING


def stack_of(frame: FrameType | None) -> list[FrameType]:
    frames = []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return frames[::-1]


def new_board() -> mmap.mmap:
    """A page shared with the extraction process forked after it: it posts
    its stage there, the parent reads it."""
    return mmap.mmap(-1, BOARD_SIZE)


def post(board: mmap.mmap | None, stage: str) -> None:
    if board is not None:
        board[:] = stage.encode("utf-8")[:BOARD_SIZE].ljust(BOARD_SIZE, b"\0")


def read_board(board: mmap.mmap | None) -> str:
    if board is None:
        return ""
    return board[:].rstrip(b"\0").decode("utf-8", "replace")


def watch_stages(
    board: mmap.mmap | None,
    memory_mb: int,
    over: Callable[[str], None],
    interval: float = 0.1,
) -> threading.Event:
    """In the extraction process: ten times a second, post the stage the main
    thread is in, and call `over(stage)` when the process's resident memory
    is over `memory_mb` (0: no cap); set the returned event to stop."""
    main_id = threading.main_thread().ident
    stop = threading.Event()

    def watch() -> None:
        last = STARTING
        while not stop.wait(interval):
            frame = sys._current_frames().get(main_id)
            stage = stage_of(stack_of(frame)) if frame is not None else None
            if stage and stage != last:
                post(board, stage)
                last = stage
            if memory_mb > 0 and resident_mb() > memory_mb:
                over(last)

    try:
        threading.Thread(target=watch, name="stage-watch", daemon=True).start()
    except (
        RuntimeError
    ):  # no thread to be had: the stages go unreported, the memory unwatched
        pass
    return stop


def resident_mb() -> float:
    """This process's resident memory (RSS) in MB; 0 where /proc does not tell."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the pipeline's code, reference data and schemas: a cached
    result is reused only by the exact pipeline that made it."""
    digest = hashlib.sha256(__version__.encode())
    root = Path(__file__).resolve().parent
    for path in sorted(
        [
            *root.rglob("*.py"),
            *root.rglob("*.json"),
            *root.rglob("*.csv"),
            *(root.parent / "schemas").glob("*.json"),
        ]
    ):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(sha256: str, name: str) -> str:
    """The cache file of a document: its content and file name (records carry
    the name as `doc_id` and `source_file`), then the code fingerprint."""
    digest = hashlib.sha256(
        f"{sha256}\0{name}".encode("utf-8", "surrogateescape")
    ).hexdigest()
    return f"{digest[:32]}-{code_fingerprint()}.json"


def file_sha(path: Path, limit_s: float) -> str | None:
    """The file's SHA-256, or None when reading it takes longer than
    `limit_s` (a huge file: its reading counts against the document's limit)."""
    digest = hashlib.sha256()
    deadline = time.monotonic() + limit_s
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            if time.monotonic() > deadline:
                return None
    return digest.hexdigest()


ALIAS = re.compile(
    rb"(?<!\d)(\d+)\s+(\d+)\s+obj\s*(\d+)\s+(\d+)\s+R\s*endobj"
)  # an object that is a reference


def reference_loop(path: str) -> str:
    """A loop of PDF objects each of which is only a reference to the next
    (`6 0 obj 7 0 R endobj`, `7 0 obj 6 0 R endobj`), which the PDF reader
    would follow until the time limit, as "6 0 R -> 7 0 R -> 6 0 R"; ""
    when there is none (objects in compressed object streams are not seen)."""
    try:
        with (
            open(path, "rb") as fh,
            mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data,
        ):
            alias = {m.group(1, 2): m.group(3, 4) for m in ALIAS.finditer(data)}
    except (OSError, ValueError):  # unreadable or empty: the reader tells
        return ""
    done: set[tuple[bytes, bytes]] = set()
    for ref in alias:
        chain: dict[tuple[bytes, bytes], None] = {}
        while ref in alias and ref not in done and ref not in chain:
            chain[ref] = None
            ref = alias[ref]
        if ref in chain:
            members = list(chain)
            return " -> ".join(
                f"{int(n)} {int(g)} R" for n, g in members[members.index(ref) :] + [ref]
            )
        done.update(chain)
    return ""


# ------------------------------------------------------------------ the worker process


def extract_to_file(
    path: str, target: str, memory_mb: int, board: mmap.mmap | None = None
) -> None:
    """Child process: extract one document and write its records (or its
    error, with the stage it happened in) as JSON to `target`; post the
    stage reached on `board` as it goes."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(
            signal.SIGINT, signal.SIG_IGN
        )  # Ctrl-C is the parent's to handle: it stops its workers
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent()
    logging.getLogger("pdfminer").setLevel(
        logging.CRITICAL
    )  # warnings about damaged but readable files

    def out_of_memory(
        stage: str,
    ) -> None:  # in the watching thread: the main one is still at work
        code = 0
        try:
            write_payload(
                target,
                {
                    "error": f"out of memory (over the {memory_mb} MB limit)",
                    "stage": stage,
                },
            )
        except SystemExit as exc:
            code = exc.code
        os._exit(code)

    post(board, STARTING)
    stop = watch_stages(board, memory_mb, out_of_memory)
    try:
        from .extract import extract_file

        loop = reference_loop(path)
        if loop:
            raise DocumentError(
                path, f"damaged PDF: its objects refer to each other in a loop ({loop})"
            )
        records = extract_file(Path(path))
        payload: dict[str, Any] = {"records": records, "checksum": checksum(records)}
    except DocumentError as exc:
        payload = {"error": exc.reason, "stage": traceback_stage(exc.__traceback__)}
    except MemoryError as exc:
        payload = {"error": OUT_OF_MEMORY, "stage": traceback_stage(exc.__traceback__)}
    except RecursionError as exc:
        payload = {
            "error": "too deeply nested to read (recursion limit reached)",
            "detail": traceback.format_exc(limit=-3),
            "stage": traceback_stage(exc.__traceback__),
        }
    except (
        Exception
    ) as exc:  # a bug or a pathological file: report it, keep the batch going
        payload = {
            "error": f"extraction failed ({type(exc).__name__}: {exc})",
            "detail": traceback.format_exc(limit=-5),
            "stage": traceback_stage(exc.__traceback__),
        }
    stop.set()
    post(board, WRITING)
    try:
        write_payload(target, payload)
    except MemoryError:
        write_payload(target, {"error": OUT_OF_MEMORY})


def write_payload(target: str, payload: dict[str, Any]) -> None:
    """Write a worker's result in one step; a target that cannot be written
    (a full disk, a read-only folder) ends the process with exit code
    `UNWRITABLE`, a plain reason for the batch to give instead of a traceback."""
    tmp = f"{target}.part-{os.getpid()}"
    try:  # a file name that is not UTF-8 stays as an escape (the batch names the document apart)
        with open(tmp, "w", encoding="utf-8", errors="backslashreplace") as fh:
            json.dump(payload, fh, ensure_ascii=False)
        os.replace(tmp, target)
    except OSError:
        raise SystemExit(UNWRITABLE) from None


def die_with_parent() -> None:
    """Ask Linux to kill this worker when the batch process dies, so that a
    killed run leaves no extraction running on."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def preload() -> None:
    """Import the extraction code once, before the workers fork: each starts
    with it loaded instead of importing it again.  An import error is left
    to the workers, which report it against each document."""
    try:
        importlib.import_module(".extract", __package__)
    except Exception:
        pass


# ------------------------------------------------------------------ the batch

Ended = tuple[
    Path, Path, float, str, str
]  # path, cache target, seconds, failure reason or "", stage


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
            f"the cache {shown(cache)} cannot be written ({exc.strerror or exc}): going on without it",
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
            tables, invalid = validate_records(
                relabel(payload["records"], ids[path], shown(path.name))
            )
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
                "the file name leaves no document id (doc_id): name it with letters or digits",
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
                f"took longer than the {settings.timeout_s:g} s time limit (reading the file)",
                spent[path],
            )
            continue
        key = cache_key(sha, path.name)
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
    observer.planned(len(documents), len(jobs), where(settings))
    for path, payload in cached_payloads:
        finish(path, payload, 0.0, cached=True)
    del cached_payloads
    if settings.scheduler:
        from .cluster import run_dask

        ended: Iterator[Ended] = run_dask(jobs, settings, observer)
    else:
        ended = run_processes(jobs, settings, observer, spent)
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
    extra: dict[str, bytes] = {}
    if "reports" in settings.formats:  # reports/<doc_id>.html
        reports, failed = report_files(
            tables, REPORTS, workers=min(settings.workers, os.cpu_count() or 1)
        )
        extra.update(reports)
        tables["issues"].extend(report_issues(failed, summary, tell))
    extra[RUN_FILE] = summary.to_json().encode("utf-8")
    if "csv" in settings.formats:
        extra[DESCRIPTOR_FILE] = descriptor_bytes(list(schemas()), tables)
    write_dataset(tables, out_dir, settings.formats, extra)
    if scratch == cache:
        prune_cache(cache)
    return summary


def dataset_names() -> set[str]:
    """The top-level names a run may write into its output folder, whatever its formats."""
    return output_names() | {RUN_FILE, DESCRIPTOR_FILE, REPORTS}


def where(settings: Settings) -> str:
    if settings.scheduler == "local":
        return f"on a local Dask cluster of {settings.workers} worker process(es)"
    if settings.scheduler:
        return f"on the Dask cluster at {settings.scheduler}"
    return f"in up to {settings.workers} process(es) on this machine"


def cache_miss(target: Path, force: bool) -> str:
    """Why a document is extracted: the cache decision as the user is told."""
    if force:
        return "--force: to be extracted again"
    if target.exists():
        return (
            f"the cached result ({CACHE_DIR}/{target.name}) is unreadable, damaged or a failure: "
            "to be extracted again"
        )
    stem = target.name.rsplit("-", 1)[0]
    if any(target.parent.glob(f"{stem}-*.json")):
        return "the cache holds a result of other pipeline code only: to be extracted again"
    return "not in the cache: to be extracted"


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
            message = (
                f"{table} record not written: {field_name}: "
                f"{row[field_name]} is too large to store"
            )
            findings.append(
                issue(
                    row.get("doc_id", ""),
                    row.get("source_file", ""),
                    finding(
                        "invalid_record",
                        "error",
                        message,
                        page if isinstance(page, int) and abs(page) < 2**31 else None,
                    ),
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
                f"{shown(other)}: the same file as {shown(first)}, extracted once as {doc_id_of(first)}"
            )
    return kept


def read_payload(target: Path) -> dict[str, Any] | None:
    """A worker's result, or None when it is missing or unreadable."""
    try:
        payload = json.loads(target.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


def checksum(records: Any) -> str:
    text = json.dumps(records, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def sound(payload: dict[str, Any]) -> bool:
    """Whether a cached result can be trusted: records of the shape an
    extraction gives (one `documents` row, lists of records) that match
    their checksum."""
    records = payload.get("records")
    return (
        isinstance(records, dict)
        and len(records.get("documents") or []) == 1
        and all(
            isinstance(rows, list) and all(isinstance(row, dict) for row in rows)
            for rows in records.values()
        )
        and payload.get("checksum") == checksum(records)
    )


def prune_cache(cache: Path) -> None:
    """Drop cache files made by other versions of the code, and the partial
    files of workers that are gone (another run's may still be writing)."""
    suffix = f"-{code_fingerprint()}.json"
    for entry in cache.iterdir():
        match = CACHE_FILE.fullmatch(entry.name)
        if match is None:
            continue
        stale = (
            not alive(int(match[1])) if match[1] else not entry.name.endswith(suffix)
        )
        if stale:
            entry.unlink(missing_ok=True)


def alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def run_processes(
    jobs: list[tuple[Path, Path]],
    settings: Settings,
    observer: Observer | None = None,
    spent: dict[Path, float] | None = None,
) -> Iterator[Ended]:
    """Run up to `settings.workers` extraction processes at once, each with
    the time limit less the seconds already `spent` on its document; yield
    (path, target, seconds, failure reason or "", stage reached) as each
    ends.  Workers still running when the caller stops (Ctrl-C, an error)
    are killed."""
    if not jobs:
        return
    observer = observer or Observer()
    ctx = (
        mp.get_context("fork")
        if "fork" in mp.get_all_start_methods()
        else mp.get_context()
    )
    forking = ctx.get_start_method() == "fork"
    if forking:
        preload()
    pending = list(jobs)
    running: dict[mp.Process, tuple[Path, Path, float, mmap.mmap | None]] = {}
    seen: dict[Path, str] = {}
    try:
        while pending or running:
            while pending and len(running) < max(1, settings.workers):
                path, target = pending.pop(0)
                board = (
                    new_board() if forking else None
                )  # a shared page reaches forked processes only
                proc = ctx.Process(
                    target=extract_to_file,
                    args=(str(path), str(target), settings.memory_mb, board),
                    daemon=True,
                )
                proc.start()
                running[proc] = (
                    path,
                    target,
                    time.monotonic() - (spent or {}).get(path, 0.0),
                    board,
                )
                observer.started(path)
            now = time.monotonic()
            next_deadline = min(
                started + settings.timeout_s for _, _, started, _ in running.values()
            )
            wait(
                [p.sentinel for p in running],
                timeout=min(1.0, max(0.0, next_deadline - now) + 0.01),
            )
            for proc in list(running):
                path, target, started, board = running[proc]
                elapsed = time.monotonic() - started
                stage = read_board(board)
                if proc.is_alive() and elapsed > settings.timeout_s:
                    proc.kill()
                    proc.join()
                    del running[proc]
                    yield (
                        path,
                        target,
                        elapsed,
                        f"took longer than the {settings.timeout_s:g} s time limit",
                        stage,
                    )
                elif not proc.is_alive():
                    proc.join()
                    del running[proc]
                    if target.exists():
                        yield path, target, elapsed, "", stage
                    else:
                        yield path, target, elapsed, death_reason(proc.exitcode), stage
                elif stage and seen.get(path) != stage:
                    seen[path] = stage
                    observer.stage(path, stage)
            observer.tick()
    finally:
        for proc in running:
            if proc.is_alive():
                proc.kill()
        for proc in running:
            proc.join()


def run_forked(
    path: str,
    memory_mb: int,
    timeout_s: float,
    cancelled: Callable[[], bool] = lambda: False,
) -> tuple[str, str, str, float]:
    """Extract one document in a process forked from this one (a thread of a
    long-lived process, such as a Dask worker, may call it): the same time
    limit, memory cap and payload as `run_processes`.  Returns (payload JSON
    text or "", failure reason or "", stage reached, seconds)."""
    board = new_board()
    folder = tempfile.mkdtemp(prefix="prodoc-")
    target = os.path.join(folder, "payload.json")
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: extract, write, and leave at once
        code = 0
        try:
            extract_to_file(path, target, memory_mb, board)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    try:
        status, reason = None, ""
        while status is None:
            done, status_word = os.waitpid(pid, os.WNOHANG)
            if done:
                status = status_word
                break
            if time.monotonic() - started > timeout_s:
                reason = f"took longer than the {timeout_s:g} s time limit"
            elif cancelled():
                reason = "stopped: the run was cancelled"
            if reason:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                break
            time.sleep(0.05)
        seconds = time.monotonic() - started
        stage = read_board(board)
        if reason:
            return "", reason, stage, seconds
        try:
            with open(target, encoding="utf-8") as fh:
                return fh.read(), "", stage, seconds
        except OSError:
            code = (
                -os.WTERMSIG(status)
                if os.WIFSIGNALED(status)
                else os.WEXITSTATUS(status)
            )
            return "", death_reason(code), stage, seconds
    finally:
        if os.path.exists(target):
            os.unlink(target)
        for leftover in os.listdir(folder):  # a killed child's partial file
            os.unlink(os.path.join(folder, leftover))
        os.rmdir(folder)
        board.close()


def death_reason(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        if name == "SIGKILL":
            return "the extraction process was killed (SIGKILL: usually the machine out of memory)"
        return f"the extraction process crashed ({name})"
    if exitcode == UNWRITABLE:
        return "its result could not be written (is the disk full, or the cache folder not writable?)"
    return f"the extraction process stopped without a result (exit code {exitcode})"
