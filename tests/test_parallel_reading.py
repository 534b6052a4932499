"""A document's pages read by several processes at once: the same pages as
one process reads, the same reasons for a file that cannot be read, and the
memory of the page readers counted with their parent's."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pipeline import reader
from pipeline.errors import DocumentError
from pipeline.processes import fork_context, resident_mb
from pipeline.reader import PAGES_PER_PROCESS, page_runs, read_pdf

SAMPLE = (
    Path(__file__).resolve().parent.parent / "raw" / "undp-china-migrant-workers.pdf"
)

READ_PAGES = reader.read_pages


def blank_pdf(path: Path, pages: int) -> Path:
    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(595, 842)
    pdf.save(str(path))
    pdf.close()
    return path


@pytest.mark.fast
@pytest.mark.parametrize(
    ("pages", "processes", "runs"),
    [(45, 2, 2), (45, 3, 3), (45, 8, 5), (15, 2, 1), (16, 2, 2), (45, 1, 0)],
)
def test_pages_are_split_in_runs_that_cover_them_in_order(
    tmp_path: Path, pages: int, processes: int, runs: int
) -> None:
    found = page_runs(blank_pdf(tmp_path / "blank.pdf", pages), processes)
    assert len(found) == runs
    if runs:
        assert [n for run in found for n in run] == list(range(1, pages + 1))
        assert min(map(len, found)) >= min(pages, PAGES_PER_PROCESS)


def test_pages_read_in_parallel_are_the_pages_read_in_one_process() -> None:
    alone = read_pdf(SAMPLE)
    for processes in (2, 3):
        shared = read_pdf(SAMPLE, processes=processes)
        assert [p.number for p in shared.pages] == list(range(1, len(alone.pages) + 1))
        assert shared.pages == alone.pages
        assert shared.sha256 == alone.sha256


def test_a_damaged_file_gives_the_same_reason_however_it_is_read(
    tmp_path: Path,
) -> None:
    cut = tmp_path / "cut.pdf"
    data = SAMPLE.read_bytes()
    cut.write_bytes(data[: len(data) * 2 // 3])
    reasons = []
    for processes in (1, 2):
        with pytest.raises(DocumentError) as caught:
            read_pdf(cut, processes=processes)
        reasons.append(caught.value.reason)
    assert reasons[0] == reasons[1]
    assert "truncated" in reasons[0] or "damaged" in reasons[0]


def hold_memory(megabytes: int, ready: multiprocessing.synchronize.Event) -> None:
    block = bytearray(megabytes * 2**20)
    block[::4096] = b"x" * len(block[::4096])  # touched: resident, not just mapped
    ready.set()
    time.sleep(30)


@pytest.mark.fast
def test_resident_memory_counts_the_processes_started() -> None:
    before = resident_mb()
    context = fork_context()
    ready = context.Event()
    child = context.Process(target=hold_memory, args=(200, ready), daemon=True)
    child.start()
    try:
        assert ready.wait(20)
        assert resident_mb() - before > 150
    finally:
        child.kill()
        child.join()


def fails_after_the_first_run(path: Path, numbers: list[int] | None, scans: list[int]):
    """`reader.read_pages` but for a run of pages after the first (top level:
    a page reader's task is sent to its process by name)."""
    if numbers and numbers[0] > 1:
        raise ValueError("bad content stream")
    return READ_PAGES(path, numbers, scans)


def test_a_page_reader_that_fails_fails_the_document_with_its_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reader, "read_pages", fails_after_the_first_run)
    with pytest.raises(DocumentError) as caught:
        read_pdf(SAMPLE, processes=2)
    assert caught.value.reason == "unreadable PDF (ValueError: bad content stream)"
