"""Corrections as a hostile or careless user writes them: each is applied,
or refused with an issue naming its file and line, and the dataset stays
valid (no extraction: the records are those of the reference dataset)."""

from __future__ import annotations

import csv
import gzip
import json
from functools import cache
from pathlib import Path

import pytest

from pipeline.corrections import Correction, append_correction, apply_corrections
from pipeline.export import write_tables
from pipeline.model import Record
from pipeline.validate import schemas, validate_records

pytestmark = pytest.mark.fast

REFERENCE = Path(__file__).parent / "reference" / "json"
DOC = "undp-bhr-youth-employment"
HEADER = "table,match,field,value,note"


@cache
def reference_records() -> dict[str, list[Record]]:
    """The document's records in the reference dataset, per table."""
    tables = {}
    for table in schemas():
        with gzip.open(REFERENCE / f"{table}.json.gz", "rt", encoding="utf-8") as fh:
            tables[table] = [r for r in json.load(fh) if r["doc_id"] == DOC]
    return tables


def records() -> dict[str, list[Record]]:
    """A fresh copy of the document's records."""
    return json.loads(json.dumps(reference_records()))


def write_file(folder: Path, *rows: list[str], text: str = "") -> Path:
    """The document's corrections file with a header and `rows` (or `text`)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{DOC}.csv"
    if text:
        path.write_text(text, encoding="utf-8")
        return path
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER + "\n")
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


def corrected(folder: Path) -> dict[str, list[Record]]:
    """The records with the folder's corrections applied, validated."""
    tables = records()
    apply_corrections(tables, folder, DOC)
    valid, invalid = validate_records(tables)
    valid["issues"].extend(invalid)
    return valid


def correction_issues(tables: dict[str, list[Record]]) -> list[str]:
    return [
        f"{r['check']}: {r['message']}"
        for r in tables["issues"]
        if r["check"].startswith("correction_")
    ]


def test_a_record_added_with_a_copied_provenance_is_written(tmp_path: Path):
    added = {
        "activity_id": "9.9.5",
        "output_id": "9.9",
        "title": "t",
        "provenance": {
            "fragments": [{"page": 3, "bbox": [1.0, 2.0, 3.0, 4.0]}],
            "corrections": [{"field": "title", "value": "x", "note": "elsewhere"}],
        },
    }
    write_file(tmp_path / "c", ["activities", "", "_add", json.dumps(added), "x"])
    tables = corrected(tmp_path / "c")
    assert not correction_issues(tables)
    new = tables["activities"][-1]
    assert new["provenance"] == {
        "fragments": added["provenance"]["fragments"],
        "corrections": [
            {
                "field": "_add",
                "value": {k: v for k, v in added.items() if k != "provenance"},
                "note": "x",
            }
        ],
    }
    (tmp_path / "out").mkdir()
    write_tables(tmp_path / "out", tables, ["json"])
    written = json.loads((tmp_path / "out" / "json" / "activities.json").read_text())
    assert written[-1]["activity_id"] == "9.9.5"


def only(tables: dict[str, list[Record]], table: str, **match: object) -> Record:
    [row] = [r for r in tables[table] if all(r[k] == v for k, v in match.items())]
    return row


def refused(tables: dict[str, list[Record]], line: int) -> str:
    """The correction_invalid message about the line, which must be there."""
    found = [
        m
        for m in correction_issues(tables)
        if m.startswith("correction_invalid: ") and f"{DOC}.csv line {line}" in m
    ]
    assert len(found) == 1, correction_issues(tables)
    return found[0]


def test_a_malformed_line_is_refused_alone(tmp_path: Path):
    deep = "[" * 60_000 + "]" * 60_000  # within the size of a field
    write_file(
        tmp_path / "c",
        ["activities", "activity_id=1.1", "title", "x" * 200_000, "huge"],
        ["activities", "", "_add", deep, "deep"],
        ["outputs", "output_id=1", "budget_usd", "1000", "p. 7"],
    )
    tables = corrected(tmp_path / "c")
    assert "field" in refused(tables, 2)
    assert "nested" in refused(tables, 3)
    assert only(tables, "outputs", output_id="1")["budget_usd"] == 1000
    assert len(tables["activities"]) == len(reference_records()["activities"])


def test_not_a_number_and_infinity_are_refused(tmp_path: Path):
    added = '{"activity_id": "9.9", "output_id": "9", "title": "t", "confidence": NaN}'
    write_file(
        tmp_path / "c",
        ["activities", "activity_id=1.1", "confidence", "nan", "x"],
        ["activities", "", "_add", added, "x"],
        ["activities", "activity_id=1.1", "confidence", "inf", "x"],
        ["activities", "", "_add", added.replace("NaN", "1e999"), "x"],
    )
    tables = corrected(tmp_path / "c")
    for line in (2, 3, 4, 5):
        refused(tables, line)
    json.dumps(tables, allow_nan=False)


def test_an_integer_too_large_to_store_is_refused(tmp_path: Path):
    write_file(
        tmp_path / "c",
        ["outputs", "output_id=1", "budget_usd", "99999999999999999999", "x"],
    )
    tables = corrected(tmp_path / "c")
    assert "too large" in refused(tables, 2)
    assert only(tables, "outputs", output_id="1")["budget_usd"] == 463000


def test_a_record_added_with_its_required_fields_is_written_valid(tmp_path: Path):
    added = {"activity_id": "9.9", "output_id": "9", "title": "t"}
    write_file(tmp_path / "c", ["activities", "", "_add", json.dumps(added), "x"])
    tables = corrected(tmp_path / "c")
    assert not correction_issues(tables)
    (tmp_path / "out").mkdir()
    write_tables(tmp_path / "out", tables, ["json"])
    written = json.loads((tmp_path / "out" / "json" / "activities.json").read_text())
    assert written[-1]["activity_id"] == "9.9"
    assert validate_records({"activities": written})[1] == []


def test_keys_and_the_corrected_flag_cannot_be_corrected(tmp_path: Path):
    document = {k: v for k, v in reference_records()["documents"][0].items()}
    write_file(
        tmp_path / "c",
        ["activities", "activity_id=1.1", "doc_id", "other", "x"],
        ["documents", "", "_add", json.dumps(document), "x"],
        ["documents", f"doc_id={DOC}", "_delete", "", "x"],
        ["sections", "seq=2", "seq", "1", "x"],
        ["activities", "activity_id=1.1", "corrected", "false", "x"],
        ["activities", "activity_id=1.2", "activity_id", "1.1", "x"],
    )
    tables = corrected(tmp_path / "c")
    for line in range(2, 8):
        refused(tables, line)
    assert len(tables["documents"]) == 1
    assert [s["seq"] for s in tables["sections"]] == list(
        range(1, len(tables["sections"]) + 1)
    )
    assert all(r["doc_id"] == DOC for t in tables.values() for r in t)


def test_a_line_of_too_many_fields_is_refused(tmp_path: Path):
    write_file(
        tmp_path / "c",
        text=f"{HEADER}\nactivities,activity_id=1.1,title,A title, with a comma,p. 3\n",
    )
    tables = corrected(tmp_path / "c")
    assert "6 fields" in refused(tables, 2)
    assert only(tables, "activities", activity_id="1.1")["title"] != "A title"


def test_appending_to_a_file_without_a_final_newline(tmp_path: Path):
    folder = tmp_path / "c"
    path = write_file(folder, text=f"{HEADER}\nrisks,risk_no=1,status,Closed,p. 16")
    append_correction(
        folder, DOC, Correction("risks", "risk_no=2", "status", "Closed", "p. 16"), ""
    )
    assert path.read_text().splitlines()[1:] == [
        "risks,risk_no=1,status,Closed,p. 16",
        "risks,risk_no=2,status,Closed,p. 16",
    ]
    tables = corrected(folder)
    assert not correction_issues(tables)
    assert only(tables, "risks", risk_no="2")["status"] == "Closed"
