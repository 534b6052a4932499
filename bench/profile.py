"""Profile the extraction of one PDF end to end, in one process, with cProfile.

    python bench/profile.py [PDF] [--label after]

From the project root, `.venv/bin/python bench/profile.py --label after` rewrites
bench/profile-after.txt for the sample.  The pipeline profiled is the one
beside this file, whatever the working directory.

The stages, timed one after the other in the same process:

- import: the pipeline's reader, extraction and batch modules;
- read: `reader.read_pdf` (one process; a batch may read a document's pages
  in several);
- extract: `extract.extract_document`;
- outputs: the batch's work on the records: they are handed over as an
  extraction process hands them (the JSON payload in the cache), then
  `batch.run_batch` takes them from there, so it neither extracts nor forks,
  and applies the corrections, validates, draws the reports and review
  pages and writes the dataset in every format.

The report, bench/profile-<label>.txt, gives the wall seconds of each stage
(with the profiler on), then the 30 functions with the most cumulative time
and the 30 with the most time of their own, their files named relative to
the project, site-packages or the standard library.  An older commit with
the same `reader.read_pdf` and `extract.extract_document` (47ddb97 on) is
profiled by copying this file into its worktree and running it there.
"""

from __future__ import annotations

import argparse
import importlib
import io
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import cProfile

    from pipeline.extraction import Extraction

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = ROOT / "raw" / "undp-china-migrant-workers.pdf"
TOP = 30
MODULES = ("reader", "extract", "batch")  # what the import stage loads
# this folder first on the path would make this file the standard library's
# `profile`, which cProfile imports; the project's root puts its pipeline first
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != HERE]


@contextmanager
def timed(seconds: dict[str, float], stage: str) -> Iterator[None]:
    began = time.perf_counter()
    yield
    seconds[stage] = time.perf_counter() - began


def hand_over(pdf: Path, extraction: Extraction, out: Path) -> None:
    """Put the records in the cache of `out` as an extraction process
    leaves them for the batch, under the key the batch looks for."""
    from pipeline.cache import CACHE_DIR, cache_key, checksum
    from pipeline.reader import file_sha256
    from pipeline.supervise import write_payload

    records = extraction.records
    target = out / CACHE_DIR / cache_key(file_sha256(pdf), pdf.name)
    target.parent.mkdir(parents=True)
    payload = {
        "records": records,
        "checksum": checksum(records),
        "ocr_pages": extraction.doc.ocr_pages,
        "ocr_seconds": extraction.doc.ocr_seconds,
    }
    write_payload(str(target), payload)


def write_outputs(pdf: Path, extraction: Extraction, out: Path) -> None:
    """The batch's work on the records of `extraction`, in this process."""
    from pipeline.batch import run_batch
    from pipeline.corrections import PROJECT_CORRECTIONS
    from pipeline.run import Settings

    hand_over(pdf, extraction, out)
    settings = Settings(workers=1, corrections=PROJECT_CORRECTIONS)
    summary = run_batch([pdf], out, settings)
    (result,) = summary.documents
    if not result.cached or result.status == "failed":
        raise RuntimeError(
            f"{pdf}: the batch did not take the records handed over "
            f"({result.status}, {result.reason or 'extracted again'})"
        )


def profile(pdf: Path, out: Path) -> tuple[cProfile.Profile, dict[str, float]]:
    """The profile of the four stages over `pdf`, writing into `out`, and
    the wall seconds of each."""
    import cProfile

    seconds: dict[str, float] = {}
    profiler = cProfile.Profile()
    profiler.enable()
    with timed(seconds, "import"):
        modules = {
            name: importlib.import_module(f"pipeline.{name}") for name in MODULES
        }
    with timed(seconds, "read"):
        doc = modules["reader"].read_pdf(pdf)
    with timed(seconds, "extract"):
        extraction = modules["extract"].extract_document(doc)
    with timed(seconds, "outputs"):
        write_outputs(pdf, extraction, out)
    profiler.disable()
    return profiler, seconds


def shortened(text: str) -> str:
    """`text` with the folders of the project, site-packages and the
    standard library left out of its file names."""
    paths = sysconfig.get_paths()
    folders = {ROOT, *(Path(paths[k]) for k in ("purelib", "platlib", "stdlib"))}
    for folder in sorted(
        {str(f) for f in folders} | {str(f.resolve()) for f in folders},
        key=len,
        reverse=True,
    ):
        text = text.replace(folder + "/", "")
    return text


def top_functions(profiler: cProfile.Profile, order: str) -> str:
    import pstats

    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats(order).print_stats(TOP)
    return shortened(stream.getvalue().strip("\n"))


def git(*args: str) -> str:
    found = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    return found.stdout.strip()


def commit() -> str:
    """The last commit to change the pipeline, and whether it has changed
    since."""
    head = git("log", "-1", "--format=%h %s", "--", "pipeline")[:72]
    head = head or "(not a git checkout)"
    changed = git("status", "--porcelain", "--", "pipeline")
    return head + (" + uncommitted changes to pipeline/" if changed else "")


def report(pdf: Path, profiler: cProfile.Profile, seconds: dict[str, float]) -> str:
    stages = [f"  {stage:<8} {s:7.2f}" for stage, s in seconds.items()]
    return "\n".join(
        [
            f"Profile of {shortened(str(pdf))}",
            f"pipeline of commit {commit()}",
            f"Python {sys.version.split()[0]}",
            "",
            "Wall seconds per stage (with the profiler on):",
            *stages,
            f"  {'total':<8} {sum(seconds.values()):7.2f}",
            "",
            f"Top {TOP} functions by cumulative time",
            top_functions(profiler, "cumulative"),
            "",
            f"Top {TOP} functions by own time",
            top_functions(profiler, "tottime"),
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument(
        "--label", default="after", help="the report is bench/profile-LABEL.txt"
    )
    args = parser.parse_args(argv)
    pdf = args.pdf.resolve()
    with tempfile.TemporaryDirectory(prefix="profile-") as folder:
        profiler, seconds = profile(pdf, Path(folder) / "output")
    target = HERE / f"profile-{args.label}.txt"
    target.write_text(report(pdf, profiler, seconds), encoding="utf-8")
    print(f"{target}: {sum(seconds.values()):.2f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
