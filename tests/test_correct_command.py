"""The `correct` command and `--corrections` refuse what cannot be used with
a plain `error:` line and exit code 2, never a traceback; `correct` refuses
what `extract` would refuse (checked against a small dataset of the
reference records, without extracting)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, run_pipeline
from tests.test_corrections_hostile import DOC, reference_records

pytestmark = pytest.mark.fast


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The document's records as `extract` writes them to json/."""
    out = tmp_path_factory.mktemp("dataset")
    (out / "json").mkdir()
    for table, rows in reference_records().items():
        (out / "json" / f"{table}.json").write_text(json.dumps(rows))
    return out


def correct(dataset: Path, folder: Path, *change: str):
    return run_pipeline(
        "correct", DOC, *change, "--note", "n", "--out", str(dataset),
        "--corrections", str(folder),
    )  # fmt: skip


def assert_usage_error(result, *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert all(w in result.stderr for w in words), result.stderr


SET_TITLE = ("--table", "activities", "--match", "activity_id=1.1", "--set", "title=x")


def test_a_corrections_path_that_is_a_file(dataset: Path, tmp_path: Path):
    (tmp_path / "file").write_text("")
    assert_usage_error(correct(dataset, tmp_path / "file", *SET_TITLE), "not a folder")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_corrections_folder(dataset: Path, tmp_path: Path):
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    assert_usage_error(correct(dataset, folder, *SET_TITLE), str(folder))


def test_a_corrections_file_that_cannot_be_written(dataset: Path, tmp_path: Path):
    (tmp_path / "c" / f"{DOC}.csv").mkdir(parents=True)
    assert_usage_error(correct(dataset, tmp_path / "c", *SET_TITLE), f"{DOC}.csv")


def test_a_correct_refused_as_extract_would(dataset: Path, tmp_path: Path):
    folder = tmp_path / "c"
    deep = '{"a": ' * 5000 + "1" + "}" * 5000
    for change, words in [
        (("--table", "activities", "--add", deep), ("nested",)),
        (
            ("--table", "activities", "--match", "activity_id=1.1")
            + ("--set", "confidence=nan"),
            ("not a number",),
        ),
        (
            ("--table", "outputs", "--match", "output_id=1")
            + ("--set", "budget_usd=99999999999999999999"),
            ("too large",),
        ),
        (
            ("--table", "activities", "--match", "activity_id=1.1")
            + ("--set", "corrected=false"),
            ("corrected cannot be corrected",),
        ),
        (
            ("--table", "sections", "--match", "seq=2", "--set", "seq=1"),
            ("key",),
        ),
    ]:
        assert_usage_error(correct(dataset, folder, *change), *words)
    assert not folder.exists()
    done = correct(dataset, folder, *SET_TITLE)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("kind", ["missing", "file", "loop"])
def test_extract_refuses_a_corrections_folder_it_cannot_use(tmp_path: Path, kind):
    given = tmp_path / "corrections"
    if kind == "file":
        given.write_text("")
    elif kind == "loop":
        given.symlink_to(given)
    result = run_pipeline(
        "extract", str(SAMPLE), "--out", str(tmp_path / "out"),
        "--corrections", str(given),
    )  # fmt: skip
    reason = {"missing": "no such folder", "file": "not a folder"}.get(
        kind, "a link that leads back to itself"
    )
    assert_usage_error(result, "--corrections", reason)
    assert not (tmp_path / "out").exists()
