"""Project documents made independently of this project, one per template
generation and producer (a word processor, a browser, a typesetter), with
their answer keys: the truer test of the pipeline than its own synthetic
documents.  Each lies in `tests/corpus/<doc_id>/` with `gold/` and a
NOTES.md on its layout; the sample in `raw/` is scored beside them."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from tests.conftest import CORPUS, GOLD, ROOT, SAMPLE, corpus_pdfs

spec = importlib.util.spec_from_file_location("score", ROOT / "tests" / "score.py")
score = importlib.util.module_from_spec(spec)
spec.loader.exec_module(score)

DOCS = sorted(pdf.stem for pdf in corpus_pdfs())
MIN_F1 = 0.95


def gold_dir(doc_id: str) -> Path:
    return GOLD if doc_id == SAMPLE.stem else CORPUS / doc_id / "gold"


@pytest.fixture(scope="module")
def scores(corpus_output: Path) -> dict[str, dict]:
    found = {}
    for doc_id in DOCS:
        gold = {t: score.load(str(gold_dir(doc_id)), t) for t in score.TABLES}
        pred = {t: score.load(str(corpus_output), t) for t in score.TABLES}
        found[doc_id] = score.score_docs(gold, pred, {score.docid(doc_id)})
    return found


@pytest.mark.parametrize("doc_id", DOCS)
def test_every_table_reads_as_its_answer_key(
    scores: dict[str, dict], doc_id: str
) -> None:
    tables = scores[doc_id]["tables"]
    weak = {
        t: round(r["score"], 3)
        for t, r in tables.items()
        if r["gold"] and r["score"] < MIN_F1
    }
    assert not weak, f"{doc_id}: tables under {MIN_F1}: {weak}"


@pytest.mark.parametrize("doc_id", DOCS)
def test_document_overall(scores: dict[str, dict], doc_id: str) -> None:
    assert scores[doc_id]["overall"] >= MIN_F1


def test_a_part_that_was_found_is_not_reported_missing(corpus_output: Path) -> None:
    with open(corpus_output / "issues.csv", encoding="utf-8") as fh:
        missing = [r for r in csv.DictReader(fh) if r["check"].startswith("missing_")]
    assert not missing, missing
