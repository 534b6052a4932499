"""Scanned project documents, read by OCR.

Two synthetic documents are printed, then scanned as a user's scanner would
(`tests/scans.py`: 200 dpi grey, tilted, speckled, JPEG, no text layer and
no vector rules): one whole (ruled tables, whose rules must be found in the
picture), and one with only its cover, a work-plan page in the middle of the
table and its risk-log annex scanned (unruled tables, read from the OCR'd
word positions, stitched to the born-digital pages around them).  Both must
still give the born-digital answer key at strict F1 >= 0.90 on every table.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scans import scan_pdf
from tests.synth import CORPUS, render_corpus
from tests.test_synthetic_corpus import load_scorer

ROOT = Path(__file__).resolve().parents[1]
MIN_SCORE = 0.90
WHOLE = "undp-nepal-climate-resilience"  # ruled grids, X marks, 9 pages
PARTLY = "undp-peru-local-governance"  # unruled tables, x marks, 8 pages
PARTLY_SCANNED = {1, 5, 8}  # the cover, a work-plan page, the risk-log annex


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two documents printed and scanned, their answer key in `gold/`."""
    folder = tmp_path_factory.mktemp("scans")
    born = folder / "born-digital"
    entries = tuple(e for e in CORPUS if e.recipe.doc_id in (WHOLE, PARTLY))
    render_corpus(born, entries)
    (folder / "gold").symlink_to(born / "gold")
    inbox = folder / "inbox"
    inbox.mkdir()
    scan_pdf(born / f"{WHOLE}.pdf", inbox / f"{WHOLE}.pdf", seed=1)
    scan_pdf(born / f"{PARTLY}.pdf", inbox / f"{PARTLY}.pdf", PARTLY_SCANNED, seed=2)
    return folder


@pytest.fixture(scope="module")
def extracted(scans: Path) -> Path:
    out = scans / "out"
    result = extract(scans / "inbox", out)
    assert result.returncode == 0, result.stderr[-4000:]
    return out


@pytest.mark.parametrize("doc_id", [WHOLE, PARTLY])
def test_scans_give_the_born_digital_answers(
    doc_id: str, scans: Path, extracted: Path
) -> None:
    scorer = load_scorer()
    result = scorer.score(str(extracted), str(scans / "gold"), [doc_id])
    low = [
        f"{table}: {r['score'] or 0.0:.3f} ({scorer.misses(table, r, 2)})"
        for table, r in result["all"]["tables"].items()
        if r["gold"] and (r["score"] or 0.0) < MIN_SCORE
    ]
    assert not low, "\n".join(low)


def test_only_the_pictures_are_read_by_ocr(extracted: Path) -> None:
    """run.json tells which pages OCR read and how long it took."""
    run = {
        d["doc_id"]: d
        for d in json.loads((extracted / "run.json").read_text())["documents"]
    }
    assert run[WHOLE]["ocr_pages"] == list(range(1, run[WHOLE]["pages"] + 1))
    assert run[PARTLY]["ocr_pages"] == sorted(PARTLY_SCANNED)
    assert all(run[d]["ocr_seconds"] > 0 for d in (WHOLE, PARTLY))


def test_without_tesseract_the_user_is_told_how_to_install_it(
    scans: Path, tmp_path: Path
) -> None:
    no_tools = {**os.environ, "PATH": str(tmp_path)}  # no tesseract, no unpaper
    result = extract(scans / "inbox" / f"{WHOLE}.pdf", tmp_path / "out", env=no_tools)
    assert result.returncode == 1
    assert "apt-get install tesseract-ocr" in result.stderr
    assert "Traceback" not in result.stderr
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert "tesseract" in run["documents"][0]["reason"]
    assert not run["documents"][0]["detail"]


def test_records_say_whether_ocr_read_them_and_how_surely(
    scans: Path, extracted: Path
) -> None:
    """Records of scanned pages carry `ocr` and a confidence; those of drawn
    pages neither; every OCR'd record below the threshold is in issues.csv."""
    from pipeline.confidence import LOW

    issues = rows(extracted, "issues")
    flagged = {
        (i["doc_id"], i["page"]) for i in issues if i["check"] == "ocr_low_confidence"
    }
    seen = set()
    for table in ("workplan", "budget_lines", "risks", "activities"):
        for r in rows(extracted, table):
            scanned = r["doc_id"] == WHOLE or int(r["page"]) in PARTLY_SCANNED
            assert r["ocr"] == ("true" if scanned else "false"), (table, r)
            if not scanned:
                assert r["confidence"] == "", (table, r)
                continue
            assert 0 <= float(r["confidence"]) <= 100, (table, r)
            seen.add(r["doc_id"])
            if float(r["confidence"]) < LOW:
                assert (r["doc_id"], r["page"]) in flagged, (table, r)
    assert seen == {WHOLE, PARTLY}


def test_a_scan_with_ocr_off_says_so(scans: Path, tmp_path: Path) -> None:
    result = extract(scans / "inbox" / f"{WHOLE}.pdf", tmp_path / "out", "off")
    assert result.returncode == 1
    assert "scanned PDF: no text layer (OCR is off)" in result.stderr


@pytest.mark.fast
def test_a_word_read_unsurely_makes_its_record_unsure() -> None:
    from pipeline.confidence import rate_records
    from pipeline.model import Document, Page, Word

    def word(text: str, conf: float | None) -> Word:
        return Word(text, 0, 10, 0, 10, "", 10, conf=conf)

    doc = Document(
        "x.pdf",
        "x",
        "",
        [
            Page(1, 600, 800, 0, [word("Operational", None)]),
            Page(2, 600, 800, 0, [word("Soaciial", 12.0), word("MoFE", 93.0)]),
        ],
        ocr_pages=[2],
        ocr_repairs=[(2, "40;000", "40,000")],
    )
    drawn = {"risk_no": 1, "category": "Operational", "owner": "MoFE", "page": 1}
    read = {"risk_no": 2, "category": "Soaciial", "owner": "MoFE", "page": 2}
    sure = {"risk_no": 3, "category": "", "owner": "MoFE", "page": 2}
    findings = rate_records({"risks": [drawn, read, sure]}, doc)
    assert (drawn["ocr"], drawn["confidence"]) == (False, None)
    assert (read["ocr"], read["confidence"]) == (True, 12.0)
    assert (sure["ocr"], sure["confidence"]) == (True, 93.0)
    assert [(f["check"], f["page"]) for f in findings] == [
        ("ocr_low_confidence", 2),
        ("ocr_repaired", 2),
    ]
    assert "Soaciial" in findings[0]["message"]


@pytest.mark.fast
def test_ocr_repairs_only_what_cannot_be_a_word() -> None:
    from pipeline.ocr import repaired

    assert repaired("4O,5OO") == "40,500"
    assert repaired("40;000") == "40,000"
    assert repaired("1,2S0") == "1,250"
    assert repaired("Il.") == "II."
    assert repaired("Ql") == "Q1"
    assert repaired("Qi") == "Q1"
    assert repaired("Q.2.") == "Q2"
    for word in (
        "SOS",
        "Oil",
        "I",
        "Q",
        "Quality",
        "2,500",
        "Illinois.",
        "lS,OOO",
        "Q.1",
    ):
        assert repaired(word) == word


def extract(
    source: Path, out: Path, ocr: str = "auto", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", str(source), "--out", str(out)]
        + ["--quiet", "--ocr", ocr],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=1200,
    )


def rows(out: Path, table: str) -> list[dict[str, str]]:
    with open(out / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.fast
def test_a_page_lit_from_one_side_reads_as_if_lit_evenly() -> None:
    import numpy as np

    from pipeline.ocr import DPI, INK, flattened

    light = np.linspace(0.7, 1.0, 1000, dtype=np.float32)[None, :]
    page = np.full((800, 1000), 250, np.float32) * light
    page[400:410, 100:900] = 20  # a line of ink across the light
    even = flattened(page.astype(np.uint8), DPI / 72)
    paper = np.delete(even, range(390, 420), axis=0)
    assert paper.min() > 235  # the dim side's paper is no shading
    assert even[400:410, 100:900].max() < INK


@pytest.mark.fast
def test_white_type_on_a_dark_ground_is_turned_black_on_white() -> None:
    import numpy as np

    from pipeline.ocr import DPI, INK, reversed_out

    page = np.full((400, 600), 255, np.uint8)
    page[100:200, 50:550] = 90  # a dark header band ...
    page[140:160, 100:104] = 255  # ... with a white stroke of type on it
    turned = reversed_out(page, page, DPI / 72)
    assert turned[145, 102] < INK  # the type is now black
    assert turned[120, 300] > 235  # the ground white
    assert turned[100, 300] < INK  # its edge ruled
    plain = np.full((400, 600), 255, np.uint8)
    plain[140:160, 100:110] = 0  # black type on paper stays as it is
    assert (reversed_out(plain, plain, DPI / 72) == plain).all()


@pytest.mark.fast
def test_pieces_read_again_go_on_lines_tesseract_takes() -> None:
    from pipeline.ocr import LINE_PIXELS, PIECES_A_LINE, lines_of

    small = list(lines_of([(0, 0, 100, 20)] * 45, 1.0))
    assert [len(b) for b in small] == [PIECES_A_LINE, PIECES_A_LINE, 5]
    wide = list(lines_of([(0, 0, 3000, 60)] * 6, 2.0))
    assert all(sum(w + 2 * 60 for *_, w, _ in b) * 2 <= LINE_PIXELS for b in wide)
    assert sum(len(b) for b in wide) == 6
