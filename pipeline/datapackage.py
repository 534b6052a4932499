"""A Frictionless Data Package (`datapackage.json`) for the CSVs of an output folder.

Everything about the fields comes from the JSON Schemas in `schemas/`
(`validate.schemas()`): names in column order, types, descriptions and the
constraints a Table Schema can express.  Only the relationships between the
tables are stated here, as candidates:

* a key or reference marked `always` holds by the way records are made (one
  `documents` row per document, `seq` numbers sections in reading order) and
  is declared even when no data is at hand;
* the others depend on what a document prints (a framework may number two
  activities alike, an output may lack its outcome) and are declared only when
  the data at hand is given and satisfies them, with the semantics a
  Frictionless validator applies (empty cell = null).

Relationships that documents contradict by design are never declared as
foreign keys; the resource descriptions state them in words instead: a
work-plan row or budget line may name an activity that the results framework
lacks, and that contradiction is reported in `issues.csv`.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .model import Record
from .validate import PRIMARY_KEYS, Key, columns, key_holds, key_values, schemas

DESCRIPTOR_FILE = "datapackage.json"
MISSING_VALUES = [""]
Tables = Mapping[str, Sequence[Mapping[str, Any]]]

# reading order of the resources; tables not named here follow alphabetically
ORDER = (
    "documents",
    "funding",
    "sections",
    "outcomes",
    "outputs",
    "targets",
    "activities",
    "workplan",
    "budget_lines",
    "risks",
    "issues",
    "money_statements",
    "tables",
)


@dataclass(frozen=True)
class Reference:
    table: str
    fields: tuple[str, ...]
    target: str
    target_fields: tuple[str, ...]
    always: bool = False  # holds by construction, declared without looking at the data


REFERENCES = (
    Reference(
        "outputs", ("doc_id", "outcome_no"), "outcomes", ("doc_id", "outcome_no")
    ),
    Reference("targets", ("doc_id", "output_id"), "outputs", ("doc_id", "output_id")),
    Reference(
        "activities", ("doc_id", "output_id"), "outputs", ("doc_id", "output_id")
    ),
)

# what the tables say about each other where no foreign key can promise it
NOTES = {
    "issues": "A document that could not be read at all has rows here but no row in "
    "documents.csv.",
    "activities": "output_id names the output of outputs.csv that the activity "
    "numbering implies "
    "(activities 1.2.x sit under output 1.2); where the framework lists no activities, "
    "they come from the work plan and their output may be missing from outputs.csv.",
    "workplan": "activity_id is the number printed in the work-plan grid. It usually "
    "names an activity "
    "of activities.csv (same doc_id), but a work plan may number its rows differently "
    "from the "
    "results framework or list activities the framework lacks; such rows are kept as "
    "printed and "
    "reported in issues.csv (checks workplan_activity_numbering, "
    "workplan_activity_not_in_framework), so no foreign key is declared.",
    "budget_lines": "activity_id is the activity number printed in the budget sheet; "
    "empty for lines that "
    "belong to no activity (then label names the line: Overhead, GMS ...). It usually "
    "names an "
    "activity of activities.csv (same doc_id), but budget sheets may cite activities "
    "the "
    "results framework lacks; such lines are kept as printed and reported in "
    "issues.csv "
    "(check budget_activity_not_in_framework), so no foreign key is declared. "
    "The output of a line is the output_id of its activity.",
    "outputs": "budget_usd is the results framework's own figure; where it differs "
    "from the budget sheets, "
    "issues.csv says so (check output_budget_vs_budget_sheets).",
}


# --------------------------------------------------------- fields from the JSON Schemas


def json_types(prop: Mapping[str, Any]) -> list[str]:
    kinds = prop.get("type", "string")
    return [kinds] if isinstance(kinds, str) else list(kinds)


def field_type(prop: Mapping[str, Any]) -> str:
    """The Table Schema type of a JSON Schema property (null only makes it optional)."""
    kinds = [k for k in json_types(prop) if k != "null"]
    for kind in ("integer", "number", "boolean", "string"):
        if kind in kinds:
            return kind
    return (
        {"array": "array", "object": "object"}.get(kinds[0], "any") if kinds else "any"
    )


def table_pattern(pattern: str) -> str | None:
    """A JSON Schema pattern (a search) as a Table Schema pattern (matched
    against the whole value), or None where it has no exact equivalent."""
    if not (
        pattern.startswith("^")
        and pattern.endswith("$")
        and not pattern.endswith("\\$")
    ):
        return None
    inner = pattern[1:-1]
    depth, escaped, in_class = 0, False, False
    for ch in inner:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return None  # ^a|b$ is not the whole-value match (a|b)
        elif ch in "^$":
            return None
    return inner


def allows_empty(prop: Mapping[str, Any]) -> bool:
    """Whether the empty string is a valid value of a string property."""
    if prop.get("minLength", 0) > 0:
        return False
    if "enum" in prop:
        return "" in prop["enum"]
    pattern = prop.get("pattern")
    return pattern is None or re.search(pattern, "") is not None


def field_descriptor(
    name: str, prop: Mapping[str, Any], required: bool
) -> dict[str, Any]:
    kind = field_type(prop)
    field: dict[str, Any] = {"name": name, "type": kind}
    if prop.get("title"):
        field["title"] = prop["title"]
    if prop.get("description"):
        field["description"] = prop["description"]
    constraints: dict[str, Any] = {}
    nullable = "null" in json_types(prop)
    # an empty cell is read as null: a value can be required only where the
    # record must have it and the schema rules out both null and ""
    if required and not nullable and not (kind == "string" and allows_empty(prop)):
        constraints["required"] = True
    if "enum" in prop:
        values = [v for v in prop["enum"] if v is not None and v != ""]
        if values:
            constraints["enum"] = values
    if kind == "string":
        if "pattern" in prop:
            pattern = table_pattern(prop["pattern"])
            if pattern is not None:
                constraints["pattern"] = pattern
        for key in ("minLength", "maxLength"):
            if key in prop and not (key == "minLength" and not prop[key]):
                constraints[key] = prop[key]
    if kind in ("integer", "number"):
        for key in ("minimum", "maximum"):
            if key in prop:
                constraints[key] = prop[key]
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(table: str) -> dict[str, Any]:
    schema = schemas()[table]
    required = set(schema.get("required", []))
    return {
        "fields": [
            field_descriptor(name, schema["properties"][name], name in required)
            for name in columns(table)
        ],
        "missingValues": list(MISSING_VALUES),
    }


# -------------------------------------------------------- keys checked against the data


def reference_holds(
    rows: Sequence[Mapping[str, Any]],
    fields: Sequence[str],
    target_rows: Sequence[Mapping[str, Any]],
    target_fields: Sequence[str],
) -> bool:
    """Every row whose reference is not wholly empty finds its target (a
    partly empty reference finds none)."""
    targets = set(key_values(target_rows, target_fields))
    return all(
        values in targets
        for values in key_values(rows, fields)
        if any(v is not None for v in values)
    )


def doc_references(present: Sequence[str]) -> list[Reference]:
    """doc_id of every table -> documents.doc_id.  Holds by construction
    except in issues, which also reports documents that failed as a whole."""
    if "documents" not in present:
        return []
    return [
        Reference(t, ("doc_id",), "documents", ("doc_id",), always=t != "issues")
        for t in present
        if t != "documents" and "doc_id" in schemas()[t]["properties"]
    ]


def declared_keys(
    present: Sequence[str], tables: Tables | None
) -> dict[str, tuple[str, ...]]:
    keys: dict[str, tuple[str, ...]] = {}
    for key in PRIMARY_KEYS:
        if key.table not in present or key.table in keys:
            continue
        if not set(key.fields) <= set(schemas()[key.table]["properties"]):
            continue
        if (
            tables is None
            and key.always
            or tables is not None
            and key_holds(tables.get(key.table, []), key.fields)
        ):
            keys[key.table] = key.fields
    return keys


def declared_references(
    present: Sequence[str], keys: Mapping[str, tuple[str, ...]], tables: Tables | None
) -> list[Reference]:
    declared = []
    for ref in [*doc_references(present), *REFERENCES]:
        if ref.table not in present or keys.get(ref.target) != ref.target_fields:
            continue  # a reference points at the primary key of a table in the package
        if not set(ref.fields) <= set(schemas()[ref.table]["properties"]):
            continue
        if tables is None:
            ok = ref.always
        else:
            ok = reference_holds(
                tables.get(ref.table, []),
                ref.fields,
                tables.get(ref.target, []),
                ref.target_fields,
            )
        if ok:
            declared.append(ref)
    return declared


# ------------------------------------------------------------------ the descriptor


def ordered(tables: Iterable[str]) -> list[str]:
    names = set(tables)
    unknown = sorted(names - set(schemas()))
    if unknown:
        raise ValueError(f"no JSON Schema for table(s): {', '.join(unknown)}")
    return [t for t in ORDER if t in names] + sorted(names - set(ORDER))


def resource_description(
    table: str, key: tuple[str, ...] | None, candidate: Key | None
) -> str:
    parts = [schemas()[table].get("description", "").strip()]
    if key:
        parts.append(f"Primary key: {', '.join(key)}.")
    elif candidate:
        parts.append(
            f"({', '.join(candidate.fields)}) is meant to identify a row, but "
            "documents can repeat or "
            "omit it, and this dataset does not satisfy it, so no primary key is "
            "declared."
        )
    if table in NOTES:
        parts.append(NOTES[table])
    return " ".join(p for p in parts if p)


def descriptor(
    tables_present: list[str], tables: Tables | None = None
) -> dict[str, Any]:
    """The Data Package descriptor for the CSVs of `tables_present`.

    `tables` (records per table, as written) lets the keys and references
    that depend on the documents be checked and declared; without it only
    those that hold by construction are.
    """
    present = ordered(tables_present)
    keys = declared_keys(present, tables)
    references = declared_references(present, keys, tables)
    candidates = {k.table: k for k in PRIMARY_KEYS}
    resources = []
    for table in present:
        schema = table_schema(table)
        assert [f["name"] for f in schema["fields"]] == columns(table)
        if table in keys:
            schema["primaryKey"] = list(keys[table])
        fks = [
            {
                "fields": list(r.fields),
                "reference": {"resource": r.target, "fields": list(r.target_fields)},
            }
            for r in references
            if r.table == table
        ]
        if fks:
            schema["foreignKeys"] = fks
        checked_candidate = candidates.get(table) if tables is not None else None
        resources.append(
            {
                "name": table,
                "path": f"{table}.csv",
                "profile": "tabular-data-resource",
                "title": schemas()[table].get("title", table),
                "description": resource_description(
                    table, keys.get(table), checked_candidate
                ),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {
                    "delimiter": ",",
                    "doubleQuote": True,
                    "quoteChar": '"',
                    "header": True,
                    "lineTerminator": "\n",
                },
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "undp-prodocs",
        "title": "UNDP project documents: sections, results framework, work plan, "
        "budget, risks",
        "description": (
            "Records extracted from UNDP project-document PDFs, one CSV per record "
            "type, every "
            "document in the same file, told apart by doc_id. An empty cell means "
            "unknown or not "
            "stated; money is in whole US dollars. issues.csv lists where a document "
            "contradicts "
            "itself. The same records are also in json/, parquet/ and prodocs.duckdb."
        ),
        "version": __version__,
        "keywords": [
            "UNDP",
            "project document",
            "results framework",
            "work plan",
            "budget",
        ],
        "resources": resources,
    }


def descriptor_bytes(tables_present: list[str], tables: Tables | None = None) -> bytes:
    """The descriptor as the bytes of `datapackage.json` (stable: same input,
    same bytes)."""
    return (
        json.dumps(descriptor(tables_present, tables), ensure_ascii=False, indent=2)
        + "\n"
    ).encode("utf-8")


def read_csv_tables(
    folder: Path, tables_present: Iterable[str]
) -> dict[str, list[Record]]:
    tables = {}
    for table in tables_present:
        with open(folder / f"{table}.csv", encoding="utf-8", newline="") as fh:
            tables[table] = list(csv.DictReader(fh))
    return tables


def write_descriptor(
    out_dir: Path, tables_present: list[str], tables: Tables | None = None
) -> Path:
    """Write `datapackage.json` beside the CSVs in `out_dir` and return its path.

    Keys and references are checked against `tables` when given, else
    against the CSVs in `out_dir` themselves."""
    out_dir = Path(out_dir)
    if tables is None:
        tables = read_csv_tables(out_dir, tables_present)
    target = out_dir / DESCRIPTOR_FILE
    tmp = out_dir / f".{DESCRIPTOR_FILE}.tmp-{os.getpid()}"
    tmp.write_bytes(descriptor_bytes(tables_present, tables))
    os.replace(tmp, target)
    return target
