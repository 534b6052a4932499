"""Document self-checks: a consistent document yields no finding; each
planted inconsistency is found, with its page where it has one."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pipeline.extract import extract_document
from pipeline.reader import read_pdf
from tests.pdfkit import LANDSCAPE, TableSpec, Writer

ACTIVITIES = {"1.1": ["1.1.1", "1.1.2"], "1.2": ["1.2.1", "1.2.2"]}


@dataclass
class Plan:
    """A small consistent project; fields changed by a test plant one fault."""

    stated_total: str = "US$ 56,000"
    undp: str = "US$ 36,000"
    government: str = "US$ 20,000"
    schedule: dict[int, int] = field(default_factory=lambda: {2020: 10000, 2021: 10000})
    framework_total: str = "56"
    framework_ids: dict[str, list[str]] = field(
        default_factory=lambda: {k: list(v) for k, v in ACTIVITIES.items()}
    )
    plan_marks: dict[str, dict[int, tuple[int, ...]]] = field(
        default_factory=lambda: {
            "1.1.1": {2020: (1, 2)},
            "1.1.2": {2020: (3,)},
            "1.2.1": {2021: (1,)},
            "1.2.2": {2021: (2, 3)},
        }
    )
    sheet_quarters: dict[str, tuple[int, ...]] = field(
        default_factory=dict
    )  # activity -> quarters printed in its sheet
    lines: list[tuple[int, str, str, str, str]] = field(
        default_factory=lambda: [
            # year, activity, fund, account, amount
            (2020, "1.1.1", "04000", "71300", "9,000"),
            (2020, "1.1.1", "30071", "72100", "5,000"),
            (2020, "1.1.2", "04000", "71600", "9,000"),
            (2020, "1.1.2", "30071", "74500", "5,000"),
            (2021, "1.2.1", "04000", "71300", "9,000"),
            (2021, "1.2.1", "30071", "72100", "5,000"),
            (2021, "1.2.2", "04000", "71600", "9,000"),
            (2021, "1.2.2", "30071", "74500", "5,000"),
        ]
    )
    annex_reference: str = "Annex 1"
    second_annex_number: str = "2"
    sheet_totals: dict[int, int] = field(
        default_factory=dict
    )  # year -> total row printed, if not the lines' sum
    fund_names: dict[str, str] = field(
        default_factory=dict
    )  # fund code -> name printed before it


def output_budget(plan: Plan, output: str) -> str:
    total = sum(
        int(a.replace(",", ""))
        for _, act, _, _, a in plan.lines
        if act.startswith(output + ".")
    )
    return f"{total / 1000:g}"


def build(path: Path, plan: Plan) -> None:
    w = Writer(path)
    w.line("Project Document", bold=True, size=16)
    w.line("Water for Rural Communities in Kenya", bold=True, size=14, gap=12)
    w.line("Part 1. Funding", bold=True, gap=8)
    w.line(
        f"The total budget for the project is {plan.stated_total} of which {plan.undp} "
        "is from UNDP,"
    )
    w.line(f"and {plan.government} is committed from the Government of Kenya.")
    w.space(10)
    w.line("The government cost sharing schedule:")
    w.space(10)
    for year, amount in plan.schedule.items():
        w.line(f"{year}: USD {amount:,},")
        w.space(10)
    w.line("Part 2. Monitoring", bold=True, gap=8)
    w.line(f"Risks are monitored with the Risk Log included as {plan.annex_reference}.")
    w.new_page(LANDSCAPE)
    w.line("Part 3. Results and Resources Framework", bold=True, gap=8)
    rows: list[list[str | None]] = []
    for output, ids in plan.framework_ids.items():
        for k, aid in enumerate(ids):
            first = k == 0
            rows.append(
                [
                    "Outcome 1\nSafe water" if not rows else None,
                    f"Output {output[-1]} - Wells built" if first else None,
                    "Wells in use (4th Q., 2021)" if first else None,
                    f"Activity {aid} Task {aid}",
                    output_budget(plan, output) if first else None,
                    "Ministry of Water" if first else None,
                ]
            )
    rows.append(["", "", "", "TOTAL", plan.framework_total, ""])
    w.table(
        TableSpec(
            [100, 120, 130, 180, 70, 110],
            [
                [
                    "Outcomes",
                    "Outputs",
                    "Output Targets",
                    "Indicative Activities",
                    "Budget ('000 $)",
                    "Res. Parties",
                ]
            ],
            rows,
        )
    )
    w.new_page(LANDSCAPE)
    w.line("Part 4. Work plan", bold=True, gap=8)
    years = sorted({y for marks in plan.plan_marks.values() for y in marks})
    header = [
        ["Indicative Activities"]
        + [y if i == 0 else "<" for y in map(str, years) for i in range(4)]
        + ["Responsible"],
        [""] + [f"Q{q}" for _ in years for q in (1, 2, 3, 4)] + [""],
    ]
    plan_rows = [
        [f"Activity {aid} Task {aid}"]
        + ["X" if q in marks.get(y, ()) else "" for y in years for q in (1, 2, 3, 4)]
        + ["MoW"]
        for aid, marks in plan.plan_marks.items()
    ]
    w.table(TableSpec([200] + [28] * (4 * len(years)) + [80], header, plan_rows))
    for year in sorted({line[0] for line in plan.lines}):
        w.new_page(LANDSCAPE)
        w.line(str(year), bold=True)
        sheet_rows: list[list[str | None]] = []
        previous = None
        for y, aid, fund, account, amount in plan.lines:
            if y != year:
                continue
            marks = plan.sheet_quarters.get(
                aid, plan.plan_marks.get(aid, {}).get(year, ())
            )
            first = aid != previous
            sheet_rows.append(
                [
                    f"Activity {aid} Task {aid}" if first else None,
                    *[
                        ("X" if q in marks else "") if first else None
                        for q in (1, 2, 3, 4)
                    ],
                    "MoW" if first else None,
                    f"{plan.fund_names.get(fund, '')} {fund}".strip(),
                    account,
                    amount,
                ]
            )
            previous = aid
        total = sum(
            int(a.replace(",", "")) for y, _, _, _, a in plan.lines if y == year
        )
        sheet_rows.append(
            [
                f"Total {year}",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                f"{plan.sheet_totals.get(year, total):,}",
            ]
        )
        w.table(
            TableSpec(
                [200, 28, 28, 28, 28, 70, 80, 80, 70],
                [
                    [
                        "Indicative Activities",
                        str(year),
                        "<",
                        "<",
                        "<",
                        "Resp. Party",
                        "Source of Funds",
                        "Budget Description",
                        "Amount",
                    ],
                    ["", "Q1", "Q2", "Q3", "Q4", "", "", "", ""],
                ],
                sheet_rows,
            )
        )
    w.new_page(LANDSCAPE)
    w.line("ANNEX 1 - RISK LOG", bold=True, size=12, gap=8)
    w.table(
        TableSpec(
            [30, 200, 80, 120, 200, 80],
            [
                [
                    "ID",
                    "Description",
                    "Category",
                    "Impact & Probability",
                    "Countermeasures / Management response",
                    "Owner",
                ]
            ],
            [
                [
                    "1",
                    "Drought delays drilling",
                    "Environmental",
                    "Delays P = 2",
                    "Schedule drilling early",
                    "MoW",
                ]
            ],
        )
    )
    w.line(f"ANNEX {plan.second_annex_number} - SITE LIST", bold=True, size=12)
    w.line("Sites are listed by county.")
    w.save()


def findings(tmp_path: Path, plan: Plan) -> list[dict]:
    path = tmp_path / "doc.pdf"
    build(path, plan)
    return extract_document(read_pdf(path)).records["issues"]


def test_consistent_document_has_no_findings(tmp_path: Path) -> None:
    assert findings(tmp_path, Plan()) == []


def planted(**changes) -> Plan:
    plan = Plan()
    for key, value in changes.items():
        setattr(plan, key, value)
    return plan


def with_line(**change) -> list[tuple[int, str, str, str, str]]:
    lines = Plan().lines
    index = change.pop("index", 0)
    year, aid, fund, account, amount = lines[index]
    values = {
        "year": year,
        "activity": aid,
        "fund": fund,
        "account": account,
        "amount": amount,
        **change,
    }
    lines[index] = (
        values["year"],
        values["activity"],
        values["fund"],
        values["account"],
        values["amount"],
    )
    return lines


CASES = {
    "stated_total_vs_framework_total": planted(stated_total="US$ 60,000"),
    "framework_total_vs_outputs": planted(framework_total="50"),
    "cost_sharing_schedule_vs_budget_sheet": planted(
        schedule={2020: 12000, 2021: 8000}
    ),
    "budget_activity_not_in_framework": planted(
        lines=with_line(index=7, activity="1.2.3")
    ),
    "activity_without_workplan": planted(
        plan_marks={k: v for k, v in Plan().plan_marks.items() if k != "1.2.2"}
    ),
    "activity_without_workplan (a row, no quarter)": planted(
        plan_marks={**Plan().plan_marks, "1.1.2": {2020: ()}}
    ),
    "mark_outside_project_period": planted(
        plan_marks={**Plan().plan_marks, "1.2.2": {2021: (2,), 2022: (1,)}}
    ),
    "account_code_unknown": planted(lines=with_line(index=2, account="79999")),
    "amount_not_positive": planted(lines=with_line(index=2, amount="0")),
    "duplicate_activity_id": planted(
        framework_ids={"1.1": ["1.1.1", "1.1.2"], "1.2": ["1.2.1", "1.2.1"]}
    ),
    "budget_sheet_quarters_vs_workplan": planted(sheet_quarters={"1.1.2": (4,)}),
    "duplicate_heading_number": planted(second_annex_number="1"),
    "cross_reference": planted(annex_reference="Annex 3"),
    "cross_reference (an annex word of the vocabulary)": planted(
        annex_reference="Appendix 3"
    ),
    "table_total_vs_lines": planted(sheet_totals={2021: 29000}),
    "funding_vs_budget": planted(
        fund_names={"04000": "UNDP", "30071": "Kenya"},
        government="US$ 21,000",
        stated_total="US$ 57,000",
        framework_total="57",
    ),
    "activity_without_budget": planted(
        framework_ids={"1.1": ["1.1.1", "1.1.2"], "1.2": ["1.2.1", "1.2.2", "1.2.3"]}
    ),
}
PAGED = {
    "stated_total_vs_framework_total": 1,
    "framework_total_vs_outputs": 2,
    "budget_activity_not_in_framework": 5,
    "account_code_unknown": 4,
    "amount_not_positive": 4,
    "budget_sheet_quarters_vs_workplan": 4,
    "table_total_vs_lines": 5,
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_planted_inconsistency_is_found(tmp_path: Path, case: str) -> None:
    check = case.split(" ")[0]
    found = [f for f in findings(tmp_path, CASES[case]) if f["check"] == check]
    assert found, f"{check} not reported"
    if check in PAGED:
        assert found[0]["page"] == PAGED[check]
