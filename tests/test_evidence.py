"""Column roles read from evidence (header words loosely, what the cells
hold, where a column stands) and a table's reading checked against its own
printed totals."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.document import summing_rows
from pipeline.extract import extract_document
from pipeline.reader import read_pdf
from pipeline.roles import ColumnText, cell_type, header_scores, read_roles
from pipeline.sections import DOT_LEADER, Heading, promote_chapters
from tests.pdfkit import LANDSCAPE, TableSpec, Writer


@pytest.mark.fast
@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("71300", "account_code"),
        ("04000", "code"),
        ("12000", "number"),
        ("12,500", "amount"),
        ("3", "small_number"),
        ("Medium", "rating"),
        ("72100 Contractual Services - Companies", "account_text"),
        ("Local Consultants", "account_name"),
        ("Total: USD 206,200 UNDP: 124,500", "money_text"),
        ("Output 2: Services improved", "part_label"),
        ("1.2.3 Train the district staff", "numbered"),
        ("Delays in the transfer of funds to the districts", "prose"),
    ],
)
def test_cell_types(text: str, kind: str) -> None:
    assert cell_type(text) == kind


@pytest.mark.fast
@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Mitigating measures", "countermeasures"),
        ("End-of-project target", "targets"),
        ("Responsibility", "party"),
        ("Indicators of progress", "indicator"),
    ],
)
def test_an_unseen_wording_of_a_known_header_still_scores(
    header: str, role: str
) -> None:
    scores = header_scores(header, None)
    assert max(scores, key=scores.get) == role
    assert scores[role] < 0.8  # below a header the vocabulary names exactly


@pytest.mark.fast
def test_cells_overrule_a_header_they_contradict() -> None:
    """`Budget code` names an amount by its first word, yet its cells are
    Atlas account codes: the codes decide, and the amounts stay the amount's."""
    columns = [
        ColumnText("Fund", "fund", ["04000", "30000", "04000"]),
        ColumnText("Budget code", "amount", ["71300", "75700", "71600"]),
        ColumnText(
            "Budget description", "account", ["Local consultants", "Travel", "x"]
        ),
        ColumnText("Amount (US$)", "amount", ["18,000", "12,500", "6,500"]),
    ]
    roles = [e.role for e in read_roles(columns)]
    assert roles == ["fund", "account", "account_description", "amount"]


@pytest.mark.fast
def test_unlabelled_numbers_fund_codes_left_amounts_right() -> None:
    columns = [
        ColumnText("", None, ["1.1 Train staff", "1.2 Equip offices"]),
        ColumnText("", None, ["04000", "30071"]),
        ColumnText("", None, ["71300", "72200"]),
        ColumnText("", None, ["12000", "30000"]),
    ]
    roles = [e.role for e in read_roles(columns)]
    assert roles == ["activity", "fund", "account", "amount"]


@pytest.mark.fast
def test_a_risk_table_in_unseen_words_gets_its_roles() -> None:
    prose = "Staff trained by the project leave their posts for other districts"
    columns = [
        ColumnText("No.", "risk_no", ["1", "2"]),
        ColumnText("Risk", "description", [prose, prose]),
        ColumnText("Likelihood", None, ["High", "Low"]),
        ColumnText("Mitigating measures", None, [prose, prose]),
    ]
    roles = [e.role for e in read_roles(columns)]
    assert roles == ["risk_no", "description", "probability", "countermeasures"]


def budget_with_unworded_subtotal(path: Path) -> None:
    """A budget sheet whose code column's header would make it the amount,
    with a sub-total row that carries no total word."""
    header = [
        ["Activity", "Fund", "Budget\ncode", "Budget description", "Amount (US$)"]
    ]
    rows: list[list[str | None]] = [
        [
            "1.1 Train district planners",
            "04000",
            "71300",
            "Local consultants",
            "10,000",
        ],
        [None, "04000", "71600", "Travel", "5,000"],
        ["UNDP share of output 1", "<", "<", "<", "15,000"],
        [
            "1.2 Equip district offices",
            "30000",
            "72200",
            "Equipment and furniture",
            "20,000",
        ],
        ["TOTAL", "<", "<", "<", "35,000"],
    ]
    w = Writer(path, pagesize=LANDSCAPE)
    w.line("Annual Budget 2021", bold=True)
    w.table(TableSpec([220, 60, 70, 160, 90], header, rows))
    w.save()


def test_the_reading_that_agrees_with_the_printed_totals_is_kept(
    tmp_path: Path,
) -> None:
    """Read by headers alone, the codes would be amounts and the sub-total a
    line: the year would sum to far more than its printed TOTAL.  The reading
    kept agrees with the document, and reports no contradiction of its own."""
    path = tmp_path / "budget.pdf"
    budget_with_unworded_subtotal(path)
    ex = extract_document(read_pdf(path))
    got = [
        (b["activity_id"], b["fund_code"], b["account_code"], b["amount_usd"])
        for b in ex.records["budget_lines"]
    ]
    assert got == [
        ("1.1", "04000", "71300", 10000),
        ("1.1", "04000", "71600", 5000),
        ("1.2", "30000", "72200", 20000),
    ]
    checks = {i["check"] for i in ex.records["issues"]}
    assert not checks & {"table_total_vs_lines", "account_code_unknown"}
    roles = ex.records["tables"][0]["roles"].split(" | ")
    assert [r.split(":")[0] for r in roles] == [
        "activity",
        "fund",
        "account",
        "account_description",
        "amount",
    ]


@pytest.mark.fast
def test_numbered_chapters_are_first_level_where_no_section_stands_above() -> None:
    def heading(printed: str, level: int) -> Heading:
        return Heading(level, "", "", printed, 1)

    alone = [heading("1. SITUATION ANALYSIS", 2), heading("1.1 Context", 3)]
    promote_chapters(alone)
    assert [h.level for h in alone] == [1, 3]
    under = [heading("SECTION I. CONTEXT", 1), heading("1. Situation", 2)]
    promote_chapters(under)
    assert [h.level for h in under] == [1, 2]


@pytest.mark.fast
@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("I. Elaboration of the Narrative.......................... 3", True),
        ("ANNEX 1: RISK LOG . . . . . . . 13", True),
        ("1. SITUATION ANALYSIS", False),
        ("2.1 Output 1. Plans adopted", False),
    ],
)
def test_a_contents_entry_is_told_by_its_dot_leader(text: str, entry: bool) -> None:
    assert bool(DOT_LEADER.search(text)) is entry


@pytest.mark.fast
def test_cover_rows_of_unknown_sources_are_vouched_for_by_a_printed_total() -> None:
    """GEF 1,863,600 and UNDP 250,000 make up the printed 2,113,600; an
    award number beside them (68,915) is no part of it."""
    amounts = [1_863_600, 68_915, 250_000, 4_721]
    assert summing_rows(amounts, [2_113_600]) == {0, 2}
    assert summing_rows(amounts, [999]) == set()
