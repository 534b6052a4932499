"""How many corrections bring a document's every table to the score the
tests ask (0.95), told two ways: corrections of records (one line per
record to add or delete, one per wrong field of a record found), and
corrections of how its tables are read (kind, a column's role), found by a
greedy search that extracts the document again with each candidate line.

    python -m tests.count_corrections FUZZ_OUT   # a folder fuzz --out kept

Only documents below 0.95 on some table are counted; a document the table
corrections cannot bring there is named with how far they get.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from pipeline.extract import extract_document
from pipeline.reader import read_pdf
from pipeline.readings import TableReading, kind_roles
from tests import score as scorer

GOOD = 0.95
KIND_OF = {  # the table kind a dataset table's records come from
    "risks": "risk_log",
    "budget_lines": "budget",
    "workplan": "workplan",
    "activities": "workplan",
    "outputs": "results_framework",
    "outcomes": "results_framework",
}
MAX_LINES = 6  # table corrections tried per document before giving up


def text_rows(rows: list[dict]) -> list[dict[str, str]]:
    """Records as their CSV shows them."""
    return [{k: "" if v is None else str(v) for k, v in r.items()} for r in rows]


def gold_of(folder: Path, doc_id: str) -> dict[str, list[dict[str, str]]]:
    gold = {}
    for path in (folder / "gold").glob("*.csv"):
        with open(path, encoding="utf-8") as fh:
            gold[path.stem] = [r for r in csv.DictReader(fh) if r["doc_id"] == doc_id]
    return gold


def scored(
    gold: dict[str, list[dict[str, str]]], records: dict[str, list[dict]]
) -> dict[str, dict]:
    """Each dataset table with gold rows: the scorer's result."""
    results = {
        t: scorer.SCORERS[t](rows, text_rows(records.get(t, [])))
        for t, rows in gold.items()
        if rows and t in scorer.SCORERS and t != "issues"
    }
    for result in results.values():
        result["score"] = result["F1"]
    return results


def low(results: dict[str, dict]) -> dict[str, float]:
    return {
        t: r["score"] or 0.0 for t, r in results.items() if (r["score"] or 0.0) < GOOD
    }


def record_lines(result: dict, n_gold: int, n_pred: int) -> int:
    """Record corrections that make a table's records the gold's."""
    pairs = result["_pairs"]
    wrong = sum(
        sum(not ok for ok, _ in res.values())
        for _, _, strict, res in pairs
        if not strict
    )
    return (n_gold - len(pairs)) + (n_pred - len(pairs)) + wrong


def candidates(tables: list[dict], wanted: set[str]) -> list[tuple[int, str, str]]:
    """(table, field, value) lines worth trying: a kind whose records are
    low given to a table of another kind, a role of such a kind given to a
    column of a table of it."""
    found = []
    for t in tables:
        no, kind = t["table_no"], t["kind"]
        found += [(no, "kind", k) for k in sorted(wanted) if k != kind]
        if kind in wanted:
            roles = [r.split(":")[0] for r in t["roles"].split(" | ")]
            for c, role in enumerate(roles):
                found += [
                    (no, f"role:{c + 1}", r)
                    for r in [*kind_roles(kind), ""]
                    if r != role
                ]
    return found


def readings_of(lines: list[tuple[int, str, str]]) -> dict[int, TableReading]:
    readings: dict[int, TableReading] = {}
    for no, field, value in lines:
        reading = readings.setdefault(no, TableReading())
        if field == "kind":
            reading.kind = value
        else:
            reading.roles[int(field.split(":")[1]) - 1] = value or None
    return readings


def table_lines(pdf: Path, gold: dict) -> tuple[int | None, dict[str, float]]:
    """The table corrections the greedy search needs (None: not enough),
    and the low tables' scores where it stops."""
    lines: list[tuple[int, str, str]] = []

    def attempt(more: list[tuple[int, str, str]]) -> tuple[dict, dict]:
        records = extract_document(read_pdf(pdf), readings_of(more)).records
        return records, scored(gold, records)

    records, results = attempt(lines)
    while low(results) and len(lines) < MAX_LINES:
        wanted = {KIND_OF[t] for t in low(results) if t in KIND_OF}
        best = None
        for line in candidates(records["tables"], wanted):
            tried, res = attempt([*lines, line])
            gain = sum(r["score"] or 0.0 for r in res.values())
            if best is None or gain > best[0]:
                best = (gain, line, tried, res)
        if best is None or best[0] <= sum(r["score"] or 0.0 for r in results.values()):
            return None, low(results)
        lines.append(best[1])
        records, results = best[2], best[3]
    return (len(lines) if not low(results) else None), low(results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.count_corrections")
    parser.add_argument(
        "folder", type=Path, help="a folder `tests.synth.fuzz --out` kept"
    )
    folder = parser.parse_args(argv).folder
    totals = [0, 0]
    for pdf in sorted(folder.glob("*.pdf")):
        gold = gold_of(folder, pdf.stem)
        records = extract_document(read_pdf(pdf)).records
        results = scored(gold, records)
        if not low(results):
            continue
        by_records = sum(
            record_lines(results[t], len(gold[t]), len(records.get(t, [])))
            for t in low(results)
        )
        by_tables, left = table_lines(pdf, gold)
        print(
            f"{pdf.stem}: low {low(results)}; record corrections {by_records}; "
            f"table corrections {by_tables if by_tables is not None else '-'}"
            + (f" (left low: {left})" if by_tables is None else "")
        )
        if by_tables is not None:
            totals[0] += by_records
            totals[1] += by_tables
    print(f"where table corrections suffice: {totals[0]} record, {totals[1]} table")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
