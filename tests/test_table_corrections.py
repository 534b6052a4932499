"""Corrections of how a table is read (table `tables`: kind, a column's
role, a row a total or a line) reach the extraction: the records of that
table follow, those of the others stay, the cache is keyed by them, and one
that names no table, column or row of the document changes nothing."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_pipeline
from tests.pdfkit import TableSpec, Writer

DOC = "undp-risk-annex"
UNSEEN = [  # a risk log headed in words the vocabulary does not know
    ["1", "Delays in the transfer of funds\nfrom the ministry to the districts",
     "High", "Agree a schedule of transfers\nwith the ministry every year"],
    ["2", "Staff trained by the project\nleave their posts too early",
     "Medium", "Train two officers for each post\nand keep the material online"],
    ["3", "Elections in the second year slow\ndown the new regulations",
     "Low", "Prepare the drafts early and\nbrief the candidates on them"],
]  # fmt: skip
GOLD = [  # the risks of the first table, as the page prints them
    {
        "risk_no": no,
        "description": description.replace("\n", " "),
        "impact": impact,
        "countermeasures": measures.replace("\n", " "),
    }
    for no, description, impact, measures in UNSEEN
]
KNOWN = [  # a risk log the vocabulary reads
    ["1", "Floods cut the roads to the\nproject sites in the rainy season",
     "Environmental", "Plan the field work for the dry\nseason and keep a reserve",
     "Project manager"],
    ["2", "Prices of equipment rise\nabove the budget", "Financial",
     "Buy the equipment in the first\nyear, under one contract", "UNDP"],
]  # fmt: skip
HEADER = [
    "No.",
    "Description",
    "Type",
    "Countermeasures / Management response",
    "Owner",
]
KIND = "tables,table_no=1,kind,risk_log,p. 1 is the risk log\n"


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("inbox")
    w = Writer(folder / f"{DOC}.pdf")
    w.line("Annex 2. What could go wrong", bold=True)
    w.table(
        TableSpec([30, 190, 60, 190], [["#", "Hazard", "Gravity", "Remedy"]], UNSEEN)
    )
    w.space(30)
    w.line("Annex 3. Risk log", bold=True)
    w.table(TableSpec([30, 150, 80, 150, 80], [HEADER], KNOWN))
    w.save()
    return folder


def extract(inbox: Path, out: Path, corrections: Path) -> dict:
    """Extract the document with the corrections folder; run.json's entry."""
    result = run_pipeline(
        "extract", str(inbox), "--out", str(out), "--quiet", "--format", "csv,json",
        "--corrections", str(corrections),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads((out / "run.json").read_text())["documents"][0]


def corrections(folder: Path, *lines: str) -> Path:
    folder.mkdir(exist_ok=True)
    text = "table,match,field,value,note\n" + "".join(lines)
    (folder / f"{DOC}.csv").write_text(text, encoding="utf-8")
    return folder


def rows(out: Path, table: str) -> list[dict[str, str]]:
    with open(out / f"{table}.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def risks_of(out: Path) -> list[dict[str, str]]:
    return [
        {k: r[k] for k in ("risk_no", "description", "impact", "countermeasures")}
        for r in rows(out, "risks")
    ]


@pytest.fixture(scope="module")
def plain(inbox: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The document extracted without corrections."""
    base = tmp_path_factory.mktemp("plain")
    extract(inbox, base / "out", corrections(base / "corrections"))
    return base / "out"


def test_one_line_makes_an_unclassified_table_a_risk_log(
    inbox: Path, plain: Path, tmp_path: Path
) -> None:
    assert rows(plain, "tables")[0]["kind"] == "unclassified"
    assert len(rows(plain, "risks")) == len(KNOWN)
    out = tmp_path / "out"
    run = extract(inbox, out, corrections(tmp_path / "c", KIND))
    assert run["source"] == "extracted"
    assert rows(out, "tables")[0]["kind"] == "risk_log"
    assert risks_of(out)[: len(GOLD)] == GOLD
    assert rows(out, "risks")[len(GOLD) :] == rows(plain, "risks")
    assert not [i for i in rows(out, "issues") if i["check"].startswith("correction")]
    # unchanged, the table's correction is in the cache; changed, it is extracted
    assert extract(inbox, out, tmp_path / "c")["source"] == "cache"
    corrections(tmp_path / "c", KIND, "budget_lines,,_delete,,a record correction\n")
    assert extract(inbox, out, tmp_path / "c")["source"] == "cache"
    corrections(tmp_path / "c", KIND, "tables,table_no=1,role:3,probability,p. 1\n")
    assert extract(inbox, out, tmp_path / "c")["source"] == "extracted"
    assert [r["probability"] for r in rows(out, "risks")][:3] == [
        "High",
        "Medium",
        "Low",
    ]


def test_a_role_corrected_changes_that_tables_records_alone(
    inbox: Path, plain: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    line = "tables,table_no=2,role:5,category,the last column is the kind of risk\n"
    extract(inbox, out, corrections(tmp_path / "c", line))
    before, after = rows(plain, "risks"), rows(out, "risks")
    assert [r["category"] for r in after] == ["Project manager", "UNDP"]
    assert [r["owner"] for r in after] == ["", ""]
    changed = {k for b, a in zip(before, after, strict=True) for k in a if a[k] != b[k]}
    assert changed == {"category", "owner"}
    plain_tables, tables = rows(plain, "tables"), rows(out, "tables")
    assert tables[0] == plain_tables[0]
    assert tables[1]["roles"].split(" | ")[4] == "category:2.00"
    for table in ("budget_lines", "outputs", "activities", "workplan"):
        assert rows(out, table) == rows(plain, table)


def test_a_stale_or_invalid_table_correction_is_an_issue_and_changes_nothing(
    inbox: Path, plain: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    lines = (
        "tables,table_no=3,kind,risk_log,a table since removed\n",
        "tables,table_no=2,role:6,owner,a column since merged\n",
        "tables,table_no=2,row:3,total,a row since removed\n",
        "tables,table_no=1,kind,ledger,no such kind\n",
        "tables,table_no=1,role:2,headline,no such role\n",
        "tables,table=1,kind,risk_log,no table number\n",
    )
    extract(inbox, out, corrections(tmp_path / "c", *lines))
    issues = [i for i in rows(out, "issues") if i["check"].startswith("correction")]
    assert [i["check"] for i in issues] == [
        *("correction_stale",) * 3,
        *("correction_invalid",) * 3,
    ]
    assert "no table 3 (2 tables)" in issues[0]["message"]
    assert "table 2 has 5 columns" in issues[1]["message"]
    assert "table 2 has 2 body rows" in issues[2]["message"]
    for table in ("tables", "risks"):
        assert rows(out, table) == rows(plain, table)


def test_correct_writes_a_table_correction_it_checked_against_the_tables(
    inbox: Path, plain: Path, tmp_path: Path
) -> None:
    def correct(field_value: str, match: str = "table_no=1"):
        return run_pipeline(
            "correct", DOC, "--table", "tables", "--match", match,
            "--set", field_value, "--note", "p. 1", "--out", str(plain),
            "--corrections", str(tmp_path),
        )  # fmt: skip

    assert correct("kind=risk_log").returncode == 0
    assert correct("role:3=").returncode == 0
    for refused, reason in [
        (correct("kind=risk_log", "table_no=5"), "no table 5"),
        (correct("role:7=owner"), "has 4 columns"),
        (correct("kind=ledger"), "no kind"),
    ]:
        assert refused.returncode == 2 and refused.stderr.startswith("error: ")
        assert reason in refused.stderr, refused.stderr
    lines = (tmp_path / f"{DOC}.csv").read_text().splitlines()
    assert lines[-2:] == [
        "tables,table_no=1,kind,risk_log,p. 1",
        "tables,table_no=1,role:3,,p. 1",
    ]


def test_the_review_page_menu_gives_a_line_correct_accepts(
    inbox: Path, tmp_path: Path
) -> None:
    if shutil.which("chromium") is None:
        pytest.skip("chromium is not installed (tests/renderers.sh installs it)")
    from tests.browser import Browser

    out = tmp_path / "out"
    result = run_pipeline(
        "extract", str(inbox), "--out", str(out), "--quiet",
        "--format", "csv,json,reports",
        "--corrections", str(corrections(tmp_path / "none")),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    browser = Browser(tmp_path / "profile")
    try:
        browser.open((out / "reports" / f"{DOC}.review.html").resolve().as_uri())
        picked = browser.evaluate(
            """(() => {
            document.querySelector('.tbl[data-table-no="1"] span').click();
            const kind = document.getElementById('reading-kind');
            const before = kind.value;
            kind.value = 'risk_log';
            kind.dispatchEvent(new Event('change'));
            const role = document.querySelector(
                '#reading-columns select[data-column="3"]');
            role.value = 'probability';
            role.dispatchEvent(new Event('change'));
            return {before, lines: document.getElementById('reading-lines').value,
                    commands: document.getElementById('reading-commands').value};
        })()"""
        )
    finally:
        browser.close()
    assert picked["before"] == "none"
    lines = picked["lines"].splitlines()
    assert lines == [
        "tables,table_no=1,kind,risk_log,p. 1",
        "tables,table_no=1,role:3,probability,p. 1",
    ]
    assert picked["commands"].splitlines()[-1] == "make extract"
    folder = tmp_path / "corrections"
    for table, match, field, value, note in csv.reader(lines):
        accepted = run_pipeline(
            "correct", DOC, "--table", table, "--match", match,
            "--set", f"{field}={value}", "--note", note,
            "--out", str(out), "--corrections", str(folder),
        )  # fmt: skip
        assert accepted.returncode == 0, accepted.stderr
    assert extract(inbox, out, folder)["source"] == "extracted"
    assert [r["probability"] for r in rows(out, "risks")][:3] == [
        "High",
        "Medium",
        "Low",
    ]
