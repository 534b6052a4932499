"""Command line: `python -m pipeline extract <pdf-or-folder>... --out <folder>`.

Exit codes: 0 every document extracted, 1 some documents failed (listed on
stderr and in <out>/run.json), 2 usage errors (bad arguments, missing input,
an output path that cannot be used), 130 interrupted (the output folder keeps
its last complete dataset).

The per-document summary goes to stdout, failures and errors to stderr.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import UsageError
from .export import FORMATS
from .runner import DocumentResult, RunSummary, Settings, run_batch

EXAMPLES = """examples:
  python -m pipeline extract raw/ --out output/
  python -m pipeline extract a.pdf b.pdf --out /tmp/ds --workers 2 --format csv,json
  python -m pipeline extract raw/ --out output/ --force --timeout 120 --memory-mb 2048
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline",
                                     description="Extract a validated dataset from UNDP project-document PDFs.")
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract PDFs (files or folders) into a dataset folder",
                        description="Extract PDFs (files or folders of PDFs) into CSV, JSON, Parquet and DuckDB.",
                        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    ex.add_argument("inputs", nargs="+", help="PDF files or folders holding PDFs")
    ex.add_argument("--out", required=True, help="output folder (created if missing)")
    ex.add_argument("--workers", type=int, default=max(1, os.cpu_count() or 1),
                    help="documents extracted in parallel (default: number of cores)")
    ex.add_argument("--timeout", type=float, default=300.0, help="seconds allowed per document (default 300)")
    ex.add_argument("--memory-mb", type=int, default=4096, help="memory cap per document in MB (default 4096; 0 = none)")
    ex.add_argument("--force", action="store_true", help="re-extract documents even when a cached result exists")
    ex.add_argument("--format", default=",".join(FORMATS),
                    help=f"comma-separated outputs among {','.join(FORMATS)} (default: all)")
    ex.add_argument("--quiet", action="store_true", help="print nothing but errors")
    return parser


def collect_pdfs(inputs: list[str]) -> list[Path]:
    paths: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            paths.extend(sorted(q for q in p.iterdir() if q.is_file() and q.suffix.lower() == ".pdf"))
        elif p.is_file():
            paths.append(p)
        else:
            raise UsageError(f"{item}: no such file or folder")
    if not paths:
        raise UsageError(f"no PDF files found in {', '.join(inputs)}")
    return paths


def parse_formats(text: str) -> tuple[str, ...]:
    chosen = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise UsageError(f"--format: unknown format(s) {', '.join(unknown) or '(none)'}; choose among {', '.join(FORMATS)}")
    return chosen


def check_limits(args: argparse.Namespace) -> None:
    if args.workers < 1:
        raise UsageError(f"--workers must be at least 1 (got {args.workers})")
    if not args.timeout > 0:
        raise UsageError(f"--timeout must be a positive number of seconds (got {args.timeout:g})")
    if args.memory_mb < 0:
        raise UsageError(f"--memory-mb must be 0 (no cap) or more (got {args.memory_mb})")


def prepare_output(text: str) -> Path:
    out = Path(text)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {text}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {text}: cannot create the folder ({exc.strerror or exc})") from exc
    if not os.access(out, os.W_OK | os.X_OK):
        raise UsageError(f"--out {text}: the folder is not writable")
    return out


def print_failure(result: DocumentResult) -> None:
    if result.status == "failed":
        print(f"failed: {result.file}: {result.reason}", file=sys.stderr, flush=True)


def print_summary(summary: RunSummary) -> None:
    print(f"{'document':40} {'status':8} {'source':9} {'pages':>5} {'records':>7} {'issues':>6} {'sec':>6}")
    for d in summary.documents:
        seconds = "-" if d.cached or d.status == "failed" else f"{d.seconds:.1f}"
        print(f"{d.doc_id[:40]:40} {d.status:8} {d.source:9} {d.pages:5d} {sum(d.records.values()):7d} "
              f"{d.issues:6d} {seconds:>6}")
        counts = [f"{table} {n}" for table, n in d.records.items() if n]
        if counts:
            print(f"    {', '.join(counts)}")
    c = summary.counts()
    done = c["documents"] - c["failed"]
    print(f"{done} of {c['documents']} documents extracted into {summary.out_dir} "
          f"({c['extracted']} extracted now, {c['from_cache']} from the cache, {c['partial']} partial)")


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
    args = parser.parse_args(argv)          # bad arguments: usage on stderr, exit code 2
    try:
        paths = collect_pdfs(args.inputs)
        formats = parse_formats(args.format)
        check_limits(args)
        out = prepare_output(args.out)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings = Settings(workers=args.workers, timeout_s=args.timeout, memory_mb=args.memory_mb,
                        force=args.force, formats=formats)
    try:
        with sigterm_as_interrupt():
            summary = run_batch(paths, out, settings, progress=print_failure)
    except KeyboardInterrupt:
        print(f"interrupted: {args.out} keeps its last complete dataset", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"error: could not write the dataset to {args.out} ({exc}); "
              "it keeps its last complete dataset", file=sys.stderr)
        return 1
    if not args.quiet:
        print_summary(summary)
    if summary.failed:
        print(f"{len(summary.failed)} of {len(summary.documents)} documents failed "
              f"(listed above and in {out / 'run.json'})", file=sys.stderr)
    return 1 if summary.failed else 0
