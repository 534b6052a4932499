"""Stage 6: cross-check a document against itself.

Each check is a named rule returning findings (`check`, `severity`,
`message`, `page`); the message gives the figures so a reader can decide
which one to trust.  Nothing is corrected: findings are data.

Tolerances: an amount compares equal to another within half a unit of its
least printed digit (`US$ 4.237 million` is exact to 500; a '000 $ table
printing `98` is exact to 500); sums of budget lines printed in whole
dollars compare within 1 dollar.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import combinations

from .budget import BudgetLine
from .extraction import Extraction
from .kinds import TABLE_KINDS
from .model import Record, finding
from .nlp import money_mentions
from .reference import account_codes, vocabulary
from .sections import ANNEX, annex_citations
from .tables import output_of

EXACT_USD = 1
TITLE_MATCH = 0.75  # similarity at which two activity titles name the same activity
TITLE_MISMATCH = (
    0.5  # below this, a numbered row does not describe the framework activity
)
SCHEDULE_ITEM = re.compile(r"\b((?:19|20)\d\d)\s*[:=–-]\s*")


def usd(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def tolerance(printed: str) -> int:
    """Half a unit of the least significant printed digit, in dollars."""
    m = re.search(r"(\d[\d,]*)(?:\.(\d+))?", printed)
    if not m:
        return EXACT_USD
    decimals = len(m.group(2) or "")
    low = printed.lower()
    scale = (
        1_000_000
        if "million" in low
        else 1000
        if ("thousand" in low or "'000" in low)
        else 1
    )
    return max(EXACT_USD, int(Decimal(scale) / (Decimal(10) ** decimals) / 2))


def similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio()


# ------------------------------------------------------------------ missing parts


def check_missing_parts(ex: Extraction) -> Iterator[Record]:
    found = {t.kind for t in ex.tables}
    for kind in TABLE_KINDS:  # a plan by year may be read from the budget sheets
        if kind.name not in found and not (kind.name == "workplan" and ex.marks):
            yield finding(f"missing_{kind.name}", "warning", kind.missing)
    if not ex.sections:
        yield finding("missing_sections", "warning", "no numbered headings found")


# ------------------------------------------------------------------ totals


def check_framework_total(ex: Extraction) -> Iterator[Record]:
    fw = ex.framework
    outputs = [o.budget for o in fw.outputs if o.budget is not None]
    summed = sum(outputs) + fw.other_budget
    if (
        fw.total is not None
        and outputs
        and abs(summed - fw.total) > EXACT_USD * (len(outputs) + 1)
    ):
        other = (
            f" and its other rows (management) {usd(fw.other_budget)}"
            if fw.other_budget
            else ""
        )
        yield finding(
            "framework_total_vs_outputs",
            "error",
            f"The results framework TOTAL is {usd(fw.total)} but its output "
            f"budgets{other} add up to "
            f"{usd(summed)} (difference {summed - fw.total:+,}).",
            fw.total_page,
        )


def check_stated_total(ex: Extraction) -> Iterator[Record]:
    """The total the text states against the results framework's TOTAL
    (`stated_total_vs_framework_total`) and against the sum of the budget
    sheets (`stated_total_vs_budget_total`); each message gives every figure."""
    total = ex.stated_total
    if total is None:
        return
    fw_total = ex.framework.total
    if (
        fw_total is None
    ):  # no TOTAL row: the framework's printed amounts, management rows included
        fw_total = (
            sum(o.budget for o in ex.framework.outputs if o.budget is not None)
            + ex.framework.other_budget
            or None
        )
    sources = ex.records["funding"]
    source_sum = sum(f["amount_usd"] for f in sources) if sources else None
    sheet_sum = (
        sum(b.amount_usd for b in ex.budget if b.amount_usd) if ex.budget else None
    )
    figures = [
        f"the results framework TOTAL is {usd(fw_total)}"
        if fw_total is not None
        else "",
        f"the stated sources add up to {usd(source_sum)}"
        if source_sum is not None
        else "",
        f"the budget lines add up to {usd(sheet_sum)}" if sheet_sum is not None else "",
    ]
    context = "; ".join(f for f in figures if f)
    tol = tolerance(total.printed)
    for check, value in (
        ("stated_total_vs_framework_total", fw_total),
        ("stated_total_vs_budget_total", sheet_sum),
    ):
        if value is not None and abs(value - total.amount_usd) > tol:
            yield finding(
                check,
                "error",
                f"The document states a total budget of {total.printed} "
                f"({usd(total.amount_usd)}) but "
                f"{context}; the difference is {value - total.amount_usd:+,}.",
                total.page,
            )


def check_table_totals(ex: Extraction) -> Iterator[Record]:
    """A printed total or sub-total row against the lines it totals."""
    for t in ex.totals:
        summed = sum(t.lines)
        if abs(t.amount_usd - summed) > max(
            EXACT_USD, t.scale // 2 * (len(t.lines) + 1)
        ):
            year = f" for {t.year}" if t.year and t.table == "budget" else ""
            yield finding(
                "table_total_vs_lines",
                "error",
                f'The {t.table} table prints "{t.label}" of {t.amount_usd:,}{year} but '
                f"its {len(t.lines)} "
                f"budget lines sum to {summed:,} (difference "
                f"{t.amount_usd - summed:,}).",
                t.page,
            )


# ------------------------------------------------------------------ funds and schedules


def named_funds(ex: Extraction, source: str) -> tuple[str, ...]:
    """The fund codes whose printed fund cell names `source` (`30071
    Government of X`, or `X 30000` for the Government of X)."""
    generic = (
        set(vocabulary()["government_words"])
        | set(vocabulary()["small_title_words"])
        | {"fund", "funds"}
    )
    words = {
        w
        for w in re.findall(r"[a-z]+", source.lower())
        if len(w) > 2 and w not in generic
    }
    return tuple(
        sorted(
            {
                b.fund_code
                for b in ex.budget
                if b.fund_code
                and words
                and words & set(re.findall(r"[a-z]+", b.fund_printed.lower()))
            }
        )
    )


def check_funding_vs_budget(ex: Extraction) -> Iterator[Record]:
    """A source's stated amount against the budget lines of the funds that
    name it."""
    total = ex.stated_total
    all_lines = sum(b.amount_usd for b in ex.budget if b.amount_usd)
    for source in ex.records["funding"]:
        funds = named_funds(ex, source["source"])
        if not funds:
            continue
        lines = sum(
            b.amount_usd for b in ex.budget if b.fund_code in funds and b.amount_usd
        )
        if abs(lines - source["amount_usd"]) > tolerance(source["printed"]):
            overall = (
                f"; all sources {total.amount_usd:,} vs all lines {all_lines:,}"
                if total
                else ""
            )
            yield finding(
                "funding_vs_budget",
                "error",
                f"{source['source']} is stated to give {source['amount_usd']:,} but "
                "the budget lines of "
                f"fund {'/'.join(funds)} sum to {lines:,} (difference "
                f"{lines - source['amount_usd']:,})"
                f"{overall}.",
                source["page"],
            )


def fund_groups(ex: Extraction) -> dict[str, tuple[str, ...]]:
    """Stated funding source -> the fund codes whose budget lines add up to
    its stated amount (the document never says which fund is whose)."""
    by_fund: dict[str, int] = defaultdict(int)
    for b in ex.budget:
        if b.fund_code and b.amount_usd:
            by_fund[b.fund_code] += b.amount_usd
    codes = sorted(by_fund)
    groups: dict[str, tuple[str, ...]] = {}
    for source in ex.records["funding"]:
        for size in range(1, min(4, len(codes)) + 1):
            match = next(
                (
                    combo
                    for combo in combinations(codes, size)
                    if abs(sum(by_fund[c] for c in combo) - source["amount_usd"])
                    <= tolerance(source["printed"])
                ),
                None,
            )
            if match:
                groups[source["source"]] = match
                break
    return groups


def schedules(ex: Extraction) -> list[tuple[list[str], dict[int, int], int | None]]:
    """Yearly schedules stated in the text (`2008: USD 817,000,` ...), one
    per run of consecutive year paragraphs, with the paragraphs just before
    them (nearest first) that say whose schedule it is."""
    found: list[tuple[list[str], dict[int, int], int | None]] = []
    for section in ex.sections:
        current: dict[int, int] | None = None
        for i, para in enumerate(section.paragraphs):
            items = {
                int(year.group(1)): m.usd
                for m in money_mentions(para)
                for year in [SCHEDULE_ITEM.search(para[max(0, m.start - 12) : m.start])]
                if year
            }
            if not (items and SCHEDULE_ITEM.match(para)):
                current = None
                continue
            if current is None:
                current = {}
                found.append(
                    (
                        section.paragraphs[max(0, i - 2) : i][::-1],
                        current,
                        section.heading.page,
                    )
                )
            current.update(items)
    return found


def check_schedules(ex: Extraction) -> Iterator[Record]:
    groups = fund_groups(ex)
    for context, items, page in schedules(ex):
        source = schedule_source(context, groups)
        if source is None:
            continue
        funds = groups[source]
        per_year: dict[int, int] = defaultdict(int)
        for b in ex.budget:
            if b.fund_code in funds and b.amount_usd and b.year:
                per_year[b.year] += b.amount_usd
        label = "/".join(funds)
        for year, stated in sorted(items.items()):
            actual = per_year.get(year, 0)
            if abs(actual - stated) > EXACT_USD:
                yield finding(
                    "cost_sharing_schedule_vs_budget_sheet",
                    "error",
                    f"The {source} schedule states USD {stated:,} for {year}, but the "
                    f"{year} budget sheet "
                    f"lines with fund {label} sum to {actual:,} (difference "
                    f"{actual - stated:+,}); all years "
                    f"together {sum(per_year.values()):,} vs the scheduled "
                    f"{sum(items.values()):,}.",
                    page,
                )


def schedule_source(
    context: list[str], groups: dict[str, tuple[str, ...]]
) -> str | None:
    """The funding source the nearest paragraph before a schedule names."""
    for para in context:
        low = para.lower()
        for source in groups:
            words = [w for w in re.findall(r"[a-z]+", source.lower()) if len(w) > 3]
            if any(w in low for w in words):
                return source
    return None


def check_fund_codes(ex: Extraction) -> Iterator[Record]:
    """A fund code printed with a doubled digit (`300071` for `30071`)."""
    counts = Counter(b.fund_code for b in ex.budget if b.fund_code)
    for code, n in counts.items():
        for other, m in counts.items():
            if (
                other != code
                and len(code) == len(other) + 1
                and any(
                    code[:i] + code[i + 1 :] == other and code[i] == code[i - 1]
                    for i in range(1, len(code))
                )
            ):
                page = next((b.page for b in ex.budget if b.fund_code == code), None)
                yield finding(
                    "fund_code_format",
                    "warning",
                    f'{n} budget lines print fund "{code}" while {m} lines print '
                    f'"{other}"; they look '
                    f"like one fund with a doubled digit.",
                    page,
                )


# ------------------------------------------------------------------ framework vs plans


def check_output_budgets(ex: Extraction) -> Iterator[Record]:
    sheets: dict[str, int] = defaultdict(int)
    for b in ex.budget:
        if b.activity_id and b.amount_usd:
            sheets[output_of(b.activity_id)] += b.amount_usd
    if not sheets:
        return
    diffs = []
    for out in ex.framework.outputs:
        oid = out.output_id
        if (
            oid
            and out.budget is not None
            and abs(out.budget - sheets.get(oid, 0)) > EXACT_USD
        ):
            diffs.append(f"{oid}: {out.budget:,} vs {sheets.get(oid, 0):,}")
    if diffs:
        yield finding(
            "output_budget_vs_budget_sheets",
            "warning",
            "The framework budget per output does not match the sum of that output's "
            "activity lines in "
            "the budget sheets (framework vs sheets): " + "; ".join(diffs) + ".",
        )


def framework_titles(ex: Extraction) -> dict[str, str]:
    return {a["activity_id"]: a["title"] for a in ex.records["activities"]}


def check_activities_vs_plan(ex: Extraction) -> Iterator[Record]:
    titles = framework_titles(ex)
    planned = {a.activity_id: a for a in ex.plan_activities if a.gridded}
    if not ex.framework.outputs or not planned:
        return
    marked = {m.activity_id for m in ex.marks}
    for aid, title in titles.items():
        if aid not in planned and aid not in marked:
            yield finding(
                "activity_without_workplan",
                "warning",
                f'Framework activity {aid} ("{title[:60]}") has no row, hence no '
                "quarter marked, in the work plan.",
            )
        elif aid not in marked:
            yield finding(
                "activity_without_workplan",
                "warning",
                f'Framework activity {aid} ("{title[:60]}") has a work-plan row but no '
                "quarter marked.",
                planned[aid].page,
            )
    yield from unmarked_budget_years(ex, titles, marked)
    for aid, plan in planned.items():
        own = titles.get(aid)
        if own is not None and similar(plan.title, own) >= TITLE_MISMATCH:
            continue
        best = max(titles, key=lambda k: similar(plan.title, titles[k]), default=None)
        if (
            best is not None
            and best != aid
            and similar(plan.title, titles[best]) >= TITLE_MATCH
        ):
            yield finding(
                "workplan_activity_numbering",
                "warning",
                f'Work plan row numbered {aid} ("{plan.title[:60]}") matches framework '
                f"activity {best} "
                f'("{titles[best][:60]}").',
                plan.page,
            )
        elif own is None:
            yield finding(
                "workplan_activity_not_in_framework",
                "warning",
                f'Work plan activity {aid} ("{plan.title[:60]}") is not in the results '
                "framework.",
                plan.page,
            )


def unmarked_budget_years(
    ex: Extraction, titles: dict[str, str], marked: set[str]
) -> Iterator[Record]:
    """An activity the quarter grid marks in some years, budgeted in a year
    of the grid in which it has no quarter marked."""
    grid_years = {m.year for m in ex.marks if m.quarter}
    marked_years = {(m.activity_id, m.year) for m in ex.marks}
    budgeted: dict[tuple[str, int], int] = defaultdict(int)
    for b in ex.budget:
        if b.activity_id in marked and b.year in grid_years and b.amount_usd:
            budgeted[(b.activity_id, b.year)] += b.amount_usd
    for (aid, year), amount in sorted(budgeted.items()):
        if (aid, year) not in marked_years:
            yield finding(
                "activity_without_workplan",
                "warning",
                f'Activity {aid} ("{titles.get(aid, "")[:60]}") has budget lines in '
                f"{year} ({amount:,}) "
                f"but no quarter of {year} marked in the work plan.",
            )


def check_activities_without_budget(ex: Extraction) -> Iterator[Record]:
    """An activity with no amount in any budget, where the budget names activities."""
    funded = {b.activity_id for b in ex.budget if b.activity_id and b.amount_usd}
    years = sorted({b.year for b in ex.budget if b.year})
    if not funded:
        return
    span = f" ({years[0]}-{years[-1]})" if years else ""
    for a in ex.records["activities"]:
        if a["activity_id"] not in funded:
            yield finding(
                "activity_without_budget",
                "warning",
                f'Activity {a["activity_id"]} ("{a["title"][:60]}") has no amount in '
                f"any budget{span}.",
                a["page"],
            )


def check_budget_activities(ex: Extraction) -> Iterator[Record]:
    titles = framework_titles(ex)
    if not titles:
        return
    missing: dict[str, list[BudgetLine]] = defaultdict(list)
    for b in ex.budget:
        if b.activity_id and b.activity_id not in titles:
            missing[b.activity_id].append(b)
    for aid, lines in sorted(missing.items()):
        years = ", ".join(str(y) for y in sorted({b.year for b in lines if b.year}))
        amount = sum(b.amount_usd for b in lines if b.amount_usd)
        siblings = sorted(k for k in titles if output_of(k) == output_of(aid))
        listed = f"{siblings[0]}-{siblings[-1]}" if siblings else "none"
        yield finding(
            "budget_activity_not_in_framework",
            "warning",
            f"The {years} budget lines name activity {aid} ({amount:,}), which the "
            "results framework lacks "
            f"(it lists activities {listed} under output {output_of(aid)}).",
            lines[0].page,
        )


def check_sheet_quarters(ex: Extraction) -> Iterator[Record]:
    if not any(t.kind == "workplan" for t in ex.tables):
        return
    plan: dict[tuple[str, int], set[int]] = defaultdict(set)
    for m in ex.marks:
        if m.quarter:
            plan[(m.activity_id, m.year)].add(m.quarter)
    sheet: dict[tuple[str, int], set[int]] = defaultdict(set)
    pages: dict[tuple[str, int], int] = {}
    for b in ex.budget:
        if b.activity_id and b.year and b.quarters:
            sheet[(b.activity_id, b.year)].update(b.quarters)
            pages.setdefault((b.activity_id, b.year), b.page)
    for key, quarters in sorted(sheet.items()):
        if key in plan and plan[key] != quarters:
            aid, year = key
            yield finding(
                "budget_sheet_quarters_vs_workplan",
                "warning",
                f"{year} budget sheet marks activity {aid} in "
                f"{','.join(f'Q{q}' for q in sorted(quarters))} "
                "but the work plan marks "
                f"{','.join(f'Q{q}' for q in sorted(plan[key]))} of {year}.",
                pages[key],
            )


def check_budget_values(ex: Extraction) -> Iterator[Record]:
    known = account_codes()
    for b in ex.budget:
        where = (
            f"{b.year} budget line ({b.activity_id or b.label or 'no activity'}, "
            f"account {b.account_printed or '?'})"
        )
        if b.amount_usd is None:
            yield finding(
                "amount_unparseable",
                "error",
                f'{where}: amount "{b.amount_printed}" is not a number.',
                b.page,
            )
        elif b.amount_usd <= 0:
            yield finding(
                "amount_not_positive",
                "warning",
                f"{where}: amount is {b.amount_usd:,}.",
                b.page,
            )
        if b.account_code and b.account_code not in known:
            yield finding(
                "account_code_unknown",
                "warning",
                f"{where}: account code {b.account_code} is not in the Atlas reference "
                "table.",
                b.page,
            )
        elif not b.account_code and b.account_printed:
            yield finding(
                "account_code_unknown",
                "warning",
                f'{where}: account "{b.account_printed}" names no known Atlas account.',
                b.page,
            )


def check_duplicate_ids(ex: Extraction) -> Iterator[Record]:
    counts = Counter(a["activity_id"] for a in ex.records["activities"])
    for aid, n in sorted(counts.items()):
        if n > 1:
            yield finding(
                "duplicate_activity_id",
                "error",
                f"Activity id {aid} is used by {n} framework activities.",
            )


def check_marks_in_period(ex: Extraction) -> Iterator[Record]:
    years = sorted({b.year for b in ex.budget if b.year})
    if not years or not ex.marks:
        return
    outside = sorted({m.year for m in ex.marks if not years[0] <= m.year <= years[-1]})
    for year in outside:
        n = sum(1 for m in ex.marks if m.year == year)
        yield finding(
            "mark_outside_project_period",
            "warning",
            f"The work plan marks {n} quarter(s) in {year}, outside the budgeted years "
            f"{years[0]}-{years[-1]}.",
        )


# -------------------------------------------------------------- headings and references


def check_heading_numbers(ex: Extraction) -> Iterator[Record]:
    by_number: dict[tuple[int, str], list[str]] = defaultdict(list)
    for s in ex.sections:
        if s.heading.number:
            by_number[(s.heading.level, s.heading.number)].append(s.heading.title)
    for (_, number), titles in by_number.items():
        if len(titles) > 1:
            yield finding(
                "duplicate_heading_number",
                "warning",
                f'"{number}" is used for {len(titles)} headings: {" / ".join(titles)}.',
            )


def check_cross_references(ex: Extraction) -> Iterator[Record]:
    annexes = [
        (s.heading.number, s.heading.title)
        for s in ex.sections
        if s.heading.number.startswith(ANNEX)
    ]
    citations = annex_citations()
    seen: set[tuple[str, str]] = set()
    for section in ex.sections:
        for para in section.paragraphs:
            for m in citations.finditer(para):
                word, cited_no = m.groups()
                cited = f"{ANNEX} {cited_no}"
                window = set(
                    re.findall(
                        r"[a-z]+", para[max(0, m.start() - 90) : m.start()].lower()
                    )
                )
                best, coverage = None, 0.0
                for number, title in annexes:
                    words = {
                        w
                        for w in re.findall(r"[a-z]+", title.lower())
                        if len(w) > 2 and w != "the"
                    }
                    share = len(words & window) / len(words) if words else 0
                    if share > coverage:
                        best, coverage = (number, title), share
                if (
                    best
                    and coverage >= TITLE_MATCH
                    and best[0] != cited
                    and (best[1], cited) not in seen
                ):
                    seen.add((best[1], cited))
                    yield finding(
                        "cross_reference",
                        "warning",
                        f"The text refers to the {best[1]} as {word} {cited_no}, but "
                        "it is printed as "
                        f"{best[0]}.",
                        section.heading.page,
                    )


CHECKS: list[Callable[[Extraction], Iterator[Record]]] = [
    check_missing_parts,
    check_stated_total,
    check_framework_total,
    check_schedules,
    check_table_totals,
    check_funding_vs_budget,
    check_fund_codes,
    check_output_budgets,
    check_activities_vs_plan,
    check_activities_without_budget,
    check_budget_activities,
    check_sheet_quarters,
    check_budget_values,
    check_duplicate_ids,
    check_marks_in_period,
    check_heading_numbers,
    check_cross_references,
]


def run_checks(ex: Extraction) -> list[Record]:
    return [f for check in CHECKS for f in check(ex)]
