"""Provenance boxes on the sample, and analysts' corrections applied on every run."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import duckdb
import pdfplumber
import pyarrow.parquet as pq
import pytest

from pipeline.reports import render_document
from pipeline.validate import schemas
from tests.conftest import SAMPLE, run_pipeline

DOC = SAMPLE.stem
PRINTED = {  # the field that holds what the record's box prints
    "documents": "title",
    "sections": "printed",
    "funding": "printed",
    "money_statements": "printed",
    "outcomes": "statement_framework",
    "outputs": "title",
    "targets": "text",
    "activities": "activity_id",
    "workplan": "activity_id",
    "budget_lines": "amount_printed",
    "risks": "description",
}
DATA_FORMATS = "csv,json,parquet,duckdb"
FIXED = {
    "table": "budget_lines",
    "match": "activity_id=1.2.1;year=2007;account_code=71300;responsible_party=NDRC",
}
DROPPED = {"table": "risks", "match": "risk_no=03"}
ADDED = {
    "activity_id": "4.4.9",
    "output_id": "4.4",
    "title": "A missed activity <script>",
    "responsible_party": "MoLSS",
    "title_workplan": "",
    "page": 29,
}


def words(text: str) -> list[str]:
    return [w for w in re.sub(r"[\W_]+", " ", text.lower()).split()]


def read_csv(out: Path, table: str) -> list[dict[str, str]]:
    with open(out / f"{table}.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_record_has_a_box_on_its_page_that_prints_it(sample_output: Path):
    with pdfplumber.open(SAMPLE) as pdf:
        for table, field in PRINTED.items():
            records = json.loads((sample_output / "json" / f"{table}.json").read_text())
            rows = read_csv(sample_output, table)
            assert records, table
            for record, row in zip(records, rows, strict=True):
                fragments = record["provenance"]["fragments"]
                assert fragments, (table, record)
                assert row["bbox"] == " ".join(f"{v:.1f}" for v in fragments[0]["bbox"])
                printed: set[str] = set()
                for fragment in fragments:
                    page = pdf.pages[fragment["page"] - 1]
                    x0, top, x1, bottom = fragment["bbox"]
                    assert 0 <= x0 < x1 <= page.width, (table, fragment)
                    assert 0 <= top < bottom <= page.height, (table, fragment)
                    crop = page.crop(fragment["bbox"])
                    printed |= {
                        w for t in crop.extract_words() for w in words(t["text"])
                    }
                start = words(str(record[field]))[:3]
                assert start and set(start) <= printed, (
                    table,
                    record[field],
                    fragments,
                )


def test_a_row_over_a_page_break_has_a_fragment_on_each_page(sample_output: Path):
    outputs = json.loads((sample_output / "json" / "outputs.json").read_text())
    broken = [o for o in outputs if ";" in o["pages"]]
    assert broken
    for output in broken:
        pages = [f["page"] for f in output["provenance"]["fragments"]]
        assert pages == sorted(map(int, output["pages"].split(";")))


@pytest.fixture(scope="module")
def corrected(sample_output: Path, tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the sample's dataset (its cache included) extracted again
    with a corrections folder holding one correction of each kind and each
    kind of mistake."""
    root = tmp_path_factory.mktemp("corrected")
    out = root / "output"
    shutil.copytree(sample_output, out, symlinks=True)
    folder = root / "corrections"
    folder.mkdir()
    sha = read_csv(sample_output, "documents")[0]["sha256"]
    rows = [
        {
            **FIXED,
            "field": "amount_usd",
            "value": "12000",
            "note": "p. 37 prints 12,000",
        },
        {**DROPPED, "field": "_delete", "value": "", "note": "not a risk"},
        {
            "table": "activities",
            "match": "",
            "field": "_add",
            "value": json.dumps(ADDED),
            "note": "p. 29",
        },
        {
            "table": "activities",
            "match": "activity_id=8.8.8",
            "field": "title",
            "value": "x",
            "note": "no such",
        },
        {
            "table": "budget_lines",
            "match": "activity_id=1.2.1;year=2007",
            "field": "amount_usd",
            "value": "1",
            "note": "too wide",
        },
        {
            "table": "activities",
            "match": "activity_id=1.1.1",
            "field": "title",
            "value": "old",
            "note": "old PDF",
            "sha256": "0" * 64,
        },
        {
            "table": "budget_lines",
            "match": FIXED["match"],
            "field": "year",
            "value": "1066",
            "note": "bad year",
        },
    ]
    with open(folder / f"{DOC}.csv", "w", encoding="utf-8", newline="") as fh:
        fh.write(f"# sha256: {sha}\n")
        writer = csv.DictWriter(
            fh, ["table", "match", "field", "value", "note", "sha256"]
        )
        writer.writeheader()
        writer.writerows(rows)
    extract(out, folder)  # from the cache the copy holds
    return out, folder


def extract(out: Path, folder: Path, *flags: str) -> None:
    result = run_pipeline(
        "extract",
        str(SAMPLE),
        "--out",
        str(out),
        "--quiet",
        "--format",
        DATA_FORMATS,
        "--corrections",
        str(folder),
        *flags,
    )
    assert result.returncode == 0, result.stderr


def is_fixed(row: dict) -> bool:
    return all(
        str(row[k]) == v for k, v in (p.split("=") for p in FIXED["match"].split(";"))
    )


def assert_corrected(out: Path, before: Path) -> None:
    """Exactly the three corrected records differ from the uncorrected
    dataset, in every format."""
    con = duckdb.connect(str(out / "prodocs.duckdb"), read_only=True)
    for table in PRINTED:
        old, new = read_csv(before, table), read_csv(out, table)
        records = json.loads((out / "json" / f"{table}.json").read_text())
        parquet = pq.read_table(out / "parquet" / f"{table}.parquet").to_pylist()
        duck = con.execute(
            f'SELECT count(*), count(*) FILTER (corrected) FROM "{table}"'
        ).fetchone()
        assert len(records) == len(parquet) == len(new) == duck[0], table
        changed = [r for r in new if r["corrected"] == "true"]
        assert duck[1] == len(changed) == sum(r["corrected"] for r in parquet), table
        if table == "budget_lines":
            assert len(new) == len(old)
            assert [r for r in new if r not in old] == changed and len(changed) == 1
            assert is_fixed(changed[0]) and changed[0]["amount_usd"] == "12000"
            fixed = next(r for r in records if r["corrected"])
            assert (
                fixed["provenance"]["corrections"][0]["note"] == "p. 37 prints 12,000"
            )
            assert fixed["provenance"]["fragments"]  # still where it was read
            assert [r for r in parquet if r["corrected"]][0]["amount_usd"] == 12000
        elif table == "risks":
            assert [r["risk_no"] for r in old if r not in new] == ["03"] and not changed
        elif table == "activities":
            assert [r for r in new if r not in old] == changed and len(changed) == 1
            assert changed[0]["title"] == ADDED["title"]
            assert len(new) == len(old) + 1
        else:
            assert old == new, table
    con.close()


def test_corrections_survive_a_cached_run_and_a_forced_one(corrected, sample_output):
    out, folder = corrected
    run = json.loads((out / "run.json").read_text())
    assert run["documents"][0]["source"] == "cache"
    assert_corrected(out, sample_output)
    cached = {t: (out / f"{t}.csv").read_bytes() for t in schemas()}
    extract(out, folder, "--force")
    assert (
        json.loads((out / "run.json").read_text())["documents"][0]["source"]
        == "extracted"
    )
    assert_corrected(out, sample_output)
    assert {t: (out / f"{t}.csv").read_bytes() for t in schemas()} == cached


def test_the_report_counts_the_corrected_records(corrected):
    out, _ = corrected
    tables = {
        t: json.loads((out / "json" / f"{t}.json").read_text()) for t in schemas()
    }
    page = render_document(DOC, tables, out.parent / "report")[-1].read_text()
    counted = page.split('id="corrections"')[1]
    assert '<td>activities</td><td class="num">1</td>' in counted
    assert '<td>budget_lines</td><td class="num">1</td>' in counted
    assert "risks" not in counted  # a dropped record is not counted


def test_corrections_that_cannot_apply_are_issues(corrected):
    out, _ = corrected
    found = {}
    for issue in read_csv(out, "issues"):
        if issue["check"].startswith("correction_"):
            found.setdefault(issue["check"], []).append(issue["message"])
    assert len(found["correction_unmatched"]) == 1
    assert "activity_id=8.8.8" in found["correction_unmatched"][0]
    assert "matches 8 records" in found["correction_ambiguous"][0]
    assert "another version of the PDF" in found["correction_stale"][0]
    assert (
        "year: 1066 is less than the minimum of 1990" in found["correction_invalid"][0]
    )
    titles = {r["activity_id"]: r["title"] for r in read_csv(out, "activities")}
    assert titles["1.1.1"] != "old"


def test_correct_command_checks_then_appends(sample_output: Path, tmp_path: Path):
    folder = tmp_path / "corrections"

    def correct(*args: str):
        return run_pipeline(
            "correct",
            DOC,
            "--table",
            "budget_lines",
            "--match",
            FIXED["match"],
            *args,
            "--out",
            str(sample_output),
            "--corrections",
            str(folder),
        )

    refused = correct("--set", "amount_usd=12k", "--note", "typo")
    assert refused.returncode == 2
    assert "amount_usd: '12k' is not of type 'integer', 'null'" in refused.stderr
    assert not folder.exists()
    done = correct("--set", "amount_usd=12000", "--note", "p. 37")
    assert done.returncode == 0, done.stderr
    lines = (folder / f"{DOC}.csv").read_text().splitlines()
    sha = read_csv(sample_output, "documents")[0]["sha256"]
    assert lines[0] == f"# sha256: {sha}"
    assert lines[1:] == [
        "table,match,field,value,note",
        f"budget_lines,{FIXED['match']},amount_usd,12000,p. 37",
    ]
    wide = run_pipeline(
        "correct",
        DOC,
        "--table",
        "risks",
        "--match",
        "risk_no=99",
        "--delete",
        "--note",
        "x",
        "--out",
        str(sample_output),
        "--corrections",
        str(folder),
    )
    assert wide.returncode == 2 and "matches no record" in wide.stderr
