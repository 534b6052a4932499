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
from .wording import HALVES, TEMPLATE

MIN_SCORE = 0.95
LANGUAGES = ("en", "fr", "es")
ROOT = Path(__file__).resolve().parents[2]
EXTRACT_TIMEOUT = 3600

GENERATIONS: tuple[Generation, ...] = ("2007", "2009", "2016")
FIRST_YEARS: dict[Generation, tuple[int, int]] = {
    "2007": (2007, 2010),
    "2009": (2009, 2014),
    "2016": (2016, 2020),
}
TYPESETTERS = ("reportlab", "fpdf2")  # our typesetter's backends: any font family
PRODUCERS = (
    "libreoffice",
    "chromium",
)  # lay out pages themselves: system font families only
DONORS: tuple[Donor | None, ...] = (
    None,
    *dict.fromkeys(e.recipe.donor for e in CORPUS if e.recipe.donor),
)

# Every layout dimension and its values, drawn one after the other in this
# order (renderer and font family are drawn first, see `draw_layout`).  The
# first value is the plain one (the Layout default): it is drawn with
# probability PLAIN, the others share the rest, so that a document varies in
# about a third of the dimensions and a failure can be put down to a few.
PLAIN = 0.65
DIMENSIONS: dict[str, tuple[object, ...]] = {
    "body_size": (11.0, 10.0, 10.5),
    "page": ("A4", "Letter"),
    "align": ("justify", "left"),
    "rules": ("grid", "horizontal", "none"),
    "repeat_header": (True, False),
    "split_rows": (True, False),
    "landscape": (True, False),
    "marks": ("X", "x", "tick", "shade"),
    "thousands": (True, False),
    "decimals": (False, True),
    "account": ("code", "code+description", "description", "code - description"),
    "headings": ("standard", "alternate"),
    "header_shade": (None, 0.85),
    "page_numbers": ("plain", "page", "dashes", "of"),
    "activity_prefix": (True, False),
    "fund": ("code", "name+code", "name", "code+source"),
    "output_extras": (False, True),
    "output_newline": (False, True),
    "table_size": (8.0, 7.0, 7.5),
    "sheet_per_page": (True, False),
    "cover": ("template", "table", "box"),
    "header_rows": (0, 1, 2, 3),
    "vertical_headers": (False, True),
    "year_heads": ("year", "Y1 year"),
    "plan_years": ("columns", "captions"),
    "budget": ("activities", "components"),
    "money_order": ("fund-account", "account-fund"),
    "band": (False, True),
    "spans": ("merged", "first"),
    "preamble": ("template", "cpd"),
    "inputs": ("plain", "split"),
    "caption": ("", "Year: {year}", "{year}", "Annual Work Plan {year}"),
    "total_label": ("TOTAL", "Total", "Total {year}", "Grand Total"),
    "subtotal": ("", "Sub-total Output {n}", "Total Output {n}"),
    "zero": ("", "-"),
    "risk_columns": ("template", "2007", "2016"),
    "turn": ("none", "rotate", "sideways"),
}


def draw_recipe(seed: int, rng: random.Random) -> Recipe:
    """Subject (title, theme, country, parties) from a corpus recipe; all else drawn."""
    subject = rng.choice(CORPUS).recipe
    generation = rng.choice(GENERATIONS)
    start = rng.randint(*FIRST_YEARS[generation])
    outputs = (
        tuple(rng.randint(1, 3) for _ in range(rng.randint(1, 3)))
        if generation == "2007"
        else (rng.randint(2, 5),)
    )
    return replace(
        subject,
        doc_id=f"fuzz-{seed}",
        generation=generation,
        start_year=start,
        end_year=start + rng.randint(1, 3),
        outputs=outputs,
        activities=(2, rng.randint(2, 4)),
        seed=seed,
        donor=rng.choice(DONORS),
        cost_sharing=rng.random() < 0.5,
        start_quarter=rng.randint(1, 4),
        risks=rng.randint(2, 5),
        risk_dates=rng.random() < 0.5,
        risk_no_width=rng.randint(1, 2),
        misstated_total=0,
        unmarked="",
    )


def draw_value(rng: random.Random, values: tuple[object, ...]) -> object:
    return values[0] if rng.random() < PLAIN else rng.choice(values[1:])


def plain_layout(rng: random.Random) -> Layout:
    """A renderer, and a font family it can print; every other dimension plain."""
    renderer = rng.choice(TYPESETTERS + PRODUCERS)
    families = [
        k for k, f in FAMILIES.items() if f.installed or renderer in TYPESETTERS
    ]
    return Layout(renderer=renderer, family=rng.choice(families))  # type: ignore[arg-type]


def draw_layout(rng: random.Random) -> Layout:
    base = plain_layout(rng)
    return replace(
        base, **{name: draw_value(rng, values) for name, values in DIMENSIONS.items()}
    )


HALVES_DRAWN = "halves"  # each seed draws a half of the header wording pools


def draw(seed: int, language: str = "en", wording: str = TEMPLATE) -> Entry:
    """The document of `seed`, in `language` (the same document in each,
    named `fuzz-<language>-<seed>` in French and Spanish), its column
    headers in the template's words or in those of a half of the pools
    (`wording.HALVES`; `halves`: the half the seed draws)."""
    rng = random.Random(seed)
    recipe = draw_recipe(seed, rng)
    if language != LANGUAGES[0]:
        recipe = replace(recipe, doc_id=f"fuzz-{language}-{seed}")
    if wording == HALVES_DRAWN:
        # a generator of its own, so that the other dimensions stay as drawn
        wording = random.Random(f"wording-{seed}").choice(HALVES)
    return Entry(recipe, replace(draw_layout(rng), language=language, wording=wording))


def sweep(seed: int) -> list[Entry]:
    """The recipe of `seed` in a plain layout, then once per other value of
    each dimension, that dimension alone varied: what each value does by itself."""
    rng = random.Random(seed)
    recipe = draw_recipe(seed, rng)
    base = plain_layout(rng)
    variations = [{}] + [
        {name: value} for name, values in DIMENSIONS.items() for value in values[1:]
    ]
    return [
        Entry(replace(recipe, doc_id=f"sweep-{seed}-{k}"), replace(base, **changed))
        for k, changed in enumerate(variations)
    ]


def describe(entry: Entry) -> str:
    lay = entry.layout
    return f"{entry.recipe.generation} {lay.renderer} {lay.family}: {lay.describe()}"


def render_entry(entry: Entry, folder: Path) -> dict[str, list[Row]]:
    """Print the document into `folder`; its answer key."""
    return gold_rows(render(entry, folder))


def render_seed(seed: int, folder: Path) -> dict[str, list[Row]]:
    return render_entry(draw(seed), folder)


def render_all(entries: Sequence[Entry], folder: Path, workers: int) -> None:
    """Every document's PDF into `folder`, their answer key into `folder/gold`."""
    folder.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max(1, workers)) as pool:
        keys = list(pool.map(render_entry, entries, [folder] * len(entries)))
    write_rows(keys, folder / "gold")


def extract(folder: Path, out: Path, workers: int) -> None:
    pdfs = sorted(str(p) for p in folder.glob("*.pdf"))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "extract",
            *pdfs,
            "--out",
            str(out),
            "--format",
            "csv",
            "--workers",
            str(max(1, workers)),
            "--quiet",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=EXTRACT_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"pipeline extract exited {result.returncode}:\n{result.stderr[-4000:]}"
        )


@dataclass(frozen=True)
class Scored:
    entry: Entry
    tables: dict[str, float]  # tables with gold rows for this document -> score

    @property
    def seed(self) -> int:
        return self.entry.recipe.seed

    @property
    def worst(self) -> list[tuple[str, float]]:
        return sorted(
            ((t, s) for t, s in self.tables.items() if s < MIN_SCORE),
            key=lambda ts: ts[1],
        )

    @property
    def overall(self) -> float:
        return statistics.fmean(self.tables.values())


def score_all(entries: Sequence[Entry], folder: Path, out: Path) -> list[Scored]:
    result = scorer.score(
        str(out), str(folder / "gold"), [e.recipe.doc_id for e in entries]
    )
    blocks = result.get("per_doc") or {result["docs"][0]: result["all"]}
    return [
        Scored(
            e,
            {
                t: r["score"] or 0.0
                for t, r in blocks[e.recipe.doc_id]["tables"].items()
                if r["gold"]
            },
        )
        for e in entries
    ]


def run(entries: Sequence[Entry], folder: Path, workers: int = 2) -> list[Scored]:
    """Render, extract and score `entries` in `folder`."""
    render_all(entries, folder, workers)
    extract(folder, folder / "extracted", workers)
    return score_all(entries, folder, folder / "extracted")


def quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def distribution(name: str, values: list[float]) -> str:
    q1, q2, q3 = quartiles(values)
    passing = sum(v >= MIN_SCORE for v in values) / len(values)
    return (
        f"{name:<13}{len(values):>5}{min(values):>7.3f}{q1:>7.3f}{q2:>7.3f}{q3:>7.3f}"
        f"{100 * passing:>8.0f}%"
    )


def dimensions_of(entry: Entry) -> dict[str, object]:
    """The drawn values of a document: its generation, renderer, font family and every
    layout dimension."""
    lay = entry.layout
    return {
        "generation": entry.recipe.generation,
        "renderer": lay.renderer,
        "family": lay.family,
        "language": lay.language,
        "wording": lay.wording,
        **{name: getattr(lay, name) for name in DIMENSIONS},
    }


def by_dimension(scored: list[Scored]) -> list[tuple[float, int, str, object]]:
    """For each drawn value: the share of its documents read in full, and how many had
    it."""
    groups: dict[tuple[str, str], list[bool]] = {}
    for s in scored:
        for name, value in dimensions_of(s.entry).items():
            groups.setdefault((name, repr(value)), []).append(not s.worst)
    return sorted(
        (sum(ok) / len(ok), len(ok), name, value)
        for (name, value), ok in groups.items()
    )


def by_wording(scored: list[Scored]) -> list[str]:
    """The share read in full among documents headed in each half of the
    wording pools (the unseen half names columns in words the vocabulary
    lacks)."""
    lines = [f"\nDocuments >= {MIN_SCORE} on every table, by header wording"]
    for wording in (TEMPLATE, *HALVES):
        docs = [s for s in scored if s.entry.layout.wording == wording]
        if docs:
            full = sum(1 for s in docs if not s.worst)
            lines.append(
                f"{wording:<9}{full:>4} of {len(docs):<4}{full / len(docs):>6.0%}"
            )
    return lines


def report(scored: list[Scored]) -> str:
    lines = [
        f"{'table':<13}{'docs':>5}{'min':>7}{'q1':>7}{'median':>7}{'q3':>7}"
        f"{'>=' + str(MIN_SCORE):>9}"
    ]
    for table in TABLES:
        values = [s.tables[table] for s in scored if table in s.tables]
        if values:
            lines.append(distribution(table, values))
    lines.append(distribution("overall", [s.overall for s in scored]))
    lines.append(
        f"\nShare of documents >= {MIN_SCORE} on every table, by dimension value "
        "(lowest first)"
    )
    lines += [
        f"{share:>6.0%} of {n:>3}  {name}={value}"
        for share, n, name, value in by_dimension(scored)
    ]
    lines += by_wording(scored)
    failing = [s for s in scored if s.worst]
    lines.append(
        f"\n{len(failing)} of {len(scored)} documents below {MIN_SCORE} on some table"
    )
    for s in failing:
        worst = ", ".join(f"{t} {v:.3f}" for t, v in s.worst)
        lines.append(f"seed {s.seed}: {worst}\n    {describe(s.entry)}")
    return "\n".join(lines)


def sweep_report(scored: list[Scored]) -> str:
    """The plain document's scores, then each variation's tables below MIN_SCORE."""
    base, *varied = scored
    lines = [
        f"seed {base.seed}, {describe(base.entry)}",
        "plain: "
        + (
            ", ".join(f"{t} {v:.3f}" for t, v in base.worst)
            or f"every table >= {MIN_SCORE}"
        ),
    ]
    for s in varied:
        changed = ", ".join(
            f"{name}={getattr(s.entry.layout, name)}"
            for name in DIMENSIONS
            if getattr(s.entry.layout, name) != getattr(base.entry.layout, name)
        )
        worst = ", ".join(f"{t} {v:.3f}" for t, v in s.worst) or "ok"
        lines.append(f"{changed:<40} {worst}  ({s.entry.recipe.doc_id})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.synth.fuzz", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--n", type=int, default=200, help="documents to draw (default 200)"
    )
    parser.add_argument(
        "--seed-base", type=int, default=1, help="the first seed (default 1)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="keep PDFs, gold and extraction here (default: a temporary folder)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="rendering and extraction processes (default 2)",
    )
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        default=LANGUAGES[0],
        help="the documents' language (default en)",
    )
    parser.add_argument(
        "--wording",
        choices=(HALVES_DRAWN, TEMPLATE, *HALVES),
        default=HALVES_DRAWN,
        help="column headers: each seed in the seen or the unseen half of the "
        "wording pools as it draws (default, reported apart), the template's "
        "own, or one half for all",
    )
    parser.add_argument(
        "--sweep",
        type=int,
        metavar="SEED",
        help="instead: the document of SEED in a plain layout and once per dimension "
        "value alone",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    entries = (
        sweep(args.sweep)
        if args.sweep is not None
        else [
            draw(s, args.language, args.wording)
            for s in range(args.seed_base, args.seed_base + args.n)
        ]
    )
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        scored = run(entries, args.out or Path(tmp), args.workers)
    print(sweep_report(scored) if args.sweep is not None else report(scored))
    print(f"\n{len(scored)} documents in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
