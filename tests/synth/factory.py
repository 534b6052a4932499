"""Build a full document spec from a short recipe.

A recipe fixes what makes documents differ (country, years, shape of the
results framework, parties, funds); a seeded random source fills in titles,
amounts and quarters.  Money is generated so that every fund's total is a
whole thousand of dollars, which lets the funding prose state it in
millions exactly.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, replace

from . import prose
from .prose import Context
from .spec import (
    Activity,
    BudgetLine,
    Chapter,
    Funding,
    Generation,
    Indicator,
    Outcome,
    Output,
    Passage,
    ProjectDocument,
    Risk,
)
from .themes import THEMES, Theme

UNDP_FUND = "04000"
COST_SHARING_FUND = "30071"
ORDINAL = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}

ACTIVITY_TEMPLATES = (
    "Conduct a baseline assessment of {topic} in {n} pilot {units}",
    "Train staff of the {inst} in {topic}",
    "Draft national guidelines on {topic}",
    "Organise a national workshop on {topic} with sub-national participation",
    "Pilot {topic} in {n} selected {units}",
    "Publish and disseminate a report on {topic}",
    "Establish a monitoring system for {topic}",
    "Support a study tour on {topic} for officials of the {inst}",
    "Review the legal framework for {topic} and propose amendments",
    "Develop a training curriculum on {topic} for {group}",
    "Set up an information platform on {topic}",
    "Carry out an awareness campaign on {topic} targeting {group}",
)
OUTPUT_TEMPLATES = {
    "2007": (
        "To strengthen the capacity of the {inst} to plan and manage {topic}",
        "To improve the policy and regulatory framework for {topic}",
        "To test {topic} in selected {units} and document the results",
        "To generate knowledge on {topic} and share it with {group}",
        "To establish systems for {topic} at national and local level",
    ),
    "other": (
        "Capacity of the {inst} to plan and manage {topic} strengthened",
        "Policy and regulatory framework for {topic} improved",
        "{Topic} piloted and documented in selected {units}",
        "Knowledge on {topic} generated and shared with {group}",
        "Systems for {topic} established and operational",
    ),
}
TARGET_TEMPLATES = (
    "Assessment of {topic} completed",
    "Guidelines on {topic} adopted",
    "{n} {group} trained",
    "Pilot on {topic} running in {n} {units}",
    "Annual progress reports submitted on time",
)
GENERIC_RISKS = (
    (
        "Turnover of key government counterparts",
        "Organizational",
        "Decisions are delayed and trained staff are lost",
    ),
    (
        "Delays in recruitment and procurement",
        "Operational",
        "Activities slip into the following year",
    ),
    (
        "Co-financing from the Government is not released on time",
        "Financial",
        "Pilot activities are scaled down",
    ),
    (
        "Insufficient coordination among responsible parties",
        "Strategic",
        "Duplication of efforts between outputs",
    ),
)
STATUSES = ("No change", "Reducing", "Increasing", "Active")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Party:
    short: str
    name: str


@dataclass(frozen=True)
class Donor:
    name: str  # funding source as printed
    fund: str
    short: str  # as a work plan's funding column names it


@dataclass(frozen=True)
class Recipe:
    doc_id: str
    title: str
    theme: str
    country: str
    generation: Generation
    start_year: int
    end_year: int
    outputs: tuple[
        int, ...
    ]  # outputs per outcome (2009 and 2016 documents have one outcome)
    activities: tuple[int, int]  # fewest and most activities per output
    parties: tuple[Party, ...]  # the first is the implementing partner
    seed: int
    donor: Donor | None = None
    cost_sharing: bool = False
    start_quarter: int = 1
    risks: int = 4
    risk_dates: bool = False
    risk_no_width: int = 1  # 2 prints "01"
    misstated_total: int = 0  # planted: the stated total differs by this much
    unmarked: str = ""  # planted: this activity has no quarter marked


class _Builder:
    def __init__(self, r: Recipe) -> None:
        self.r = r
        self.rng = random.Random(r.seed)
        self.theme: Theme = THEMES[r.theme]
        self.topics = list(self.theme.topics)
        self.rng.shuffle(self.topics)
        self.topic_i = 0
        self.years = list(range(r.start_year, r.end_year + 1))
        self.ctx = Context(
            r.country,
            self.theme,
            r.parties[0].name,
            r.parties[0].short,
            tuple(p.short for p in r.parties),
            r.donor.name if r.donor else "UNDP",
            r.start_year,
            r.end_year,
            f"{self.rng.randint(1, 28)} {self.rng.choice(MONTHS)} "
            f"{self.rng.randint(1975, 1995)}",
        )

    # ------------------------------------------------------------ words
    def topic(self) -> str:
        t = self.topics[self.topic_i % len(self.topics)]
        self.topic_i += 1
        return t

    def fill(self, template: str, topic: str) -> str:
        inst = self.rng.choice(self.r.parties).name
        return template.format(
            topic=topic,
            Topic=topic[:1].upper() + topic[1:],
            inst=inst,
            units=self.theme.units,
            group=self.rng.choice(self.theme.groups),
            n=self.rng.randint(2, 6),
        )

    # ------------------------------------------------------------ results framework
    def outcomes(self) -> tuple[Outcome, ...]:
        if self.r.generation == "2007":
            heads = self.theme.outcomes[: len(self.r.outputs)]
            return tuple(
                self.outcome(i + 1, title, statement, n)
                for i, ((title, statement), n) in enumerate(
                    zip(heads, self.r.outputs, strict=True)
                )
            )
        title, statement = self.rng.choice(self.theme.outcomes)
        return (self.outcome(1, title, statement, self.r.outputs[0]),)

    def outcome(self, no: int, title: str, statement: str, n_outputs: int) -> Outcome:
        outputs = tuple(self.output(no, k) for k in range(1, n_outputs + 1))
        indicators = tuple(self.rng.sample(self.theme.indicators, 3))
        return Outcome(
            no,
            title,
            statement,
            self.rng.choice(self.theme.baselines),
            indicators,
            outputs,
        )

    def output(self, outcome_no: int, k: int) -> Output:
        in_2007 = self.r.generation == "2007"
        oid = f"{outcome_no}.{k}" if in_2007 else str(k)
        topic = self.topic()
        templates = OUTPUT_TEMPLATES["2007" if in_2007 else "other"]
        title = self.fill(self.rng.choice(templates), topic)
        n = self.rng.randint(*self.r.activities)
        activities = tuple(
            Activity(
                f"{oid}.{a}",
                self.fill(t, self.topic() if a > 1 else topic),
                self.party(),
            )
            for a, t in enumerate(self.rng.sample(ACTIVITY_TEMPLATES, n), start=1)
        )
        indicators = self.indicators() if self.r.generation == "2016" else ()
        targets = tuple(t for i in indicators for t in i.targets) or self.targets(topic)
        return Output(
            oid,
            k,
            title,
            targets,
            activities,
            indicators,
            self.rng.choice(self.theme.baselines),
        )

    def party(self) -> str:
        shorts = [p.short for p in self.r.parties]
        if len(shorts) > 1 and self.rng.random() < 0.25:
            return " / ".join(self.rng.sample(shorts, 2))
        return self.rng.choice(shorts)

    def targets(self, topic: str) -> tuple[str, ...]:
        out = []
        for template in self.rng.sample(TARGET_TEMPLATES, self.rng.randint(1, 3)):
            text = self.fill(template, topic)
            when = (
                f"{ORDINAL[self.rng.randint(1, 4)]} Q., {self.rng.choice(self.years)}"
            )
            out.append(
                f"{text} ({when})" if "Annual" not in text else f"{text} (on-going)"
            )
        return tuple(out)

    def indicators(self) -> tuple[Indicator, ...]:
        out = []
        for _ in range(self.rng.randint(1, 2)):
            topic = self.topic()
            base = self.rng.randint(0, 12)
            step = self.rng.randint(2, 8)
            targets = tuple(
                f"{y}: {base + step * (i + 1)}" for i, y in enumerate(self.years)
            )
            out.append(
                Indicator(
                    f"Number of {self.theme.units} applying {topic}",
                    self.rng.choice(
                        ("Project reports", "Ministry statistics", "Annual survey")
                    ),
                    f"{base} ({self.r.start_year - 1})",
                    targets,
                    self.rng.choice(
                        ("Review of records", "Field visits", "Household survey")
                    ),
                )
            )
        return tuple(out)

    # ------------------------------------------------------------ money and quarters
    def funds(self) -> list[str]:
        funds = [UNDP_FUND]
        if self.r.cost_sharing:
            funds.append(COST_SHARING_FUND)
        if self.r.donor:
            funds.append(self.r.donor.fund)
        return funds

    def activity_years(self, index: int) -> list[int]:
        if index == 0:
            return list(self.years)
        length = self.rng.randint(1, min(3, len(self.years)))
        first = self.rng.randint(0, len(self.years) - length)
        return self.years[first : first + length]

    def budget(self, activities: list[Activity]) -> list[BudgetLine]:
        lines: list[BudgetLine] = []
        accounts = (
            "71200",
            "71300",
            "71300",
            "71600",
            "72100",
            "72200",
            "74200",
            "75700",
            "75700",
            "71400",
        )
        for i, a in enumerate(activities):
            for year in self.activity_years(i):
                for _ in range(self.rng.randint(1, 3)):
                    party = self.rng.choice(a.party.split(" / "))
                    amount = self.rng.randrange(4, 100) * 500
                    lines.append(
                        BudgetLine(
                            year,
                            a.id,
                            "",
                            party,
                            self.rng.choice(self.funds()),
                            self.rng.choice(accounts),
                            amount,
                        )
                    )
        if self.r.generation == "2016":
            lines = merge_same_cells(lines)
        return lines + self.management(lines)

    def management(self, lines: list[BudgetLine]) -> list[BudgetLine]:
        """GMS on cost-sharing and donor funds, miscellaneous costs on UNDP's,
        and a last-year top-up that makes every fund's total a whole thousand."""
        ip = self.r.parties[0].short
        out: list[BudgetLine] = []
        for year in self.years:
            year_lines = [ln for ln in lines if ln.year == year]
            for fund in self.funds():
                spent = sum(ln.amount for ln in year_lines if ln.fund == fund)
                if fund == UNDP_FUND:
                    out.append(
                        BudgetLine(
                            year,
                            "",
                            "Miscellaneous",
                            ip,
                            fund,
                            "74500",
                            1000 + spent // 5000 * 100,
                        )
                    )
                elif spent:
                    out.append(
                        BudgetLine(
                            year,
                            "",
                            "GMS",
                            "UNDP",
                            fund,
                            "75100",
                            int(round(spent * 0.07, -2)),
                        )
                    )
        for fund in self.funds():
            total = sum(ln.amount for ln in lines + out if ln.fund == fund)
            top_up = -total % 1000
            last = max(i for i, ln in enumerate(out) if ln.fund == fund)
            out[last] = replace(out[last], amount=out[last].amount + top_up)
        return out

    def marks(
        self, activities: list[Activity], lines: list[BudgetLine]
    ) -> dict[str, tuple[tuple[int, int], ...]]:
        if self.r.generation == "2016":
            return {}
        marks: dict[str, tuple[tuple[int, int], ...]] = {}
        for a in activities:
            if a.id == self.r.unmarked:
                continue
            years = sorted({ln.year for ln in lines if ln.activity_id == a.id})
            marks[a.id] = tuple((y, q) for y in years for q in self.quarters(y))
        return marks

    def quarters(self, year: int) -> list[int]:
        first = self.r.start_quarter if year == self.r.start_year else 1
        a = self.rng.randint(first, 4)
        b = self.rng.randint(a, 4)
        run = list(range(a, b + 1))
        if len(run) > 2 and self.rng.random() < 0.3:
            run.pop(1)  # a gap, as real plans have
        return run

    # ------------------------------------------------------------ the rest
    def funding(self) -> tuple[Funding, ...]:
        out = [Funding("UNDP", UNDP_FUND, "UNDP TRAC")]
        if self.r.cost_sharing:
            out.append(
                Funding(
                    f"Government of {self.r.country}", COST_SHARING_FUND, "Government"
                )
            )
        if self.r.donor:
            out.append(
                Funding(self.r.donor.name, self.r.donor.fund, self.r.donor.short)
            )
        return tuple(out)

    def risks(self) -> tuple[Risk, ...]:
        pool = list(self.theme.risks) + list(GENERIC_RISKS)
        out = []
        for i, (description, category, impact) in enumerate(
            pool[: self.r.risks], start=1
        ):
            dated = self.r.risk_dates
            out.append(
                Risk(
                    str(i).zfill(self.r.risk_no_width),
                    description,
                    category,
                    impact,
                    self.rng.randint(1, 4),
                    self.countermeasure(description),
                    self.rng.choice(self.r.parties).short,
                    self.rng.choice(("UNDP", "Project Manager")),
                    f"{self.rng.choice(MONTHS)} {self.r.start_year}" if dated else "",
                    f"{self.rng.choice(MONTHS)} {self.r.start_year + 1}"
                    if dated and i % 2
                    else "",
                    self.rng.choice(STATUSES) if dated else "",
                )
            )
        return tuple(out)

    def countermeasure(self, description: str) -> str:
        first = description.split()[0].lower()
        return self.rng.choice(
            (
                f"Regular consultation of the Project Board on {first} issues; early "
                "involvement of senior officials "
                f"and adjustment of the work plan where needed",
                "Close monitoring by the Project Manager, quarterly reporting to the "
                "Project Board and a contingency "
                "plan agreed with the Implementing Partner",
                "Advocacy with decision makers, flexible scheduling of activities and "
                "support from the UNDP country "
                "office",
            )
        )

    def chapters(self) -> tuple[Chapter, ...]:
        ctx, rng, p = self.ctx, self.rng, prose
        if self.r.generation == "2007":
            return (
                Chapter(
                    "background",
                    "Background",
                    (),
                    (
                        Chapter(
                            "situation",
                            "Situation Analysis",
                            p.passages("situation", ctx, rng, 3, problems=True),
                        ),
                        Chapter(
                            "national",
                            "National Initiatives",
                            p.passages("national", ctx, rng, 2),
                        ),
                        Chapter(
                            "lessons",
                            "Lessons Learned",
                            p.passages("lessons", ctx, rng, 1),
                        ),
                    )[: rng.randint(2, 3)],
                ),
                Chapter(
                    "strategy",
                    "Strategy",
                    (),
                    (
                        Chapter(
                            "approach",
                            "Project Strategy",
                            p.passages("strategy", ctx, rng, 2),
                        ),
                        Chapter(
                            "gender",
                            "Gender Related Considerations",
                            p.passages("gender", ctx, rng, 1),
                        ),
                    ),
                ),
                Chapter(
                    "management",
                    "Management Arrangements",
                    p.passages("management", ctx, rng, 2),
                ),
                Chapter(
                    "monitoring",
                    "Monitoring and Evaluation",
                    p.passages("monitoring", ctx, rng, 2),
                ),
                Chapter("legal", "Legal Context", (Passage(legal_text(ctx, "2007")),)),
                Chapter(
                    "funding",
                    "Funding",
                    (Passage("UNDP Inputs:", "sub"),)
                    + p.bullets("results", ctx, rng, 3),
                ),
            )
        if self.r.generation == "2009":
            return (
                Chapter(
                    "situation",
                    "Situation Analysis",
                    p.passages("situation", ctx, rng, 3, problems=True),
                ),
                Chapter(
                    "strategy",
                    "Strategy",
                    p.passages("strategy", ctx, rng, 2)
                    + p.passages("gender", ctx, rng, 1),
                ),
                Chapter(
                    "management",
                    "Management Arrangements",
                    p.passages("management", ctx, rng, 2),
                ),
                Chapter(
                    "monitoring",
                    "Monitoring Framework and Evaluation",
                    p.passages("monitoring", ctx, rng, 1)
                    + p.bullets("monitoring", ctx, rng, 3),
                ),
                Chapter("legal", "Legal Context", (Passage(legal_text(ctx, "2009")),)),
            )
        return (
            Chapter(
                "challenge",
                "Development Challenge",
                p.passages("situation", ctx, rng, 2, problems=True),
            ),
            Chapter(
                "strategy",
                "Strategy",
                p.passages("strategy", ctx, rng, 1)
                + p.with_subheadings("strategy", p.SUBHEADINGS["strategy"], ctx, rng),
            ),
            Chapter(
                "results",
                "Results and Partnerships",
                p.with_subheadings("results", p.SUBHEADINGS["results"][:4], ctx, rng),
            ),
            Chapter(
                "project_management",
                "Project Management",
                p.with_subheadings(
                    "management", p.SUBHEADINGS["project_management"], ctx, rng
                ),
            ),
            Chapter(
                "monitoring",
                "Monitoring and Evaluation",
                p.passages("monitoring", ctx, rng, 2),
            ),
            Chapter(
                "governance",
                "Governance and Management Arrangements",
                p.passages("governance", ctx, rng, 2),
            ),
            Chapter("legal", "Legal Context", (Passage(legal_text(ctx, "2016")),)),
            Chapter("risk", "Risk Management", p.bullets("risk", ctx, rng, 4)),
        )

    def build(self) -> ProjectDocument:
        r = self.r
        outcomes = self.outcomes()
        activities = [a for oc in outcomes for o in oc.outputs for a in o.activities]
        lines = self.budget(activities)
        doc = ProjectDocument(
            doc_id=r.doc_id,
            title=r.title,
            country=r.country,
            generation=r.generation,
            start_year=r.start_year,
            end_year=r.end_year,
            outcomes=outcomes,
            marks=self.marks(activities, lines),
            budget_lines=tuple(lines),
            funding=self.funding(),
            risks=self.risks(),
            chapters=self.chapters(),
            summary=(
                prose.paragraph("strategy", self.ctx, self.rng),
                prose.paragraph("results", self.ctx, self.rng),
            ),
            implementing_partner=r.parties[0].name,
            award_id=f"000{self.rng.randint(40000, 99999)}",
            cp_outcome=outcomes[0].statement
            if r.generation != "2007"
            else f"National capacities for {self.theme.sector} strengthened",
            undaf_outcome=f"By {r.end_year + 1}, {self.theme.groups[0]} benefit from "
            "improved policies and services "
            f"for {self.theme.sector}",
            executing_entity=r.parties[0].name if r.generation == "2009" else "UNDP",
            start_quarter=r.start_quarter,
        )
        return (
            replace(doc, stated_total=doc.total + r.misstated_total)
            if r.misstated_total
            else doc
        )


def merge_same_cells(lines: list[BudgetLine]) -> list[BudgetLine]:
    """A plan by year has one cell per (row, year): lines that would share it are added
    up."""
    merged: dict[tuple[int, str, str, str, str], int] = defaultdict(int)
    for ln in lines:
        merged[ln.year, ln.activity_id, ln.party, ln.fund, ln.account] += ln.amount
    return [
        BudgetLine(y, a, "", p, f, acc, amount)
        for (y, a, p, f, acc), amount in merged.items()
    ]


def legal_text(ctx: Context, generation: str) -> str:
    if generation == "2016":
        return (
            "This project document shall be the instrument referred to as such in "
            "Article 1 of the Standard "
            f"Basic Assistance Agreement between the Government of {ctx.country} and "
            "UNDP, signed on "
            f'{ctx.sbaa_date}. All references in the SBAA to "Executing Agency" shall '
            "be deemed to refer to "
            '"Implementing Partner". This project will be implemented by the '
            f"{ctx.partner} in accordance "
            "with its financial regulations, rules, practices and procedures only to "
            "the extent that they do "
            "not contravene the principles of the Financial Regulations and Rules of "
            "UNDP."
        )
    return (
        "This document shall be the instrument referred to as such in Article 1 of "
        "the Standard Basic "
        f"Assistance Agreement (SBAA) between the Government of {ctx.country} and the "
        "United Nations "
        f"Development Programme, signed by the parties on {ctx.sbaa_date}. The host "
        "country implementing "
        "agency shall, for the purpose of the SBAA, refer to the government "
        "co-operating agency described "
        f"in that Agreement."
    )


def build(recipe: Recipe) -> ProjectDocument:
    return _Builder(recipe).build()
