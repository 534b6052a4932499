"""The cache of extraction results: `<out>/.cache`, one JSON file per
document, keyed by the file's content, its name (the name becomes the
`doc_id`) and a fingerprint of the pipeline's code, so a cached result is
reused only for the same file under the same name by the same code.  Each
entry carries a checksum of its records: one that is damaged, or not what
an extraction gives, is extracted again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import __version__

CACHE_DIR = ".cache"
CACHE_FILE = re.compile(
    r"[0-9a-f]{32}-[0-9a-f]{16}\.json(?:\.part-(\d+))?"
)  # as cache_key names them
PREPARED = "dataset-{pid}-"  # a run's dataset being prepared (batch), a folder
PREPARED_NAME = re.compile(r"dataset-(\d+)-\w+")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the pipeline's code, reference data and schemas: a cached
    result is reused only by the exact pipeline that made it."""
    digest = hashlib.sha256(__version__.encode())
    root = Path(__file__).resolve().parent
    for path in sorted(
        # schemas/: a link in a source tree (not followed by rglob), a folder in a wheel
        {
            *root.rglob("*.py"),
            *root.rglob("*.json"),
            *root.rglob("*.csv"),
            *(root / "schemas").glob("*.json"),
        }
    ):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(sha256: str, name: str, ocr: str = "auto", readings: str = "") -> str:
    """The cache file of a document: its content and file name (records carry
    the name as `doc_id` and `source_file`), unless `auto` the OCR mode, and
    what a person said of its tables (`readings.readings_text`), if anything;
    then the code fingerprint."""
    mode = "" if ocr == "auto" else f"\0ocr={ocr}"
    said = f"\0readings={readings}" if readings else ""
    digest = hashlib.sha256(
        f"{sha256}\0{name}{mode}{said}".encode("utf-8", "surrogateescape")
    ).hexdigest()
    return f"{digest[:32]}-{code_fingerprint()}.json"


def file_sha(path: Path, limit_s: float) -> str | None:
    """The file's SHA-256, or None when reading it takes longer than
    `limit_s` (a huge file: its reading counts against the document's limit)."""
    digest = hashlib.sha256()
    deadline = time.monotonic() + limit_s
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            if time.monotonic() > deadline:
                return None
    return digest.hexdigest()


def cache_miss(target: Path, force: bool) -> str:
    """Why a document is extracted: the cache decision as the user is told."""
    if force:
        return "--force: to be extracted again"
    if target.exists():
        return (
            f"the cached result ({CACHE_DIR}/{target.name}) is unreadable, damaged or "
            "a failure: "
            "to be extracted again"
        )
    stem = target.name.rsplit("-", 1)[0]
    if any(target.parent.glob(f"{stem}-*.json")):
        return (
            "the cache holds a result of other pipeline code only: to be extracted "
            "again"
        )
    return "not in the cache: to be extracted"


def read_payload(target: Path) -> dict[str, Any] | None:
    """A worker's result, or None when it is missing or unreadable."""
    try:
        payload = json.loads(target.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


def checksum(records: Any) -> str:
    text = json.dumps(records, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def sound(payload: dict[str, Any]) -> bool:
    """Whether a cached result can be trusted: records of the shape an
    extraction gives (one `documents` row, lists of records) that match
    their checksum."""
    records = payload.get("records")
    return (
        isinstance(records, dict)
        and len(records.get("documents") or []) == 1
        and all(
            isinstance(rows, list) and all(isinstance(row, dict) for row in rows)
            for rows in records.values()
        )
        and payload.get("checksum") == checksum(records)
    )


def prune_cache(cache: Path) -> None:
    """Drop cache files made by other versions of the code, and the partial
    files of workers and datasets of runs that are gone (another run's may
    still be writing)."""
    suffix = f"-{code_fingerprint()}.json"
    for entry in cache.iterdir():
        if (prepared := PREPARED_NAME.fullmatch(entry.name)) and not alive(
            int(prepared[1])
        ):  # a dataset a killed run was preparing
            shutil.rmtree(entry, ignore_errors=True)
            continue
        match = CACHE_FILE.fullmatch(entry.name)
        if match is None:
            continue
        stale = (
            not alive(int(match[1])) if match[1] else not entry.name.endswith(suffix)
        )
        if stale:
            entry.unlink(missing_ok=True)


def alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
