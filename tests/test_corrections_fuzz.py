"""Hostile corrections, drawn at random: bytes, field values and JSON shapes
in a corrections file always end in a valid dataset, and every line that is
not applied is named, with its file, by an issue.

The fast cases apply each file to the reference records; the slow one runs
a few through `correct` and `extract` on the sample and validates the Data
Package.  `FUZZ_CASES=N` draws N fast cases and N/20 slow ones."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import shutil
from pathlib import Path

import pytest
from frictionless import validate

from pipeline import corrections
from pipeline.corrections import apply_corrections
from pipeline.export import write_tables
from pipeline.model import Record
from pipeline.validate import PRIMARY_KEYS, key_holds, schemas, validate_records
from tests.conftest import SAMPLE, run_pipeline
from tests.test_corrections_hostile import DOC, HEADER, records, reference_records

CASES = int(os.environ.get("FUZZ_CASES", "60"))
KEYS = {  # the field that names a record of each table the fuzz corrects
    "activities": "activity_id",
    "outputs": "output_id",
    "sections": "seq",
    "risks": "risk_no",
    "documents": "doc_id",
    "budget_lines": "year",
}
JUNK = ["", "x", "issues", "_add", "nope=1;;", "=x", "activity_id", "doc_id"]
NAN, INF = float("nan"), float("inf")
ARG_MAX = 100_000  # characters of one command-line argument
SCALARS = [
    "", "nan", "NaN", "inf", "-inf", "1e999", "-1", "0", "2", "1990", "3.5",
    "99999999999999999999", "9" * 5000, "true", "false", "null", "1_000",
    "\x00", "\u202e", "'=1+1", "\r\n", "x" * 140_000, '"', "é",
]  # fmt: skip


class Draw:
    """Random parts of a corrections file, the keys and values drawn from
    the records of `pool` (per table) mostly."""

    def __init__(self, seed: int, pool: dict[str, list[Record]]):
        self.rng = random.Random(seed)
        self.pool = pool

    def json_value(self, table: str, depth: int = 0) -> object:
        """A JSON value of any shape, now and then deep or not a number."""
        pick = self.rng.random()
        if depth > 3 or pick < 0.5:
            return self.rng.choice(
                [None, True, 0, -1, 10**20, 1.5, "", "1.1", "t", NAN, INF]
            )
        if pick < 0.65:
            return [
                self.json_value(table, depth + 1) for _ in range(self.rng.randrange(3))
            ]
        return {
            self.field(table): self.json_value(table, depth + 1)
            for _ in range(self.rng.randrange(4))
        }

    def field(self, table: str) -> str:
        """A column of the table, its key often; else an action or no column."""
        pick = self.rng.random()
        if pick < 0.25 and table in KEYS:
            return KEYS[table]
        if pick < 0.7 and table in schemas():
            return self.rng.choice(list(schemas()[table]["properties"]))
        return self.rng.choice(["_add", "_delete", "_add", "_delete", "nope", ""])

    def match(self, table: str) -> str:
        """The key of one of the table's records, mostly; else junk."""
        rows = self.pool.get(table, [])
        if rows and table in KEYS and self.rng.random() < 0.8:
            key = KEYS[table]
            return f"{key}={self.rng.choice(rows)[key]}"
        return self.rng.choice(JUNK)

    def added(self, table: str) -> str:
        """The JSON of an `_add`: a record of the table, changed at random."""
        rows = self.pool.get(table) or [{}]
        chosen = self.rng.choice(rows)
        record = {k: v for k, v in chosen.items() if self.rng.random() < 0.8}
        for _ in range(self.rng.randrange(4)):
            record[self.field(table)] = self.json_value(table)
        if self.rng.random() < 0.1:
            return "[" * self.rng.choice([20, 5000]) + "]" * 5000
        return json.dumps(record)

    def value(self, table: str, name: str) -> str:
        """A value for the column: one of another record, or a hostile one."""
        rows = self.pool.get(table, [])
        if rows and self.rng.random() < 0.4:
            return str(self.rng.choice(rows).get(name, ""))
        return self.rng.choice(SCALARS)

    def correction(self) -> list[str]:
        """table, match, field, value of a correction."""
        table = self.rng.choice([*KEYS, *KEYS, "x", "issues"])
        name = self.field(table)
        text = self.added(table) if name == "_add" else self.value(table, name)
        return [table, self.match(table), name, text]

    def line(self) -> str:
        """One line of a corrections file (its end included)."""
        kind = self.rng.random()
        if kind < 0.08:
            return (
                self.rng.randbytes(self.rng.randrange(1, 40)).decode("latin-1") + "\n"
            )
        fields = [*self.correction(), "note"]
        if kind < 0.13:
            fields.append("extra")
        elif kind < 0.16:
            fields.pop()
        if kind < 0.2:
            return ",".join(fields) + "\n"  # unquoted
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(fields)
        return out.getvalue()

    def file(self) -> bytes:
        """A corrections file: a header (mostly), lines, stray bytes."""
        rng = self.rng
        text = "# sha256: 0\n" if rng.random() < 0.1 else ""
        text += HEADER + "\n" if rng.random() < 0.95 else "table,match\n"
        text += "".join(self.line() for _ in range(rng.randrange(1, 8)))
        data = text.encode("utf-8", "surrogatepass")
        if rng.random() < 0.2:
            at = rng.randrange(len(data))
            data = data[:at] + rng.randbytes(3) + data[at:]
        return data


def assert_valid(tables: dict[str, list[Record]], before: dict[str, list[Record]]):
    """Every record written as its schema says, storable, keys kept."""
    assert validate_records(tables)[1] == []
    json.dumps(tables, allow_nan=False)
    for rows in tables.values():
        for row in rows:
            assert row["doc_id"] == DOC
            for value in row.values():
                if isinstance(value, int):
                    assert -(2**63) <= value < 2**63
    assert len(tables["documents"]) == 1
    for key in PRIMARY_KEYS:
        if key_holds(before.get(key.table, []), key.fields):
            assert key_holds(tables.get(key.table, []), key.fields), key


def named_lines(messages: list[str], doc: str = DOC) -> set[int]:
    """The lines of the corrections file the messages name."""
    found: set[int] = set()
    for message in messages:
        for first, last in re.findall(
            rf"{re.escape(doc)}\.csv lines? (\d+)(?:-(\d+))?", message
        ):
            found |= set(range(int(first), int(last or first) + 1))
    return found


def assert_every_line_accounted_for(
    data: bytes, issues: list[str], applied: set[int], doc: str = DOC
) -> None:
    """Each line after the header is blank, applied, or named by an issue
    (one naming the header stands for the whole file)."""
    text = data.decode("utf-8-sig", "surrogateescape")
    lines = io.StringIO(text, newline="").readlines()
    header = next(i for i, ln in enumerate(lines, 1) if not ln.lstrip().startswith("#"))
    named = named_lines(issues, doc)
    if header in named and any("header" in m for m in issues):
        return
    for number, content in enumerate(lines, 1):
        if number > header and content.strip():
            assert number in named | applied, (number, content[:200], issues)


def applied_lines(monkeypatch: pytest.MonkeyPatch) -> set[int]:
    """The lines whose corrections apply, as they are applied."""
    applied: set[int] = set()
    apply_one = corrections.apply_one

    def counted(records, c, *args):
        apply_one(records, c, *args)
        applied.update(named_lines([c.where], c.where.split(".csv")[0]))

    monkeypatch.setattr(corrections, "apply_one", counted)
    return applied


@pytest.mark.fast
@pytest.mark.parametrize("seed", range(CASES))
def test_random_corrections_leave_a_valid_dataset(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    data = Draw(seed, reference_records()).file()
    (tmp_path / f"{DOC}.csv").write_bytes(data)
    applied = applied_lines(monkeypatch)
    tables, before = records(), records()
    apply_corrections(tables, tmp_path, DOC)
    issues = [
        r["message"] for r in tables["issues"] if r["check"].startswith("correction_")
    ]
    assert_valid(tables, before)
    assert_every_line_accounted_for(data, issues, applied)
    (tmp_path / "out").mkdir()
    write_tables(tmp_path / "out", tables, ["csv", "json"])


def sample_records(dataset: Path) -> dict[str, list[Record]]:
    """The sample's records as its dataset's JSON holds them."""
    return {
        t: json.loads((dataset / "json" / f"{t}.json").read_text("utf-8"))
        for t in schemas()
    }


@pytest.mark.parametrize("seed", range(CASES // 20))
def test_random_corrections_through_correct_and_extract(
    seed: int, sample_output: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`correct` records a drawn correction or refuses it with an error line;
    `extract` applies the file and writes a dataset the Data Package
    validates, with the issues applying the file here gives."""
    out, folder = tmp_path / "output", tmp_path / "corrections"
    shutil.copytree(sample_output, out, symlinks=True)
    pool = sample_records(sample_output)
    draw = Draw(seed, pool)
    folder.mkdir()
    (folder / f"{SAMPLE.stem}.csv").write_bytes(draw.file())
    for _ in range(4):
        table, match, field, value = draw.correction()
        change = ["--add", value] if field == "_add" else ["--set", f"{field}={value}"]
        if field == "_delete":
            change = ["--delete"]
        if max(map(len, change)) > ARG_MAX:
            continue  # no system passes it to a command
        done = run_pipeline(
            "correct", SAMPLE.stem, "--table", table, "--match", match, *change,
            "--note", "n", "--out", str(out), "--corrections", str(folder),
        )  # fmt: skip
        assert done.returncode in (0, 2), done.stderr
        assert "Traceback" not in done.stderr
        assert done.returncode == 0 or done.stderr.startswith("error: ")
    data = (folder / f"{SAMPLE.stem}.csv").read_bytes()
    result = run_pipeline(
        "extract", str(SAMPLE), "--out", str(out), "--quiet",
        "--corrections", str(folder),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert validate(out / "datapackage.json").valid
    applied = applied_lines(monkeypatch)
    tables = {t: [dict(r) for r in rows] for t, rows in pool.items()}
    for rows in tables.values():
        for row in rows:
            row.pop("corrected", None)
    apply_corrections(tables, folder, SAMPLE.stem)
    expected = [
        i["message"] for i in tables["issues"] if i["check"].startswith("correction_")
    ]
    with open(out / "issues.csv", encoding="utf-8") as fh:
        written = [
            r["message"]
            for r in csv.DictReader(fh)
            if r["check"].startswith("correction_")
        ]
    assert len(written) == len(expected)
    assert_every_line_accounted_for(data, expected, applied, SAMPLE.stem)
