"""The pipeline on fuzz documents printed in French and Spanish.

The same drawn documents as `make fuzz`, their template worded in the
language and their numbers in its format (`tests/synth/language.py`); a
fixed handful per language, covering every template generation and PDF
producer, each scored against its own answer key.
"""

from __future__ import annotations

import pytest

from tests.synth import fuzz

# The same seeds in both languages: 2016 Chromium (1: unruled, decimals; 26:
# thousands and decimals), 2009 fpdf2 (4) and reportlab (10), 2007 LibreOffice
# (18; 22: thousands and decimals) and fpdf2 (25), 2016 reportlab (24).
SEEDS: dict[str, tuple[int, ...]] = {
    "fr": (1, 4, 10, 18, 22, 24, 25, 26),
    "es": (1, 4, 10, 18, 22, 24, 25, 26),
}
CASES = [(lang, seed) for lang, seeds in SEEDS.items() for seed in seeds]


@pytest.fixture(scope="session")
def fuzzed_languages(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[tuple[str, int], fuzz.Scored]:
    """Every language's seeds rendered, extracted in one batch and scored."""
    folder = tmp_path_factory.mktemp("fuzz-languages")
    entries = [fuzz.draw(seed, lang) for lang, seed in CASES]
    return {
        (s.entry.layout.language, s.seed): s
        for s in fuzz.run(entries, folder, workers=2)
    }


@pytest.mark.parametrize("lang", list(SEEDS))
def test_each_language_has_every_generation_and_producer(lang: str) -> None:
    entries = [fuzz.draw(seed, lang) for seed in SEEDS[lang]]
    assert {e.recipe.generation for e in entries} == set(fuzz.GENERATIONS)
    assert {e.layout.renderer for e in entries} == set(
        fuzz.TYPESETTERS + fuzz.PRODUCERS
    )


@pytest.mark.parametrize("lang,seed", CASES)
def test_a_french_or_spanish_document_is_read_in_full(
    lang: str, seed: int, fuzzed_languages: dict[tuple[str, int], fuzz.Scored]
) -> None:
    scored = fuzzed_languages[(lang, seed)]
    assert scored.entry.layout.language == lang
    assert not scored.worst, (
        f"{lang} seed {seed} ({fuzz.describe(scored.entry)}) below "
        f"{fuzz.MIN_SCORE}: "
        + ", ".join(f"{table} {score:.3f}" for table, score in scored.worst)
    )
