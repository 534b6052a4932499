"""Benchmark: speed and memory of the whole pipeline, as a user runs it.

    python bench/bench.py [--pairs 7] [--docs 20] [--big-pages 300] [--quick]
    python bench/readme_table.py    # the README's table from the results

(`make bench` runs both.)  Every figure is a whole process started fresh, so
start-up is included, timed by wall clock; its memory is the resident
memory of the process and all its descendants (extraction, page-reading and
drawing processes), each's proportional share (PSS: memory forked processes
share is counted once, split between them), summed, sampled every 50 ms
by a thread of the lowest priority, at its largest; beside it, the largest
RSS of a single process.

- sample: `python -m pipeline extract SAMPLE --out DIR --force --quiet`
  (every output, default workers) against a bare pdfplumber word pass over
  the same file, in pairs: each bare pass is followed at once by a pipeline
  run, one warm-up pair and then `--pairs` pairs; medians, the median of the
  per-pair ratios and their spread.
- throughput: pages per second on a corpus of `--docs` documents with
  `--workers 1` and `--workers 2`, in `--rounds` alternating rounds, the
  median of each and the spread of the rounds' speed-ups.  The corpus is
  the repository's four project documents and the synthetic corpus's
  documents our own typesetter prints (tests/synth, a fraction of a second
  each), then copies of these under other names up to the count.
- memory by batch size: peak memory of a batch of 5 documents beside that of
  the whole corpus, both with 2 workers.
- a long document: `--big-pages` pages made by repeating the sample's pages,
  with the default workers.

Results go to bench/results.json, with the requirements each figure is held
to; `--quick` is a short run to check the script (figures not judged).
"""

from __future__ import annotations

import argparse
import json
import operator
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the synthetic corpus lives in tests/synth

from tests.synth.corpus import CORPUS, render  # noqa: E402
from tests.synth.producers import PRODUCERS  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"
SAMPLE = ROOT / "raw" / "undp-china-migrant-workers.pdf"
PROJECT_DOCUMENTS = [SAMPLE, *sorted((ROOT / "tests" / "corpus").glob("*/*.pdf"))]
BARE_PASS = (
    "import sys, pdfplumber\n"
    "with pdfplumber.open(sys.argv[1]) as pdf:\n"
    "    for page in pdf.pages:\n"
    "        page.extract_words()\n"
)
SAMPLE_EVERY_S = 0.05
SMALL_BATCH = 5
PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20

# figure -> (comparison, limit): what the project promises
REQUIREMENTS: dict[str, tuple[str, float]] = {
    "sample_ratio": ("<=", 1.2),
    "speedup_2_workers": (">=", 1.9),
    "big_document_seconds": ("<", 30.0),
    "big_document_peak_memory_mb": ("<", 500.0),
}
COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
}


@dataclass(frozen=True)
class Run:
    """One process tree's wall-clock seconds and memory at its largest."""

    seconds: float
    peak_memory_mb: float  # the tree's summed PSS (its resident memory, shares split)
    largest_process_mb: float  # the largest RSS of any one process in it


def descendants(pid: int) -> Iterator[int]:
    """`pid` and every process below it (the kernel's children lists, read
    for each thread, since any thread may have forked)."""
    pending = [pid]
    while pending:
        current = pending.pop()
        yield current
        try:
            threads = os.listdir(f"/proc/{current}/task")
        except OSError:  # ended meanwhile
            continue
        for thread in threads:
            try:
                with open(f"/proc/{current}/task/{thread}/children") as fh:
                    pending.extend(int(child) for child in fh.read().split())
            except OSError:
                pass


def memory_mb(pid: int) -> tuple[float, float]:
    """(PSS, RSS) of one process in MB, (0, 0) if it has ended.  PSS counts
    a page shared by n processes (a forked process shares its parent's
    memory until either writes it) as 1/n in each, so the PSS of a tree adds
    up to the memory it holds; RSS counts it whole in each (PSS is RSS where
    the kernel does not tell it)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            fields = dict(line.split(":", 1) for line in fh if ":" in line)
        return int(fields["Pss"].split()[0]) / 1024, int(
            fields["Rss"].split()[0]
        ) / 1024
    except (OSError, KeyError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/{pid}/statm") as fh:
            rss = int(fh.read().split()[1]) * PAGE_MB
            return rss, rss
    except (OSError, IndexError):
        return 0.0, 0.0


class TreeMemory(threading.Thread):
    """Samples the memory of a process tree until stopped: the tree's
    summed PSS at its largest, and the largest RSS of any one process."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_mb = 0.0
        self.largest_mb = 0.0
        self.stopped = threading.Event()

    def run(self) -> None:
        # the lowest priority: the sampling takes no time from the run measured
        # (reading a process's PSS makes the kernel walk its memory)
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        while not self.stopped.wait(SAMPLE_EVERY_S):
            sizes = [memory_mb(pid) for pid in descendants(self.pid)]
            self.peak_mb = max(self.peak_mb, sum(pss for pss, _ in sizes))
            self.largest_mb = max(self.largest_mb, *(rss for _, rss in sizes))


def measure(cmd: list[str]) -> Run:
    """Run `cmd` from the project root; its seconds and memory.  Any exit
    but 0 (a document failed, say) makes the figures meaningless: an error."""
    began = time.perf_counter()
    process = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    memory = TreeMemory(process.pid)
    memory.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - began
    memory.stopped.set()
    memory.join()
    if process.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} exited {process.returncode}: {stderr.decode()[-2000:]}"
        )
    return Run(round(seconds, 3), round(memory.peak_mb, 1), round(memory.largest_mb, 1))


def pipeline_cmd(pdfs: list[Path], out: Path, workers: int | None) -> list[str]:
    """The extraction a user runs: every output; `workers` None is the default."""
    cmd = [sys.executable, "-m", "pipeline", "extract", *map(str, pdfs)]
    cmd += ["--out", str(out), "--force", "--quiet"]
    return cmd if workers is None else [*cmd, "--workers", str(workers)]


def bare_cmd(pdf: Path) -> list[str]:
    return [sys.executable, "-c", BARE_PASS, str(pdf)]


def extraction(pdfs: list[Path], out: Path, workers: int | None = None) -> Run:
    """One pipeline run into an emptied `out`."""
    shutil.rmtree(out, ignore_errors=True)
    return measure(pipeline_cmd(pdfs, out, workers))


def spread(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def side(runs: Sequence[Run]) -> dict[str, object]:
    """Seconds (median and spread) and the largest memory of several runs."""
    return {
        "seconds": spread([r.seconds for r in runs]),
        "peak_memory_mb": max(r.peak_memory_mb for r in runs),
        "largest_process_mb": max(r.largest_process_mb for r in runs),
    }


def pair(out: Path) -> tuple[Run, Run]:
    """The bare pass on the sample, then at once the pipeline on it."""
    return measure(bare_cmd(SAMPLE)), extraction([SAMPLE], out)


def paired_sample(out: Path, pairs: int) -> dict[str, object]:
    """`pairs` pairs after one warm-up pair (file cache, imports)."""
    pair(out)
    bare, full = zip(*(pair(out) for _ in range(pairs)), strict=True)
    pages = page_count(SAMPLE)
    pipeline = side(full)
    return {
        "pages": pages,
        "pairs": pairs,
        "bare_pdfplumber": side(bare),
        "pipeline": pipeline,
        "ratio": spread(
            [f.seconds / b.seconds for b, f in zip(bare, full, strict=True)]
        ),
        "pages_per_second": round(pages / pipeline["seconds"]["median"], 1),
    }


def synthetic_documents(folder: Path) -> list[Path]:
    """The synthetic corpus's documents that our typesetter prints (the
    others need LibreOffice or Chromium and take seconds each)."""
    return [
        folder / f"{render(entry, folder).spec.doc_id}.pdf"
        for entry in CORPUS
        if entry.layout.renderer not in PRODUCERS
    ]


def corpus(folder: Path, count: int) -> tuple[list[Path], int]:
    """`count` documents: the project documents, the synthetic ones, then
    copies of these in turn under names of their own; and how many differ."""
    folder.mkdir()
    distinct = PROJECT_DOCUMENTS + synthetic_documents(folder)
    docs = distinct[:count]
    for i in range(len(distinct), count):
        source = distinct[i % len(distinct)]
        docs.append(folder / f"{source.stem}-copy-{i // len(distinct)}.pdf")
        shutil.copy(source, docs[-1])
    return docs, min(count, len(distinct))


def page_count(pdf: Path) -> int:
    return len(pdfium.PdfDocument(str(pdf)))


def throughput(
    docs: list[Path], out: Path, rounds: int
) -> tuple[dict[int, Run], list[float], int]:
    """The corpus with 1 and with 2 workers, in `rounds` alternating rounds:
    for each, the run of median seconds; the speed-up of each round; and the
    corpus's pages."""
    runs: dict[int, list[Run]] = {1: [], 2: []}
    for _ in range(rounds):
        for workers in (1, 2):
            runs[workers].append(extraction(docs, out, workers))
    speedups = [
        one.seconds / two.seconds for one, two in zip(*runs.values(), strict=True)
    ]
    median = {
        w: sorted(r, key=lambda run: run.seconds)[len(r) // 2] for w, r in runs.items()
    }
    return median, speedups, sum(map(page_count, docs))


def rate(run: Run, pages: int) -> dict[str, object]:
    return {**asdict(run), "pages_per_second": round(pages / run.seconds, 2)}


def big_document(pages: int, target: Path) -> Path:
    """A long PDF made by repeating the sample's pages."""
    src = pdfium.PdfDocument(str(SAMPLE))
    big = pdfium.PdfDocument.new()
    while len(big) < pages:
        big.import_pages(src, list(range(min(len(src), pages - len(big)))))
    big.save(str(target))
    return target


def judged(results: dict, quick: bool) -> dict[str, dict[str, object]]:
    """Each requirement, its figure and whether it is met (None after a quick
    run, whose sizes are not the required ones)."""
    figures = {
        "sample_ratio": results["sample"]["ratio"]["median"],
        "speedup_2_workers": results["throughput"]["speedup_2_workers"],
        "big_document_seconds": results["big_document"]["seconds"],
        "big_document_peak_memory_mb": results["big_document"]["peak_memory_mb"],
    }
    return {
        name: {
            "figure": figures[name],
            "comparison": comparison,
            "limit": limit,
            "met": None if quick else COMPARISONS[comparison](figures[name], limit),
        }
        for name, (comparison, limit) in REQUIREMENTS.items()
    }


def benchmark(args: argparse.Namespace, work: Path) -> dict[str, object]:
    out = work / "out"
    results: dict[str, object] = {
        "taken": time.strftime("%Y-%m-%d"),
        "quick": args.quick,
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "system": platform.platform(),
        },
        "sample": paired_sample(out, args.pairs),
    }
    docs, distinct = corpus(work / "corpus", args.docs)
    runs, speedups, pages = throughput(docs, out, args.rounds)
    results["throughput"] = {
        "documents": len(docs),
        "distinct_documents": distinct,
        "pages": pages,
        "rounds": args.rounds,
        "workers_1": rate(runs[1], pages),
        "workers_2": rate(runs[2], pages),
        "speedup_2_workers": round(runs[1].seconds / runs[2].seconds, 2),
        "speedup_by_round": spread(speedups),
    }
    small = extraction(docs[:SMALL_BATCH], out, 2)
    results["memory_by_batch"] = {  # flat in the number of documents
        "workers": 2,
        "batches": [
            {"documents": len(docs[:SMALL_BATCH]), **asdict(small)},
            {"documents": len(docs), **asdict(runs[2])},
        ],
    }
    big = big_document(args.big_pages, work / "big.pdf")
    results["big_document"] = {
        "pages": args.big_pages,
        **asdict(extraction([big], out)),
    }
    results["requirements"] = judged(results, args.quick)
    return results


def summary(results: dict) -> str:
    s, t, b = results["sample"], results["throughput"], results["big_document"]
    batches = results["memory_by_batch"]["batches"]
    lines = [
        f"sample ({s['pages']} pages, {s['pairs']} pairs): pipeline "
        f"{s['pipeline']['seconds']['median']} s, bare pdfplumber "
        f"{s['bare_pdfplumber']['seconds']['median']} s, ratio "
        f"{s['ratio']['median']} ({s['ratio']['min']}-{s['ratio']['max']}), "
        f"peak memory {s['pipeline']['peak_memory_mb']} MB",
        f"throughput ({t['documents']} documents, {t['pages']} pages): "
        f"{t['workers_1']['pages_per_second']} pages/s with 1 worker, "
        f"{t['workers_2']['pages_per_second']} with 2, speed-up "
        f"{t['speedup_2_workers']}x",
        "peak memory by batch (2 workers): "
        + ", ".join(f"{b['documents']} docs {b['peak_memory_mb']} MB" for b in batches),
        f"big document ({b['pages']} pages): {b['seconds']} s, peak memory "
        f"{b['peak_memory_mb']} MB (largest process {b['largest_process_mb']} MB)",
    ]
    for name, req in results["requirements"].items():
        verdict = {True: "met", False: "NOT MET", None: "not judged"}[req["met"]]
        lines.append(
            f"requirement {name} {req['comparison']} {req['limit']:g}: "
            f"{req['figure']} {verdict}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pairs", type=int, default=7, help="sample pairs timed")
    parser.add_argument("--docs", type=int, default=20, help="corpus documents")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of the corpus with 1 and 2 workers (medians)",
    )
    parser.add_argument("--big-pages", type=int, default=300)
    parser.add_argument(
        "--quick", action="store_true", help="2 pairs, 6 documents, 90 pages"
    )
    args = parser.parse_args()
    if args.quick:
        args.pairs, args.docs, args.big_pages, args.rounds = 2, 6, 90, 1
    work = Path(tempfile.mkdtemp(prefix="prodoc-bench-"))
    try:
        results = benchmark(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print(summary(results))


if __name__ == "__main__":
    main()
