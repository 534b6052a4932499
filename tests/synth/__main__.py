"""python -m tests.synth OUT_DIR: render the synthetic corpus and its gold CSVs."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .corpus import CORPUS, build_corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.synth", description=__doc__)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    pdfs = build_corpus(args.out_dir)
    for entry, pdf in zip(CORPUS, pdfs, strict=True):
        lay = entry.layout
        print(
            f"{pdf.name:<42} {entry.recipe.generation}  {lay.renderer:<11} "
            f"{lay.describe()}"
        )
    print(
        f"{len(pdfs)} documents and gold/*.csv in {args.out_dir} "
        f"({time.perf_counter() - started:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
