"""The spec of a synthetic project document: everything its answer key says.

Templates print a spec and `gold.py` turns the same spec into the contract's
rows.  Derived figures (an output's budget, a fund's total, the years an
activity is funded) are methods here, so the printed number and the gold
number are one computation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal, NamedTuple

Generation = Literal["2007", "2009", "2016"]

# Atlas budget accounts used by the generator, with their standard descriptions.
ACCOUNTS: dict[str, str] = {
    "71200": "International Consultants",
    "71300": "Local Consultants",
    "71400": "Contractual Services - Individ",
    "71600": "Travel",
    "72100": "Contractual Services-Companies",
    "72200": "Equipment and Furniture",
    "72500": "Supplies",
    "74100": "Professional Services",
    "74200": "Audio Visual&Print Prod Costs",
    "74500": "Miscellaneous Expenses",
    "75100": "Facilities & Administration",
    "75700": "Training Workshops and Confer",
}


@dataclass(frozen=True)
class Activity:
    id: str  # as printed: "1.1.1" (2007) or "1.1"
    title: str
    party: str  # responsible party as the work plan prints it


@dataclass(frozen=True)
class Indicator:
    """A results-framework row of a 2016 output."""

    text: str
    data_source: str
    baseline: str
    targets: tuple[str, ...]  # one per year, "2018: 12 districts"
    method: str


@dataclass(frozen=True)
class Output:
    id: str  # the key the activity numbering implies: "1.2" or "2"
    number: int  # printed after "Output": within the outcome (2007) or document-wide
    title: str
    targets: tuple[str, ...]
    activities: tuple[Activity, ...]
    indicators: tuple[Indicator, ...] = ()
    baseline: str = ""

    @property
    def component(self) -> str:
        """The output as a budget kept by component (GEF) names it."""
        return f"Component {self.number}: {self.title}"

    @property
    def parties(self) -> tuple[str, ...]:
        """Distinct parties of the output's activities, in order."""
        seen: dict[str, None] = {}
        for a in self.activities:
            for p in a.party.split(" / "):
                seen.setdefault(p.strip(), None)
        return tuple(seen)


@dataclass(frozen=True)
class Outcome:
    no: int
    title: (
        str  # short name (the 2009 and 2016 templates print it only in the CPD style)
    )
    statement: str
    baseline: str
    indicators: tuple[str, ...]
    outputs: tuple[Output, ...]


@dataclass(frozen=True)
class BudgetLine:
    year: int
    activity_id: str  # empty for management lines
    label: str  # management lines only: "GMS", "Miscellaneous" ...
    party: str
    fund: str  # fund code, e.g. "04000"
    account: str  # Atlas account, e.g. "71300"
    amount: int  # whole US dollars

    @property
    def description(self) -> str:
        return ACCOUNTS[self.account]


class PlanKey(NamedTuple):
    """A row of a plan by year."""

    # the activity id, or the output id where amounts are kept by output;
    # empty: management
    item: str
    label: str
    party: str
    fund: str
    account: str


@dataclass(frozen=True)
class Funding:
    source: str  # as printed: "UNDP", "Government of Ghana", "European Union"
    fund: str  # the fund code whose lines it pays
    fund_name: str  # how a work plan names the fund ("UNDP TRAC", "EU")


@dataclass(frozen=True)
class Risk:
    no: str  # as printed, "01" or "1"
    description: str
    category: str
    impact: str
    probability: int
    countermeasures: str
    owner: str
    author: str
    date_identified: str = ""
    last_update: str = ""
    status: str = ""


@dataclass(frozen=True)
class Passage:
    """A piece of narrative: paragraph, bold unnumbered subheading, or bullet item."""

    text: str
    kind: Literal["p", "sub", "bullet"] = "p"


@dataclass(frozen=True)
class Chapter:
    """Narrative under one numbered heading; `key` names its slot in the template."""

    key: str
    title: str
    passages: tuple[Passage, ...]
    subsections: tuple[Chapter, ...] = ()


@dataclass(frozen=True)
class ProjectDocument:
    doc_id: str
    title: str
    country: str
    generation: Generation
    start_year: int
    end_year: int
    outcomes: tuple[Outcome, ...]
    marks: dict[
        str, tuple[tuple[int, int], ...]
    ]  # activity id -> (year, quarter) marked
    budget_lines: tuple[BudgetLine, ...]
    funding: tuple[Funding, ...]
    risks: tuple[Risk, ...]
    chapters: tuple[Chapter, ...]
    summary: tuple[str, ...]  # cover-page description paragraphs
    implementing_partner: str
    award_id: str
    cp_outcome: str  # the country-programme outcome quoted above the framework
    undaf_outcome: str
    executing_entity: str
    start_quarter: int = 1  # first quarter of the first year
    stated_total: int | None = None  # a misprinted total; None prints the true one

    # ---------------------------------------------------------------- structure
    @property
    def outputs(self) -> list[Output]:
        return [o for oc in self.outcomes for o in oc.outputs]

    @property
    def activities(self) -> list[Activity]:
        return [a for o in self.outputs for a in o.activities]

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    def output(self, output_id: str) -> Output:
        return next(o for o in self.outputs if o.id == output_id)

    def output_of(self, activity_id: str) -> Output:
        return next(
            o for o in self.outputs if any(a.id == activity_id for a in o.activities)
        )

    def chapter(self, key: str) -> Chapter:
        return next(c for c in self.chapters if c.key == key)

    # ---------------------------------------------------------------- money
    def lines_in(self, year: int) -> list[BudgetLine]:
        return [ln for ln in self.budget_lines if ln.year == year]

    def activity_lines(self, activity_id: str) -> list[BudgetLine]:
        return [ln for ln in self.budget_lines if ln.activity_id == activity_id]

    def management_lines(self) -> list[BudgetLine]:
        return [ln for ln in self.budget_lines if not ln.activity_id]

    def output_budget(self, output: Output) -> int:
        ids = {a.id for a in output.activities}
        return sum(ln.amount for ln in self.budget_lines if ln.activity_id in ids)

    @property
    def management_total(self) -> int:
        """Lines of no activity (GMS, miscellaneous); a framework prints them as one row
        of their own."""
        return sum(ln.amount for ln in self.management_lines())

    @property
    def total(self) -> int:
        return sum(ln.amount for ln in self.budget_lines)

    @property
    def printed_total(self) -> int:
        return self.total if self.stated_total is None else self.stated_total

    def fund_total(self, fund: str) -> int:
        return sum(ln.amount for ln in self.budget_lines if ln.fund == fund)

    def funding_amounts(self) -> list[tuple[Funding, int]]:
        return [(f, self.fund_total(f.fund)) for f in self.funding]

    def funding_of(self, fund: str) -> Funding:
        return next(f for f in self.funding if f.fund == fund)

    def fund_split(self, output: Output) -> list[tuple[Funding, int]]:
        """The output's budget by source, sources that pay none of it left out."""
        ids = {a.id for a in output.activities}
        split = [
            (
                f,
                sum(
                    ln.amount
                    for ln in self.budget_lines
                    if ln.activity_id in ids and ln.fund == f.fund
                ),
            )
            for f in self.funding
        ]
        return [(f, value) for f, value in split if value]

    # ---------------------------------------------------------------- work plan
    def funded_years(self, activity_id: str) -> list[int]:
        return sorted({ln.year for ln in self.activity_lines(activity_id) if ln.amount})

    def quarters(self, activity_id: str, year: int) -> set[int]:
        return {q for y, q in self.marks.get(activity_id, ()) if y == year}

    def year_amounts(self, by_output: bool = False) -> dict[PlanKey, dict[int, int]]:
        """Budget lines grouped as a plan by year prints them: one row per
        (activity, or output where a budget is kept by output, or label;
        party, fund, account), one amount per year."""
        rows: dict[PlanKey, dict[int, int]] = defaultdict(dict)
        for ln in self.budget_lines:
            item = (
                self.output_of(ln.activity_id).id
                if by_output and ln.activity_id
                else ln.activity_id
            )
            key = PlanKey(item, ln.label, ln.party, ln.fund, ln.account)
            rows[key][ln.year] = rows[key].get(ln.year, 0) + ln.amount
        return dict(rows)
