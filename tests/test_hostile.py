"""Hostile and unlucky input: text that looks like markup, file names that
are not text, an output folder that holds the user's own files, a cache
that lies.  Each test builds its own input."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.badpdfs import (
    canvas,
    extract,
    letter,
    looping_references,
    read_rows,
    run_cli,
    slow,
    small_document,
    write_lines,
)

MATHTEXT = "Grants of US$ 500 to 10% of Households, up to US$ 2,000 each"


def planned_document(doc_id: str, title: str) -> dict[str, list[dict]]:
    """The records of a document with one output, one activity, a work plan
    and a budget line: enough for both charts."""
    base = {"doc_id": doc_id, "source_file": f"{doc_id}.pdf"}
    return {
        "documents": [
            {**base, "title": title, "country": "China", "pages": 3, "sha256": "0" * 64}
        ],
        "outputs": [{**base, "output_id": "1.1", "outcome_no": 1, "title": title}],
        "activities": [
            {**base, "activity_id": "1.1.1", "output_id": "1.1", "title": title}
        ],
        "workplan": [
            {**base, "activity_id": "1.1.1", "year": 2009, "quarter": q} for q in (1, 2)
        ],
        "budget_lines": [
            {
                **base,
                "activity_id": "1.1.1",
                "year": 2009,
                "amount_usd": 5_000,
                "label": title,
            }
        ],
        "issues": [],
    }


# ------------------------------------------------------------------ text read as markup


def test_dollar_signs_and_percent_are_drawn_as_printed(tmp_path):
    from pipeline.reports import render_document

    written = render_document("grants", planned_document("grants", MATHTEXT), tmp_path)
    assert [p.name for p in written] == [
        "grants-workplan.png",
        "grants-budget.png",
        "grants.html",
    ]


def test_a_report_that_fails_is_an_issue_of_its_document(
    inbox, tmp_path, monkeypatch, capsys
):
    from pipeline import reports

    drawn = reports.draw_chart

    def fails_for_beta(doc, kind, out_dir):
        if doc.doc_id == "beta":
            raise ValueError("cannot draw this")
        return drawn(doc, kind, out_dir)

    monkeypatch.setattr(reports, "draw_chart", fails_for_beta)
    out = tmp_path / "out"
    assert (
        extract([inbox, "--out", out, "--workers", "1", "--format", "csv,reports"]) == 0
    )
    assert [r["doc_id"] for r in read_rows(out, "documents")] == ["alpha", "beta"]
    [issue] = [r for r in read_rows(out, "issues") if r["check"] == "report_failed"]
    assert issue["doc_id"] == "beta" and issue["severity"] == "warning"
    assert "ValueError: cannot draw this" in issue["message"]
    assert (out / "reports" / "alpha.html").is_file() and not (
        out / "reports" / "beta.html"
    ).exists()
    assert 'href="alpha.html"' in (out / "reports" / "index.html").read_text("utf-8")
    assert 'href="beta.html"' not in (out / "reports" / "index.html").read_text("utf-8")


# ------------------------------------------- an output folder with the user's own files


def users_files(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    "mine", ["reports/summary.html", "json/survey.json", "documents.csv"]
)
def test_a_folder_of_the_users_own_files_is_refused(inbox, tmp_path, capsys, mine):
    out = tmp_path / "out"
    (out / mine).parent.mkdir(parents=True, exist_ok=True)
    (out / mine).write_text("my own work")
    (out / "notes.txt").write_text("kept")
    before = users_files(out)
    assert extract([inbox, "--out", out]) == 2
    err = capsys.readouterr().err
    top = mine.split("/")[0]
    assert f"error: --out {out}: holds {top}, which this tool did not write" in err
    assert users_files(out) == before


def test_the_users_folder_put_into_a_dataset_is_refused(inbox, tmp_path, capsys):
    out = tmp_path / "out"
    assert extract([inbox, "--out", out, "--format", "csv"]) == 0
    (out / "reports").mkdir()
    (out / "reports" / "draft.html").write_text("my own work")
    assert extract([inbox, "--out", out, "--format", "csv,reports"]) == 2
    assert "holds reports, which this tool did not write" in capsys.readouterr().err
    assert (out / "reports" / "draft.html").read_text() == "my own work"
    assert (
        extract([inbox, "--out", out, "--format", "csv"]) == 2
    )  # refused whatever the formats


def test_foreign_files_in_the_cache_and_versions_are_left_alone(inbox, tmp_path):
    out = tmp_path / "out"
    for folder in (".cache", ".versions"):
        (out / folder / "mine").mkdir(parents=True)
        (out / folder / "mine" / "keep.txt").write_text("kept")
    (out / ".cache" / "keep.json").write_text("{}")
    assert extract([inbox, "--out", out, "--format", "csv"]) == 0
    assert extract([inbox, "--out", out, "--format", "csv", "--force"]) == 0
    assert (out / ".cache" / "mine" / "keep.txt").read_text() == "kept"
    assert (out / ".versions" / "mine" / "keep.txt").read_text() == "kept"
    assert (out / ".cache" / "keep.json").read_text() == "{}"


# --------------------------------------------------- file names that are not plain text


def named(folder: Path, name: bytes) -> Path:
    """A small document under a file name given as bytes (any bytes but `/` and NUL)."""
    path = Path(os.fsdecode(folder)) / os.fsdecode(name)
    return small_document(path)


def test_a_file_name_that_is_not_utf8(tmp_path, capfd):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    named(inbox, b"bad\xff.pdf")
    out = tmp_path / "out"
    assert extract([inbox, "--out", out, "--format", "csv,json"]) == 0
    _, err = capfd.readouterr()
    assert "Traceback" not in err
    [document] = read_rows(out, "documents")
    assert (document["doc_id"], document["source_file"]) == ("bad_", "bad\\xff.pdf")
    [entry] = json.loads((out / "run.json").read_text("utf-8"))["documents"]
    assert entry["status"] == "partial" and entry["file"].endswith("bad\\xff.pdf")
    assert (
        extract([inbox, "--out", out, "--format", "csv,json"]) == 0
    )  # and from the cache
    assert (
        json.loads((out / "run.json").read_text("utf-8"))["documents"][0]["cached"]
        is True
    )


@pytest.mark.parametrize(
    "name, doc_id",
    [
        (b"line\nbreak.pdf", "line break"),
        (b"\ttabbed  plan .pdf", "tabbed plan"),
        (b"\xe2\x80\x8fmarked\x1b[2J.pdf", "_marked_[2J"),
    ],
)
def test_a_doc_id_is_safe_whatever_the_file_name(tmp_path, capfd, name, doc_id):
    from frictionless import validate

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    named(inbox, name)
    out = tmp_path / "out"
    assert extract([inbox, "--out", out, "--format", "csv"]) == 0
    printed, err = capfd.readouterr()
    assert "\x1b" not in printed + err and "\u200f" not in printed + err
    [document] = read_rows(out, "documents")
    assert document["doc_id"] == doc_id and document["pages"] == "1"
    [entry] = json.loads((out / "run.json").read_text("utf-8"))["documents"]
    assert (
        entry["doc_id"] == doc_id
        and entry["status"] == "partial"
        and entry["pages"] == 1
    )
    assert not [r for r in read_rows(out, "issues") if r["check"] == "invalid_record"]
    report = validate(out / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])[:5]


def test_names_that_give_one_doc_id_or_none_are_reported(tmp_path, capfd):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    named(inbox, b"plan\n.pdf")
    named(inbox, b"plan.pdf")
    named(inbox, b"\x0b.pdf")
    out = tmp_path / "out"
    assert extract([inbox, "--out", out, "--format", "csv"]) == 1
    err = capfd.readouterr().err
    documents = json.loads((out / "run.json").read_text("utf-8"))["documents"]
    failed = {
        Path(d["file"]).name: d["reason"] for d in documents if d["status"] == "failed"
    }
    assert failed == {
        "\\x0b.pdf": "the file name leaves no document id (doc_id): name it with "
        "letters or digits",
        "plan.pdf": f'another file in this batch has the same document id "plan" '
        f"({inbox}/plan\\n.pdf); document ids must be unique",
    }
    assert f"failed: {inbox}/plan.pdf: another file" in err
    assert [r["doc_id"] for r in read_rows(out, "documents")] == ["plan"]


# ----------------------------------------------------- another run's files in the cache


def test_pruning_leaves_the_files_of_running_extractions(inbox, tmp_path):
    out = tmp_path / "out"
    assert extract([inbox, "--out", out, "--format", "csv"]) == 0
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
    )
    # a result of other code
    name = "0123456789abcdef0123456789abcdef-0123456789abcdef.json"
    running = (
        out / ".cache" / f"{name}.part-{os.getpid()}"
    )  # being written by a live process
    killed = (
        out / ".cache" / f"{name}.part-{int(ended.stdout)}"
    )  # left by a process that is gone
    for part in (running, killed):
        part.write_text("{")
    # datasets being prepared: by this live process, and by one killed meanwhile
    preparing = out / ".cache" / f"dataset-{os.getpid()}-a1b2_c3"
    abandoned = out / ".cache" / f"dataset-{int(ended.stdout)}-x9y8_z7"
    for folder in (preparing, abandoned):
        (folder / "reports").mkdir(parents=True)
        (folder / "reports" / "index.html").write_text("<html>")
    assert extract([inbox, "--out", out, "--format", "csv"]) == 0
    assert running.exists() and not killed.exists()
    assert preparing.exists() and not abandoned.exists()
    # the run's own dataset, once moved in, leaves nothing behind
    assert [p for p in (out / ".cache").iterdir() if p.is_dir()] == [preparing]


# ----------------------------------------------- a cache entry that parses but is wrong


def cache_entries(out: Path) -> list[Path]:
    return sorted((out / ".cache").glob("*.json"))


@pytest.mark.parametrize("damage", ["empty records", "changed value", "no checksum"])
def test_a_wrong_cache_entry_is_extracted_again(inbox, tmp_path, damage):
    (inbox / "beta.pdf").unlink()
    out = tmp_path / "out"
    assert extract([inbox, "--out", out, "--format", "csv"]) == 0
    first = read_rows(out, "documents")
    [entry] = cache_entries(out)
    payload = json.loads(entry.read_text("utf-8"))
    first_records = json.loads(entry.read_text("utf-8"))["records"]["documents"]
    if damage == "empty records":
        payload["records"] = {}
    elif damage == "changed value":
        payload["records"]["documents"][0]["title"] = "Something else"
    else:
        del payload["checksum"]
    entry.write_text(json.dumps(payload), "utf-8")
    assert extract([inbox, "--out", out, "--format", "csv"]) == 0
    [result] = json.loads((out / "run.json").read_text("utf-8"))["documents"]
    assert result["cached"] is False and result["records"]["documents"] == 1
    assert read_rows(out, "documents") == first
    assert cache_entries(out) == [entry]  # written again, whole
    assert json.loads(entry.read_text("utf-8"))["records"]["documents"] == first_records


# ---------------------------------------------------------------- formulas in CSV cells

FORMULA = '=HYPERLINK("http://example.com/x","Click here")'


def project_page(
    path: Path, title: str, situation: list[str], strategy: list[str]
) -> Path:
    """A one-page project document with the given lines under its two sections."""
    c = canvas(path)
    write_lines(
        c,
        [
            "UNITED NATIONS DEVELOPMENT PROGRAMME",
            "Project Document",
            title,
            "",
            "1. SITUATION ANALYSIS",
            *situation,
            "",
            "2. STRATEGY",
            *strategy,
            "The total budget is US$ 120,000 over two years.",
        ],
    )
    c.showPage()
    c.save()
    return path


def test_text_cells_that_read_as_formulas_are_quoted_in_csv_only(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    project_page(
        inbox / "formula.pdf",
        "Safe Spreadsheets",
        [FORMULA],
        ["+ more training for partners"],
    )
    out = tmp_path / "out"
    assert extract([inbox, "--out", out, "--format", "csv,json"]) == 0
    texts = {r["title"]: r["text"] for r in read_rows(out, "sections")}
    assert texts["Situation Analysis"] == "'" + FORMULA
    assert texts["Strategy"].startswith("'+ more training")
    stored = {
        r["title"]: r["text"]
        for r in json.loads((out / "json" / "sections.json").read_text("utf-8"))
    }
    assert stored["Situation Analysis"] == FORMULA


@pytest.mark.fast
@pytest.mark.parametrize(
    "value, cell",
    [
        ("=1+2", "'=1+2"),
        ("@SUM(A1:A3)", "'@SUM(A1:A3)"),
        ("- same as above -", "'- same as above -"),
        ("\tpadded", "'\tpadded"),
        ("-1,200", "-1,200"),
        ("+3.5", "+3.5"),
        (-5, "-5"),
        (-2.5, "-2.5"),
        ("a = b", "a = b"),
        ("", ""),
        (None, ""),
        (True, "true"),
    ],
)
def test_csv_cells(value, cell):
    from pipeline.export import csv_value

    assert csv_value(value) == cell


# ------------------------------------------------------------------ the memory cap


def test_a_small_document_fits_in_a_small_memory_cap(tmp_path):
    """In a fresh interpreter, as a user runs it: a worker forked from this
    test process would start with all the memory the suite has loaded."""
    out = tmp_path / "out"
    run = run_cli(
        letter(tmp_path / "letter.pdf"),
        "--format",
        "csv",
        "--memory-mb",
        "512",
        out=out,
    )
    assert run.code == 0, run.stderr
    assert [r["doc_id"] for r in read_rows(out, "documents")] == ["letter"]


def test_a_document_over_the_memory_cap_is_named_with_that_reason(tmp_path, capfd):
    """A worker starts with the batch's own memory (over 50 MB in a test run),
    and the nested drawing keeps it busy until it is stopped."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    slow(inbox / "nested.pdf")
    out = tmp_path / "out"
    assert (
        extract(
            [
                inbox,
                "--out",
                out,
                "--format",
                "csv",
                "--memory-mb",
                "50",
                "--timeout",
                "120",
            ]
        )
        == 1
    )
    printed, err = capfd.readouterr()
    [entry] = json.loads((out / "run.json").read_text("utf-8"))["documents"]
    assert entry["reason"] == "out of memory (over the 50 MB limit)"
    assert "Traceback" not in err and "Fatal Python error" not in err
    assert (
        f"failed: {inbox / 'nested.pdf'}: out of memory (over the 50 MB limit)" in err
    )


# ------------------------------------------------------- a cache that cannot be written


def test_a_cache_that_cannot_be_written_is_done_without(inbox, tmp_path, capfd):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".cache").write_text("not a folder")
    for _ in range(2):
        assert extract([inbox, "--out", out, "--format", "csv"]) == 0
        _, err = capfd.readouterr()
        assert (
            f"warning: the cache {out / '.cache'} cannot be written" in err
            and "going on without it" in err
        )
        assert "Traceback" not in err
        assert [r["doc_id"] for r in read_rows(out, "documents")] == ["alpha", "beta"]
    assert (out / ".cache").read_text() == "not a folder"


# --------------------------------------------------------- links and a file given twice


def test_broken_and_looping_links_in_a_folder_are_reported(inbox, tmp_path, capsys):
    (inbox / "gone.pdf").symlink_to(tmp_path / "nowhere.pdf")
    (inbox / "loop.pdf").symlink_to(inbox / "loop.pdf")
    out = tmp_path / "out"
    assert extract([inbox, "--out", out, "--format", "csv"]) == 1
    err = capsys.readouterr().err
    assert (
        f"failed: {inbox / 'gone.pdf'}: a broken link: {tmp_path / 'nowhere.pdf'} does "
        "not exist" in err
    )
    assert f"failed: {inbox / 'loop.pdf'}: a link that leads back to itself" in err
    assert [r["doc_id"] for r in read_rows(out, "documents")] == ["alpha", "beta"]


@pytest.mark.parametrize("given", [("copy", "alpha"), ("alpha", "copy")])
def test_one_file_under_two_names_is_extracted_once_whatever_the_order(
    inbox, tmp_path, capsys, given
):
    (inbox / "copy.pdf").symlink_to(inbox / "alpha.pdf")
    out = tmp_path / "out"
    assert (
        extract(
            [
                *(inbox / f"{name}.pdf" for name in given),
                "--out",
                out,
                "--format",
                "csv",
            ]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert (
        f"warning: {inbox / 'copy.pdf'}: the same file as {inbox / 'alpha.pdf'}, "
        "extracted once as alpha" in err
    )
    assert [r["doc_id"] for r in read_rows(out, "documents")] == ["alpha"]
    assert json.loads((out / "run.json").read_text("utf-8"))["warnings"] == [
        err.split("warning: ", 1)[1].strip()
    ]


# ---------------------------------------- fuzz: hostile text through the whole pipeline

HOSTILE = [
    "$x^2$",
    MATHTEXT,
    "\\frac{1}{2}",
    "{",
    "}",
    "%",
    "50%",
    "$",
    "US$",
    "<b>bold</b>",
    "<script>x</script>",
    "&amp;",
    FORMULA,
    "+1",
    "-",
    "@SUM(A1)",
    "\u202eevil\u202c",
    "\u200f",
    "\x1b[2J",
    "\x07",
    "\ufeff",
    "W" * 400,
    "\u00c4\u00d6\u00dc",
    "\u4e2d\u6587",
    "'",
    '"',
    "\\",
    "_^~",
    "\\n",
]
hostile_text = st.lists(
    st.sampled_from(HOSTILE)
    | st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
    min_size=1,
    max_size=5,
).map(" ".join)


fuzz_runs = itertools.count()


@settings(
    max_examples=4,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    titles=st.lists(hostile_text, min_size=2, max_size=2),
    lines=st.lists(hostile_text, min_size=1, max_size=4),
)
def test_hostile_text_goes_through_the_whole_pipeline(tmp_path, capfd, titles, lines):
    from pipeline.reports import render_document
    from pipeline.validate import validate_records

    folder = tmp_path / f"run{next(fuzz_runs)}"
    inbox = folder / "inbox"
    inbox.mkdir(parents=True)
    for number, title in enumerate(titles):
        project_page(inbox / f"doc{number}.pdf", title, lines, [])
    out = folder / "out"
    capfd.readouterr()
    assert extract([inbox, "--out", out, "--workers", "1"]) == 0
    printed, err = capfd.readouterr()
    assert "Traceback" not in printed + err and "\x1b" not in printed + err
    tables = {
        p.stem: json.loads(p.read_text("utf-8")) for p in (out / "json").glob("*.json")
    }
    assert validate_records(tables)[1] == []
    assert not [
        i for i in tables["issues"] if i["check"] in ("invalid_record", "report_failed")
    ]
    assert sorted(p.name for p in (out / "reports").glob("*.html")) == [
        "doc0.html",
        "doc0.review.html",
        "doc1.html",
        "doc1.review.html",
        "index.html",
    ]
    planned = planned_document(
        "planned", titles[0] + " " + lines[0]
    )  # both charts, from the same text
    assert [p.name for p in render_document("planned", planned, folder / "charts")][
        -1
    ] == "planned.html"


# -------------------------------------------------------- files that eat the time limit


def test_a_reference_loop_is_found_before_the_time_limit(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    looping_references(inbox / "loop.pdf")
    out = tmp_path / "out"
    assert extract([inbox, "--out", out, "--format", "csv", "--timeout", "300"]) == 1
    [entry] = json.loads((out / "run.json").read_text("utf-8"))["documents"]
    assert (
        entry["reason"]
        == "damaged PDF: its objects refer to each other in a loop (6 0 R -> 7 0 R -> "
        "6 0 R)"
    )


@pytest.mark.fast
def test_reading_a_huge_file_counts_against_the_time_limit(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with open(inbox / "huge.pdf", "wb") as fh:  # 8 GiB of holes: no disk space used
        fh.truncate(8 << 30)
    out = tmp_path / "out"
    assert extract([inbox, "--out", out, "--format", "csv", "--timeout", "1"]) == 1
    [entry] = json.loads((out / "run.json").read_text("utf-8"))["documents"]
    assert entry["reason"] == "took longer than the 1 s time limit (reading the file)"


# ------------------------------------------------------ a result that cannot be written


def test_a_worker_that_cannot_write_its_result_says_so(tmp_path, capfd):
    import multiprocessing

    from pipeline.supervise import UNWRITABLE, death_reason, extract_to_file

    worker = multiprocessing.get_context("fork").Process(
        target=extract_to_file,
        args=(
            str(letter(tmp_path / "letter.pdf")),
            str(tmp_path / "gone" / "r.json"),
            0,
        ),
    )
    worker.start()
    worker.join()
    assert worker.exitcode == UNWRITABLE
    assert "Traceback" not in capfd.readouterr().err
    assert (
        death_reason(UNWRITABLE)
        == "its result could not be written (is the disk full, or the cache folder "
        "not writable?)"
    )
