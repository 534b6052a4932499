"""Repeat runs: identical output, the cache, outputs switched in whole (an
interrupted run leaves the previous dataset), and usage errors."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.badpdfs import (
    REPO,
    SAMPLE,
    csv_bytes,
    extract,
    mixed_batch,
    read_rows,
    run_cli,
    small_document,
    text_file,
)


def summary_of(out: Path) -> dict[str, dict]:
    import json

    return {
        d["doc_id"]: d
        for d in json.loads((out / "run.json").read_text("utf-8"))["documents"]
    }


# ------------------------------------------------------------------ determinism


def test_two_runs_give_byte_identical_csvs(tmp_path_factory):
    inbox, first = mixed_batch(tmp_path_factory)
    second = run_cli(inbox, SAMPLE, out=tmp_path_factory.mktemp("again") / "out")
    assert second.code == first.code == 1
    assert all(
        not d["cached"] for d in second.summary()["documents"]
    )  # a new output folder starts clean
    assert csv_bytes(second.out) == csv_bytes(first.out)
    assert len(csv_bytes(first.out)) >= 10
    same = ("doc_id", "status", "reason", "pages", "records", "issues")
    assert [{k: d[k] for k in same} for d in second.summary()["documents"]] == [
        {k: d[k] for k in same} for d in first.summary()["documents"]
    ]


# ------------------------------------------------------------------ the cache


def test_cache_skips_unchanged_documents(inbox, tmp_path, capsys):
    out = tmp_path / "out"
    assert extract([inbox, "--out", out, "--format", "csv"]) == 0
    first = csv_bytes(out)
    assert {d: s["cached"] for d, s in summary_of(out).items()} == {
        "alpha": False,
        "beta": False,
    }
    capsys.readouterr()

    assert extract([inbox, "--out", out, "--format", "csv"]) == 0  # nothing changed
    printed = capsys.readouterr().out
    runs = summary_of(out)
    assert {d: (s["cached"], s["source"]) for d, s in runs.items()} == {
        "alpha": (True, "cache"),
        "beta": (True, "cache"),
    }
    assert runs["alpha"]["records"]["sections"] == 2  # cached results are complete
    assert csv_bytes(out) == first
    assert [
        line.split()[2]
        for line in printed.splitlines()
        if line.split()[:1] in (["alpha"], ["beta"])
    ] == ["cache", "cache"]
    assert "(0 extracted now, 2 from the cache, 2 partial)" in printed

    small_document(inbox / "gamma.pdf", title="Solar Power for Schools", amount=80_000)
    assert extract([inbox, "--out", out, "--format", "csv"]) == 0  # one new document
    assert {d: s["cached"] for d, s in summary_of(out).items()} == {
        "alpha": True,
        "beta": True,
        "gamma": False,
    }
    assert [r["doc_id"] for r in read_rows(out, "documents")] == [
        "alpha",
        "beta",
        "gamma",
    ]
    assert "(1 extracted now, 2 from the cache, 3 partial)" in capsys.readouterr().out

    assert extract([inbox, "--out", out, "--format", "csv", "--force"]) == 0
    assert {d: s["cached"] for d, s in summary_of(out).items()} == {
        "alpha": False,
        "beta": False,
        "gamma": False,
    }

    fresh = tmp_path / "fresh"
    assert (
        extract([inbox, "--out", fresh, "--format", "csv"]) == 0
    )  # a new output folder starts clean
    assert not any(s["cached"] for s in summary_of(fresh).values())
    assert csv_bytes(fresh) == csv_bytes(out)


def test_a_renamed_file_is_extracted_under_its_new_name(inbox, tmp_path):
    out = tmp_path / "out"
    assert extract([inbox, "--out", out, "--format", "csv"]) == 0
    (inbox / "alpha.pdf").rename(inbox / "renamed.pdf")
    assert extract([inbox, "--out", out, "--format", "csv"]) == 0
    assert {d: s["cached"] for d, s in summary_of(out).items()} == {
        "beta": True,
        "renamed": False,
    }
    assert [(r["doc_id"], r["source_file"]) for r in read_rows(out, "documents")] == [
        ("beta", "beta.pdf"),
        ("renamed", "renamed.pdf"),
    ]


def test_failures_are_tried_again(inbox, tmp_path, capsys):
    text_file(inbox / "notes.pdf")
    out = tmp_path / "out"
    for _ in range(2):
        assert extract([inbox, "--out", out, "--format", "csv"]) == 1
        notes = summary_of(out)["notes"]
        assert (notes["status"], notes["cached"], notes["source"]) == (
            "failed",
            False,
            "-",
        )
        assert "failed: " in capsys.readouterr().err


# ------------------------------------------------------------------ the output folder


def test_outputs_a_run_did_not_write_are_gone(inbox, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "my-notes.txt").write_text("kept")
    assert extract([inbox, "--out", out]) == 0
    assert {"json", "parquet", "prodocs.duckdb", "run.json", "documents.csv"} <= {
        p.name for p in out.iterdir()
    }
    assert extract([inbox, "--out", out, "--format", "csv"]) == 0
    names = {p.name for p in out.iterdir() if not p.name.startswith(".")}
    assert names == set(csv_bytes(out)) | {
        "run.json",
        "datapackage.json",
        "my-notes.txt",
    }
    assert (out / "my-notes.txt").read_text() == "kept"
    assert len(list((out / ".versions").iterdir())) == 1


def test_an_output_folder_of_plain_files_is_taken_over(inbox, tmp_path):
    """Output written file by file (as earlier versions did) is replaced whole."""
    old = tmp_path / "old"
    small_document(inbox / "gamma.pdf", title="Solar Power for Schools")
    assert extract([inbox, "--out", old, "--format", "csv,json"]) == 0
    out = tmp_path / "out"
    shutil.copytree(
        old, out, symlinks=False, ignore=shutil.ignore_patterns(".*")
    )  # plain files only
    assert not any(p.is_symlink() for p in out.iterdir())
    (inbox / "gamma.pdf").unlink()
    assert extract([inbox, "--out", out, "--format", "csv"]) == 0
    assert [r["doc_id"] for r in read_rows(out, "documents")] == ["alpha", "beta"]
    assert not (out / "json").exists()
    assert len(list((out / ".versions").iterdir())) == 1


def test_without_symbolic_links_files_are_moved_in(inbox, tmp_path, monkeypatch):
    from pipeline import export

    monkeypatch.setattr(export, "symlinks_work", lambda out_dir: False)
    out = tmp_path / "out"
    assert extract([inbox, "--out", out, "--format", "csv,json"]) == 0
    small_document(inbox / "gamma.pdf", title="Solar Power for Schools")
    assert extract([inbox, "--out", out, "--format", "csv,json"]) == 0
    assert not any(p.is_symlink() for p in out.iterdir())
    assert [r["doc_id"] for r in read_rows(out, "documents")] == [
        "alpha",
        "beta",
        "gamma",
    ]
    assert (out / "json" / "documents.json").is_file()
    assert list((out / ".versions").iterdir()) == []


def snapshot_is_consistent(out: Path) -> None:
    """All files of the output folder come from one run."""
    import json

    documents = {r["doc_id"] for r in read_rows(out, "documents")}
    assert documents == {
        d["doc_id"]
        for d in json.loads((out / "run.json").read_text("utf-8"))["documents"]
    }
    for name in csv_bytes(out):
        assert {r["doc_id"] for r in read_rows(out, name[:-4])} <= documents, name


def test_an_interrupted_run_leaves_the_previous_dataset(inbox, tmp_path):
    small_document(
        tmp_path / "gamma.pdf", title="Solar Power for Schools", amount=80_000
    )
    inputs = [inbox / "alpha.pdf", inbox / "beta.pdf", tmp_path / "gamma.pdf"]
    reference = tmp_path / "reference"
    assert extract([*inputs, "--out", reference]) == 0
    new = csv_bytes(reference)  # what a finished run on three documents writes
    out = tmp_path / "out"
    assert extract([inbox, "--out", out]) == 0
    old = csv_bytes(out)  # the previous complete dataset: two documents
    assert old != new

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    stopped_mid_write = 0
    for attempt in range(8):
        before = set(os.listdir(out / ".versions"))
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pipeline",
                "extract",
                *map(str, inputs),
                "--out",
                str(out),
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            if attempt == 0:  # while extracting
                time.sleep(1.0)
            else:  # as soon as the new version is being written
                while (
                    proc.poll() is None and set(os.listdir(out / ".versions")) <= before
                ):
                    time.sleep(0.0005)
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # its workers, if any are left
        now = csv_bytes(out)
        assert now in (old, new), f"attempt {attempt}: a mix of two runs"
        snapshot_is_consistent(out)
        if (
            now == old
            and proc.returncode == -signal.SIGKILL
            and len(os.listdir(out / ".versions")) > 1
        ):
            stopped_mid_write += 1
        if now == new:  # the run got to the end: start over from two
            assert extract([inbox, "--out", out]) == 0
        if stopped_mid_write >= 2:
            break
    assert stopped_mid_write >= 1, "no attempt stopped a run while it was writing"

    assert (
        extract([*inputs, "--out", out]) == 0
    )  # the next run cleans up after the killed ones
    assert csv_bytes(out) == new
    assert len(os.listdir(out / ".versions")) == 1
    assert not [p for p in out.iterdir() if ".tmp-" in p.name]


# ------------------------------------------------------------------ usage errors


@pytest.mark.parametrize(
    "args, message",
    [
        (["{missing}", "--out", "{out}"], "error: {missing}: no such file or folder"),
        (["{empty}", "--out", "{out}"], "error: no PDF files found in {empty}"),
        (
            ["{pdf}", "--out", "{out}", "--format", "csv,xls"],
            "error: --format: unknown format(s) xls",
        ),
        (
            ["{pdf}", "--out", "{out}", "--workers", "0"],
            "error: --workers must be at least 1",
        ),
        (
            ["{pdf}", "--out", "{out}", "--timeout", "0"],
            "error: --timeout must be a positive number",
        ),
        (
            ["{pdf}", "--out", "{out}", "--memory-mb", "-5"],
            "error: --memory-mb must be 0 (no cap) or more",
        ),
        (["{pdf}", "--out", "{pdf}"], "error: --out {pdf}: exists and is not a folder"),
    ],
)
def test_usage_errors_exit_2(inbox, tmp_path, capsys, args, message):
    names = {
        "missing": tmp_path / "missing.pdf",
        "empty": tmp_path / "empty-folder",
        "pdf": inbox / "alpha.pdf",
        "out": tmp_path / "out",
    }
    names["empty"].mkdir()
    assert extract([a.format(**names) for a in args]) == 2
    out, err = capsys.readouterr()
    assert message.format(**names) in err
    assert out == ""
    assert not (tmp_path / "out").exists()  # nothing was written


@pytest.mark.fast
@pytest.mark.parametrize(
    "args",
    [
        ["a.pdf"],
        ["--out", "x"],
        ["a.pdf", "--out", "x", "--workers", "two"],
        ["a.pdf", "--out", "x", "--colour"],
    ],
)
def test_bad_arguments_exit_2_with_usage(capsys, args):
    with pytest.raises(SystemExit) as stop:
        extract(args)
    assert stop.value.code == 2
    assert "usage:" in capsys.readouterr().err


@pytest.mark.fast
def test_usage_error_from_the_command_line(tmp_path):
    run = run_cli(tmp_path / "nowhere", out=tmp_path / "out")
    assert run.code == 2
    assert run.stderr == f"error: {tmp_path / 'nowhere'}: no such file or folder\n"
    assert run.stdout == ""


@pytest.mark.fast
def test_integers_too_large_to_store_become_findings():
    from pipeline.batch import unstorable

    tables = {
        "budget_lines": [
            {"doc_id": "d", "amount_usd": 10**22, "page": 6, "source_file": "d.pdf"},
            {"doc_id": "d", "amount_usd": 5_000, "page": 6, "source_file": "d.pdf"},
        ]
    }
    [finding] = unstorable(tables)
    assert [r["amount_usd"] for r in tables["budget_lines"]] == [5_000]
    assert finding["check"] == "invalid_record" and finding["page"] == 6
    assert (
        "amount_usd: 10000000000000000000000 is too large to store"
        in finding["message"]
    )
