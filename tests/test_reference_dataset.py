"""The dataset of one batch over the sample and the corpus documents is,
byte for byte, the reference in tests/reference/ (its CSV and JSON files,
gzip-compressed): work that should not change the answers, such as making
the pipeline faster, is held to every byte of them.  An intended change of
the answers records a new reference with `python -m tests.refresh_reference`."""

from __future__ import annotations

import difflib
import itertools
import os
from pathlib import Path

import pytest

from tests.refresh_reference import (
    COMMAND,
    dataset_files,
    reference_bytes,
    reference_files,
)

SHOWN_LINES = 30  # lines of the difference shown when a file differs


def difference(name: str, expected: bytes, got: bytes) -> str:
    """Where `got` first departs from the reference, and the first lines of
    the difference."""
    at = len(os.path.commonprefix([expected, got]))
    line = expected[:at].count(b"\n") + 1
    diff = difflib.unified_diff(
        expected.decode("utf-8", "replace").splitlines(keepends=True),
        got.decode("utf-8", "replace").splitlines(keepends=True),
        f"reference/{name}",
        f"this run/{name}",
        n=1,
    )
    shown = "".join(itertools.islice(diff, SHOWN_LINES))
    return (
        f"{name} differs from the reference from byte {at} (line {line}) on "
        f"({len(got)} bytes, the reference {len(expected)}); if the change of "
        f"the answers is intended, run `{COMMAND}`.\n{shown}"
    )


def test_the_dataset_has_the_reference_files(corpus_output: Path) -> None:
    written, held = set(dataset_files(corpus_output)), set(reference_files())
    assert written == held, (
        f"written but not in the reference: {sorted(written - held)}; in the "
        f"reference but not written: {sorted(held - written)}; if intended, run "
        f"`{COMMAND}`"
    )


@pytest.mark.parametrize("name", reference_files())
def test_file_is_byte_identical_to_the_reference(
    corpus_output: Path, name: str
) -> None:
    got = (corpus_output / name).read_bytes()
    expected = reference_bytes(name)
    if got != expected:
        pytest.fail(difference(name, expected, got), pytrace=False)
