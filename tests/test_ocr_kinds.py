"""Scans as other offices make them, a page of each: a corpus document with
a budget sheet's page scanned as a fax (300 dpi black and white, grey
dithered) and as a phone photograph (perspective, uneven light) reads, table
by table, within `scan_check.TOLERANCE` of the document born-digital.  The
whole corpus in every kind: `make scan-check`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scan_check import TOLERANCE, extract, scores
from tests.scans import scan_pdf

ROOT = Path(__file__).resolve().parents[1]
DOC = "undp-mng-social-protection"
SCANNED = {10}  # a budget sheet's page
KINDS = ("bitonal", "photo")


@pytest.fixture(scope="module")
def read(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Each kind's scores, and born-digital's."""
    folder = tmp_path_factory.mktemp("kinds")
    docs = {DOC: ROOT / "tests" / "corpus" / DOC}
    found = {}
    for kind in ("born-digital", *KINDS):
        inbox = folder / kind / "inbox"
        inbox.mkdir(parents=True)
        source = docs[DOC] / f"{DOC}.pdf"
        if kind == "born-digital":
            (inbox / f"{DOC}.pdf").symlink_to(source)
        else:
            scan_pdf(source, inbox / f"{DOC}.pdf", SCANNED, seed=4, kind=kind)
        extract(inbox, docs, folder / kind / "out")
        found[kind] = scores(folder / kind / "out", docs)[0][DOC]
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_a_page_scanned_reads_as_born_digital(kind: str, read: dict) -> None:
    born = read["born-digital"]
    low = {
        table: (score, born[table])
        for table, score in read[kind].items()
        if score is not None and score < (born[table] or 0.0) - TOLERANCE
    }
    assert not low, low
