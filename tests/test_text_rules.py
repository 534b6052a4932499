"""Amounts, money in prose, target dates, cell items: the small rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.document import (
    CoverField,
    cover_source,
    most_named_country,
    source_after,
    without_neighbours,
)
from pipeline.labels import header_role, is_grand_total, is_total, is_year_caption
from pipeline.layout import FOOTNOTE_START
from pipeline.model import Edge, Word
from pipeline.nlp import money_mentions, target_timing
from pipeline.numbers import parse_amount
from pipeline.reader import cut_at_rules
from pipeline.reference import vocabulary
from pipeline.results import (
    OUTPUT_LABEL,
    labelled_parts,
    rest_of_labelled,
    split_indicators,
)
from pipeline.tables import activity_id, money, own_role, source_part
from pipeline.text import split_items, split_parties
from pipeline.textgrid import awaits_value, carries_on, wraps_into

pytestmark = pytest.mark.fast


@pytest.mark.parametrize(
    "text,value",
    [
        ("12,500", Decimal("12500")),
        ("76.41", Decimal("76.41")),
        ("1.234.567", Decimal("1234567")),
        ("40000.", Decimal("40000")),
        ("$ 3,000", Decimal("3000")),
        ("(1,200)", Decimal("-1200")),
        ("1 234", Decimal("1234")),
        ("abc", None),
        ("", None),
        ("12,34,5", None),
    ],
)
def test_parse_amount(text: str, value: Decimal | None) -> None:
    assert parse_amount(text) == value


def test_money_mentions_in_prose() -> None:
    text = (
        "The total budget is US$ 4.237 million of which US$ 1.725 million is from UNDP "
        "and 6410 USD "
        "from a foundation; 2009: USD1,013,000, 2010: USD 670,000."
    )
    assert [m.usd for m in money_mentions(text)] == [
        4237000,
        1725000,
        6410,
        1013000,
        670000,
    ]


@pytest.mark.parametrize(
    "text,year,quarter,ongoing",
    [
        ("Draft framework (3rd Q., 2008)", 2008, 3, False),
        ("Website kept up to date (on-going from 1st Q, 2008)", 2008, 1, True),
        ("Effective project management (on-going)", None, None, True),
        ("Study published by Q4 2012", 2012, 4, False),
        ("Law adopted in 2015", 2015, None, False),
    ],
)
def test_target_timing(
    text: str, year: int | None, quarter: int | None, ongoing: bool
) -> None:
    t = target_timing(text)
    assert (t.year, t.quarter, t.ongoing) == (year, quarter, ongoing)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Activity 1.1.1 Policy study", ("1.1.1", "Policy study")),
        ("(1.2.1) work plans are finalized", ("1.2.1", "work plans are finalized")),
        ("2.2.1National seminar", ("2.2.1", "National seminar")),
        ("Activity 3. 2.1 Awareness raising", ("3.2.1", "Awareness raising")),
        ("1.1 Train teachers", ("1.1", "Train teachers")),
        ("GMS", (None, "GMS")),
    ],
)
def test_activity_numbers(text: str, expected: tuple) -> None:
    assert activity_id(text) == expected


def test_targets_split_at_closing_dates_and_bullets() -> None:
    cell = (
        "Overall review of constraints\nfacing migrants (3rd Q., 2008)\nFeasibility "
        "study on\nmethod (4th Q., 2008)"
    )
    assert split_items(cell, vocabulary()["bullet_glyphs"]) == [
        "Overall review of constraints facing migrants (3rd Q., 2008)",
        "Feasibility study on method (4th Q., 2008)",
    ]
    assert split_items("• one item\n• two\nitems", vocabulary()["bullet_glyphs"]) == [
        "one item",
        "two items",
    ]


def test_parties_split_and_hyphen_kept() -> None:
    assert split_parties("MoLSS and its Sub-\nnational Labour Bureaus,") == [
        "MoLSS and its Sub-national Labour Bureaus"
    ]
    assert split_parties("MoLSS, NDRC, Joint\nCommittee") == [
        "MoLSS",
        "NDRC",
        "Joint Committee",
    ]


@pytest.mark.parametrize(
    "header,role,scale",
    [
        ("Budget ('000 $)", "amount", 1000),
        ("Indicative Activities", "activity", 1),
        ("Res. Parties", "party", 1),
        ("Source of Funds", "fund", 1),
        ("Budget Description", "account", 1),
        ("Countermeasures / Management response", "countermeasures", 1),
        ("Narrative", None, 1),
    ],
)
def test_header_roles(header: str, role: str | None, scale: int) -> None:
    assert header_role(header) == (role, scale)


def test_government_source_is_named_by_country() -> None:
    assert (
        source_after(" is committed from the Chinese Government cost sharing", "China")
        == "Government of China"
    )
    assert (
        source_after(" is committed by the Government of Norway", "Malawi")
        == "Government of Norway"
    )
    assert (
        source_after(
            " is donated from Hong Kong Peace and Development Foundation and more",
            "China",
        )
        == "Hong Kong Peace and Development Foundation"
    )


@pytest.mark.parametrize(
    "upper,lower,joined",
    [
        (
            "Activity 1.1 Conduct a baseline",
            "assessment of local planning",
            True,
        ),  # wrapped text
        ("Support to the", "Ministry of Labour", True),  # ends on a connector
        ("x", "x", False),  # marks of two rows
        ("27,500", "and", False),
        ("71300", "local", False),
        ("Activity 1.1 Train staff", "1.2 Draft a law", False),
        (
            "Output 4:",
            "Training of prosecutors piloted",
            True,
        ),  # a label over its title
        ("Output 4", "Output 5", False),
    ],
    ids=[
        "lower-case",
        "connector",
        "mark-under-mark",
        "amount",
        "code",
        "next-activity",
        "output-label",
        "next-output",
    ],
)
def test_a_cell_carries_on_only_with_running_text(
    upper: str, lower: str, joined: bool
) -> None:
    assert carries_on(upper, lower) is joined


def set_lines(lines: list[str], top: float, lead: float = 10.0) -> list[Word]:
    """Words of `lines` set left-aligned at x 100, one `lead` apart, 2.5 pt
    a letter and a space between words."""
    words = []
    for i, line in enumerate(lines):
        x = 100.0
        for text in line.split():
            y = top + i * lead
            words.append(Word(text, x, x + 2.5 * len(text), y, y + 8, "F", 8.0))
            x += 2.5 * len(text) + 2.0
    return words


@pytest.mark.parametrize(
    ("lower_top", "lower", "right", "wrapped"),
    [
        (120.0, ["Wildlife Authority"], 195.0, True),  # one leading on, no room above
        (124.0, ["Wildlife Authority"], 195.0, False),  # a gap: a row of its own
        (120.0, ["Wildlife Authority"], 260.0, False),  # it would have fitted above
        (120.0, ["GMS"], 195.0, False),  # a short word fits: the line did not wrap
    ],
    ids=["wrapped", "row-gap", "room-left", "short-word"],
)
def test_a_capitalised_line_is_the_rest_of_a_cell_only_where_it_wrapped(
    lower_top: float, lower: list[str], right: float, wrapped: bool
) -> None:
    upper = set_lines(
        ["Support a study tour on buffer", "zone livelihoods for officials of"], 100.0
    )
    assert wraps_into(upper, set_lines(lower, lower_top), right) is wrapped
    # and only wrapping joins such a line to the cell above
    assert carries_on("zone livelihoods for officials of the", "Wildlife", wrapped)


@pytest.mark.parametrize(
    ("text", "awaits"),
    [
        ("Total: USD", True),
        ("UNDP TRAC:", True),
        ("Amount (US$)", True),
        ("Total: USD 230,000", False),
        ("Baseline: none", False),
        ("Project management", False),
    ],
)
def test_a_label_awaits_the_value_printed_under_it(text: str, awaits: bool) -> None:
    assert awaits_value(text) is awaits


def test_the_value_under_a_label_is_that_label_s() -> None:
    assert carries_on("Total: USD", "230,000")
    assert not carries_on("Total: USD", "Activity 1.2 Publish a report")


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("Government: 37,500 SDC: 72,500", True),
        ("UNDP TRAC: 120,000", True),
        ("Total: USD 230,000", False),
        ("230,000", False),
        ("Project management", False),
    ],
)
def test_an_amount_by_source_is_part_of_a_total(text: str, part: bool) -> None:
    assert source_part(text) is part


def test_a_label_or_a_value_never_carries_on_even_where_it_wrapped() -> None:
    assert not carries_on("Support a study tour for the", "Activity 3.2.2 Train", True)
    assert not carries_on("Support a study tour for the", "25,000", True)


@pytest.mark.parametrize(
    "text,note",
    [
        ("1 See the annex.", True),
        ("12The survey", True),
        ("* Estimate", True),
        ("380,000", False),
        ("2.5 million", False),
        ("2013 onwards", False),
    ],
)
def test_a_footnote_opens_with_a_note_number_not_an_amount(
    text: str, note: bool
) -> None:
    assert bool(FOOTNOTE_START.match(text)) is note


@pytest.mark.parametrize(
    "text,country",
    [
        (
            "Country: Lao PDR. The Government of the Lao People\u2019s Democratic "
            "Republic and Lao PDR",
            "Lao PDR",
        ),
        ("UNDP Viet Nam supports the Government of Viet Nam with Japan", "Viet Nam"),
        ("Republic of Moldova. Chisinau, Moldova; Moldova", "Moldova"),
        ("C\u00f4te d\u2019Ivoire", "C\u00f4te d\u2019Ivoire"),
        ("UNDP Kosovo", "Kosovo"),
        ("A Tanzanian programme", ""),
    ],
)
def test_the_country_is_named_as_the_document_prints_it(
    text: str, country: str
) -> None:
    assert most_named_country(text) == country


@pytest.mark.parametrize(
    "text,total",
    [
        ("TOTAL", True),
        ("Sub-total Output 2", True),
        ("Total 2008", True),
        ("Sub-Total for Output 1", True),
        ("Grand total:", True),
        ("Total Output 2 (USD)", True),
        ("Total quality management training for district staff", False),
        ("Output 2", False),
    ],
)
def test_total_rows(text: str, total: bool) -> None:
    assert is_total(text) is total


@pytest.mark.parametrize(
    "text,grand",
    [
        ("TOTAL", True),
        ("Grand total", True),
        ("Sub-total", False),
        ("Total 2008", False),
    ],
)
def test_grand_totals(text: str, grand: bool) -> None:
    assert is_grand_total(text) is grand


@pytest.mark.parametrize("text", ["-", "–", "--"])
def test_a_dash_in_a_money_cell_is_zero(text: str) -> None:
    assert parse_amount(text) == 0


@pytest.mark.parametrize(
    "lines,role",
    [
        (
            ["PLANNED ACTIVITIES", "List activity results and associated actions"],
            "activity",
        ),
        (
            [
                "EXPECTED OUTPUTS",
                "And baseline, associated indicators and",
                "annual targets",
            ],
            "output",
        ),
        (["PLANNED BUDGET", "Budget Description"], "account"),
        (["Budget", "Description"], "account"),
    ],
)
def test_a_header_cell_names_its_column(lines: list[str], role: str) -> None:
    assert own_role(lines) == role


def test_numbered_indicators_lose_their_numbers() -> None:
    assert split_indicators("(1) Youth unemployment rate; (2) Number of start-ups") == [
        "Youth unemployment rate",
        "Number of start-ups",
    ]


def test_a_title_ends_before_the_fields_printed_after_it() -> None:
    assert (
        without_neighbours(
            "Skills for Youth in the Kingdom Award ID: 00101457 Date: 14 December 2016"
        )
        == "Skills for Youth in the Kingdom"
    )


@pytest.mark.parametrize(
    "label,value,source",
    [
        ("Regular (UNDP)", "808,500", "UNDP"),
        ("Donor (Government of Denmark)", "868,500", "Government of Denmark"),
        ("Government of Viet Nam (in kind)", "350,000", "Government of Viet Nam"),
        ("Donor: Labour Fund (Tamkeen)", "988,200", "Labour Fund (Tamkeen)"),
        ("UNDP TRAC:", "268,000", "UNDP"),
        ("Government:", "1,000,000", "Government of Ghana"),
        ("Regular", "UNDP: US$ 637,000", "UNDP"),
    ],
)
def test_cover_rows_name_their_source(label: str, value: str, source: str) -> None:
    assert cover_source(CoverField(label, value, 1), "Ghana") == source


@pytest.mark.parametrize(
    "text,value",
    [
        ("Total: USD 206,200\nUNDP: 124,500\nDenmark: 81,700", 206200),
        ("UNDP: 124,500\nDenmark: 81,700", 206200),
        ("US$\n62,000.00", 62000),
        ("12,500", 12500),
        ("Vulnerability assessments in 2 provinces", None),
    ],
)
def test_money_cells_split_by_source_give_their_total(
    text: str, value: int | None
) -> None:
    assert money(text, None) == value


def test_labels_inside_a_paragraph_start_blocks_of_their_own() -> None:
    para = (
        "Baseline: Scores are below forty per cent Indicators: Number of cases; "
        "Hectares co-managed"
    )
    assert labelled_parts(para) == [
        "Baseline: Scores are below forty per cent",
        "Indicators: Number of cases; Hectares co-managed",
    ]


def column_rule(x: float) -> Edge:
    """A column rule at `x` from 5 pt to 30 pt down the page."""
    return Edge("line", "v", x, 5.0, x, 30.0, 0.0, 25.0)


def letters(text: str, x0: float, gaps: dict[int, float], width: float = 5.0) -> list:
    """Characters of `text` from `x0`, touching, with `gaps[i]` before letter i."""
    chars, x = [], x0
    for i, ch in enumerate(text):
        x += gaps.get(i, 0.0)
        chars.append({"text": ch, "x0": x, "x1": x + width, "order": i})
        x += width
    return chars


@pytest.mark.parametrize(
    "text,gaps,rule,parts",
    [
        ("DescriptionCategory", {11: 1.0}, 54.0, ["Description", "Category"]),
        ("DescriptionDate", {11: 0.05}, 54.0, ["Description", "Date"]),
        # text overflowing its narrow cell runs past the rule: cut at the gap after it
        ("CountermeasuresOwner", {15: -1.7}, 72.0, ["Countermeasures", "Owner"]),
        ("OrganizationalLoss", {14: 0.4}, 68.0, ["Organizational", "Loss"]),
        ("Description", {}, 200.0, ["Description"]),  # no rule through it
    ],
    ids=["apart", "touching", "overlapping", "overflowing", "no-rule"],
)
def test_a_column_rule_cuts_a_word_running_through_it(
    text: str, gaps: dict[int, float], rule: float, parts: list[str]
) -> None:
    chars = letters(text, 0.0, gaps)
    word = {"text": text, "x0": 0.0, "x1": chars[-1]["x1"], "top": 10.0, "bottom": 18.0}
    rules = [column_rule(rule), column_rule(rule + 0.7)]
    cut = cut_at_rules({**word, "chars": chars}, rules)
    assert [w["text"] for w in cut] == parts
    assert cut[0]["x0"] == 0.0 and cut[-1]["x1"] == word["x1"]


def test_text_overflowing_under_the_next_cell_stays_with_its_own_cell() -> None:
    """`Component/Outcome` runs on under `Responsible`: the letters interleave
    on the page, each cell's text one run of the content stream."""
    left = letters("Outcome", 0.0, {})
    right = [{**c, "order": c["order"] + 7} for c in letters("Resp", 26.0, {})]
    chars = sorted(left + right, key=lambda c: c["x0"])
    word = {"text": "", "x0": 0.0, "x1": 46.0, "top": 10.0, "bottom": 18.0}
    rules = [column_rule(25.0)]
    cut = cut_at_rules({**word, "chars": chars}, rules)
    assert [w["text"] for w in cut] == ["Outcome", "Resp"]


@pytest.mark.parametrize(
    "text,caption",
    [
        ("Year: 2015", True),
        ("Annual Work Plan 2010", True),
        ("2019", True),
        ("The project will start its pilot phase in 2015", False),
        ("Total resources required", False),
        ("2018: 25", False),  # a target
        ("2009)", False),  # the end of a cell's text
    ],
)
def test_a_year_caption_is_a_short_line_naming_a_year(text: str, caption: bool) -> None:
    assert is_year_caption(text) is caption


@pytest.mark.parametrize(
    "number,text,rest",
    [
        (
            "2",
            "Committees to plan and manage early warning",
            True,
        ),  # wrapped on a capital
        ("2", "Output 3 - To test water harvesting", False),  # the next output
        (
            None,
            "Capacity of the ministry strengthened",
            False,
        ),  # outputs without labels
    ],
)
def test_an_unlabelled_output_cell_under_a_labelled_one_is_its_rest(
    number: str | None, text: str, rest: bool
) -> None:
    assert rest_of_labelled(number, text, OUTPUT_LABEL) is rest
