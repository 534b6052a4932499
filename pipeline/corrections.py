"""Stage 6b: an analyst's corrections, applied to a document's records on
every run (the cache included), after extraction and before validation.

A corrections folder holds one `<doc_id>.csv` per document, with the columns
`table, match, field, value, note` (and, optionally, `sha256`).  `match`
names one record by some of its columns (`activity_id=1.1.1;year=2008`);
`field` is the column to set to `value`, or `_delete` (drop the record) or
`_add` (`value` is a JSON object: a record the extractor missed).  A line
`# sha256: <hex>` before the header names the PDF the corrections were
written for; a correction for another version of the file is stale and not
applied.  A correction that matches no record, or more than one, or that
would make its record fail its JSON Schema, changes nothing and becomes a
finding in `issues`.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model import Record, finding, issue
from .validate import schemas, validator

COLUMNS = ("table", "match", "field", "value", "note")
SHA_COLUMN = "sha256"
SHA_COMMENT = "# sha256:"
DELETE, ADD = "_delete", "_add"
PROJECT_CORRECTIONS = Path(__file__).resolve().parent.parent / "corrections"


class CorrectionError(ValueError):
    """A corrections file or a correction that cannot be used, with the reason."""


class Unapplied(Exception):
    """A correction that changes nothing: the finding's check and the reason."""

    def __init__(self, check: str, reason: str):
        super().__init__(check, reason)
        self.check, self.reason = check, reason


@dataclass(frozen=True)
class Correction:
    table: str
    match: str
    field: str
    value: str
    note: str
    sha256: str = ""  # of the PDF it was written for; "" when not recorded
    where: str = ""  # file and line, to name it in findings

    def __str__(self) -> str:
        return f"{self.where}: {self.table} [{self.match}] {self.field}"


def correctable(table: str) -> bool:
    return table in schemas() and "corrected" in schemas()[table]["properties"]


def corrections_file(folder: Path, doc_id: str) -> Path:
    return folder / f"{doc_id}.csv"


def read_corrections(path: Path) -> list[Correction]:
    """The corrections of one file, in file order; CorrectionError naming
    the file and the reason when it cannot be read."""
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorrectionError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise CorrectionError(f"{path}: cannot be read ({exc.strerror})") from None
    lines = text.splitlines(keepends=True)
    sha = ""
    skipped = 0
    while skipped < len(lines) and lines[skipped].lstrip().startswith("#"):
        comment = lines[skipped].strip()
        if comment.lower().startswith(SHA_COMMENT):
            sha = comment[len(SHA_COMMENT) :].strip().lower()
        skipped += 1
    reader = csv.DictReader(io.StringIO("".join(lines[skipped:])))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise CorrectionError(
            f"{path}: the header lacks the column(s) {', '.join(missing)} "
            f"(expected {', '.join(COLUMNS)})"
        )
    found = []
    for row in reader:
        values = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(values.values()):
            continue
        found.append(
            Correction(
                *(values[c] for c in COLUMNS),
                sha256=(values.get(SHA_COLUMN) or sha).lower(),
                where=f"{path.name} line {skipped + reader.line_num}",
            )
        )
    return found


def parse_match(text: str) -> dict[str, str]:
    """`activity_id=1.1.1;year=2008` -> {"activity_id": "1.1.1", "year": "2008"}."""
    pairs = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            raise CorrectionError(f'match "{text}": "{part}" is not column=value')
        pairs[name.strip()] = value.strip()
    return pairs


def cell_text(value: Any) -> str:
    """A value as a CSV cell shows it, to compare with a match."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def matching(rows: list[Record], match: dict[str, str]) -> list[int]:
    return [
        i
        for i, row in enumerate(rows)
        if all(cell_text(row.get(k)) == v for k, v in match.items())
    ]


def typed(table: str, field: str, value: str) -> Any:
    """The text of a corrected cell as its column's type: an integer, a
    number, a boolean, or None for an empty cell where the column allows it;
    left as text when it is none of these (the schema then says why)."""
    kinds = schemas()[table]["properties"][field].get("type", "string")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if value == "" and "null" in kinds:
        return None
    for kind, convert in (("integer", int), ("number", float)):
        if kind in kinds:
            try:
                return convert(value.replace(",", ""))
            except ValueError:
                pass
    if "boolean" in kinds and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def schema_reason(table: str, record: Record) -> str:
    """Why the record fails its table's JSON Schema; "" when it passes."""
    errors = sorted(
        validator(table).iter_errors(record), key=lambda e: list(e.absolute_path)
    )
    if not errors:
        return ""
    where = ".".join(str(p) for p in errors[0].absolute_path) or "record"
    return f"{where}: {errors[0].message}"


def noted(record: Record, correction: Correction, value: Any) -> Record:
    record["corrected"] = True
    provenance = record.setdefault("provenance", {"fragments": []})
    provenance.setdefault("corrections", []).append(
        {"field": correction.field, "value": value, "note": correction.note}
    )
    return record


def added(fields: dict[str, Any], doc_id: str, source_file: str) -> Record:
    """The record an `_add` correction describes.  Of a provenance copied
    with it from another record, only the fragments (where it is printed)
    are kept: the corrections listed there are the other record's."""
    provenance = fields.get("provenance")
    fragments = provenance.get("fragments", []) if isinstance(provenance, dict) else []
    return {
        "doc_id": doc_id,
        **without_provenance(fields),
        "source_file": source_file,
        "provenance": {"fragments": copy.deepcopy(fragments)},
    }


def without_provenance(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if k != "provenance"}


def apply_one(
    records: dict[str, list[Record]], c: Correction, doc_id: str, source_file: str
) -> None:
    """Apply one correction to the records; Unapplied when it changes nothing."""
    if not correctable(c.table):
        raise Unapplied(
            "correction_invalid", f'"{c.table}" is not a table that can be corrected'
        )
    try:
        match = parse_match(c.match)
    except CorrectionError as exc:
        raise Unapplied("correction_invalid", str(exc)) from None
    props = schemas()[c.table]["properties"]
    unknown = [
        k for k in [*match, c.field] if k not in props and k not in (ADD, DELETE)
    ]
    if unknown:
        raise Unapplied(
            "correction_invalid", f"{c.table} has no column {', '.join(unknown)}"
        )
    rows = records.setdefault(c.table, [])
    hits = matching(rows, match) if match else []
    if c.field == ADD:
        if hits:
            raise Unapplied(
                "correction_ambiguous",
                f"the record to add is there already ({len(hits)} record(s) match)",
            )
        try:
            fields = json.loads(c.value)
        except json.JSONDecodeError as exc:
            raise Unapplied(
                "correction_invalid", f"value is not a JSON object ({exc.msg})"
            ) from None
        if not isinstance(fields, dict):
            raise Unapplied("correction_invalid", "value is not a JSON object")
        record = noted(
            added(fields, doc_id, source_file), c, without_provenance(fields)
        )
        if reason := schema_reason(c.table, record):
            raise Unapplied("correction_invalid", f"refused: {reason}")
        rows.append(record)
        return
    if not hits:
        raise Unapplied("correction_unmatched", "matches no record")
    if len(hits) > 1:
        raise Unapplied("correction_ambiguous", f"matches {len(hits)} records")
    if c.field == DELETE:
        del rows[hits[0]]
        return
    value = typed(c.table, c.field, c.value)
    record = noted(copy.deepcopy(rows[hits[0]]), c, value)
    record[c.field] = value
    if reason := schema_reason(c.table, record):
        raise Unapplied("correction_invalid", f"refused: {reason}")
    rows[hits[0]] = record


def apply_corrections(
    records: dict[str, list[Record]], folder: Path | None, doc_id: str
) -> None:
    """Apply the folder's corrections for the document to its records, in
    file order; what cannot be applied is added to `issues`.  Every record
    of a table that can be corrected says whether it was."""
    for table, rows in records.items():
        if correctable(table):
            for row in rows:
                row.setdefault("corrected", False)
    path = corrections_file(folder, doc_id) if folder else None
    if path is None or not path.is_file():
        return
    docs = records.get("documents", [])
    sha = str(docs[0].get("sha256", "")).lower() if docs else ""
    source_file = docs[0].get("source_file", "") if docs else ""
    findings = records.setdefault("issues", [])

    def report(check: str, message: str, severity: str = "warning") -> None:
        findings.append(issue(doc_id, source_file, finding(check, severity, message)))

    try:
        corrections = read_corrections(path)
    except CorrectionError as exc:
        report("correction_invalid", f"corrections not applied: {exc}", "error")
        return
    for c in corrections:
        if c.sha256 and sha and c.sha256 != sha:
            report(
                "correction_stale",
                f"{c}: written for another version of the PDF (sha256 "
                f"{c.sha256[:12]}..., the file's is {sha[:12]}...); not applied, "
                "check it against the page",
            )
            continue
        try:
            apply_one(records, c, doc_id, source_file)
        except Unapplied as exc:
            report(
                exc.check,
                f"{c}: {exc.reason}; nothing changed",
                "error" if exc.check == "correction_invalid" else "warning",
            )


def append_correction(
    folder: Path, doc_id: str, correction: Correction, sha256: str
) -> Path:
    """Append a correction to the document's file (created with the PDF's
    sha256 in its header comment); CorrectionError when the file was
    written for another version of the PDF."""
    path = corrections_file(folder, doc_id)
    if path.is_file():
        written_for = {c.sha256 for c in read_corrections(path)} - {""}
        if written_for and written_for != {sha256}:
            raise CorrectionError(
                f"{path}: written for another version of the PDF; "
                "review its corrections against the new file first"
            )
        fresh = False
    else:
        folder.mkdir(parents=True, exist_ok=True)
        fresh = True
    with open(path, "a", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        if fresh:
            fh.write(f"{SHA_COMMENT} {sha256}\n")
            writer.writerow(COLUMNS)
        writer.writerow(
            [
                correction.table,
                correction.match,
                correction.field,
                correction.value,
                correction.note,
            ]
        )
    return path


def check_correction(dataset: Path, doc_id: str, correction: Correction) -> str:
    """Try the correction on the document's records in an extracted dataset
    (as they stand, earlier corrections applied); return the PDF's sha256.
    CorrectionError with the reason when it would change nothing."""
    tables = {}
    for table in ("documents", correction.table):
        path = dataset / "json" / f"{table}.json"
        try:
            rows = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise CorrectionError(
                f"{path}: cannot be read ({exc}); extract the document first, "
                "or name its dataset with --out"
            ) from None
        tables[table] = [r for r in rows if r.get("doc_id") == doc_id]
    if not tables["documents"]:
        raise CorrectionError(f"{dataset}: holds no document {doc_id!r}")
    document = tables["documents"][0]
    try:
        apply_one(tables, correction, doc_id, document.get("source_file", ""))
    except Unapplied as exc:
        raise CorrectionError(
            f"{correction.table} [{correction.match}]: {exc.reason}"
        ) from None
    return str(document.get("sha256", ""))
