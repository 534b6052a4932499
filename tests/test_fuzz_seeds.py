"""The pipeline on a fixed handful of documents drawn by the layout fuzzer.

`make fuzz` draws hundreds; these seeds are a small sample of them, chosen
so that every template generation and every PDF producer is among them, and
each must be read as well as the synthetic corpus is.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pdfplumber
import pytest

from tests.synth import CORPUS, Entry, fuzz, render
from tests.synth.layout import Layout
from tests.synth.producers import page_lines
from tests.synth.templates.common import header_grid

# 2007: 269 reportlab; 2009: 13 LibreOffice, 147 Chromium, 296 fpdf2; 2016: 336
# LibreOffice, 489 Chromium.
# Then layouts that each once defeated a rule: 2 (unruled, shaded header, sideways
# quarter labels), 4 (cover table, framework rows over a page, INPUTS split by source),
# 101 (budget by component, years counted from the start), 121 (row bands with shaded
# marks), 145 (Y1 2016 year headings, one-line cover values), 305 (GEF budget without
# rules, a source and its amount in one run of text), 331 (unruled, shaded marks, codes
# wrapped under their names), 69 (browser risk log whose text overflows its narrow
# cells, a risk broken over a page), 71 (a row broken over a page whose rest is a
# code's last digit), 90 (unruled budget: an output label over its title, activities
# spanning several lines), 131 (unruled annual plans, the next year's caption at the
# foot of the page before its table), 1 (browser, annual plans whose header stands at a
# page foot, totals naming their year), 197 (the funding sentence broken over a page on
# `and`), 3090 (quarter labels broken under their years, a risk number broken over two
# lines, an activity's text run on overleaf beside a budget line of its own), 3006
# (unruled budget whose activity text wraps onto the rows of its later budget lines),
# 20 and 35 (unruled framework whose inputs print a total over its sources, each
# label over its amount).
SEEDS = (
    13,
    147,
    269,
    296,
    336,
    489,
    2,
    4,
    101,
    121,
    145,
    305,
    331,
    69,
    71,
    90,
    131,
    1,
    197,
    3090,
    3006,
    20,
    35,
)


@pytest.fixture(scope="session")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> dict[int, fuzz.Scored]:
    """The seeds' documents rendered, extracted in one batch and scored."""
    folder = tmp_path_factory.mktemp("fuzz")
    return {
        s.seed: s
        for s in fuzz.run([fuzz.draw(seed) for seed in SEEDS], folder, workers=2)
    }


def test_the_seeds_cover_every_generation_and_producer() -> None:
    entries = [fuzz.draw(seed) for seed in SEEDS]
    assert {e.recipe.generation for e in entries} == set(fuzz.GENERATIONS)
    assert {e.layout.renderer for e in entries} == set(
        fuzz.TYPESETTERS + fuzz.PRODUCERS
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_a_drawn_document_is_read_in_full(
    seed: int, fuzzed: dict[int, fuzz.Scored]
) -> None:
    worst = fuzzed[seed].worst
    assert not worst, (
        f"seed {seed} ({fuzz.describe(fuzz.draw(seed))}) below {fuzz.MIN_SCORE}: "
        + ", ".join(f"{table} {score:.3f}" for table, score in worst)
    )


@pytest.mark.parametrize(
    "renderers", [fuzz.TYPESETTERS, fuzz.PRODUCERS], ids=["typesetter", "producer"]
)
def test_a_seed_always_prints_the_same_document(
    renderers: tuple[str, ...], tmp_path: Path
) -> None:
    """Same text on every page and the same answer key, rendered twice."""
    seed = next(s for s in SEEDS if fuzz.draw(s).layout.renderer in renderers)
    runs = []
    for name in ("first", "second"):
        folder = tmp_path / name
        folder.mkdir()
        key = fuzz.render_seed(seed, folder)
        runs.append((key, page_lines(folder / f"fuzz-{seed}.pdf")))
    assert runs[0] == runs[1]


# ------------------------------------------------------- the generator's new dimensions
def test_the_first_value_of_a_dimension_is_the_plain_layout() -> None:
    plain = Layout()
    assert {name: values[0] for name, values in fuzz.DIMENSIONS.items()} == {
        name: getattr(plain, name) for name in fuzz.DIMENSIONS
    }


def test_every_value_of_every_dimension_is_drawn() -> None:
    drawn = [fuzz.dimensions_of(fuzz.draw(seed)) for seed in range(1, 201)]
    for name, values in fuzz.DIMENSIONS.items():
        assert {d[name] for d in drawn} == set(values), name


def test_grouped_headers_span_their_columns() -> None:
    columns = [
        ("Outputs",),
        ("TIMEFRAME", "Q1"),
        ("TIMEFRAME", "Q2"),
        ("PLANNED BUDGET", "Amount"),
    ]
    rows = header_grid(columns, 2, lambda label: label.startswith("Q"))
    assert [
        [(c.items[0], c.colspan, c.rowspan, c.vertical) for c in row] for row in rows
    ] == [
        [
            ("Outputs", 1, 2, False),
            ("TIMEFRAME", 2, 1, False),
            ("PLANNED BUDGET", 1, 1, False),
        ],
        [("Q1", 1, 1, True), ("Q2", 1, 1, True), ("Amount", 1, 1, False)],
    ]


def test_sideways_header_text_is_printed_turned(tmp_path: Path) -> None:
    entry = next(
        e
        for e in CORPUS
        if e.recipe.generation == "2009" and e.layout.renderer in fuzz.TYPESETTERS
    )
    render(Entry(entry.recipe, replace(entry.layout, vertical_headers=True)), tmp_path)
    with pdfplumber.open(tmp_path / f"{entry.recipe.doc_id}.pdf") as pdf:
        turned = "".join(
            ch["text"] for page in pdf.pages for ch in page.chars if not ch["upright"]
        )
    assert "Q1" in turned and "Source of Funds" in turned
