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

from pipeline.corrections import apply_corrections
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
