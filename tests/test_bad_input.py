"""Bad input: every kind of broken or unexpected file in one batch with the
sample project document.  Each bad file is named with a plain reason (on
stderr, in run.json and in issues.csv) and every other document completes."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.badpdfs import (
    BAD_FILES,
    SAMPLE,
    Run,
    extract,
    letter,
    mixed_batch,
    read_rows,
    run_cli,
    slow,
    small_document,
)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Run:
    return mixed_batch(tmp_path_factory)[1]


def failure_lines(stderr: str, name: str) -> list[str]:
    return [
        line
        for line in stderr.splitlines()
        if line.startswith("failed: ") and Path(line.split(": ", 2)[1]).name == name
    ]


def test_some_failed_so_the_exit_code_is_1(mixed):
    assert mixed.code == 1, mixed.stderr


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_each_bad_file_is_named_with_a_plain_reason(mixed, name):
    reason = BAD_FILES[name][1]
    lines = failure_lines(mixed.stderr, name)
    assert len(lines) == 1, mixed.stderr
    assert reason in lines[0]
    entry = mixed.documents()[name]
    assert entry["status"] == "failed"
    assert reason in entry["reason"]
    issues = [r for r in mixed.rows("issues") if r["source_file"] == name]
    assert [r["check"] for r in issues] == ["document_failed"]
    assert issues[0]["severity"] == "error"
    assert issues[0]["message"] == f"{name}: {entry['reason']}"


def test_nothing_but_plain_messages(mixed):
    assert "Traceback" not in mixed.stderr + mixed.stdout
    summary = mixed.summary()
    assert summary["counts"]["failed"] == len(BAD_FILES)
    assert summary["counts"]["documents"] == len(BAD_FILES) + 2
    assert f"{len(BAD_FILES)} of {len(BAD_FILES) + 2} documents failed" in mixed.stderr
    for entry in summary["documents"]:  # the printed table has a line per document
        assert any(
            line.split()[:2] == [entry["doc_id"], entry["status"]]
            for line in mixed.stdout.splitlines()
        )


def test_the_good_document_is_complete(mixed):
    entry = mixed.documents()[SAMPLE.name]
    assert entry["status"] in ("ok", "partial") and entry["reason"] == ""
    assert entry["pages"] == 45 and entry["cached"] is False
    doc_id = SAMPLE.stem
    [document] = [r for r in mixed.rows("documents") if r["doc_id"] == doc_id]
    assert document["pages"] == "45" and document["source_file"] == SAMPLE.name
    for table in (
        "sections",
        "outcomes",
        "outputs",
        "activities",
        "workplan",
        "budget_lines",
        "risks",
    ):
        rows = [r for r in mixed.rows(table) if r["doc_id"] == doc_id]
        assert rows, table
        assert (
            len(rows) == entry["records"][table]
        )  # run.json counts what the CSVs hold


def test_a_letter_yields_what_it_has_with_warnings(mixed):
    entry = mixed.documents()["letter.pdf"]
    assert entry["status"] == "partial" and entry["pages"] == 2
    assert [r["pages"] for r in mixed.rows("documents") if r["doc_id"] == "letter"] == [
        "2"
    ]
    warnings = [r for r in mixed.rows("issues") if r["doc_id"] == "letter"]
    assert warnings and all(
        r["check"].startswith("missing_") and r["severity"] == "warning"
        for r in warnings
    )
    assert not failure_lines(mixed.stderr, "letter.pdf")


def test_partial_documents_alone_exit_0(tmp_path, capsys):
    code = extract(
        [
            str(letter(tmp_path / "letter.pdf")),
            "--out",
            str(tmp_path / "out"),
            "--format",
            "csv",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    assert read_rows(tmp_path / "out", "documents")[0]["doc_id"] == "letter"


def test_a_document_over_the_time_limit_is_stopped(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    slow(inbox / "nested.pdf")
    small_document(inbox / "small.pdf")
    run = run_cli(
        inbox,
        "--timeout",
        "5",
        "--workers",
        "2",
        "--format",
        "csv",
        out=tmp_path / "out",
    )
    assert run.code == 1
    [line] = failure_lines(run.stderr, "nested.pdf")
    assert "took longer than the 5 s time limit" in line
    assert run.documents()["nested.pdf"]["status"] == "failed"
    assert run.documents()["small.pdf"]["status"] in ("ok", "partial")
    assert [r["doc_id"] for r in run.rows("documents")] == ["small"]


def test_two_files_with_the_same_name(tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = small_document(tmp_path / "a" / "plan.pdf", title="First plan")
    second = small_document(tmp_path / "b" / "plan.pdf", title="Second plan")
    code = extract(
        [str(first), str(second), "--out", str(tmp_path / "out"), "--format", "csv"]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert (
        f'failed: {second}: another file in this batch has the same document id "plan" '
        f"({first})" in err
    )
    assert [r["doc_id"] for r in read_rows(tmp_path / "out", "documents")] == ["plan"]


# ------------------------------------------------------------------ fuzzing


@pytest.fixture(scope="module")
def valid_pdf(tmp_path_factory) -> bytes:
    return small_document(tmp_path_factory.mktemp("fuzz") / "valid.pdf").read_bytes()


@st.composite
def mutated(draw, data: bytes) -> bytes:
    """`data` with some bytes overwritten, perhaps a slice cut out, perhaps cut
    short."""
    out = bytearray(data)
    for position, value in draw(
        st.lists(
            st.tuples(st.integers(0, len(out) - 1), st.integers(0, 255)),
            min_size=1,
            max_size=40,
        )
    ):
        out[position] = value
    if draw(st.booleans()):
        start = draw(st.integers(0, len(out) - 1))
        del out[start : start + draw(st.integers(1, 200))]
    if draw(st.booleans()):
        del out[draw(st.integers(0, len(out))) :]
    return bytes(out)


counter = itertools.count()


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_mutated_pdf_is_extracted_or_fails_cleanly(valid_pdf, tmp_path, capfd, data):
    pdf = data.draw(mutated(valid_pdf))
    folder = tmp_path / f"example{next(counter)}"
    folder.mkdir()
    (folder / "fuzzed.pdf").write_bytes(pdf)
    capfd.readouterr()
    code = extract(
        [
            str(folder / "fuzzed.pdf"),
            "--out",
            str(folder / "out"),
            "--format",
            "csv",
            "--workers",
            "1",
            "--timeout",
            "60",
        ]
    )
    out, err = (
        capfd.readouterr()
    )  # the workers' output too: they write to the same descriptors
    assert code in (0, 1)
    assert "Traceback" not in out + err
    [entry] = Run(code, out, err, folder / "out").summary()["documents"]
    documents = read_rows(folder / "out", "documents")
    if code == 0:
        assert entry["status"] in ("ok", "partial")
        assert [r["doc_id"] for r in documents] == ["fuzzed"]
    else:
        assert entry["status"] == "failed" and entry["reason"]
        assert failure_lines(err, "fuzzed.pdf") == [
            f"failed: {folder / 'fuzzed.pdf'}: {entry['reason']}"
        ]
        assert documents == []
        assert [r["check"] for r in read_rows(folder / "out", "issues")] == [
            "document_failed"
        ]
