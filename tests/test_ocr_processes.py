"""OCR's processes die with their document: a scanned document stopped by
its time limit, or a batch killed outright, leaves no OCRmyPDF, Tesseract or
unpaper running and none of their temporary folders."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
PAGES = 40


def picture_scan(path: Path, pages: int) -> Path:
    """A scan of `pages` pages, each a picture of a few lines of type."""
    sheet = Image.new("L", (1700, 2200), 255)
    draw = ImageDraw.Draw(sheet)
    for line in range(12):
        draw.text((150, 200 + 60 * line), f"Line {line} of a scanned page", fill=0)
    sheet.save(
        path, "PDF", resolution=200, save_all=True, append_images=[sheet] * (pages - 1)
    )
    return path


@pytest.fixture(scope="module")
def long_scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return picture_scan(tmp_path_factory.mktemp("long-scan") / "long-scan.pdf", PAGES)


def extraction(pdf: Path, tmp: Path, *flags: str) -> subprocess.Popen[str]:
    """`extract` of the scan, with its temporary files under `tmp`."""
    tmp.mkdir()
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline",
            "extract",
            str(pdf),
            "--out",
            str(tmp.parent / "out"),
            "--quiet",
            *flags,
        ],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def under(tmp: Path) -> list[str]:
    """The command lines of the processes running with TMPDIR in `tmp`."""
    found = []
    marker = f"TMPDIR={tmp}".encode()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0]
        except OSError:
            continue
        if any(v.startswith(marker) for v in environ.split(b"\0")) and state != "Z":
            found.append(cmdline.replace(b"\0", b" ").decode(errors="replace"))
    return found


def ocr_started(tmp: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not any("ocrmypdf" in c for c in under(tmp)):
        assert time.monotonic() < deadline, "OCRmyPDF never started"
        time.sleep(0.1)


def assert_nothing_left(tmp: Path) -> None:
    deadline = time.monotonic() + 5
    while under(tmp) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert under(tmp) == []
    assert sorted(p.name for p in tmp.iterdir()) == []


def test_a_scan_over_its_time_limit_leaves_no_ocr_running(
    long_scan: Path, tmp_path: Path
):
    tmp = tmp_path / "tmp"
    run = extraction(long_scan, tmp, "--timeout", "8")
    _, err = run.communicate(timeout=120)
    assert run.returncode == 1 and "time limit" in err
    assert_nothing_left(tmp)


def test_a_killed_batch_leaves_no_ocr_running(long_scan: Path, tmp_path: Path):
    tmp = tmp_path / "tmp"
    run = extraction(long_scan, tmp)
    try:
        ocr_started(tmp)
        time.sleep(1)
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=10)
    finally:
        run.kill()
        run.communicate()
    assert_nothing_left(tmp)


def test_an_ocr_failure_names_its_cause(tmp_path: Path):
    """Tesseract refuses a picture over 32767 pixels wide: the reason says
    so, where OCRmyPDF ends its message with an exception's bare name."""
    wide = Image.new("1", (40000, 300), 1)
    ImageDraw.Draw(wide).text((100, 100), "Hello world", fill=0)
    wide.save(tmp_path / "wide.pdf", "PDF", resolution=400)
    run = extraction(tmp_path / "wide.pdf", tmp_path / "tmp")
    _, err = run.communicate(timeout=120)
    assert run.returncode == 1
    assert "OCR failed (ocrmypdf: tesseract on page 1: Image too large" in err, err
    assert "SubprocessOutputError" not in err


def test_a_scan_has_time_for_its_pages_and_reads_them_side_by_side(tmp_path: Path):
    """With no --timeout, each page to be read by OCR adds to the time
    limit, and the pages are read on every core; a --timeout given holds."""
    from pipeline.run import OCR_PAGE_S, Settings

    scan = picture_scan(tmp_path / "short-scan.pdf", 3)
    run = extraction(scan, tmp_path / "tmp")
    _, err = run.communicate(timeout=300)
    assert run.returncode == 0, err
    (doc,) = json.loads((tmp_path / "out" / "run.json").read_text())["documents"]
    assert doc["time_limit_s"] == Settings().timeout_s + 3 * OCR_PAGE_S
    assert doc["ocr_jobs"] == Settings().cores  # one document: all the cores
    assert doc["ocr_pages"] == [1, 2, 3]
    given = extraction(scan, tmp_path / "tmp-given", "--timeout", "250", "--force")
    _, err = given.communicate(timeout=300)
    (doc,) = json.loads((tmp_path / "out" / "run.json").read_text())["documents"]
    assert doc["time_limit_s"] == 250
