"""Command line: `python -m pipeline extract <pdf-or-folder>... --out <folder>`.

Exit codes: 0 every document extracted, 1 some documents failed (listed in
the summary), 2 usage errors (bad arguments, missing input).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .export import FORMATS
from .runner import DocumentResult, RunSummary, Settings, run_batch

EXAMPLES = """examples:
  python -m pipeline extract raw/ --out output/
  python -m pipeline extract a.pdf b.pdf --out /tmp/ds --workers 2 --format csv,json
  python -m pipeline extract raw/ --out output/ --force --timeout 120 --memory-mb 2048
"""


class UsageError(Exception):
    pass


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


def print_result(result: DocumentResult) -> None:
    if result.status == "failed":
        print(f"FAILED  {result.file}: {result.reason}", file=sys.stderr)


def print_summary(summary: RunSummary) -> None:
    print(f"{'document':40} {'status':8} {'pages':>5} {'records':>8} {'issues':>6} {'sec':>6}")
    for d in summary.documents:
        print(f"{d.doc_id[:40]:40} {d.status:8} {d.pages:5d} {sum(d.records.values()):8d} {d.issues:6d} "
              f"{'cached' if d.cached else f'{d.seconds:.1f}':>6}")
    ok = len(summary.documents) - len(summary.failed)
    print(f"{ok} of {len(summary.documents)} documents extracted into {summary.out_dir}")
    for d in summary.failed:
        print(f"  failed: {d.file}: {d.reason}")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        paths = collect_pdfs(args.inputs)
        formats = parse_formats(args.format)
        if args.workers < 1 or args.timeout <= 0:
            raise UsageError("--workers must be at least 1 and --timeout positive")
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings = Settings(workers=args.workers, timeout_s=args.timeout, memory_mb=args.memory_mb,
                        force=args.force, formats=formats)
    summary = run_batch(paths, Path(args.out), settings, progress=print_result)
    if not args.quiet:
        print_summary(summary)
    return 1 if summary.failed else 0
