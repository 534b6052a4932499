"""What a run is given and what it tells: its settings, the observer of its
progress, each document's result and the summary written as `run.json`.
Shared by the batch (`batch`), the extraction processes (`supervise`), the
Dask cluster (`cluster`) and the command line.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__
from .export import FORMATS

OCR_PAGE_S = 10.0  # seconds the default time limit grows by for each page OCR reads


@dataclass
class Settings:
    workers: int = max(1, os.cpu_count() or 1)
    timeout_s: float = 300.0
    ocr_page_s: float = OCR_PAGE_S  # 0 for a time limit given (--timeout)
    memory_mb: int = 4096
    force: bool = False
    formats: tuple[str, ...] = FORMATS
    scheduler: str | None = (
        None  # a Dask scheduler's address, or "local": run the extractions there
    )
    ocr: str = "auto"  # which pages OCR reads: see `ocr.scanned_pages`
    corrections: Path | None = None  # the folder of analysts' corrections, if any

    def time_limit(self, ocr_pages: int) -> float:
        """Seconds a document with `ocr_pages` pages to read by OCR may take."""
        return self.timeout_s + self.ocr_page_s * ocr_pages

    @property
    def cores(self) -> int:
        """The cores the run may keep busy: its workers, as far as the
        machine has cores for them."""
        return min(max(1, self.workers), os.cpu_count() or 1)


@dataclass
class DocumentResult:
    file: str
    doc_id: str
    status: str  # "ok", "partial" (findings about missing parts) or "failed"
    reason: str = ""
    pages: int = 0
    records: dict[str, int] = field(default_factory=dict)
    issues: int = 0
    seconds: float = 0.0
    cached: bool = False  # taken from the cache: not extracted in this run
    detail: str = ""  # for an unexpected error: where it happened
    stage: str = ""  # for a failure: the stage of the extraction it happened in
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR
    ocr_seconds: float = 0.0  # spent on OCR in this run
    ocr_jobs: int = 0  # pages read by OCR at a time
    time_limit_s: float = 0.0  # the limit it was extracted under (0: from the cache)

    @property
    def source(self) -> str:
        return (
            "-" if self.status == "failed" else "cache" if self.cached else "extracted"
        )


@dataclass
class RunSummary:
    documents: list[DocumentResult]
    out_dir: str
    version: str = __version__
    warnings: list[str] = field(
        default_factory=list
    )  # what the run told that failed no document

    @property
    def failed(self) -> list[DocumentResult]:
        return [d for d in self.documents if d.status == "failed"]

    @property
    def cached(self) -> list[DocumentResult]:
        return [d for d in self.documents if d.cached and d.status != "failed"]

    def counts(self) -> dict[str, int]:
        return {
            "documents": len(self.documents),
            "extracted": sum(
                d.status != "failed" and not d.cached for d in self.documents
            ),
            "from_cache": len(self.cached),
            "partial": sum(d.status == "partial" for d in self.documents),
            "failed": len(self.failed),
        }

    def to_json(self) -> str:
        return (
            json.dumps(
                {
                    "version": self.version,
                    "out_dir": self.out_dir,
                    "counts": self.counts(),
                    "documents": [
                        {**asdict(d), "source": d.source} for d in self.documents
                    ],
                    "warnings": self.warnings,
                },
                indent=1,
                ensure_ascii=False,
            )
            + "\n"
        )


class Observer:
    """What a batch tells as it goes (for a progress display or a verbose
    log); every method is optional."""

    def planned(self, total: int, to_extract: int, where: str) -> None:
        """`total` documents, `to_extract` of them not in the cache, run `where`."""

    def cache_decision(self, path: Path, decision: str) -> None:
        """Whether the document is taken from the cache, and why not."""

    def started(self, path: Path) -> None:
        """The document's extraction has started (or been handed to a cluster)."""

    def stage(self, path: Path, stage: str) -> None:
        """The running extraction of the document has reached `stage`."""

    def tick(self) -> None:
        """Called about once a second while extractions run."""

    def finished(self, result: DocumentResult) -> None:
        """The document is done: extracted, taken from the cache or failed."""

    def writing(self, formats: tuple[str, ...]) -> None:
        """Every document is done; the dataset is being written."""

    def warning(self, text: str) -> None:
        """Something the user should know that fails no document."""
