"""Record the reference dataset that tests/test_reference_dataset.py holds
every run to, byte for byte: the CSV and JSON files of one batch over the
sample and the corpus documents, gzip-compressed in tests/reference/.

Run it from the project root when a change of the answers is intended, and
commit the new reference with that change:

    python -m tests.refresh_reference
"""

from __future__ import annotations

import gzip
import shutil
import sys
import tempfile
from pathlib import Path

from tests.conftest import ROOT, extract_corpus

REFERENCE = ROOT / "tests" / "reference"
COMMAND = "python -m tests.refresh_reference"


def dataset_files(folder: Path) -> list[str]:
    """The CSV and JSON files of a dataset, relative to its folder."""
    found = [*folder.glob("*.csv"), *(folder / "json").glob("*.json")]
    return sorted(path.relative_to(folder).as_posix() for path in found)


def reference_files() -> list[str]:
    """The dataset files the reference holds (named without `.gz`)."""
    return sorted(
        path.relative_to(REFERENCE).as_posix().removesuffix(".gz")
        for path in REFERENCE.rglob("*.gz")
    )


def reference_bytes(name: str) -> bytes:
    return gzip.decompress((REFERENCE / f"{name}.gz").read_bytes())


def store(dataset: Path) -> list[str]:
    """Make the reference the CSV and JSON files of `dataset`; return their
    names.  The compression records no time, so an unchanged file keeps its
    bytes."""
    shutil.rmtree(REFERENCE, ignore_errors=True)
    names = dataset_files(dataset)
    for name in names:
        target = REFERENCE / f"{name}.gz"
        target.parent.mkdir(parents=True, exist_ok=True)
        content = (dataset / name).read_bytes()
        target.write_bytes(gzip.compress(content, compresslevel=9, mtime=0))
    return names


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="reference-") as folder:
        out = Path(folder) / "output"
        extract_corpus(Path(folder) / "inbox", out)
        names = store(out)
    print(f"{len(names)} files written to {REFERENCE.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
