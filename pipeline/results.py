"""Stage 4a: the Results and Resources Framework -> outcomes, outputs, activities.

The framework table is walked row by row: an outcome, output or activity
begins where its cell begins; a row that carries on the previous page's last
row adds its text to what is open.  Output ids follow the activity numbering
(activities `1.2.x` sit under output `1.2`).  Outcome statements, baselines
and indicators come from the "Outcome One: ..." blocks of the text where the
document has them, else from the table's outcome cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .labels import OUTPUT, PART_WORDS, is_total
from .model import Region
from .reference import alternation, vocabulary
from .sections import Section
from .tables import (
    Column,
    Row,
    Table,
    activity_id,
    labelled_amounts,
    money,
    outcome_of,
    output_of,
    source_part,
)
from .text import flatten, normalise_label, split_items, split_parties

OUTCOME_LABEL = re.compile(
    rf"^(?:(?:{alternation(vocabulary()['outcome_qualifiers'])})\s+)?"
    rf"(?:{alternation(vocabulary()['outcome_words'])})"
    r"\s*(?P<no>\w+)?\s*[:.\-–]?\s*",
    re.I,
)
BASELINE = alternation(vocabulary()["baseline_labels"])
OUTPUT_BASELINE = re.compile(rf"\b(?:{BASELINE})\s*:\s*", re.I)
OUTPUT_LABEL = re.compile(rf"^{OUTPUT}\s*(?P<no>\d+(?:\.\d+)?)?\s*[:.\-–]?\s*", re.I)


@dataclass
class ActivityDraft:
    activity_id: str
    title: str
    pages: set[int] = field(default_factory=set)
    boxes: list[Region] = field(default_factory=list)


@dataclass
class OutputDraft:
    outcome_no: int | None
    number: str | None
    title: str = ""
    targets: str = ""
    budget: int | None = None
    parties: list[str] = field(
        default_factory=list
    )  # the party cells printed for the output
    activities: list[ActivityDraft] = field(default_factory=list)
    pages: set[int] = field(default_factory=set)
    boxes: list[Region] = field(default_factory=list)
    cell_id: int = 0
    baseline: str = ""  # an output baseline printed in the output's own cell

    @property
    def output_id(self) -> str | None:
        if self.activities:
            return output_of(self.activities[0].activity_id)
        if self.number and "." in self.number:
            return self.number
        if self.number and self.outcome_no is not None:
            return f"{self.outcome_no}.{self.number}"
        return self.number


@dataclass
class OutcomeDraft:
    outcome_no: int | None
    text: str = ""
    # printed on the outcome's own rows of a framework that lists outcomes,
    # outputs and their indicators in one strategy column
    baseline: str = ""
    indicators: list[str] = field(default_factory=list)
    pages: set[int] = field(default_factory=set)
    boxes: list[Region] = field(default_factory=list)


@dataclass
class Framework:
    outcomes: list[OutcomeDraft]
    outputs: list[OutputDraft]
    total: int | None = None
    total_page: int | None = None
    other_budget: int = (
        0  # amounts on framework rows outside any output (management, GMS)
    )


def number_value(token: str | None) -> int | None:
    if not token:
        return None
    if token.isdigit():
        return int(token)
    return vocabulary()["number_words"].get(token.lower())


def read_framework(tables: list[Table]) -> Framework:
    fw = Framework([], [])
    for table in (t for t in tables if t.kind == "results_framework"):
        read_framework_table(table, fw)
    for out in (
        fw.outputs
    ):  # numbering implied by the activities (`2.1.3` sits under outcome 2)
        if (
            out.activities
            and out.outcome_no is None
            and out.activities[0].activity_id.count(".") >= 2
        ):
            out.outcome_no = outcome_of(out.activities[0].activity_id)
    return fw


def read_framework_table(table: Table, fw: Framework) -> None:
    col = {
        role: table.column(role)
        for role in ("outcome", "output", "activity", "amount", "party")
    }
    outcome: OutcomeDraft | None = None
    output: OutputDraft | None = None
    activity: ActivityDraft | None = None
    seen_amount_cells: set[int] = set()
    totalled: set[int] = set()  # outputs whose amount cell printed their total
    for row in table.rows:
        if not any(t.strip() for t in row.cells):
            continue
        first_act_line = starting_text(row, col["activity"]).split("\n")[0]
        if is_total(first_act_line) or any(
            is_total(t) for t in row.cells[:2] if t.strip()
        ):
            amount_col = col["amount"]
            fw.total = (
                money(flatten(row.get(amount_col)), amount_col) if amount_col else None
            )
            fw.total_page = row.page
            continue
        text = starting_text(row, col["outcome"])
        if text:
            if outcome is not None and rest_from_page_above(row, text, OUTCOME_LABEL):
                outcome.text += "\n" + text
            else:
                outcome = open_outcome(fw, outcome, text)
            read_on(outcome, row)
        text = starting_text(row, col["output"])
        if col["outcome"] is None and opens_outcome(text):
            # a strategy column holding outcomes and outputs alike
            outcome, output, activity = open_outcome(fw, outcome, text), None, None
        if (
            output is None
            and outcome is not None
            and col["outcome"] is None
            and not OUTPUT_LABEL.match(text)
        ):
            read_outcome_row(outcome, table, row)
            continue
        if spans_across(row, col["output"], col["activity"]):
            # a row of its own across outputs and activities (management, GMS)
            fw.other_budget += (
                money(flatten(row.get(col["amount"])), col["amount"]) or 0
            )
            output = activity = None
            continue
        if output is not None and spans_rest(row, col["output"]):
            # `Activities:` over one cell across the others: the output's list
            output.activities += listed_activities(row.get(table.columns[-1]), row)
            continue
        if text:
            if output is not None and (
                rest_from_page_above(row, text, OUTPUT_LABEL)
                or rest_of_labelled(output.number, text, OUTPUT_LABEL)
            ):
                continue_output_cell(output, text)
            else:
                m = OUTPUT_LABEL.match(text)
                title, baseline = split_baseline(text[m.end() :] if m else text)
                output = OutputDraft(
                    outcome.outcome_no if outcome else None,
                    m.group("no") if m else None,
                    title,
                    baseline=baseline.strip(),
                    cell_id=row.cell_ids[col["output"].index],
                )
                fw.outputs.append(output)
                activity = None
        if output is None:
            continue
        read_on(output, row)
        for column in table.columns_of("targets"):  # one column, or one per year
            text = starting_text(row, column)
            if text:
                output.targets += ("\n\n" if output.targets else "") + text
        text = starting_text(row, col["party"])
        if text:
            output.parties.append(text)  # one cell per output, or one per activity
        amount_col = col["amount"]
        act_text = starting_text(row, col["activity"])
        in_output = (
            col["output"] is not None
            and row.cell_ids[col["output"].index] == output.cell_id
        ) or bool(activity_id(act_text)[0])
        if (
            amount_col is not None
            and row.starts[amount_col.index]
            and row.cell_ids[amount_col.index] not in seen_amount_cells
        ):
            seen_amount_cells.add(row.cell_ids[amount_col.index])
            cell = flatten(row.get(amount_col))
            value = money(cell, amount_col)
            if value is not None and in_output:
                if id(output) not in totalled or not source_part(cell):
                    output.budget = (output.budget or 0) + value
                if any(
                    label.startswith("total") for label, _ in labelled_amounts(cell)
                ):
                    totalled.add(id(output))  # its sources follow, in cells below
            elif value is not None:
                fw.other_budget += value
        text = act_text
        if text:
            listed = listed_activities(text, row)
            if listed:  # one activity, or a cell listing several, one a line
                output.activities += listed
                activity = listed[-1]
            elif activity is not None and text[0].islower():
                activity.title += "\n" + text
                read_on(activity, row)


def open_outcome(
    fw: Framework, previous: OutcomeDraft | None, text: str
) -> OutcomeDraft:
    """A new outcome from its cell, numbered as labelled or after the last."""
    m = OUTCOME_LABEL.match(text)
    no = number_value(m.group("no")) if m else None
    if no is None:
        no = (
            (previous.outcome_no or 0) + 1
            if previous and previous.outcome_no
            else len(fw.outcomes) + 1
        )
    outcome = OutcomeDraft(no, text)
    fw.outcomes.append(outcome)
    return outcome


def opens_outcome(text: str) -> bool:
    """A cell labelled and numbered as an outcome (`Outcome 2: ...`)."""
    m = OUTCOME_LABEL.match(text)
    return bool(m and m.group("no")) and not OUTPUT_LABEL.match(text)


def read_outcome_row(outcome: OutcomeDraft, table: Table, row: Row) -> None:
    """An outcome's own row: its indicator, and its baseline (one cell may
    span all its indicators' rows)."""
    read_on(outcome, row)
    for column in table.columns_of("indicator"):
        text = flatten(starting_text(row, column))
        if text:
            outcome.indicators.append(text)
    baseline = flatten(starting_text(row, table.column("baseline")))
    if baseline:
        outcome.baseline = f"{outcome.baseline} {baseline}".strip()


def spans_across(row: Row, first: Column | None, last: Column | None) -> bool:
    """Whether one cell beginning on this row covers both columns."""
    return (
        first is not None
        and last is not None
        and first.index != last.index
        and row.starts[first.index]
        and row.cell_ids[first.index] == row.cell_ids[last.index] != 0
    )


def spans_rest(row: Row, label: Column | None) -> bool:
    """Whether one cell covers every column right of the label column."""
    if label is None or label.index + 2 > len(row.cells):
        return False
    return (
        len(set(row.cell_ids[label.index + 1 :])) == 1 and row.starts[label.index + 1]
    )


def listed_activities(text: str, row: Row) -> list[ActivityDraft]:
    """The numbered activities a cell lists, one a line (a wrapped line goes
    on with the item above); none where the cell opens with no number."""
    found: list[ActivityDraft] = []
    for line in text.split("\n"):
        number, title = activity_id(line.strip())
        # a wrapped line opening with a figure (`1.5 million`) is no new item
        if number and (
            not found or number.count(".") == found[0].activity_id.count(".")
        ):
            found.append(ActivityDraft(number, title, {row.page}, list(row.boxes)))
        elif found and line.strip():
            found[-1].title += "\n" + line.strip()
    return found


def read_on(draft: ActivityDraft | OutputDraft | OutcomeDraft, row: Row) -> None:
    """Note that part of the draft is printed on `row`: its page and box."""
    draft.pages.add(row.page)
    draft.boxes += [box for box in row.boxes if box not in draft.boxes]


def continue_output_cell(output: OutputDraft, rest: str) -> None:
    """Add the rest of an output cell broken over a page: to its baseline
    if that had begun, else to its title (and a baseline that begins in it)."""
    if output.baseline:
        output.baseline += "\n" + rest
        return
    title, baseline = split_baseline(rest)
    output.title += "\n" + title if title.strip() else ""
    output.baseline = baseline.strip()


def split_baseline(text: str) -> tuple[str, str]:
    """(title, baseline) of an output cell that also prints `Baseline: ...`."""
    found = OUTPUT_BASELINE.search(text)
    return (text[: found.start()], text[found.end() :]) if found else (text, "")


def rest_from_page_above(row: Row, text: str, label: re.Pattern[str]) -> bool:
    """A cell at the top of a page that does not open with its label
    (`Outcome 2`, `Output 1`) is the rest of the cell above the page break."""
    m = label.match(text)
    return row.first_on_page and not (m and m.group("no"))


def rest_of_labelled(number: str | None, text: str, label: re.Pattern[str]) -> bool:
    """A cell without its label (`Output 2 - ...`) under one that had it is
    the rest of that cell, broken where no rule runs (a wrapped line that
    opens with a capital)."""
    m = label.match(text)
    return number is not None and not (m and m.group("no"))


def starting_text(row: Row, column) -> str:
    if column is None or not row.starts[column.index]:
        return ""
    return row.cells[column.index].strip()


def resolve_parties(outputs: list[OutputDraft]) -> dict[int, list[str]]:
    """Parties per output; `- same as above -` repeats the previous output's."""
    same = vocabulary()["same_as_above"]
    result: dict[int, list[str]] = {}
    previous: list[str] = []
    for i, out in enumerate(outputs):
        parties: list[str] = []
        for cell in out.parties:
            label = normalise_label(cell).strip(" -")
            names = (
                previous
                if any(label == s or label.startswith(s) for s in same)
                else split_parties(cell)
            )
            parties += [n for n in names if n not in parties]
        result[i] = parties
        previous = parties
    return result


# ----------------------------------------------------------------- outcome text blocks

INTENDED_OUTCOME = re.compile(
    rf"^(?:{alternation(vocabulary()['intended_outcome_labels'])})\b", re.I
)
# `Outcome One: <title>`, `CPD Outcome 1 – <title>: <statement>`
OUTCOME_PARAGRAPH = re.compile(
    rf"^(?:[A-Z]{{2,6}}\s+|(?:{alternation(vocabulary()['outcome_qualifiers'])})\s+)?"
    rf"(?:{alternation(vocabulary()['outcome_words'])})\s+(?P<no>\w+)"
    r"\s*[:\-–]\s*(?P<rest>.+)$",
    re.I | re.S,
)
TITLE_THEN_STATEMENT = re.compile(r"^([^:]{3,100}):\s+(.{20,})$", re.S)
MAX_OUTCOME_TITLE = 200
ENUMERATOR = re.compile(r"^\s*\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})\)\s*")
INDICATORS = alternation(
    vocabulary()["outcome_indicator_labels"] + vocabulary()["indicator_labels"]
)
BLOCK_LABEL = re.compile(
    rf"^(?:(?P<baseline>{BASELINE})|{INDICATORS})\s*:\s*", re.I
)  # `Baseline:`, `Outcome indicators:`, `Indicateurs :`
INNER_LABEL = re.compile(
    rf"(?<=\s)(?=[A-ZÀ-Ý])(?i:{PART_WORDS})\s*:"
)  # a capitalised label inside a cell's text


def outcome_blocks(sections: list[Section]) -> dict[int, dict[str, str]]:
    """`Outcome One: <title>` paragraphs with the statement, `Baseline:` and
    `Indicators:` paragraphs that follow them; from the section where they are
    most complete."""
    best: dict[int, dict[str, str]] = {}
    for section in sections:
        found: dict[int, dict[str, str]] = {}
        intended: dict[str, str] | None = None
        current: dict[str, str] | None = None
        for para in (part for p in section.paragraphs for part in labelled_parts(p)):
            m = OUTCOME_PARAGRAPH.match(para)
            no = number_value(m.group("no")) if m else None
            titled = TITLE_THEN_STATEMENT.match(m.group("rest")) if m else None
            if no is not None and (len(para) < MAX_OUTCOME_TITLE or titled):
                title, statement = (
                    (titled.group(1), titled.group(2))
                    if titled
                    else (m.group("rest"), "")
                )
                current = {
                    "title": title.strip(),
                    "statement": statement.strip(),
                    "baseline": "",
                    "indicators": "",
                }
                found[no] = current
                continue
            if INTENDED_OUTCOME.match(para) and intended is None:
                statement = para.split(":", 1)[1].strip() if ":" in para else ""
                intended = current = {
                    "title": "",
                    "statement": statement,
                    "baseline": "",
                    "indicators": "",
                }
                continue
            if current is None:
                continue
            label = BLOCK_LABEL.match(para)
            if label:
                key = "baseline" if label.group("baseline") else "indicators"
                current[key] = para[label.end() :].strip()
            elif not current["statement"]:
                current["statement"] = para.strip()
        if (
            not found and intended is not None
        ):  # one outcome, as the country programme states it
            found[1] = intended
        score = sum(bool(v["baseline"]) + bool(v["indicators"]) for v in found.values())
        if score > sum(
            bool(v["baseline"]) + bool(v["indicators"]) for v in best.values()
        ):
            best = found
    return best


def labelled_parts(para: str) -> list[str]:
    """A paragraph cut before each block label it holds (`... per cent
    Indicators: Number of ...`): the label starts a part of its own."""
    cuts = [m.start() for m in INNER_LABEL.finditer(para)]
    return [
        para[a:b].strip()
        for a, b in zip([0, *cuts], [*cuts, len(para)], strict=True)
        if para[a:b].strip()
    ]


def split_indicators(text: str) -> list[str]:
    """`(1) Youth unemployment rate; (2) ...` -> the indicators, without their
    numbers."""
    return [
        ENUMERATOR.sub("", p).strip()
        for p in text.split(";")
        if ENUMERATOR.sub("", p).strip()
    ]


def outcome_cell_parts(text: str) -> tuple[str, str]:
    """(title, statement) of a framework outcome cell `Outcome 2\\n<statement>`."""
    flat = flatten(text)
    m = OUTCOME_LABEL.match(flat)
    return "", flat[m.end() :].strip() if m else flat


def target_items(text: str) -> list[str]:
    return split_items(text, vocabulary()["bullet_glyphs"])
