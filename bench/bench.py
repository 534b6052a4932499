"""Benchmark: the whole pipeline against a bare pdfplumber word pass.

    python bench/bench.py [--runs 3] [--docs 20] [--big-pages 300] [--quick]

The sample's figures are medians over `--runs` runs after one warm-up; the
corpus and the long document are run once each.  Every figure is wall-clock
seconds of a fresh process (start-up included), with the peak RSS of that
process tree.  Results go to bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "raw" / "undp-china-migrant-workers.pdf"
BARE_PASS = (
    "import sys, pdfplumber\n"
    "for path in sys.argv[1:]:\n"
    "    with pdfplumber.open(path) as pdf:\n"
    "        for page in pdf.pages:\n"
    "            page.extract_words()\n"
)


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB of the command's process tree)."""
    script = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter(); r = subprocess.run(sys.argv[1:]); s = "
        "time.perf_counter() - t\n"
        "print(json.dumps([r.returncode, s, "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, *cmd], capture_output=True, text=True, cwd=ROOT
    )
    code, seconds, rss_kb = json.loads(out.stdout.strip().splitlines()[-1])
    if code not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} exited {code}: {out.stderr[-2000:]}")
    return seconds, rss_kb / 1024


def median_of(
    cmd: list[str], runs: int, before=None, warm_up: bool = True
) -> dict[str, float]:
    if warm_up:  # file cache, imports
        if before:
            before()
        timed(cmd)
    samples = []
    for _ in range(runs):
        if before:
            before()
        samples.append(timed(cmd))
    return {
        "seconds": round(statistics.median(s for s, _ in samples), 3),
        "peak_rss_mb": round(max(m for _, m in samples), 1),
    }


def pipeline_cmd(pdfs: list[Path], out: Path, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pipeline",
        "extract",
        *map(str, pdfs),
        "--out",
        str(out),
        "--force",
        "--quiet",
        "--workers",
        str(workers),
    ]


def big_document(pages: int, target: Path) -> Path:
    """A long PDF made by repeating the sample's pages."""
    src = pdfium.PdfDocument(str(SAMPLE))
    big = pdfium.PdfDocument.new()
    while len(big) < pages:
        big.import_pages(src, list(range(min(len(src), pages - len(big)))))
    big.save(str(target))
    return target


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--docs",
        type=int,
        default=20,
        help="documents in the corpus for the worker speed-up",
    )
    parser.add_argument("--big-pages", type=int, default=300)
    parser.add_argument(
        "--quick", action="store_true", help="one run each, 6 documents, 90 pages"
    )
    args = parser.parse_args()
    if args.quick:
        args.runs, args.docs, args.big_pages = 1, 6, 90
    work = Path(tempfile.mkdtemp(prefix="prodoc-bench-"))
    out = work / "out"
    clear = lambda: shutil.rmtree(out, ignore_errors=True)  # noqa: E731
    try:
        pages = len(pdfium.PdfDocument(str(SAMPLE)))
        results: dict[str, object] = {
            "machine": {
                "cores": os.cpu_count(),
                "python": platform.python_version(),
                "system": platform.platform(),
            }
        }
        bare = median_of([sys.executable, "-c", BARE_PASS, str(SAMPLE)], args.runs)
        full = median_of(pipeline_cmd([SAMPLE], out, 1), args.runs, clear)
        results["sample"] = {
            "pages": pages,
            "bare_pdfplumber": bare,
            "pipeline": full,
            "pages_per_second": round(pages / full["seconds"], 1),
            "ratio_to_bare": round(full["seconds"] / bare["seconds"], 2),
        }
        corpus = work / "corpus"
        corpus.mkdir()
        docs = []
        for i in range(args.docs):
            docs.append(corpus / f"doc-{i:03d}.pdf")
            shutil.copy(SAMPLE, docs[-1])
        one = median_of(
            pipeline_cmd(docs, out, 1), 1, clear, warm_up=False
        )  # the sample runs warmed up
        two = median_of(pipeline_cmd(docs, out, 2), 1, clear, warm_up=False)
        results["corpus"] = {
            "documents": args.docs,
            "workers_1": one,
            "workers_2": two,
            "seconds_per_document_1": round(one["seconds"] / args.docs, 2),
            "speedup_2_workers": round(one["seconds"] / two["seconds"], 2),
        }
        big = big_document(args.big_pages, work / "big.pdf")
        big_bare = median_of(
            [sys.executable, "-c", BARE_PASS, str(big)], 1, warm_up=False
        )
        big_full = median_of(pipeline_cmd([big], out, 1), 1, clear, warm_up=False)
        results["big_document"] = {
            "pages": args.big_pages,
            "bare_pdfplumber": big_bare,
            "pipeline": big_full,
            "ratio_to_bare": round(big_full["seconds"] / big_bare["seconds"], 2),
        }
        results["taken"] = time.strftime("%Y-%m-%d")
        (ROOT / "bench" / "results.json").write_text(
            json.dumps(results, indent=1) + "\n"
        )
        s, c, b = results["sample"], results["corpus"], results["big_document"]
        print(
            f"sample ({pages} pages): pipeline {s['pipeline']['seconds']} s, bare "
            "pdfplumber "
            f"{s['bare_pdfplumber']['seconds']} s, ratio {s['ratio_to_bare']}, "
            f"{s['pages_per_second']} pages/s, "
            f"peak RSS {s['pipeline']['peak_rss_mb']} MB"
        )
        print(
            f"corpus ({args.docs} documents): 1 worker {c['workers_1']['seconds']} s, "
            "2 workers "
            f"{c['workers_2']['seconds']} s, speed-up {c['speedup_2_workers']}x, peak "
            "RSS "
            f"{c['workers_1']['peak_rss_mb']} / {c['workers_2']['peak_rss_mb']} MB"
        )
        print(
            f"big document ({args.big_pages} pages): pipeline "
            f"{b['pipeline']['seconds']} s, ratio "
            f"{b['ratio_to_bare']}, peak RSS {b['pipeline']['peak_rss_mb']} MB"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
