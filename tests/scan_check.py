"""How well scans read against the same documents born-digital.

Each corpus document (a folder `<doc_id>/` holding `<doc_id>.pdf` and its
answer key `gold/`) is scanned in every kind of `tests/scans.KINDS`,
extracted with the default settings, and scored table by table against its
answer key beside its born-digital score.  A table of a scan more than
`TOLERANCE` below born-digital is marked `!` and makes the exit code 1.

    python -m tests.scan_check CORPUS_DIR [--kinds grey photo] [--docs ID ...]

The scans, extractions and the scores (`scores.json`) stay under `--work`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.scans import KINDS, scan_pdf
from tests.test_synthetic_corpus import load_scorer

ROOT = Path(__file__).resolve().parents[1]
TOLERANCE = 0.05  # a scan may read this much worse than born-digital, per table
BORN = "born-digital"
WIDTH = 7  # characters of a score's column
BANDS = [0, 40, 60, 70, 80, 90]  # lower ends of the bands of confidence shown


def documents(corpus: Path, wanted: list[str]) -> dict[str, Path]:
    """The corpus's documents (doc_id -> its folder), those `wanted` only
    when any are named."""
    found = {
        d.name: d for d in sorted(corpus.iterdir()) if (d / f"{d.name}.pdf").is_file()
    }
    return {k: v for k, v in found.items() if not wanted or k in wanted}


def scanned(docs: dict[str, Path], kind: str, inbox: Path) -> Path:
    """Scans of `kind` of the documents in `inbox` (made once: the scans are
    the same for the same seed)."""
    inbox.mkdir(parents=True, exist_ok=True)
    for seed, (doc_id, folder) in enumerate(docs.items()):
        target = inbox / f"{doc_id}.pdf"
        if not target.exists():
            scan_pdf(folder / f"{doc_id}.pdf", target, seed=seed, kind=kind)
    return inbox


def born_digital(docs: dict[str, Path], inbox: Path) -> Path:
    """Links to the documents as they are, in `inbox`."""
    inbox.mkdir(parents=True, exist_ok=True)
    for doc_id, folder in docs.items():
        link = inbox / f"{doc_id}.pdf"
        if not link.exists():
            link.symlink_to((folder / f"{doc_id}.pdf").resolve())
    return inbox


def extract(inbox: Path, docs: dict[str, Path], out: Path) -> None:
    """The pipeline's `extract` of the documents' files in `inbox`, with its
    default settings."""
    files = [str(inbox / f"{doc_id}.pdf") for doc_id in docs]
    subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", *files, "--out", str(out)]
        + ["--quiet"],
        cwd=ROOT,
        check=False,
    )


Scores = dict[str, dict[str, float | None]]  # doc_id -> table -> score
Rated = list[tuple[float | None, bool]]  # an OCR'd record: its confidence, right?


def scores(out: Path, docs: dict[str, Path]) -> tuple[Scores, Rated]:
    """Per document, each table's score (None where its key has no rows);
    and each record read by OCR with its confidence and whether it is
    right (matched to its answer with every field right)."""
    scorer = load_scorer()
    found, rated = {}, []
    for doc_id, folder in docs.items():
        tables = scorer.score(str(out), str(folder / "gold"), [doc_id])["all"]["tables"]
        found[doc_id] = {
            t: (r["score"] or 0.0) if r["gold"] else None for t, r in tables.items()
        }
        for r in tables.values():
            rated += judged(r)
    return found, rated


def judged(scored: dict[str, Any]) -> Rated:
    """The records of a scored table read by OCR: (confidence, right)."""
    if "_pairs" not in scored or not scored["gold"]:
        return []  # the issues, scored by recall; a table with no answers
    right = {j for _, j, ok, _ in scored["_pairs"] if ok}
    return [
        (float(row["confidence"]) if row.get("confidence") else None, j in right)
        for j, row in enumerate(scored["_p"])
        if row.get("ocr") == "true"
    ]


def bands(rated: Rated) -> list[str]:
    """Lines of a table: per band of confidence, the records read by OCR in
    it and the share of them that is wrong."""
    lines = [f"{'confidence':<12}{'records':>8}{'wrong':>8}"]
    for low, high in zip(BANDS, [*BANDS[1:], 101], strict=True):
        inside = [
            right for conf, right in rated if conf is not None and low <= conf < high
        ]
        share = f"{1 - sum(inside) / len(inside):.0%}" if inside else "-"
        lines.append(f"{f'{low}-{min(high, 100)}':<12}{len(inside):>8}{share:>8}")
    unrated = [right for conf, right in rated if conf is None]
    if unrated:
        lines.append(
            f"{'none':<12}{len(unrated):>8}{1 - sum(unrated) / len(unrated):>8.0%}"
        )
    return lines


def cell(score: float | None, born: float | None) -> str:
    if score is None:
        return f"{'-':>{WIDTH}}"
    low = born is not None and score < born - TOLERANCE
    return f"{score:.3f}{'!' if low else ' '}".rjust(WIDTH)


def table(results: dict[str, Scores]) -> list[str]:
    """Lines of the table: per document, its born-digital scores and each
    kind's, `!` where a scan falls more than `TOLERANCE` below."""
    born = results[BORN]
    names = list(next(iter(born.values())))
    lines = [
        f"{'document / kind':<44}" + "".join(n[: WIDTH - 1].rjust(WIDTH) for n in names)
    ]
    for doc_id, own in born.items():
        for kind, found in results.items():
            label = doc_id if kind == BORN else f"  {kind}"
            lines.append(
                f"{label:<44}"
                + "".join(
                    cell(found[doc_id][n], own[n] if kind != BORN else None)
                    for n in names
                )
            )
    return lines


def below(results: dict[str, Scores]) -> int:
    """How many tables of scans fall more than `TOLERANCE` below born-digital."""
    born = results[BORN]
    return sum(
        score is not None and (born[d][t] or 0.0) - score > TOLERANCE
        for kind, found in results.items()
        if kind != BORN
        for d, tables in found.items()
        for t, score in tables.items()
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--kinds", nargs="+", choices=list(KINDS), default=list(KINDS))
    parser.add_argument("--docs", nargs="+", default=[])
    parser.add_argument("--work", type=Path, default=ROOT / "output" / "scan-check")
    args = parser.parse_args(argv)
    docs = documents(args.corpus, args.docs)
    results: dict[str, Any] = {}
    rated: Rated = []
    for kind in [BORN, *args.kinds]:
        folder = args.work / kind
        if kind == BORN:
            inbox = born_digital(docs, folder / "inbox")
        else:
            inbox = scanned(docs, kind, folder / "inbox")
        extract(inbox, docs, folder / "out")
        results[kind], read = scores(folder / "out", docs)
        rated += read
    (args.work / "scores.json").write_text(json.dumps(results, indent=1))
    print("\n".join(table(results)))
    print("\nRecords read by OCR, by confidence:\n" + "\n".join(bands(rated)))
    low = below(results)
    print(f"{low} table(s) of scans more than {TOLERANCE} below born-digital")
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
