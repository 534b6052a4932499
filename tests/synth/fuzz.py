"""The layout fuzzer: documents drawn from independent layout dimensions.

`draw(seed)` picks a document with `random.Random(seed)`: its subject, shape
and numbers (a `Recipe`) and every layout dimension (a `Layout`), each drawn
on its own, so combinations turn up that no hand-made corpus document has.
A seed fully determines the document: the same seed always prints the same
text and the same answer key.

    python -m tests.synth.fuzz --n 200 [--seed-base S] [--out DIR] [--workers 2]

renders the drawn documents, extracts them with the pipeline in one batch,
scores each against its answer key (tests/score.py) and prints the
distribution of the scores and every document below MIN_SCORE on a table.
"""
from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from .. import score as scorer
from .corpus import CORPUS, Entry, render
from .factory import Donor, Recipe
from .fonts import FAMILIES
from .gold import TABLES, Row, gold_rows, write_rows
from .layout import Layout
from .spec import Generation

MIN_SCORE = 0.95
ROOT = Path(__file__).resolve().parents[2]
EXTRACT_TIMEOUT = 3600

GENERATIONS: tuple[Generation, ...] = ("2007", "2009", "2016")
FIRST_YEARS: dict[Generation, tuple[int, int]] = {"2007": (2007, 2010), "2009": (2009, 2014), "2016": (2016, 2020)}
TYPESETTERS = ("reportlab", "fpdf2")             # our typesetter's backends: any font family
PRODUCERS = ("libreoffice", "chromium")          # lay out pages themselves: system font families only
DONORS: tuple[Donor | None, ...] = (None, *dict.fromkeys(e.recipe.donor for e in CORPUS if e.recipe.donor))

# Every layout dimension and its values, drawn one after the other in this
# order (renderer and font family are drawn first, see `draw_layout`).
DIMENSIONS: dict[str, tuple[object, ...]] = {
    "body_size": (10.0, 10.5, 11.0),
    "page": ("A4", "Letter"),
    "align": ("justify", "left"),
    "rules": ("grid", "horizontal", "none"),
    "repeat_header": (True, False),
    "split_rows": (True, False),
    "landscape": (True, False),
    "marks": ("X", "x", "tick", "shade"),
    "thousands": (True, False),
    "decimals": (False, True),
    "account": ("code", "code+description", "description"),
    "headings": ("standard", "alternate"),
    "header_shade": (None, 0.85),
    "page_numbers": ("plain", "page", "dashes", "of"),
    "activity_prefix": (True, False),
    "fund": ("code", "name+code", "name"),
    "output_extras": (False, True),
    "output_newline": (False, True),
    "table_size": (7.0, 7.5, 8.0),
    "sheet_per_page": (True, False),
}


def draw_recipe(seed: int, rng: random.Random) -> Recipe:
    """Subject (title, theme, country, parties) from a corpus recipe; all else drawn."""
    subject = rng.choice(CORPUS).recipe
    generation = rng.choice(GENERATIONS)
    start = rng.randint(*FIRST_YEARS[generation])
    outputs = tuple(rng.randint(1, 3) for _ in range(rng.randint(1, 3))) if generation == "2007" \
        else (rng.randint(2, 5),)
    return replace(subject, doc_id=f"fuzz-{seed}", generation=generation, start_year=start,
                   end_year=start + rng.randint(1, 3), outputs=outputs, activities=(2, rng.randint(2, 4)),
                   seed=seed, donor=rng.choice(DONORS), cost_sharing=rng.random() < 0.5,
                   start_quarter=rng.randint(1, 4), risks=rng.randint(2, 5), risk_dates=rng.random() < 0.5,
                   risk_no_width=rng.randint(1, 2), misstated_total=0, unmarked="")


def draw_layout(rng: random.Random) -> Layout:
    renderer = rng.choice(TYPESETTERS + PRODUCERS)
    families = [k for k, f in FAMILIES.items() if f.installed or renderer in TYPESETTERS]
    drawn = {name: rng.choice(values) for name, values in DIMENSIONS.items()}
    return Layout(renderer=renderer, family=rng.choice(families), **drawn)   # type: ignore[arg-type]


def draw(seed: int) -> Entry:
    """The document of `seed`."""
    rng = random.Random(seed)
    recipe = draw_recipe(seed, rng)
    return Entry(recipe, draw_layout(rng))


def describe(entry: Entry) -> str:
    lay = entry.layout
    return f"{entry.recipe.generation} {lay.renderer} {lay.family}: {lay.describe()}"


def render_seed(seed: int, folder: Path) -> dict[str, list[Row]]:
    """Print the document of `seed` into `folder`; its answer key."""
    return gold_rows(render(draw(seed), folder))


def render_all(seeds: Sequence[int], folder: Path, workers: int) -> None:
    """Every seed's PDF into `folder`, their answer key into `folder/gold`."""
    folder.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max(1, workers)) as pool:
        keys = list(pool.map(render_seed, seeds, [folder] * len(seeds)))
    write_rows(keys, folder / "gold")


def extract(folder: Path, out: Path, workers: int) -> None:
    pdfs = sorted(str(p) for p in folder.glob("*.pdf"))
    result = subprocess.run([sys.executable, "-m", "pipeline", "extract", *pdfs, "--out", str(out), "--format",
                             "csv", "--workers", str(max(1, workers)), "--quiet"],
                            cwd=ROOT, capture_output=True, text=True, timeout=EXTRACT_TIMEOUT, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"pipeline extract exited {result.returncode}:\n{result.stderr[-4000:]}")


@dataclass(frozen=True)
class Scored:
    seed: int
    tables: dict[str, float]          # tables with gold rows for this document -> score

    @property
    def worst(self) -> list[tuple[str, float]]:
        return sorted(((t, s) for t, s in self.tables.items() if s < MIN_SCORE), key=lambda ts: ts[1])

    @property
    def overall(self) -> float:
        return statistics.fmean(self.tables.values())


def score_all(seeds: Sequence[int], folder: Path, out: Path) -> list[Scored]:
    result = scorer.score(str(out), str(folder / "gold"), [f"fuzz-{s}" for s in seeds])
    blocks = result.get("per_doc") or {result["docs"][0]: result["all"]}
    return [Scored(s, {t: r["score"] or 0.0 for t, r in blocks[f"fuzz-{s}"]["tables"].items() if r["gold"]})
            for s in seeds]


def run(seeds: Sequence[int], folder: Path, workers: int = 2) -> list[Scored]:
    """Render, extract and score the documents of `seeds` in `folder`."""
    render_all(seeds, folder, workers)
    extract(folder, folder / "extracted", workers)
    return score_all(seeds, folder, folder / "extracted")


def quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def distribution(name: str, values: list[float]) -> str:
    q1, q2, q3 = quartiles(values)
    passing = sum(v >= MIN_SCORE for v in values) / len(values)
    return (f"{name:<13}{len(values):>5}{min(values):>7.3f}{q1:>7.3f}{q2:>7.3f}{q3:>7.3f}"
            f"{100 * passing:>8.0f}%")


def report(scored: list[Scored]) -> str:
    lines = [f"{'table':<13}{'docs':>5}{'min':>7}{'q1':>7}{'median':>7}{'q3':>7}{'>=' + str(MIN_SCORE):>9}"]
    for table in TABLES:
        values = [s.tables[table] for s in scored if table in s.tables]
        if values:
            lines.append(distribution(table, values))
    lines.append(distribution("overall", [s.overall for s in scored]))
    failing = [s for s in scored if s.worst]
    lines.append(f"\n{len(failing)} of {len(scored)} documents below {MIN_SCORE} on some table")
    for s in failing:
        worst = ", ".join(f"{t} {v:.3f}" for t, v in s.worst)
        lines.append(f"seed {s.seed}: {worst}\n    {describe(draw(s.seed))}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.synth.fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="documents to draw (default 200)")
    parser.add_argument("--seed-base", type=int, default=1, help="the first seed (default 1)")
    parser.add_argument("--out", type=Path, help="keep PDFs, gold and extraction here (default: a temporary folder)")
    parser.add_argument("--workers", type=int, default=2, help="rendering and extraction processes (default 2)")
    args = parser.parse_args(argv)
    seeds = range(args.seed_base, args.seed_base + args.n)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        scored = run(seeds, args.out or Path(tmp), args.workers)
    print(report(scored))
    print(f"\n{len(scored)} documents in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
