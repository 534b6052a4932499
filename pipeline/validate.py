"""Stage 7: every record is checked against its JSON Schema before writing.

The schemas in `schemas/` are the one source of truth for the record types
(the package reads them as `pipeline/schemas`, a link to that folder that a
built wheel holds as a copy):
their property order is the CSV column order, and the Parquet, DuckDB and
Data Package types are derived from them.  A record that fails is not
written; it becomes an `invalid_record` finding that names the field and the
reason.  The keys that identify a record of a table are declared here too
(`PRIMARY_KEYS`): the Data Package declares those the data satisfies, and a
correction may not break one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

from .model import Record, finding, issue


@cache
def schemas() -> dict[str, dict[str, Any]]:
    folder = resources.files(__package__).joinpath("schemas")
    if not folder.is_dir():
        raise FileNotFoundError(f"schema folder not found: {folder}")
    return {
        p.name.removesuffix(".schema.json"): json.loads(p.read_text("utf-8"))
        for p in sorted(folder.iterdir(), key=lambda p: p.name)
        if p.name.endswith(".schema.json")
    }


@cache
def validator(table: str) -> Draft202012Validator:
    schema = schemas()[table]
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def columns(table: str) -> list[str]:
    """The table's flat fields: the columns of its CSV, Parquet and DuckDB
    tables (an object, such as a record's provenance, is written to JSON only)."""
    return [
        name
        for name, prop in schemas()[table]["properties"].items()
        if prop.get("type") != "object"
    ]


def json_fields(table: str) -> list[str]:
    return list(schemas()[table]["properties"])


@dataclass(frozen=True)
class Key:
    """The fields that identify a record of a table (with its document)."""

    table: str
    fields: tuple[str, ...]
    always: bool = False  # unique by construction, declared without looking at the data


PRIMARY_KEYS = (
    Key("documents", ("doc_id",), always=True),
    Key("sections", ("doc_id", "seq"), always=True),
    Key("outcomes", ("doc_id", "outcome_no")),
    Key("outputs", ("doc_id", "output_id")),
    Key("targets", ("doc_id", "output_id", "seq")),
    Key("activities", ("doc_id", "activity_id")),
    Key("funding", ("doc_id", "source")),
    Key("risks", ("doc_id", "risk_no")),
)


def cell(value: Any) -> str | None:
    """A value as a CSV cell reads back: empty and None are both null."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def key_values(
    rows: Iterable[Mapping[str, Any]], fields: Sequence[str]
) -> Iterable[tuple[str | None, ...]]:
    for row in rows:
        yield tuple(cell(row.get(f)) for f in fields)


def key_holds(rows: Sequence[Mapping[str, Any]], fields: Sequence[str]) -> bool:
    """Every row has every key field, and no two rows share a key."""
    seen: set[tuple[str | None, ...]] = set()
    for values in key_values(rows, fields):
        if None in values or values in seen:
            return False
        seen.add(values)
    return True


def validate_records(
    records: dict[str, list[Record]],
) -> tuple[dict[str, list[Record]], list[Record]]:
    """(the valid records per table, an `invalid_record` finding per failure)."""
    valid: dict[str, list[Record]] = {}
    findings: list[Record] = []
    for table, rows in records.items():
        check = validator(table)
        kept = []
        for row in rows:
            errors = sorted(check.iter_errors(row), key=lambda e: list(e.path))
            if not errors:
                kept.append(row)
                continue
            where = ".".join(str(p) for p in errors[0].path) or "record"
            page = row.get("page")
            findings.append(
                invalid_record(
                    row,
                    f"{table} record {describe(row)} not written: {where}: "
                    f"{errors[0].message}",
                    page if isinstance(page, int) else None,
                )
            )
        valid[table] = kept
    return valid, findings


def invalid_record(row: Record, message: str, page: int | None) -> Record:
    """The `invalid_record` finding about a record that is not written."""
    return issue(
        row.get("doc_id", ""),
        row.get("source_file", ""),
        finding("invalid_record", "error", message, page),
    )


def describe(row: Record) -> str:
    keys = [
        k
        for k in ("activity_id", "output_id", "outcome_no", "risk_no", "seq", "year")
        if row.get(k) not in (None, "")
    ]
    return "(" + ", ".join(f"{k}={row[k]}" for k in keys[:3]) + ")" if keys else ""
