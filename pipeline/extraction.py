"""The result of extracting one document: what the stages read from it and
the records made of that, before any file is written.

It is what the checks read (`checks.run_checks`) and what `extract`
assembles; it lives apart from both so that neither imports the other.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .budget import BudgetLine, PrintedTotal
from .document import StatedTotal
from .model import Document, Record
from .results import Framework
from .sections import Section
from .tables import Table
from .workplan import Mark, PlanActivity


@dataclass
class Extraction:
    """Everything read from one document, before any file is written."""

    doc: Document
    sections: list[Section]
    tables: list[Table]
    framework: Framework
    marks: list[Mark]
    plan_activities: list[PlanActivity]
    budget: list[BudgetLine]
    totals: list[PrintedTotal]
    stated_total: StatedTotal | None = None  # the total budget the text states
    language: str | None = None  # ISO 639-1, told from the running text
    records: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
