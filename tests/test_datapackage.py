"""The Data Package descriptor: it validates the sample's dataset with the
`frictionless` library, agrees with the JSON Schemas, and catches broken data."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from frictionless import validate

from pipeline.datapackage import (
    DESCRIPTOR_FILE,
    descriptor,
    descriptor_bytes,
    write_descriptor,
)
from pipeline.validate import columns, schemas


@pytest.fixture(scope="module")
def dataset(sample_output: Path, tmp_path_factory) -> Path:
    """A copy of the sample's dataset (extracted once per test session), with
    its datapackage.json written again from the CSVs: the shared dataset is
    left as the run wrote it."""
    out = tmp_path_factory.mktemp("datapackage") / "output"
    shutil.copytree(
        sample_output / ".current", out
    )  # the files of the last run, not the links to them
    write_descriptor(out, present_tables(out))
    return out


def present_tables(folder: Path) -> list[str]:
    return [t for t in schemas() if (folder / f"{t}.csv").exists()]


def package(folder: Path) -> dict:
    return json.loads((folder / DESCRIPTOR_FILE).read_text("utf-8"))


def resource(folder: Path, name: str) -> dict:
    return next(r for r in package(folder)["resources"] if r["name"] == name)


def errors_of(report) -> list[tuple]:
    """(error type, resource, row, field, note) of every error in a report."""
    found = [(e.type, None, None, None, e.message) for e in report.errors]
    for task in report.tasks:
        found += [
            (
                e.type,
                task.name,
                getattr(e, "row_number", None),
                getattr(e, "field_name", None),
                getattr(e, "note", ""),
            )
            for e in task.errors
        ]
    return found


def copy_csvs(source: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    for path in sorted(source.glob("*.csv")):
        shutil.copyfile(
            path, target / path.name
        )  # follows the links of a versioned folder
    return target


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# ----------------------------------------------------------------- the sample's package


def test_the_sample_dataset_validates(dataset: Path) -> None:
    report = validate(str(dataset / DESCRIPTOR_FILE))
    assert report.valid, errors_of(report)[:20]
    assert len(report.tasks) == len(present_tables(dataset))


def test_every_csv_of_the_folder_is_a_resource(dataset: Path) -> None:
    csvs = sorted(p.name for p in dataset.glob("*.csv"))
    assert csvs
    assert sorted(r["path"] for r in package(dataset)["resources"]) == csvs
    for r in package(dataset)["resources"]:
        assert r["path"] == f"{r['name']}.csv"
        assert r["format"] == "csv" and r["encoding"] == "utf-8"
        assert r["description"]


def expected_type(prop: dict) -> str:
    kinds = prop.get("type", "string")
    kinds = {kinds} if isinstance(kinds, str) else set(kinds)
    if "integer" in kinds:
        return "integer"
    if "number" in kinds:
        return "number"
    if "boolean" in kinds:
        return "boolean"
    return "string"


def test_fields_and_types_agree_with_the_json_schemas(dataset: Path) -> None:
    for r in package(dataset)["resources"]:
        table = r["name"]
        props = schemas()[table]["properties"]
        fields = r["schema"]["fields"]
        assert [f["name"] for f in fields] == columns(table), table
        with open(dataset / r["path"], encoding="utf-8", newline="") as fh:
            assert next(csv.reader(fh)) == [f["name"] for f in fields], table
        for f in fields:
            prop = props[f["name"]]
            assert f["type"] == expected_type(prop), (table, f["name"])
            assert f.get("description") == prop.get("description"), (table, f["name"])
            constraints = f.get("constraints", {})
            for key in ("minimum", "maximum", "enum"):
                assert constraints.get(key) == prop.get(key), (table, f["name"], key)
            nullable = "null" in (
                prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
            )
            if constraints.get("required"):
                assert (
                    f["name"] in schemas()[table].get("required", []) and not nullable
                ), (table, f["name"])
        assert r["schema"]["missingValues"] == [""]


def test_nullable_integers_stay_integers(dataset: Path) -> None:
    fields = {
        f["name"]: f for f in resource(dataset, "budget_lines")["schema"]["fields"]
    }
    assert fields["amount_usd"]["type"] == "integer"
    assert fields["year"]["type"] == "integer"
    assert not fields["year"].get("constraints", {}).get("required")
    assert fields["year"]["constraints"]["minimum"] == 1990


def test_every_json_schema_pattern_becomes_a_table_schema_pattern(
    dataset: Path,
) -> None:
    for r in package(dataset)["resources"]:
        props = schemas()[r["name"]]["properties"]
        for f in r["schema"]["fields"]:
            pattern = props[f["name"]].get("pattern")
            if pattern is None:
                assert "pattern" not in f.get("constraints", {})
                continue
            translated = f["constraints"]["pattern"]
            assert not translated.startswith("^") and not translated.endswith("$")
            assert f"^{translated}$" == pattern, (r["name"], f["name"])
            re.compile(translated)


def test_keys_where_the_data_has_them(dataset: Path) -> None:
    keys = {
        r["name"]: r["schema"].get("primaryKey") for r in package(dataset)["resources"]
    }
    assert keys["documents"] == ["doc_id"]
    assert keys["sections"] == ["doc_id", "seq"]
    assert keys["outputs"] == ["doc_id", "output_id"]
    assert keys["activities"] == ["doc_id", "activity_id"]
    assert keys["workplan"] is None and keys["budget_lines"] is None


def test_foreign_keys_that_always_hold_and_none_that_documents_contradict(
    dataset: Path,
) -> None:
    fks = {
        r["name"]: r["schema"].get("foreignKeys", [])
        for r in package(dataset)["resources"]
    }
    to_documents = {
        "fields": ["doc_id"],
        "reference": {"resource": "documents", "fields": ["doc_id"]},
    }
    assert to_documents in fks["outputs"]
    assert to_documents in fks["activities"]
    assert {
        "fields": ["doc_id", "output_id"],
        "reference": {"resource": "outputs", "fields": ["doc_id", "output_id"]},
    } in fks["activities"]
    for table in ("workplan", "budget_lines"):
        assert all(fk["reference"]["resource"] != "activities" for fk in fks[table]), (
            table
        )
        description = resource(dataset, table)["description"]
        assert "activities.csv" in description and "issues.csv" in description, table


def test_descriptor_is_stable() -> None:
    tables = list(schemas())
    assert descriptor_bytes(tables) == descriptor_bytes(list(reversed(tables)))
    assert "created" not in descriptor(tables)


def test_without_data_only_keys_that_hold_by_construction() -> None:
    d = descriptor(list(schemas()))
    keys = {r["name"]: r["schema"].get("primaryKey") for r in d["resources"]}
    assert keys["documents"] == ["doc_id"] and keys["sections"] == ["doc_id", "seq"]
    assert keys["activities"] is None and keys["outputs"] is None
    fks = {r["name"]: r["schema"].get("foreignKeys", []) for r in d["resources"]}
    assert not fks["issues"]  # a failed document has issues but no documents row
    assert fks["workplan"] == [
        {
            "fields": ["doc_id"],
            "reference": {"resource": "documents", "fields": ["doc_id"]},
        }
    ]


def test_a_subset_of_tables_references_only_tables_present() -> None:
    d = descriptor(["outputs", "activities"])
    assert [r["name"] for r in d["resources"]] == ["outputs", "activities"]
    for r in d["resources"]:
        for fk in r["schema"].get("foreignKeys", []):
            assert fk["reference"]["resource"] in {"outputs", "activities"}
    with pytest.raises(ValueError):
        descriptor(["no_such_table"])


# ---------------------------------------------------------------- broken data is caught


def test_validation_catches_duplicates_bad_types_and_dangling_references(
    dataset: Path, tmp_path: Path
) -> None:
    broken = copy_csvs(dataset, tmp_path / "broken")
    shutil.copyfile(
        dataset / DESCRIPTOR_FILE, broken / DESCRIPTOR_FILE
    )  # the package of the good data
    header, rows = read_rows(broken / "activities.csv")
    rows.append(dict(rows[0]))  # a repeated activity id
    rows.append(
        {**rows[1], "activity_id": "9.9.9", "output_id": "9.9"}
    )  # an output that does not exist
    write_rows(broken / "activities.csv", header, rows)
    header, rows = read_rows(broken / "workplan.csv")
    rows[0]["year"] = "20x8"
    write_rows(broken / "workplan.csv", header, rows)
    header, rows = read_rows(broken / "issues.csv")
    rows[0]["severity"] = "fatal"
    write_rows(broken / "issues.csv", header, rows)
    report = validate(str(broken / DESCRIPTOR_FILE))
    assert not report.valid
    found = {(e[0], e[1]) for e in errors_of(report)}
    assert ("primary-key", "activities") in found
    assert ("foreign-key", "activities") in found
    assert ("type-error", "workplan") in found
    assert ("constraint-error", "issues") in found


def test_keys_the_data_breaks_are_left_out_and_the_package_still_validates(
    dataset: Path, tmp_path: Path
) -> None:
    folder = copy_csvs(dataset, tmp_path / "contradictory")
    header, rows = read_rows(folder / "activities.csv")
    rows.append({**rows[0], "title": "the same number printed twice"})
    write_rows(folder / "activities.csv", header, rows)
    header, rows = read_rows(folder / "budget_lines.csv")
    rows.append({**rows[0], "activity_id": "7.7.7"})  # an activity the framework lacks
    write_rows(folder / "budget_lines.csv", header, rows)
    path = write_descriptor(folder, present_tables(folder))
    activities = resource(folder, "activities")
    assert "primaryKey" not in activities["schema"]
    assert "no primary key" in activities["description"]
    report = validate(str(path))
    assert report.valid, errors_of(report)[:20]


def test_records_and_their_csvs_give_the_same_descriptor(dataset: Path) -> None:
    records = {
        t: json.loads((dataset / "json" / f"{t}.json").read_text("utf-8"))
        for t in present_tables(dataset)
    }
    assert (
        descriptor_bytes(present_tables(dataset), records)
        == (dataset / DESCRIPTOR_FILE).read_bytes()
    )
