"""Command line: `python -m pipeline extract <pdf-or-folder>... --out <folder>`.

Exit codes: 0 every document extracted, 1 some documents failed (listed on
stderr and in <out>/run.json), 2 usage errors (bad arguments, missing input,
an output path that cannot be used, a Dask scheduler that cannot be reached),
130 interrupted (the output folder keeps its last complete dataset).

The per-document summary goes to stdout; failures, errors, the progress
display and the `--verbose` log go to stderr.  The progress display is shown
only when stderr is a terminal (never when it is piped or in CI).
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from .batch import dataset_names, doc_id_of, run_batch
from .cluster import ClusterError
from .corrections import (
    ADD,
    DELETE,
    PROJECT_CORRECTIONS,
    Correction,
    CorrectionError,
    append_correction,
    check_correction,
)
from .errors import UsageError, shown
from .export import FORMATS, foreign_outputs
from .ocr import MODES as OCR_MODES
from .run import DocumentResult, Observer, RunSummary, Settings

EXAMPLES = """examples:
  python -m pipeline extract raw/ --out output/
  python -m pipeline extract a.pdf b.pdf --out /tmp/ds --workers 2 --format csv,json
  python -m pipeline extract raw/ --out output/ --force --timeout 120 --memory-mb 2048
  python -m pipeline extract raw/ --out output/ --verbose 2> run.log
  python -m pipeline extract /shared/pdfs --out output/ --scheduler tcp://scheduler-host:8786
  python -m pipeline extract raw/ --out output/ --scheduler local --workers 4

The summary goes to stdout; failures, errors, --verbose lines and, when stderr
is a terminal, a progress display go to stderr.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Extract a validated dataset from UNDP project-document PDFs.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser(
        "extract",
        help="extract PDFs (files or folders) into a dataset folder",
        description="Extract PDFs (files or folders of PDFs) into CSV, JSON, Parquet "
        "and DuckDB.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ex.add_argument("inputs", nargs="+", help="PDF files or folders holding PDFs")
    ex.add_argument("--out", required=True, help="output folder (created if missing)")
    ex.add_argument(
        "--workers",
        type=int,
        default=max(1, os.cpu_count() or 1),
        help="documents extracted in parallel (default: number of cores; with "
        "--scheduler local, "
        "the Dask worker processes; ignored with a scheduler address)",
    )
    ex.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="seconds allowed per document (default 300, and 10 more for each "
        "page to be read by OCR)",
    )
    ex.add_argument(
        "--memory-mb",
        type=int,
        default=4096,
        help="resident memory (RSS) each document's process may use, in MB (default "
        "4096; 0 = no cap)",
    )
    ex.add_argument(
        "--ocr",
        choices=OCR_MODES,
        default="auto",
        help="read pages that are pictures without text by OCR (auto, the default); "
        "every page (force); none (off)",
    )
    ex.add_argument(
        "--force",
        action="store_true",
        help="re-extract documents even when a cached result exists",
    )
    ex.add_argument(
        "--format",
        default=",".join(FORMATS),
        help=f"comma-separated outputs among {','.join(FORMATS)} (default: all)",
    )
    ex.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="extract on a Dask cluster: its scheduler's address (tcp://HOST:PORT), or "
        "'local' "
        "for a cluster of --workers processes on this machine; the workers must read "
        "the "
        "PDFs at the same paths and run the same pipeline version",
    )
    ex.add_argument(
        "--corrections",
        metavar="DIR",
        help="folder of corrections, one <doc_id>.csv per document, applied on "
        "every run (default: corrections/ at the project root)",
    )
    talk = ex.add_mutually_exclusive_group()
    talk.add_argument(
        "--quiet",
        action="store_true",
        help="print nothing but errors (no summary, no progress)",
    )
    talk.add_argument(
        "--verbose",
        action="store_true",
        help="log to stderr each document's cache decision, time and, on failure, "
        "the stage it was in",
    )
    add_correct_parser(sub)
    return parser


CORRECT_EXAMPLES = """examples:
  python -m pipeline correct DOC --table budget_lines \\
      --match "activity_id=1.1.1;year=2008;account_code=71300" \\
      --set amount_usd=12000 --note "p. 37"
  python -m pipeline correct DOC --table risks --match risk_no=4 --delete \\
      --note "a note, not a risk"
  python -m pipeline correct DOC --table activities \\
      --add '{"activity_id": "2.4.1", ...}' --note "p. 27"
"""


def add_correct_parser(sub: argparse._SubParsersAction) -> None:
    co = sub.add_parser(
        "correct",
        help="record a correction to a document's records (applied on every extract)",
        description="Append a correction to <corrections>/<doc_id>.csv, after "
        "checking it against the document's records in an extracted dataset "
        "and their JSON Schema.",
        epilog=CORRECT_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    co.add_argument("doc_id", help="the document's id (its file name without .pdf)")
    co.add_argument("--table", required=True, help="the record type, e.g. budget_lines")
    co.add_argument(
        "--match",
        default="",
        help="the record's key columns, "
        '"activity_id=1.1.1;year=2008;account_code=71300"',
    )
    change = co.add_mutually_exclusive_group(required=True)
    change.add_argument("--set", metavar="FIELD=VALUE", help="set a column's value")
    change.add_argument("--delete", action="store_true", help="drop the record")
    change.add_argument(
        "--add", metavar="JSON", help="add a record the extractor missed"
    )
    co.add_argument("--note", required=True, help="why: what the page prints")
    co.add_argument(
        "--corrections",
        metavar="DIR",
        default=str(PROJECT_CORRECTIONS),
        help="the corrections folder (default: corrections/ at the project root)",
    )
    co.add_argument(
        "--out",
        default="output",
        help="the extracted dataset the correction is checked against "
        "(default: output)",
    )


def correct(args: argparse.Namespace) -> int:
    """The `correct` command: check the correction, then append it."""
    if args.set is not None:
        field, sep, value = args.set.partition("=")
        if not sep or not field.strip():
            print(f"error: --set {args.set}: expected FIELD=VALUE", file=sys.stderr)
            return 2
    elif args.delete:
        field, value = DELETE, ""
    else:
        field, value = ADD, args.add
    correction = Correction(
        args.table, args.match, field.strip(), value.strip(), args.note
    )
    folder = Path(args.corrections)
    problem = folder_problem(folder)
    if problem and problem != MISSING:  # a missing folder is made
        print(f"error: --corrections {shown(folder)}: {problem}", file=sys.stderr)
        return 2
    try:
        sha = check_correction(Path(args.out), args.doc_id, correction)
        path = append_correction(folder, args.doc_id, correction, sha)
    except CorrectionError as exc:
        print(f"error: {shown(str(exc))}", file=sys.stderr)
        return 2
    except OSError as exc:
        name = shown(exc.filename or folder)
        print(f"error: {name}: cannot be written ({exc.strerror})", file=sys.stderr)
        return 2
    print(f"{shown(path)}: {correction.table} [{correction.match}] {field} recorded")
    return 0


MISSING = "no such folder"


def folder_problem(path: Path) -> str:
    """Why `path` is not a folder that can be read; "" when it is one."""
    try:
        if stat.S_ISDIR(path.stat().st_mode):
            return ""
        return "not a folder"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a link that leads back to itself"
        return MISSING if exc.errno == errno.ENOENT else str(exc.strerror)


def corrections_folder(given: str | None) -> Path:
    """The corrections folder: the one given, which must be there, or the
    project's own (none is none to apply)."""
    if given is None:
        return PROJECT_CORRECTIONS
    if problem := folder_problem(Path(given)):
        raise UsageError(f"--corrections {shown(given)}: {problem}")
    return Path(given)


def collect_pdfs(inputs: list[str]) -> list[Path]:
    paths: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            paths.extend(
                sorted(
                    q
                    # broken links too: the batch tells what they are
                    for q in p.iterdir()
                    if q.suffix.lower() == ".pdf" and (q.is_file() or q.is_symlink())
                )
            )
        elif p.is_file():
            paths.append(p)
        else:
            raise UsageError(f"{shown(item)}: no such file or folder")
    if not paths:
        raise UsageError(f"no PDF files found in {', '.join(map(shown, inputs))}")
    return paths


def parse_formats(text: str) -> tuple[str, ...]:
    chosen = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise UsageError(
            f"--format: unknown format(s) {', '.join(unknown) or '(none)'}; choose "
            f"among {', '.join(FORMATS)}"
        )
    return chosen


def check_limits(args: argparse.Namespace) -> None:
    if args.workers < 1:
        raise UsageError(f"--workers must be at least 1 (got {args.workers})")
    if args.timeout is not None and not args.timeout > 0:
        raise UsageError(
            f"--timeout must be a positive number of seconds (got {args.timeout:g})"
        )
    if args.memory_mb < 0:
        raise UsageError(
            f"--memory-mb must be 0 (no cap) or more (got {args.memory_mb})"
        )
    if args.scheduler is not None and not args.scheduler.strip():
        raise UsageError(
            "--scheduler needs the address of a Dask scheduler (tcp://HOST:PORT) or "
            "'local'"
        )


def prepare_output(given: str) -> Path:
    out, text = Path(given), shown(given)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {text}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"--out {text}: cannot create the folder ({exc.strerror or exc})"
        ) from exc
    if not os.access(out, os.W_OK | os.X_OK):
        raise UsageError(f"--out {text}: the folder is not writable")
    foreign = foreign_outputs(out, dataset_names())
    if foreign:
        raise UsageError(
            f"--out {text}: holds {', '.join(foreign)}, which this tool did not write "
            "and a run "
            "would replace; choose a new or empty folder, or move them away"
        )
    return out


BAR_FORMAT = (
    "{desc}: {percentage:3.0f}%|{bar:20}| {n_fmt}/{total_fmt} "
    "[{elapsed}<{remaining}{postfix}]"
)


def shorten(name: str, width: int = 20) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


class Reporter(Observer):
    """What the run tells on stderr while it goes: failures always, a
    progress display when stderr is a terminal (unless --quiet), and with
    --verbose a line per cache decision and per finished document."""

    def __init__(
        self, verbose: bool = False, quiet: bool = False, stream: TextIO | None = None
    ):
        self.stream = stream if stream is not None else sys.stderr
        self.verbose = verbose
        self.show_progress = not quiet and is_terminal(self.stream)
        self.bar = None
        self.stages: dict[str, str] = {}
        self.started_at = time.monotonic()

    def say(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(
                text, file=self.stream
            )  # above the progress line, which is drawn again
        else:
            print(text, file=self.stream, flush=True)

    def planned(self, total: int, to_extract: int, where: str) -> None:
        if self.verbose:
            self.say(
                f"{total} document(s): {total - to_extract} from the cache, "
                f"{to_extract} to extract {where}"
            )
        if self.show_progress and total:
            from tqdm import tqdm

            tqdm.monitor_interval = (
                0  # no monitor thread: worker processes are forked from this one
            )
            sized = (
                terminal_columns(self.stream) > 0
            )  # a terminal that tells no size is taken as 80x24
            self.bar = tqdm(
                total=total,
                desc="documents",
                unit="doc",
                file=self.stream,
                dynamic_ncols=sized,
                ncols=None if sized else 80,
                nrows=None if sized else 24,
                leave=False,
                mininterval=0.2,
                bar_format=BAR_FORMAT,
            )

    def cache_decision(self, path: Path, decision: str) -> None:
        if self.verbose:
            self.say(f"{shown(path)}: {decision}")

    def stage(self, path: Path, stage: str) -> None:
        self.stages[doc_id_of(path)] = stage
        self.show_stages()

    def show_stages(self) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(
                ", ".join(
                    f"{shorten(doc)}: {stage}" for doc, stage in self.stages.items()
                )
            )

    def tick(self) -> None:
        if self.bar is not None:
            self.bar.refresh()  # the elapsed time goes on while a long document runs

    def finished(self, result: DocumentResult) -> None:
        if self.stages.pop(result.doc_id, None) is not None:
            self.show_stages()
        if result.status == "failed":
            self.say(f"failed: {result.file}: {result.reason}")
            if self.verbose:
                self.say(
                    f"    after {result.seconds:.1f} s, in stage: "
                    f"{result.stage or 'before the extraction'}"
                )
                for line in result.detail.rstrip().splitlines():
                    self.say(f"    | {line}")
        elif self.verbose:
            records = sum(result.records.values())
            how = (
                "taken from the cache"
                if result.cached
                else f"extracted in {result.seconds:.1f} s"
            )
            self.say(
                f"{result.file}: {result.status}, {how} ({result.pages} pages, "
                f"{records} records, "
                f"{result.issues} issues)"
            )
        if self.bar is not None:
            self.bar.update(1)

    def warning(self, text: str) -> None:
        self.say(f"warning: {text}")

    def writing(self, formats: tuple[str, ...]) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str("writing the dataset")
        if self.verbose:
            self.say(
                f"writing the dataset ({', '.join(formats)}) after "
                f"{time.monotonic() - self.started_at:.1f} s"
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def terminal_columns(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return 0


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False


def print_summary(summary: RunSummary) -> None:
    print(
        f"{'document':40} {'status':8} {'source':9} {'pages':>5} {'records':>7} "
        f"{'issues':>6} {'sec':>6}"
    )
    for d in summary.documents:
        seconds = "-" if d.cached or d.status == "failed" else f"{d.seconds:.1f}"
        print(
            f"{d.doc_id[:40]:40} {d.status:8} {d.source:9} {d.pages:5d} "
            f"{sum(d.records.values()):7d} "
            f"{d.issues:6d} {seconds:>6}"
        )
        counts = [f"{table} {n}" for table, n in d.records.items() if n]
        if counts:
            print(f"    {', '.join(counts)}")
    c = summary.counts()
    done = c["documents"] - c["failed"]
    print(
        f"{done} of {c['documents']} documents extracted into {summary.out_dir} "
        f"({c['extracted']} extracted now, {c['from_cache']} from the cache, "
        f"{c['partial']} partial)"
    )


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """`kill` stops a run the way Ctrl-C does: workers are stopped and the
    output folder keeps its last complete dataset."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # bad arguments: usage on stderr, exit code 2
    if args.command == "correct":
        return correct(args)
    try:
        paths = collect_pdfs(args.inputs)
        formats = parse_formats(args.format)
        check_limits(args)
        corrections = corrections_folder(args.corrections)
        out = prepare_output(args.out)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings = Settings(
        workers=args.workers,
        memory_mb=args.memory_mb,
        force=args.force,
        formats=formats,
        scheduler=args.scheduler and args.scheduler.strip(),
        ocr=args.ocr,
        corrections=corrections,
    )
    if args.timeout is not None:  # a limit given holds however many pages OCR reads
        settings.timeout_s, settings.ocr_page_s = args.timeout, 0.0
    reporter = Reporter(verbose=args.verbose, quiet=args.quiet)
    started = time.monotonic()
    try:
        with sigterm_as_interrupt():
            summary = run_batch(paths, out, settings, observer=reporter)
    except KeyboardInterrupt:
        reporter.close()
        print(
            f"interrupted: {shown(args.out)} keeps its last complete dataset",
            file=sys.stderr,
        )
        return 130
    except OSError as exc:
        reporter.close()
        print(
            f"error: could not write the dataset to {shown(args.out)} ({shown(exc)}); "
            "it keeps its last complete dataset",
            file=sys.stderr,
        )
        return 1
    except ClusterError as exc:
        reporter.close()
        print(
            f"error: {exc}; {shown(args.out)} keeps its last complete dataset",
            file=sys.stderr,
        )
        return 2
    reporter.close()
    if args.verbose:
        print(f"done in {time.monotonic() - started:.1f} s", file=sys.stderr)
    if not args.quiet:
        print_summary(summary)
    if summary.failed:
        print(
            f"{len(summary.failed)} of {len(summary.documents)} documents failed "
            f"(listed above and in {shown(out / 'run.json')})",
            file=sys.stderr,
        )
    return 1 if summary.failed else 0
