"""What the command line prints: --verbose, --quiet, and a progress display
that appears in a terminal only."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
import types

import pytest

from pipeline.supervise import STAGES, stage_of
from tests.badpdfs import REPO, SAMPLE, extract, run_cli, text_file


def lines_about(text: str, name: str) -> list[str]:
    return [line for line in text.splitlines() if name in line]


# ------------------------------------------------------------------ --verbose


def test_verbose_tells_cache_decisions_timings_and_the_stage_of_a_failure(
    inbox, tmp_path, capsys
):
    text_file(inbox / "notes.pdf")
    out = tmp_path / "out"
    assert extract([inbox, "--out", out, "--format", "csv", "--verbose"]) == 1
    stdout, stderr = capsys.readouterr()
    assert "3 document(s): 0 from the cache, 3 to extract in up to" in stderr
    alpha = lines_about(stderr, "alpha.pdf")
    assert alpha[0].endswith("alpha.pdf: not in the cache: to be extracted")
    assert (
        "alpha.pdf: partial, extracted in " in alpha[1]
        and "(1 pages, 8 records, 4 issues)" in alpha[1]
    )
    notes = stderr.splitlines()
    at = next(
        i
        for i, line in enumerate(notes)
        if line.startswith("failed: ") and "notes.pdf" in line
    )
    assert notes[at].endswith("notes.pdf: not a PDF: a text file")
    assert notes[at + 1].startswith("    after ") and notes[at + 1].endswith(
        "in stage: reading the PDF"
    )
    assert "writing the dataset (csv) after " in stderr and "done in " in stderr
    assert "\r" not in stderr  # no progress display: stderr is no terminal
    assert (
        "alpha" in stdout and "3 documents extracted" not in stderr
    )  # the summary stays on stdout
    documents = {
        d["doc_id"]: d
        for d in json.loads((out / "run.json").read_text("utf-8"))["documents"]
    }
    assert (
        documents["notes"]["stage"] == "reading the PDF"
        and documents["alpha"]["stage"] == ""
    )

    assert extract([inbox, "--out", out, "--format", "csv", "--verbose"]) == 1
    stderr = capsys.readouterr().err
    assert "3 document(s): 2 from the cache, 1 to extract" in stderr
    alpha = lines_about(stderr, "alpha.pdf")
    assert "alpha.pdf: in the cache (.cache/" in alpha[0] and alpha[0].endswith(
        ".json): not extracted again"
    )
    assert alpha[1].endswith(
        "alpha.pdf: partial, taken from the cache (1 pages, 8 records, 4 issues)"
    )
    assert lines_about(stderr, "notes.pdf")[0].endswith(
        "notes.pdf: not in the cache: to be extracted"
    )

    assert (
        extract([inbox, "--out", out, "--format", "csv", "--verbose", "--force"]) == 1
    )
    assert lines_about(capsys.readouterr().err, "beta.pdf")[0].endswith(
        "beta.pdf: --force: to be extracted again"
    )


def test_verbose_names_the_stage_a_document_over_the_time_limit_was_stopped_in(
    tmp_path, capsys
):
    assert (
        extract(
            [
                SAMPLE,
                "--out",
                tmp_path / "out",
                "--format",
                "csv",
                "--verbose",
                "--timeout",
                "2",
            ]
        )
        == 1
    )
    stderr = capsys.readouterr().err
    lines = stderr.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("failed: "))
    assert lines[at].endswith("took longer than the 2 s time limit")
    stage = lines[at + 1].rsplit("in stage: ", 1)[1]
    assert stage in set(STAGES.values()) | {"starting"}, stage


def planted_fault(*args, **kwargs):
    raise ZeroDivisionError("planted")


def test_an_unexpected_error_is_shown_with_its_traceback_in_verbose_only(
    inbox, tmp_path, capsys, monkeypatch
):
    import pipeline.extract
    import pipeline.tables

    in_tables = types.FunctionType(
        planted_fault.__code__, vars(pipeline.tables), "find_tables"
    )
    monkeypatch.setattr(
        pipeline.extract, "find_tables", in_tables
    )  # the workers are forked: they see it
    assert extract([inbox, "--out", tmp_path / "a", "--format", "csv"]) == 1
    plain = capsys.readouterr().err
    assert (
        "extraction failed (ZeroDivisionError: planted)" in plain
        and "Traceback" not in plain
    )
    assert (
        extract([inbox, "--out", tmp_path / "b", "--format", "csv", "--verbose"]) == 1
    )
    verbose = capsys.readouterr().err
    assert "    | Traceback" in verbose and "ZeroDivisionError: planted" in verbose
    assert verbose.count("in stage: tables") == 2


@pytest.mark.fast
def test_stage_is_the_module_extract_called_last() -> None:
    class Frame:
        def __init__(self, module: str):
            self.f_globals = {"__name__": module}

    stack = [
        Frame(m)
        for m in (
            "pipeline.supervise",
            "pipeline.extract",
            "pipeline.tables",
            "pipeline.textgrid",
            "pdfplumber.page",
        )
    ]
    assert stage_of(stack) == "tables"
    assert stage_of(stack[:2]) == "assembling records"
    assert stage_of([Frame("pipeline.supervise")]) is None
    reading = [Frame("pipeline.supervise"), Frame("pipeline.reader")]
    assert stage_of([*reading, Frame("concurrent.futures._base")]) == "reading the PDF"
    assert (
        stage_of([*stack[:2], Frame("pipeline.extract"), Frame("pipeline.budget")])
        == "budget sheets"
    )
    kinds = [*stack[:2], Frame("pipeline.kinds")]  # a table kind's records
    assert stage_of([*kinds, Frame("pipeline.risks")]) == "risk log"
    assert stage_of(kinds) == "assembling records"


# ------------------------------------------------------------------ --quiet


def test_quiet_prints_nothing_but_errors(inbox, tmp_path, capsys):
    out = tmp_path / "out"
    assert extract([inbox, "--out", out, "--format", "csv", "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    text_file(inbox / "notes.pdf")
    assert extract([inbox, "--out", out, "--format", "csv", "--quiet"]) == 1
    stdout, stderr = capsys.readouterr()
    assert stdout == ""
    assert stderr.splitlines() == [
        f"failed: {inbox / 'notes.pdf'}: not a PDF: a text file",
        f"1 of 3 documents failed (listed above and in {out / 'run.json'})",
    ]


def test_quiet_and_verbose_together_are_a_usage_error(inbox, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        extract([inbox, "--out", tmp_path / "out", "--quiet", "--verbose"])
    assert stop.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# ----------------------------------------------------------------- the progress display


def test_no_progress_display_when_stderr_is_not_a_terminal(inbox, tmp_path):
    text_file(inbox / "notes.pdf")
    run = run_cli(inbox, "--format", "csv", out=tmp_path / "out")
    assert run.code == 1
    assert run.stderr.splitlines() == [
        f"failed: {inbox / 'notes.pdf'}: not a PDF: a text file",
        "1 of 3 documents failed (listed above and in "
        f"{tmp_path / 'out' / 'run.json'})",
    ]
    assert "\r" not in run.stderr + run.stdout and "%|" not in run.stderr


def run_in_terminal(args: list[str], seconds: float = 300) -> tuple[int, str, str]:
    """The command line with its stderr on a pseudo-terminal of 100x30 (its
    stdout piped); returns (exit code, stdout, what the terminal received)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = {
        **os.environ,
        "TERM": "xterm",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(REPO), os.environ.get("PYTHONPATH")])
        ),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "extract", *args],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    received, deadline = b"", time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the terminal closed: the process has ended
                    break
                if not chunk:
                    break
                received += chunk
            elif proc.poll() is not None:
                break
        stdout = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))[0]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return proc.returncode, stdout.decode(), received.decode("utf-8", "replace")


def test_a_terminal_gets_a_progress_display_and_the_summary_is_unchanged(
    inbox, tmp_path
):
    code, stdout, terminal = run_in_terminal(
        [str(inbox), "--out", str(tmp_path / "out"), "--format", "csv"]
    )
    assert code == 0, terminal
    assert "\r" in terminal and "documents: 100%|" in terminal and "2/2" in terminal
    assert "\r" not in stdout and stdout.splitlines()[-1].startswith(
        "2 of 2 documents extracted"
    )
    assert (
        terminal.rstrip("\r").rsplit("\r", 1)[-1].strip() == ""
    )  # the display is wiped at the end

    code, stdout, terminal = run_in_terminal(
        [str(inbox), "--out", str(tmp_path / "out"), "--format", "csv", "--quiet"]
    )
    assert (code, stdout, terminal) == (0, "", "")
