"""Run a batch: each document in its own process, with a time limit and a
memory cap, results cached by content hash; then validate and write.

A document that fails (unreadable, not a PDF, too slow, out of memory, a
crash) is reported with its file name and a plain reason; the others still
complete.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import resource
import time
import traceback
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from . import __version__
from .errors import DocumentError
from .export import FORMATS, write_dataset
from .validate import validate_records

CACHE_DIR = ".cache"
Record = dict[str, Any]


@dataclass
class Settings:
    workers: int = max(1, os.cpu_count() or 1)
    timeout_s: float = 300.0
    memory_mb: int = 4096
    force: bool = False
    formats: tuple[str, ...] = FORMATS


@dataclass
class DocumentResult:
    file: str
    doc_id: str
    status: str                       # "ok", "partial" (findings about missing parts) or "failed"
    reason: str = ""
    pages: int = 0
    records: dict[str, int] = field(default_factory=dict)
    issues: int = 0
    seconds: float = 0.0
    cached: bool = False


@dataclass
class RunSummary:
    documents: list[DocumentResult]
    out_dir: str
    version: str = __version__

    @property
    def failed(self) -> list[DocumentResult]:
        return [d for d in self.documents if d.status == "failed"]

    def to_json(self) -> str:
        return json.dumps({"version": self.version, "out_dir": self.out_dir,
                           "documents": [asdict(d) for d in self.documents]}, indent=1, ensure_ascii=False) + "\n"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the pipeline's code, reference data and schemas: a cached
    result is reused only by the exact pipeline that made it."""
    digest = hashlib.sha256(__version__.encode())
    root = Path(__file__).resolve().parent
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.json"), *root.rglob("*.csv"),
                        *(root.parent / "schemas").glob("*.json")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(sha256: str) -> str:
    return f"{sha256[:32]}-{code_fingerprint()}.json"


def extract_to_file(path: str, target: str, memory_mb: int) -> None:
    """Child process: extract one document and write its records (or its
    error) as JSON to `target`."""
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from .extract import extract_file     # imported in the child: the parent stays light
    try:
        payload: dict[str, Any] = {"records": extract_file(Path(path))}
    except DocumentError as exc:
        payload = {"error": exc.reason}
    except MemoryError:
        payload = {"error": f"out of memory (over the {memory_mb} MB limit)"}
    except Exception as exc:  # a bug or a pathological file: report it, keep the batch going
        payload = {"error": f"extraction failed ({type(exc).__name__}: {exc})",
                   "trace": traceback.format_exc(limit=5)}
    tmp = target + ".part"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, ensure_ascii=False)
    os.replace(tmp, target)


def file_sha(path: Path) -> str:
    from .reader import file_sha256
    return file_sha256(path)


def run_batch(paths: list[Path], out_dir: Path, settings: Settings,
              progress: Callable[[DocumentResult], None] | None = None) -> RunSummary:
    out_dir = Path(out_dir)
    cache = out_dir / CACHE_DIR
    cache.mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[Path, Path]] = []
    results: dict[Path, DocumentResult] = {}
    payloads: dict[Path, dict[str, Any]] = {}
    for path in paths:
        try:
            target = cache / cache_key(file_sha(path))
        except OSError as exc:
            results[path] = DocumentResult(str(path), path.stem, "failed", f"cannot read file ({exc.strerror})")
            continue
        if target.exists() and not settings.force:
            payloads[path] = json.loads(target.read_text("utf-8"))
            results[path] = DocumentResult(str(path), path.stem, "ok", cached=True)
        else:
            target.unlink(missing_ok=True)
            jobs.append((path, target))
    for path, target, seconds, reason in run_processes(jobs, settings):
        results[path] = DocumentResult(str(path), path.stem, "ok", seconds=round(seconds, 2))
        if reason:
            results[path].status, results[path].reason = "failed", reason
        else:
            payloads[path] = json.loads(target.read_text("utf-8"))
    tables: dict[str, list[Record]] = defaultdict(list)
    for path in sorted(results, key=lambda p: (p.stem, str(p))):
        result = results[path]
        payload = payloads.get(path)
        if payload is not None and "error" in payload:
            result.status, result.reason = "failed", payload["error"]
            (cache / cache_key(file_sha(path))).unlink(missing_ok=True)   # failures are retried next run
        if result.status == "failed":
            tables["issues"].append({"doc_id": path.stem, "check": "document_failed", "severity": "error",
                                     "message": f"{path.name}: {result.reason}", "page": None,
                                     "source_file": path.name})
            if progress:
                progress(result)
            continue
        valid, invalid = validate_records(payload["records"])
        valid.setdefault("issues", []).extend(invalid)
        for table, rows in valid.items():
            tables[table].extend(rows)
        docs = valid.get("documents", [])
        result.pages = docs[0]["pages"] if docs else 0
        result.records = {t: len(r) for t, r in sorted(valid.items())}
        result.issues = len(valid.get("issues", []))
        if any(f["check"].startswith("missing_") for f in valid.get("issues", [])):
            result.status = "partial"
        if progress:
            progress(result)
    summary = RunSummary([results[p] for p in sorted(results, key=lambda p: (p.stem, str(p)))], str(out_dir))
    write_dataset(tables, out_dir, settings.formats, {"run.json": summary.to_json().encode("utf-8")})
    return summary


def run_processes(jobs: list[tuple[Path, Path]], settings: Settings):
    """Run up to `settings.workers` extraction processes at once; yield
    (path, target, seconds, failure reason or "") as each ends."""
    ctx = mp.get_context("fork") if hasattr(os, "fork") else mp.get_context()
    pending = list(jobs)
    running: dict[mp.Process, tuple[Path, Path, float]] = {}
    while pending or running:
        while pending and len(running) < max(1, settings.workers):
            path, target = pending.pop(0)
            proc = ctx.Process(target=extract_to_file, args=(str(path), str(target), settings.memory_mb), daemon=True)
            proc.start()
            running[proc] = (path, target, time.monotonic())
        time.sleep(0.02)
        for proc in list(running):
            path, target, started = running[proc]
            elapsed = time.monotonic() - started
            if proc.is_alive() and elapsed > settings.timeout_s:
                proc.kill()
                proc.join()
                del running[proc]
                yield path, target, elapsed, f"took longer than the {settings.timeout_s:g} s limit"
            elif not proc.is_alive():
                proc.join()
                del running[proc]
                if target.exists():
                    yield path, target, elapsed, ""
                else:
                    yield path, target, elapsed, f"the extraction process died (exit code {proc.exitcode})"
