"""The records of the dataset shaped for the reports: one document's rows,
the work plan as chart rows, the budget by output and year.

Input is the dataset as records per table (`dict[str, list[dict]]`, as in
the CSVs or JSON files); values may be typed (JSON) or CSV strings.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import Record
from ..tables import outcome_of, output_of

Tables = Mapping[str, Sequence[Record]]


MANAGEMENT = "management"
SEVERITIES = ("error", "warning")


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def integer(value: Any) -> int | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        return int(number) if number.is_integer() else None


def id_key(value: str) -> tuple:
    """Sort key for dotted ids: 1.2 < 1.10 < 2.1; non-numeric parts last."""
    parts = []
    for part in re.split(r"[.\s]+", value):
        parts.append((0, int(part), "") if part.isdigit() else (1, 0, part))
    return tuple(parts)


def shorten(value: str, width: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= width else value[: width - 1].rstrip(" ,;:-") + "…"


def usd(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


@dataclass
class Doc:
    doc_id: str
    tables: dict[str, list[Record]]
    facts: Record = field(default_factory=dict)

    def rows(self, table: str) -> list[Record]:
        return self.tables.get(table, [])


def select(doc_id: str, tables: Tables) -> Doc:
    mine = {
        t: [r for r in rows if text(r.get("doc_id")) == doc_id]
        for t, rows in tables.items()
    }
    docs = mine.get("documents", [])
    return Doc(doc_id, mine, docs[0] if docs else {})


@dataclass
class PlanRow:
    """One line of the Gantt chart: an output heading or an activity."""

    kind: str  # "output" or "activity"
    ident: str
    title: str
    outcome: int | None
    in_framework: bool = True
    marks: set[tuple[int, int | None]] = field(default_factory=set)


def outputs_by_id(doc: Doc) -> dict[str, Record]:
    found: dict[str, Record] = {}
    for row in doc.rows("outputs"):
        found.setdefault(text(row.get("output_id")), row)
    return found


def activity_outputs(doc: Doc) -> dict[str, str]:
    """activity id -> output id, from the activities table."""
    found: dict[str, str] = {}
    for row in doc.rows("activities"):
        aid = text(row.get("activity_id"))
        if aid:
            found.setdefault(aid, text(row.get("output_id")) or output_of(aid))
    return found


def output_of_line(activity_id: str, outputs_of: Mapping[str, str]) -> str:
    """The output a budget line belongs to: its activity's, else the one its
    numbering implies; lines without an activity are management costs."""
    if not activity_id:
        return MANAGEMENT
    return outputs_of.get(activity_id) or output_of(activity_id)


def plan_marks(doc: Doc) -> dict[str, set[tuple[int, int | None]]]:
    marks: dict[str, set[tuple[int, int | None]]] = defaultdict(set)
    for row in doc.rows("workplan"):
        aid, year = text(row.get("activity_id")), integer(row.get("year"))
        if aid and year is not None:
            quarter = integer(row.get("quarter"))
            marks[aid].add((year, quarter if quarter in (1, 2, 3, 4) else None))
    return marks


def plan_rows(doc: Doc) -> list[PlanRow]:
    """Outputs in id order, each followed by its activities in id order,
    including those that only the work plan numbers (under the output their
    number implies)."""
    outputs = outputs_by_id(doc)
    outputs_of = activity_outputs(doc)
    marks = plan_marks(doc)
    titles = {
        text(r.get("activity_id")): text(r.get("title"))
        or text(r.get("title_workplan"))
        for r in doc.rows("activities")
    }
    members: dict[str, list[str]] = defaultdict(list)
    for aid in outputs_of:
        members[outputs_of[aid]].append(aid)
    for aid in marks:
        if aid not in outputs_of:
            members[output_of(aid)].append(aid)
    rows: list[PlanRow] = []
    for oid in sorted(set(outputs) | set(members), key=id_key):
        out = outputs.get(oid, {})
        outcome = integer(out.get("outcome_no")) if out else None
        outcome = outcome if outcome is not None else outcome_of(oid)
        rows.append(PlanRow("output", oid, text(out.get("title")), outcome, bool(out)))
        for aid in sorted(members.get(oid, []), key=id_key):
            rows.append(
                PlanRow(
                    "activity",
                    aid,
                    titles.get(aid, ""),
                    outcome,
                    aid in outputs_of,
                    marks.get(aid, set()),
                )
            )
    return rows


def runs(slots: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive slots as (start, length) runs."""
    ordered = sorted(set(slots))
    found: list[tuple[int, int]] = []
    for slot in ordered:
        if found and found[-1][0] + found[-1][1] == slot:
            found[-1] = (found[-1][0], found[-1][1] + 1)
        else:
            found.append((slot, 1))
    return found


def quarter_label(year: int, quarter: int | None) -> str:
    return str(year) if quarter is None else f"{year} Q{quarter}"


def marks_summary(marks: set[tuple[int, int | None]]) -> str:
    """`2008 Q1–Q3, 2009 Q2` / `2008, 2009` for a plan by year."""
    by_year: dict[int, list[int]] = defaultdict(list)
    whole: set[int] = set()
    for year, quarter in marks:
        if quarter is None:
            whole.add(year)
        else:
            by_year[year].append(quarter)
    parts = []
    for year in sorted(set(by_year) | whole):
        if year in whole:
            parts.append(str(year))
            continue
        spans = [
            f"Q{s}" if n == 1 else f"Q{s}–Q{s + n - 1}" for s, n in runs(by_year[year])
        ]
        parts.append(f"{year} {', '.join(spans)}")
    return "; ".join(parts)


def budget_by_output_year(doc: Doc) -> tuple[dict[str, dict[int, int]], list[int], int]:
    """{output id or "management": {year: US$}}, the years, and the amount of
    lines with no year."""
    outputs_of = activity_outputs(doc)
    table: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    undated = 0
    for line in doc.rows("budget_lines"):
        amount = integer(line.get("amount_usd"))
        if not amount:
            continue
        year = integer(line.get("year"))
        if year is None:
            undated += amount
            continue
        table[output_of_line(text(line.get("activity_id")), outputs_of)][year] += amount
    years = sorted({y for per_year in table.values() for y in per_year})
    return {k: dict(v) for k, v in table.items()}, years, undated


def ordered_groups(groups: Iterable[str]) -> list[str]:
    return sorted((g for g in groups if g != MANAGEMENT), key=id_key) + [
        g for g in groups if g == MANAGEMENT
    ]


def file_stem(doc_id: str) -> str:
    """doc_id as a file name (doc ids are file stems; only separators are replaced)."""
    return doc_id.replace("/", "_").replace("\\", "_").replace("\0", "_") or "_"


def documents(tables: Tables) -> list[Doc]:
    """Each document of `tables["documents"]` with its own rows, in doc_id
    order (one pass over the rows, however many documents)."""
    ids = sorted({text(r.get("doc_id")) for r in tables.get("documents", [])} - {""})
    mine: dict[str, dict[str, list[Record]]] = {
        doc_id: defaultdict(list) for doc_id in ids
    }
    for table, rows in tables.items():
        for row in rows:
            own = mine.get(text(row.get("doc_id")))
            if own is not None:
                own[table].append(row)
    return [
        Doc(doc_id, dict(mine[doc_id]), mine[doc_id]["documents"][0]) for doc_id in ids
    ]
