"""The pipeline on a fixed handful of documents drawn by the layout fuzzer.

`make fuzz` draws hundreds; these seeds are a small sample of them, chosen
so that every template generation and every PDF producer is among them, and
each must be read as well as the synthetic corpus is.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.synth import fuzz
from tests.synth.producers import page_lines

SEEDS = (1, 2, 3, 4, 5, 6)


@pytest.fixture(scope="session")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> dict[int, fuzz.Scored]:
    """The seeds' documents rendered, extracted in one batch and scored."""
    folder = tmp_path_factory.mktemp("fuzz")
    return {s.seed: s for s in fuzz.run(SEEDS, folder, workers=2)}


def test_the_seeds_cover_every_generation_and_producer() -> None:
    entries = [fuzz.draw(seed) for seed in SEEDS]
    assert {e.recipe.generation for e in entries} == set(fuzz.GENERATIONS)
    assert {e.layout.renderer for e in entries} == set(fuzz.TYPESETTERS + fuzz.PRODUCERS)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_drawn_document_is_read_in_full(seed: int, fuzzed: dict[int, fuzz.Scored]) -> None:
    worst = fuzzed[seed].worst
    assert not worst, f"seed {seed} ({fuzz.describe(fuzz.draw(seed))}) below {fuzz.MIN_SCORE}: " + \
        ", ".join(f"{table} {score:.3f}" for table, score in worst)


@pytest.mark.parametrize("renderers", [fuzz.TYPESETTERS, fuzz.PRODUCERS], ids=["typesetter", "producer"])
def test_a_seed_always_prints_the_same_document(renderers: tuple[str, ...], tmp_path: Path) -> None:
    """Same text on every page and the same answer key, rendered twice."""
    seed = next(s for s in SEEDS if fuzz.draw(s).layout.renderer in renderers)
    runs = []
    for name in ("first", "second"):
        folder = tmp_path / name
        folder.mkdir()
        key = fuzz.render_seed(seed, folder)
        runs.append((key, page_lines(folder / f"fuzz-{seed}.pdf")))
    assert runs[0] == runs[1]
