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
would make its record fail its JSON Schema, hold what no format can store
(a number that is not one, an integer over 64 bits), or share its key with
another, changes nothing and becomes a finding in `issues` that names its
file and line; so does a line that cannot be read as a correction.  The
document's id, its `documents` row and whether a record was corrected are
not for corrections to change.

A correction of table `tables` corrects how a table is read rather than its
records: `match` is `table_no=N` (as `tables.csv` numbers the document's
tables), `field` is `kind` (a table kind, or `none`), `role:C` (column C,
from 1; the value a column role, or empty for none) or `row:R` (body row R,
from 1: `total` or `line`).  These are read before extraction
(`table_readings`) and taken by the extraction as certain evidence
(`readings`); here they are only checked against the tables read, a line
naming a table, column or row the document no longer has being stale.
"""

from __future__ import annotations

import copy
import csv
import io
import itertools
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

from .errors import shown
from .model import Record, finding, issue
from .readings import LINE, TOTAL, TableReading, column_roles, table_kinds
from .validate import PRIMARY_KEYS, key_holds, schemas, validator

COLUMNS = ("table", "match", "field", "value", "note")
SHA_COLUMN = "sha256"
SHA_COMMENT = "# sha256:"
DELETE, ADD = "_delete", "_add"
PROJECT_CORRECTIONS = Path(__file__).resolve().parent.parent / "corrections"
MAX_DEPTH = 10  # levels of nesting in an `_add` record (its provenance has 4)
INT64 = 2**63  # integers of Parquet and DuckDB columns lie in [-INT64, INT64)
SHOWN = 80  # characters of a correction's table, match or field named in an issue
READINGS = "tables"  # the table whose corrections say how a table is read
KIND, ROLE, ROW = "kind", "role", "row"  # what a table correction is about
FIXED = {  # fields no correction sets, and why
    "doc_id": "names the document",
    "corrected": "says whether a correction changed the record",
}


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
    problem: str = ""  # why the line cannot be read as a correction

    def __str__(self) -> str:
        named = [self.table, f"[{self.match}]" if self.match else "", self.field]
        told = " ".join(quoted(part) for part in named if part)
        return f"{self.where}: {told}" if told else self.where


def quoted(text: str) -> str:
    """Text of a corrections file, fit for an issue's message: shortened,
    and with what is not printable (or not UTF-8) as escapes."""
    return shown(text if len(text) <= SHOWN else text[: SHOWN - 3] + "...")


def correctable(table: str) -> bool:
    return table in schemas() and "corrected" in schemas()[table]["properties"]


def corrections_file(folder: Path, doc_id: str) -> Path:
    return folder / f"{doc_id}.csv"


def read_corrections(path: Path) -> list[Correction]:
    """The corrections of one file, in file order, a line that cannot be
    read as one with its problem; CorrectionError naming the file (and the
    line) when the file cannot be read or its header is not a header."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorrectionError(f"{path}: cannot be read ({exc.strerror})") from None
    # bytes that are not UTF-8 are kept, as escapes, to refuse their line alone
    lines = io.StringIO(data.decode("utf-8-sig", "surrogateescape"), newline="")
    sha, skipped = "", 0
    for line in lines:
        if not line.lstrip().startswith("#"):
            lines = itertools.chain([line], lines)
            break
        skipped += 1
        if line.strip().lower().startswith(SHA_COMMENT):
            sha = line.strip()[len(SHA_COMMENT) :].strip().lower()
    records = (
        (f"{path.name} {where}", fields)
        for where, fields in csv_records(lines, skipped)
    )
    first = next(records, None)
    if first is None:
        return []
    header = header_of(*first)
    return [
        correction_of(header, fields, sha, where) for where, fields in records if fields
    ]


# characters in one field of a corrections line: the csv module's default
# limit, held here since that limit is the process's and a caller may raise it
MAX_FIELD = 131_072


def csv_records(
    lines: Iterable[str], skipped: int
) -> Iterator[tuple[str, list[str] | str]]:
    """(`line N` or `lines N-M`, the fields of the CSV record there, or why
    it cannot be read) for each record after the first `skipped` lines,
    blank ones left out."""
    reader = csv.reader(lines)
    last = skipped

    while True:
        try:
            fields: list[str] | str = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            fields = f"cannot be read as CSV ({exc})"
        first, last = last + 1, skipped + reader.line_num
        if fields:
            yield (
                (f"line {first}" if first == last else f"lines {first}-{last}"),
                fields,
            )


def header_of(where: str, fields: list[str] | str) -> list[str]:
    """The column names of a header; CorrectionError when it lacks some."""
    names = [] if isinstance(fields, str) else [f.strip() for f in fields]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise CorrectionError(
            f"{where}: the header lacks the column(s) {', '.join(missing)} "
            f"(expected {', '.join(COLUMNS)})"
        )
    return names


def correction_of(
    header: list[str], fields: list[str] | str, sha: str, where: str
) -> Correction:
    """The correction a CSV record of a file states, or its problem."""
    if isinstance(fields, str):
        return Correction(*("" for _ in COLUMNS), where=where, problem=fields)
    values = {k: v.strip() for k, v in zip(header, fields, strict=False)}
    problem = ""
    if len(fields) > len(header) or any(c not in values for c in COLUMNS):
        problem = (
            f"{len(fields)} fields where the header has {len(header)} "
            "(a value that holds a comma must be in double quotes)"
        )
    return Correction(
        *(values.get(c, "") for c in COLUMNS),
        sha256=(values.get(SHA_COLUMN) or sha).lower(),
        where=where,
        problem=problem,
    )


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


def refused(reason: str) -> Unapplied:
    return Unapplied("correction_invalid", reason)


def record_reason(table: str, record: Record) -> str:
    """Why the record cannot be written: it fails its table's JSON Schema,
    or holds a value no format stores; "" when it can."""
    errors = sorted(
        validator(table).iter_errors(record), key=lambda e: list(e.absolute_path)
    )
    if errors:
        where = ".".join(str(p) for p in errors[0].absolute_path) or "record"
        return f"{where}: {errors[0].message}"
    return unstorable(record)


def unstorable(value: Any, where: str = "record") -> str:
    """Where the value holds a number that is none (NaN, infinity: not
    JSON), or an integer too large for the 64-bit columns; "" if nowhere."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"{where}: {value} is not a number"
    if isinstance(value, int) and not isinstance(value, bool):
        return "" if -INT64 <= value < INT64 else f"{where}: {value} is too large"
    if isinstance(value, dict):
        items: Iterable[tuple[Any, Any]] = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return ""
    inside = "" if where == "record" else f"{where}."
    return next((r for k, v in items if (r := unstorable(v, f"{inside}{k}"))), "")


def breaks_key(table: str, before: list[Record], after: list[Record]) -> str:
    """The key of the table that the records held before and no longer do,
    as a reason; "" when none is broken."""
    for key in PRIMARY_KEYS:
        if (
            key.table == table
            and key_holds(before, key.fields)
            and not key_holds(after, key.fields)
        ):
            fields = ", ".join(key.fields)
            return f"two records would share their key ({fields}), or one lack it"
    return ""


def parsed_record(text: str) -> dict[str, Any]:
    """The JSON object of an `_add` correction; Unapplied when it is none,
    or holds what no record holds (NaN, deep nesting)."""

    def not_a_number(name: str) -> None:
        raise ValueError(f"{name} is not a number")

    try:
        fields = json.loads(text, parse_constant=not_a_number)
    except RecursionError:
        raise refused("value is nested too deeply to be a record") from None
    except ValueError as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise refused(f"value is not a JSON object ({reason})") from None
    if not isinstance(fields, dict):
        raise refused("value is not a JSON object")
    if depth(fields) > MAX_DEPTH:
        raise refused(f"value is nested deeper than {MAX_DEPTH} levels")
    return fields


def depth(value: Any) -> int:
    """Levels of objects and arrays in a JSON value (0 for a scalar)."""
    deepest, level = 0, [(value, 0)]
    while level:
        item, n = level.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, n + 1)
            level.extend(
                (v, n + 1) for v in (item.values() if isinstance(item, dict) else item)
            )
    return deepest


def noted(record: Record, correction: Correction, value: Any) -> Record:
    record["corrected"] = True
    provenance = record.setdefault("provenance", {"fragments": []})
    provenance.setdefault("corrections", []).append(
        {"field": correction.field, "value": value, "note": correction.note}
    )
    return record


def added(table: str, fields: dict[str, Any], doc_id: str, source_file: str) -> Record:
    """The record an `_add` correction describes, with every field its table
    has: one not given is empty (null, false or "") where the schema allows
    it.  Of a provenance copied with it from another record, only the
    fragments (where it is printed) are kept: the corrections listed there
    are the other record's."""
    if fields.get("doc_id", doc_id) != doc_id:
        raise refused(
            f"doc_id: the record would belong to another document than {doc_id}"
        )
    provenance = fields.get("provenance")
    fragments = provenance.get("fragments", []) if isinstance(provenance, dict) else []
    schema = schemas()[table]
    record = {
        name: empty(prop)
        for name, prop in schema["properties"].items()
        if name not in schema.get("required", ())
    }
    record.update(without_provenance(fields))
    record.update(
        doc_id=doc_id,
        source_file=source_file,
        provenance={"fragments": copy.deepcopy(fragments)},
    )
    return record


def empty(prop: dict[str, Any]) -> Any:
    """A field's value when not stated: null, false or "" as its type allows
    (null otherwise, which its schema then refuses)."""
    kinds = prop.get("type", "string")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if "null" in kinds:
        return None
    return {"boolean": False, "string": ""}.get(kinds[0])


def without_provenance(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if k != "provenance"}


@dataclass(frozen=True)
class Said:
    """A correction of how a table is read: the table's number, what it is
    about (KIND, ROLE or ROW), the column or row (from 0) and the value."""

    table_no: int
    aspect: str
    index: int
    value: str

    def into(self, reading: TableReading) -> None:
        if self.aspect == KIND:
            reading.kind = self.value
        elif self.aspect == ROLE:
            reading.roles[self.index] = self.value or None
        else:
            reading.rows[self.index] = self.value == TOTAL


def positive(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and int(text) > 0 else None


def checked_said(c: Correction) -> Said:
    """What a correction of table `tables` says; Unapplied (invalid) with
    the reason when it says nothing a table's reading can take."""
    readable(c)
    name, sep, number = c.match.partition("=")
    table_no = positive(number.strip()) if name.strip() == "table_no" else None
    if not sep or table_no is None:
        raise refused(f'match "{quoted(c.match)}" is not table_no=N (N from 1)')
    aspect, colon, place = c.field.partition(":")
    index = (
        1
        if c.field == KIND
        else positive(place.strip())
        if colon and aspect in (ROLE, ROW)
        else None
    )
    if index is None:
        raise refused(
            f'field "{quoted(c.field)}" is none of kind, role:C and row:R '
            "(C and R counted from 1)"
        )
    allowed = {
        KIND: table_kinds(),
        ROLE: ["", *column_roles()],
        ROW: [TOTAL, LINE],
    }[aspect]
    if c.value not in allowed:
        raise refused(
            f'"{quoted(c.value)}" is no {aspect} a table takes '
            f"(one of {', '.join(v or '(empty)' for v in allowed)})"
        )
    return Said(table_no, aspect, index - 1, c.value)


def said_fits(tables: list[Record], c: Correction) -> None:
    """Check a correction of table `tables` against the tables read:
    Unapplied (stale) when its table, column or row is not there."""
    said = checked_said(c)
    table = next((t for t in tables if t.get("table_no") == said.table_no), None)
    if table is None:
        raise Unapplied(
            "correction_stale",
            f"the document has no table {said.table_no} ({len(tables)} tables)",
        )
    size = {ROLE: ("n_cols", "columns"), ROW: ("n_rows", "body rows")}
    if said.aspect in size:
        count, what = size[said.aspect]
        if said.index >= table.get(count, 0):
            raise Unapplied(
                "correction_stale",
                f"table {said.table_no} has {table.get(count, 0)} {what}",
            )


def table_readings(
    folder: Path | None, doc_id: str, sha256: str
) -> dict[int, TableReading]:
    """What the document's corrections say of how its tables are read, by
    table number, for the extraction to take (later lines over earlier
    ones); lines that cannot be taken are left out, and named in `issues`
    by `apply_corrections`."""
    path = corrections_file(folder, doc_id) if folder else None
    if path is None or not path.is_file():
        return {}
    try:
        corrections = read_corrections(path)
    except CorrectionError:
        return {}
    readings: dict[int, TableReading] = {}
    for c in corrections:
        if c.table != READINGS or c.sha256 and sha256 and c.sha256 != sha256.lower():
            continue
        try:
            said = checked_said(c)
        except Unapplied:
            continue
        said.into(readings.setdefault(said.table_no, TableReading()))
    return readings


def readable(c: Correction) -> None:
    """Unapplied (invalid) when the line cannot be read as a correction."""
    if c.problem:
        raise refused(c.problem)
    parts = astuple(c)
    if any("\udc80" <= ch <= "\udcff" for part in parts for ch in part):
        raise refused("not UTF-8 text")
    if max(map(len, parts)) > MAX_FIELD:
        raise refused(f"a field over {MAX_FIELD} characters")


def checked_correction(c: Correction) -> dict[str, str]:
    """The correction's match, once the correction is one this table takes;
    Unapplied with the reason otherwise."""
    readable(c)
    if not correctable(c.table):
        raise refused(f'"{quoted(c.table)}" is not a table that can be corrected')
    try:
        match = parse_match(c.match)
    except CorrectionError as exc:
        raise refused(str(exc)) from None
    props = schemas()[c.table]["properties"]
    unknown = [
        k for k in [*match, c.field] if k not in props and k not in (ADD, DELETE)
    ]
    if unknown:
        raise refused(f"{c.table} has no column {', '.join(map(quoted, unknown))}")
    if c.field in FIXED:
        raise refused(f"{c.field} cannot be corrected: it {FIXED[c.field]}")
    if c.table == "documents" and c.field in (ADD, DELETE):
        raise refused("a document's own record can be corrected, not added or deleted")
    return match


def apply_one(
    records: dict[str, list[Record]], c: Correction, doc_id: str, source_file: str
) -> None:
    """Apply one correction to the records; Unapplied when it changes nothing.
    One of how a table is read was applied by the extraction: it is checked."""
    if c.table == READINGS:
        said_fits(records.get(READINGS, []), c)
        return
    match = checked_correction(c)
    rows = records.setdefault(c.table, [])
    hits = matching(rows, match) if match else []
    if c.field == ADD:
        if hits:
            raise Unapplied(
                "correction_ambiguous",
                f"the record to add is there already ({len(hits)} record(s) match)",
            )
        fields = parsed_record(c.value)
        record = noted(
            added(c.table, fields, doc_id, source_file), c, without_provenance(fields)
        )
        after = [*rows, record]
    elif not hits:
        raise Unapplied("correction_unmatched", "matches no record")
    elif len(hits) > 1:
        raise Unapplied("correction_ambiguous", f"matches {len(hits)} records")
    elif c.field == DELETE:
        del rows[hits[0]]
        return
    else:
        value = typed(c.table, c.field, c.value)
        record = noted(copy.deepcopy(rows[hits[0]]), c, value)
        record[c.field] = value
        after = [record if i == hits[0] else row for i, row in enumerate(rows)]
    if reason := record_reason(c.table, record) or breaks_key(c.table, rows, after):
        raise refused(f"refused: {reason}")
    rows[:] = after


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
    end_last_line(path)
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


def end_last_line(path: Path) -> None:
    """End the file's last line, if it has one and it is not ended (a file
    written by hand), so that what is appended starts a line of its own."""
    with open(path, "a+b") as fh:
        size = fh.seek(0, 2)
        if size:
            fh.seek(size - 1)
            if fh.read(1) not in b"\r\n":
                fh.write(b"\n")


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
