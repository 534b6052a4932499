"""The README's performance table, generated from bench/results.json.

    python bench/readme_table.py [--results bench/results.json] [--readme README.md]

replaces what lies between the README's two marker lines
(`<!-- bench:start -->` and `<!-- bench:end -->`) with a Markdown table of
the figures `bench/bench.py` wrote, so the README never shows figures typed
by hand.  `make bench` runs it after the benchmark.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START = "<!-- bench:start -->"
END = "<!-- bench:end -->"
SIGNS = {"<=": "≤", ">=": "≥", "<": "<"}


class MarkersMissing(ValueError):
    """The README has no well-formed block for the table."""


def seconds(spread: dict[str, float]) -> str:
    """A median with its range: `2.51 s (2.40–2.90)`."""
    return f"{spread['median']:.2f} s ({spread['min']:.2f}–{spread['max']:.2f})"


def mb(run: dict) -> str:
    """A tree's peak memory with its largest process: `420 MB (largest 300)`."""
    tree, largest = run["peak_memory_mb"], run["largest_process_mb"]
    return f"{tree:.0f} MB (largest process {largest:.0f})"


def requirement(results: dict, name: str, unit: str = "") -> str:
    """`≤ 1.2: met`, or `not met` in bold, or `not judged` after a quick run."""
    req = results["requirements"][name]
    verdict = {True: "met", False: "**not met**", None: "not judged"}[req["met"]]
    return f"{SIGNS[req['comparison']]} {req['limit']:g}{unit}: {verdict}"


def caption(results: dict) -> str:
    machine = results["machine"]
    text = (
        f"Taken {results['taken']} on {machine['cores']} cores, Python "
        f"{machine['python']} ({machine['system']})."
    )
    if results["quick"]:
        text += (
            " **A `--quick` run** (fewer pairs, documents and pages): it shows that"
            " the benchmark runs; its figures are not judged against the requirements."
        )
    return text


def rows(results: dict) -> list[tuple[str, str, str]]:
    s, t, big = results["sample"], results["throughput"], results["big_document"]
    batches = results["memory_by_batch"]["batches"]
    pairs = s["pairs"]
    corpus = (
        f"{t['documents']} documents ({t['distinct_documents']} distinct, "
        f"{t['pages']} pages)"
    )
    ratio = s["ratio"]
    return [
        (
            f"sample ({s['pages']} pages), whole pipeline: median of {pairs} runs "
            "(min–max)",
            f"{seconds(s['pipeline']['seconds'])}, {s['pages_per_second']} pages/s",
            "",
        ),
        (
            "sample, bare pdfplumber word pass, each run just before the pipeline's",
            seconds(s["bare_pdfplumber"]["seconds"]),
            "",
        ),
        (
            f"pipeline / bare pass: median of the {pairs} per-pair ratios (min–max)",
            f"{ratio['median']:.2f} ({ratio['min']:.2f}–{ratio['max']:.2f})",
            requirement(results, "sample_ratio"),
        ),
        (
            "sample, peak memory: pipeline / bare pass",
            f"{mb(s['pipeline'])} / {mb(s['bare_pdfplumber'])}",
            "",
        ),
        *(
            (
                f"{corpus}, `--workers {w}`: median of {t['rounds']} rounds",
                f"{t[f'workers_{w}']['pages_per_second']} pages/s "
                f"({t[f'workers_{w}']['seconds']:.1f} s), {mb(t[f'workers_{w}'])}",
                "",
            )
            for w in (1, 2)
        ),
        (
            "speed-up of 2 workers over 1: medians' ratio (rounds' min–max)",
            f"{t['speedup_2_workers']:.2f}x ({t['speedup_by_round']['min']:.2f}–"
            f"{t['speedup_by_round']['max']:.2f})",
            requirement(results, "speedup_2_workers", "x"),
        ),
        *(
            (
                f"peak memory, a batch of {b['documents']} documents, "
                f"`--workers {results['memory_by_batch']['workers']}`",
                mb(b),
                "",
            )
            for b in batches
        ),
        (
            f"{big['pages']}-page document (the sample's pages repeated), "
            "default workers",
            f"{big['seconds']:.1f} s",
            requirement(results, "big_document_seconds", " s"),
        ),
        (
            f"{big['pages']}-page document, peak memory",
            mb(big),
            requirement(results, "big_document_peak_memory_mb", " MB"),
        ),
    ]


def render_table(results: dict) -> str:
    """The caption and the Markdown table of `results` (bench/results.json)."""
    lines = [
        caption(results),
        "",
        "| measure | figure | requirement |",
        "|---|---|---|",
    ]
    lines += [f"| {m} | {f} | {r} |" for m, f, r in rows(results)]
    return "\n".join(lines)


def replace_block(text: str, block: str, name: str = "README.md") -> str:
    """`text` with `block` between its marker lines instead of what was there."""
    if (
        text.count(START) != 1
        or text.count(END) != 1
        or text.index(START) > text.index(END)
    ):
        raise MarkersMissing(
            f"{name}: needs one line {START} and, below it, one line {END}, "
            "between which the benchmark table goes"
        )
    head = text[: text.index(START) + len(START)]
    return f"{head}\n{block}\n{text[text.index(END) :]}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    args = parser.parse_args()
    results = json.loads(args.results.read_text("utf-8"))
    try:
        text = replace_block(
            args.readme.read_text("utf-8"), render_table(results), str(args.readme)
        )
    except MarkersMissing as exc:
        sys.exit(str(exc))
    args.readme.write_text(text, "utf-8")


if __name__ == "__main__":
    main()
