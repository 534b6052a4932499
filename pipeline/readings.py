"""What a person says of how a table is read: its kind, a column's role, a
body row a total or a line.  `corrections` reads it from a document's
corrections file (table `tables`); `tables.find_tables` takes it as certain
evidence, after the columns' own evidence is weighed and before the table is
classified, so that everything read from the table follows.

A kind given to a table is evidence for the roles its rules name: a column
with any evidence for one of them (prose under an unknown header, in a risk
log) takes it, where alone it would be too weak to count.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .reference import vocabulary
from .roles import (
    MIN_SCORE,
    ColumnText,
    Evidence,
    assign,
    column_evidence,
    kind_marks,
    places,
)

NO_KIND = "none"  # the kind a person gives a table that is no contract table
TOTAL, LINE = "total", "line"
YEAR_OR_QUARTER = "year_or_quarter"  # a rule's role for a dated column, not a role
CERTAIN = 1.0  # the header's and the cells' score of a role a person gave
KIND_PRIOR = MIN_SCORE - 0.01  # a given kind's roles: any evidence of one counts


@dataclass
class TableReading:
    """A table's reading as a person corrected it.  `kind` is None where not
    given (`none` for no contract table); `roles` maps a column's index
    (from 0) to its role (None: no role); `rows` a body row's index (from
    0) to whether it is a total."""

    kind: str | None = None
    roles: dict[int, str | None] = field(default_factory=dict)
    rows: dict[int, bool] = field(default_factory=dict)

    def kind_of(self, classified: str | None) -> str | None:
        """The table's kind: the one given (None for `none`), else as classified."""
        if self.kind is None:
            return classified
        return None if self.kind == NO_KIND else self.kind

    def read_roles(
        self, columns: list[ColumnText], indices: list[int]
    ) -> list[Evidence]:
        """The roles of the columns at `indices`, read jointly from their
        evidence with the roles given certain and the given kind's likely."""
        likely = kind_roles(self.kind) if self.kind else []

        def rank(role: str) -> tuple[int, str]:  # a tie goes to the kind's first role
            return (likely.index(role) if role in likely else len(likely), role)

        evidence = []
        for column, where, index in zip(columns, places(columns), indices, strict=True):
            if index in self.roles:
                role = self.roles[index]
                evidence.append(
                    {role: Evidence(role, CERTAIN, CERTAIN)} if role else {}
                )
                continue
            read = column_evidence(column, where)
            evidence.append(
                {
                    role: Evidence(role, e.header + KIND_PRIOR, e.content)
                    if role in likely and e.header + e.content > 0
                    else e
                    for role, e in sorted(read.items(), key=lambda item: rank(item[0]))
                }
            )
        return assign(evidence)


def kind_roles(kind: str) -> list[str]:
    """The column roles a kind's rules name, in the order they name them,
    then those its marks lend (`roles.kind_marks`)."""
    found: list[str] = []
    for rule in vocabulary()["table_kinds"].get(kind, []):
        for role in [*rule["required"], *rule["any"]]:
            if role != YEAR_OR_QUARTER and role not in found:
                found.append(role)
    return found + [r for r in kind_marks(kind).get("lends", []) if r not in found]


def table_kinds() -> list[str]:
    """The kinds a person may give a table."""
    return [*vocabulary()["table_kinds"], NO_KIND]


def column_roles() -> list[str]:
    """The roles a person may give a column."""
    return list(vocabulary()["table_columns"])


def readings_text(readings: dict[int, TableReading]) -> str:
    """The readings as JSON, the same for the same readings (it keys the
    cache and travels to the extraction process); "" for none."""
    if not readings:
        return ""
    return json.dumps(
        {
            str(no): {
                "kind": r.kind,
                "roles": {str(c): v for c, v in sorted(r.roles.items())},
                "rows": {str(i): v for i, v in sorted(r.rows.items())},
            }
            for no, r in sorted(readings.items())
        },
        sort_keys=True,
    )


def readings_of(text: str) -> dict[int, TableReading]:
    """The readings `readings_text` wrote, by table number."""
    return {
        int(no): TableReading(
            r["kind"],
            {int(c): v for c, v in r["roles"].items()},
            {int(i): v for i, v in r["rows"].items()},
        )
        for no, r in (json.loads(text) if text else {}).items()
    }
