"""The extraction processes: each document in a process of its own, with a
time limit and a memory cap, its result (records, or the reason it failed)
written as a JSON payload for the batch to read.

Each extraction process posts the stage it has reached (the pipeline module
at work: reader, tables, budget...) on a small shared page, so that a
document stopped by the time limit or the memory cap is reported with the
stage it was in, and a progress display can show it.

`run_processes` runs them on this machine; `run_forked` runs one from a
thread of a long-lived process (a Dask worker, `cluster.py`).
"""

from __future__ import annotations

import contextlib
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
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import wait
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from .cache import checksum
from .errors import DocumentError
from .processes import die_with_parent, fork_context, frozen_heap, resident_mb
from .run import Observer, Settings

STAGES = {  # the pipeline module at work -> the stage as the user is told
    "reader": "reading the PDF",
    "grids": "tables",
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
    "extraction": "assembling records",
}
STARTING = "starting"
WRITING = "writing the result"
OUT_OF_MEMORY = "out of memory (the machine has no more)"
UNWRITABLE = 3  # the exit code of a worker that could not write its result
BOARD_SIZE = 64


def stage_of(frames: Iterable[FrameType]) -> str | None:
    """The stage a call stack (outermost frame first) is in: the pipeline
    module that this one (reading), `extract`, or a table kind's records in
    `kinds` called last, or `extract` itself; None before the extraction has
    begun."""
    stack = [f.f_globals.get("__name__", "") for f in frames]
    callers = {__name__, f"{__package__}.extract", f"{__package__}.kinds"}
    inside = [i for i, name in enumerate(stack) if name in callers]
    if not inside:
        return None
    for name in stack[inside[-1] + 1 :]:
        if name.startswith(f"{__package__}."):
            module = name.rsplit(".", 1)[1]
            return STAGES.get(module, module)
    return None if stack[inside[-1]] == __name__ else STAGES["extract"]


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

    # no thread to be had: the stages go unreported, the memory unwatched
    with contextlib.suppress(RuntimeError):
        threading.Thread(target=watch, name="stage-watch", daemon=True).start()
    return stop


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


def extract_to_file(
    path: str,
    target: str,
    memory_mb: int,
    board: mmap.mmap | None = None,
    ocr: str = "auto",
    processes: int = 1,
    readings: str = "",
) -> None:
    """Child process: extract one document and write its records (or its
    error, with the stage it happened in) as JSON to `target`; post the
    stage reached on `board` as it goes.  `readings`: what a person said of
    its tables (`readings.readings_text`).  Its pages are read in `processes`
    processes (see `reader.Reading`), while this one loads the later stages
    if they are not loaded yet."""
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
        from .reader import Reading

        loop = reference_loop(path)
        if loop:
            raise DocumentError(
                path, f"damaged PDF: its objects refer to each other in a loop ({loop})"
            )
        reading = Reading(Path(path), ocr, processes)
        from .extract import extract_document, load_stages

        load_stages()
        from .readings import readings_of

        ex = extract_document(reading.document(), readings_of(readings))
        payload: dict[str, Any] = {
            "records": ex.records,
            "checksum": checksum(ex.records),
            "ocr_pages": ex.doc.ocr_pages,
            "ocr_seconds": ex.doc.ocr_seconds,
            "ocr_jobs": ex.doc.ocr_jobs,
        }
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
    # a file name that is not UTF-8 stays an escape (the batch names the document apart)
    try:
        with open(tmp, "w", encoding="utf-8", errors="backslashreplace") as fh:
            json.dump(payload, fh, ensure_ascii=False)
        os.replace(tmp, target)
    except OSError:
        raise SystemExit(UNWRITABLE) from None


def preload() -> None:
    """Load the extraction stages once, before the workers fork: each starts
    with them loaded instead of loading them again.  An error is left to the
    workers, which report it against each document."""
    with contextlib.suppress(Exception):
        importlib.import_module(".extract", __package__).load_stages()


Ended = tuple[
    Path, Path, float, str, str
]  # path, cache target, seconds, failure reason or "", stage


def run_processes(
    jobs: list[tuple[Path, Path]],
    settings: Settings,
    observer: Observer | None = None,
    spent: dict[Path, float] | None = None,
    meanwhile: Callable[[], object] | None = None,
    limits: dict[Path, float] | None = None,
    readings: dict[Path, str] | None = None,
) -> Iterator[Ended]:
    """Run up to `settings.workers` extraction processes at once, each with
    its time limit (in `limits`, else `settings.timeout_s`) less the seconds
    already `spent` on its document, and its tables' `readings`; yield
    (path, target, seconds, failure reason or "", stage reached) as each
    ends.  `meanwhile` is called once the first processes have started:
    work of this process's own, done while they run.  Workers still
    running when the caller stops (Ctrl-C, an error) are killed."""
    if not jobs:
        return
    observer = observer or Observer()

    def limit(path: Path) -> float:
        return (limits or {}).get(path, settings.timeout_s)

    ctx = fork_context()
    forking = ctx.get_start_method() == "fork"
    # cores left over by fewer documents than workers read each one's pages
    per_document = max(1, settings.cores // len(jobs))
    if forking and per_document == 1:
        preload()
    # the largest files first: the last to end are then short ones, and no
    # worker waits long on another at the end of a batch
    pending = sorted(jobs, key=lambda job: -file_size(job[0]))
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
                    args=(
                        str(path),
                        str(target),
                        settings.memory_mb,
                        board,
                        settings.ocr,
                        per_document,
                        (readings or {}).get(path, ""),
                    ),
                    # not a daemon, which may start no processes: it dies with
                    # this one all the same (`die_with_parent`)
                    daemon=False,
                )
                with frozen_heap():
                    proc.start()
                running[proc] = (
                    path,
                    target,
                    time.monotonic() - (spent or {}).get(path, 0.0),
                    board,
                )
                observer.started(path)
            if meanwhile is not None:
                meanwhile()
                meanwhile = None
            now = time.monotonic()
            next_deadline = min(
                started + limit(path) for path, _, started, _ in running.values()
            )
            wait(
                [p.sentinel for p in running],
                timeout=min(1.0, max(0.0, next_deadline - now) + 0.01),
            )
            for proc in list(running):
                path, target, started, board = running[proc]
                elapsed = time.monotonic() - started
                stage = read_board(board)
                if proc.is_alive() and elapsed > limit(path):
                    proc.kill()
                    proc.join()
                    del running[proc]
                    yield (
                        path,
                        target,
                        elapsed,
                        f"took longer than the {limit(path):g} s time limit",
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


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # unreadable: the extraction tells why
        return 0


def run_forked(
    path: str,
    memory_mb: int,
    timeout_s: float,
    cancelled: Callable[[], bool] = lambda: False,
    ocr: str = "auto",
    readings: str = "",
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
            extract_to_file(path, target, memory_mb, board, ocr, readings=readings)
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
            return (
                "the extraction process was killed (SIGKILL: usually the machine "
                "out of memory)"
            )
        return f"the extraction process crashed ({name})"
    if exitcode == UNWRITABLE:
        return (
            "its result could not be written (is the disk full, or the cache folder "
            "not writable?)"
        )
    return f"the extraction process stopped without a result (exit code {exitcode})"
