"""Stage 4d: the risk log -> one record per risk."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Region
from .tables import Table
from .text import flatten

PROBABILITY = re.compile(r"\bP\s*[=:]\s*(\d)\b|probability\s*[=:]?\s*(\d)\b", re.I)
IMPACT = re.compile(r"\bI\s*[=:]\s*(\d)\b", re.I)
FIELDS = (
    "description",
    "category",
    "countermeasures",
    "owner",
    "author",
    "date_identified",
    "last_update",
    "status",
)


@dataclass
class Risk:
    risk_no: str
    fields: dict[str, str]
    impact: str
    probability: str
    page: int
    boxes: list[Region] = field(default_factory=list)


def split_impact(text: str) -> tuple[str, str]:
    """`<impact text> P = 2` -> (impact, probability digit); an `I = n`
    rating, where printed, is the impact."""
    probability = PROBABILITY.search(text)
    rest = PROBABILITY.sub("", text) if probability else text
    rating = IMPACT.search(rest)
    impact = rating.group(1) if rating else flatten(IMPACT.sub("", rest)).strip(" ,;.")
    return impact, (probability.group(1) or probability.group(2)) if probability else ""


def read_risks(tables: list[Table]) -> list[Risk]:
    risks: list[Risk] = []
    for table in (t for t in tables if t.kind == "risk_log"):
        no_col, impact_col = table.column("risk_no"), table.column("impact")
        for row in table.rows:
            number = flatten(row.get(no_col)) if no_col is not None else ""
            if re.fullmatch(r"[\d\s]+", number):
                number = re.sub(
                    r"\s", "", number
                )  # `01` broken over two lines of a narrow column
            values = {f: flatten(row.get(table.column(f))) for f in FIELDS}
            if not any(values.values()):
                continue
            number_above = no_col is not None and not row.starts[no_col.index]
            if risks and (
                number_above  # the number's cell spans this row too
                or not number
                and (
                    no_col is None
                    or row.first_on_page  # a row broken over a page break
                    and row.page != risks[-1].page
                )
            ):
                for f, v in values.items():
                    if v and row.starts[table.column(f).index]:
                        risks[-1].fields[f] = f"{risks[-1].fields[f]} {v}".strip()
                risks[-1].boxes += row.boxes
                continue
            impact, probability = (
                split_impact(row.get(impact_col))
                if impact_col is not None
                else ("", "")
            )
            probability = flatten(row.get(table.column("probability"))) or probability
            risks.append(
                Risk(
                    number or str(len(risks) + 1),
                    values,
                    impact,
                    probability,
                    row.page,
                    list(row.boxes),
                )
            )
    return risks
