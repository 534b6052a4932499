"""Shared fixtures: one extraction of the sample, and one batch over the
sample and the corpus documents, for every test that reads them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "raw" / "undp-china-migrant-workers.pdf"
GOLD = ROOT / "tests" / "gold" / "undp-china-migrant-workers"
CORPUS = ROOT / "tests" / "corpus"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test not marked fast is slow: it extracts whole PDFs or renders
    documents (`make test-fast` runs `pytest -m fast`)."""
    for item in items:
        if item.get_closest_marker("fast") is None:
            item.add_marker(pytest.mark.slow)


def run_pipeline(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "output"
    result = run_pipeline("extract", str(SAMPLE), "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    return out


def corpus_pdfs() -> list[Path]:
    """The sample and each corpus document (tests/corpus/<doc_id>/<doc_id>.pdf)."""
    return [SAMPLE] + sorted(
        folder / f"{folder.name}.pdf" for folder in CORPUS.iterdir() if folder.is_dir()
    )


def extract_corpus(inbox: Path, out: Path) -> None:
    """One batch over the sample and every corpus document copied into
    `inbox`, as a user would run it, into `out`."""
    inbox.mkdir(parents=True, exist_ok=True)
    for pdf in corpus_pdfs():
        shutil.copy(pdf, inbox)
    result = run_pipeline("extract", str(inbox), "--out", str(out), "--quiet")
    if result.returncode != 0:
        raise RuntimeError(f"the corpus batch failed: {result.stderr}")


@pytest.fixture(scope="session")
def corpus_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "output"
    extract_corpus(tmp_path_factory.mktemp("corpus-inbox"), out)
    return out


@pytest.fixture
def inbox(tmp_path) -> Path:
    """A folder with two small project documents."""
    from tests.badpdfs import small_document

    folder = tmp_path / "inbox"
    folder.mkdir()
    small_document(
        folder / "alpha.pdf", title="Skills for Migrant Workers", amount=120_000
    )
    small_document(
        folder / "beta.pdf", title="Clean Water for Rural Towns", amount=450_000
    )
    return folder
