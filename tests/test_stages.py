"""Stage tests on small PDFs built here: headings and body text, ruled and
unruled tables, spanning cells, a table running over a page break."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.budget import read_budget
from pipeline.extract import extract_document
from pipeline.grids import find_grids
from pipeline.layout import body_text
from pipeline.model import Cell, Grid, TextLine, Word
from pipeline.reader import read_pdf
from pipeline.results import read_framework, resolve_parties
from pipeline.sections import split_sections
from pipeline.tables import find_tables, grid_columns
from pipeline.workplan import read_workplan
from tests.pdfkit import LANDSCAPE, TableSpec, Writer, store_rotated

LOREM = (
    "The project supports national partners in building capacity for inclusive and "
    "sustainable development"
)


@pytest.fixture(scope="module")
def heading_doc(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "headings.pdf"
    w = Writer(path, header_text="Project Document - Draft for review")
    w.line("SECTION I – CONTEXT AND STRATEGY", bold=True, size=12, gap=10)
    w.line("Part 1. Background", bold=True, gap=8)
    w.line("1.1. Situation Analysis", bold=True, gap=8)
    w.superscript(
        "Poverty fell sharply in the last decade, yet regional gaps per-", "3"
    )
    w.line("sist in the interior provinces.")
    w.space(12)
    w.line("A second paragraph starts here after a blank gap and")
    w.line("runs on to a second line.")
    w.footnote("3", "Source: national statistics yearbook.")
    w.new_page()
    w.line("• First bullet item about training;")
    w.line("• Second bullet item about monitoring.")
    w.space(12)
    w.line("Part 2. Strategy", bold=True, gap=8)
    w.line("Unnumbered bold subheading", bold=True)
    w.line("Strategy text.")
    w.space(12)
    w.line("ANNEX 1 - RISK LOG", bold=True, size=12)
    w.line("Nothing to add.")
    w.save()
    return path


def test_heading_hierarchy_numbers_titles_pages(heading_doc: Path) -> None:
    sections = split_sections(body_text(find_grids(read_pdf(heading_doc))))
    got = [
        (s.heading.level, s.heading.number, s.heading.title, s.heading.page)
        for s in sections
    ]
    assert got == [
        (1, "I", "Context and Strategy", 1),
        (2, "1", "Background", 1),
        (3, "1.1", "Situation Analysis", 1),
        (2, "2", "Strategy", 2),
        (1, "Annex 1", "Risk Log", 2),
    ]


def test_body_text_joins_hyphens_drops_marks_footnotes_and_furniture(
    heading_doc: Path,
) -> None:
    sections = {
        s.heading.number: s
        for s in split_sections(body_text(find_grids(read_pdf(heading_doc))))
    }
    paragraphs = sections["1.1"].paragraphs
    assert (
        paragraphs[0]
        == "Poverty fell sharply in the last decade, yet regional gaps persist in the "
        "interior provinces."
    )
    assert (
        paragraphs[1]
        == "A second paragraph starts here after a blank gap and runs on to a second "
        "line."
    )
    assert paragraphs[2:] == [
        "First bullet item about training;",
        "Second bullet item about monitoring.",
    ]
    text = "\n".join(s.text for s in sections.values())
    assert "statistics yearbook" not in text  # footnote kept apart
    assert "Draft for review" not in text  # running header removed
    assert sections["2"].paragraphs == ["Unnumbered bold subheading", "Strategy text."]


def framework_spec(rules: str) -> TableSpec:
    rows: list[list[str | None]] = []
    for o in (1, 2):
        for p in (1, 2):
            for a in (1, 2, 3):
                first_of_output = a == 1
                rows.append(
                    [
                        f"Outcome {o}\nBetter services" if (p, a) == (1, 1) else None,
                        f"Output {p} - Service {o}.{p}\nimproved"
                        if first_of_output
                        else None,
                        f"Plan adopted ({p}st Q., 2019)\nStaff trained (on-going)"
                        if first_of_output
                        else None,
                        f"Activity {o}.{p}.{a} Do task {a} of\noutput {o}.{p}",
                        f"{o * 10 + p}.5" if first_of_output else None,
                        "Ministry of Health,\nUNICEF"
                        if (o, p) == (1, 1) and first_of_output
                        else ("- same as above -" if first_of_output else None),
                    ]
                )
    rows.append(["", "", "", "TOTAL", "53", ""])
    return TableSpec(
        [110, 120, 120, 170, 70, 110],
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
        rules=rules,
    )


@pytest.mark.parametrize("rules", ["full", "horizontal", "none"])
@pytest.mark.parametrize("repeat_header", [True, False])
def test_framework_spans_and_page_break(
    tmp_path: Path, rules: str, repeat_header: bool
) -> None:
    path = tmp_path / "rrf.pdf"
    w = Writer(path, pagesize=LANDSCAPE)
    w.space(300)  # forces the table over a page break
    w.table(framework_spec(rules), repeat_header=repeat_header)
    w.save()
    tables = find_tables(find_grids(read_pdf(path)))
    assert [t.kind for t in tables] == ["results_framework"]
    assert len(tables[0].pages) == 2
    fw = read_framework(tables)
    assert [o.output_id for o in fw.outputs] == ["1.1", "1.2", "2.1", "2.2"]
    assert [len(o.activities) for o in fw.outputs] == [3, 3, 3, 3]
    assert [o.budget for o in fw.outputs] == [11500, 12500, 21500, 22500]
    assert fw.total == 53000
    assert resolve_parties(fw.outputs)[1] == ["Ministry of Health", "UNICEF"]
    assert (
        fw.outputs[0].activities[0].title.replace("\n", " ")
        == "Do task 1 of output 1.1"
    )


def plan_spec(rules: str, mark: str) -> TableSpec:
    header = [
        [
            "Outputs",
            "Indicative Activities",
            "2020",
            "<",
            "<",
            "<",
            "2021",
            "<",
            "Responsible Party",
        ],
        ["", "", "Q1", "Q2", "Q3", "Q4", "Q1", "Q2", ""],
    ]
    marks = {"1.1.1": (0, 1), "1.1.2": (2, 3, 4), "1.2.1": (5,)}
    rows: list[list[str | None]] = []
    for aid, cols in marks.items():
        cells = [mark if k in cols else "" for k in range(6)]
        rows.append(
            [f"Output {aid[:3]}", f"Activity {aid} Train staff", *cells, "UNDP"]
        )
    return TableSpec([80, 170, 30, 30, 30, 30, 30, 30, 90], header, rows, rules=rules)


@pytest.mark.parametrize(
    "rules,mark,stored",
    [
        ("full", "X", ""),
        ("horizontal", "x", ""),
        ("none", "X", ""),
        ("full", "", ""),
        ("full", "ü", ""),  # a Wingdings tick as its text comes out of a Word document
        ("full", "X", "rotated 90"),
        ("none", "X", "rotated 270"),
        ("full", "", "rotated 90"),
        ("full", "X", "sideways 90"),
        ("none", "x", "sideways 270"),
    ],
)
def test_workplan_marks_in_ruled_and_unruled_grids(
    tmp_path: Path, rules: str, mark: str, stored: str
) -> None:
    """Ruled or not, marked or shaded; a landscape page stored turned with a
    /Rotate entry, or printed sideways on a portrait page, reads the same."""
    path = tmp_path / "plan.pdf"
    spec = plan_spec(rules, mark)
    if not mark:  # quarters shown by shading only
        spec.shaded = {(0, 2), (0, 3), (1, 4), (1, 5), (1, 6), (2, 7)}
    w = Writer(path, pagesize=LANDSCAPE)
    w.table(spec)
    w.save()
    if stored:
        how, degrees = stored.split()
        store_rotated(path, int(degrees), shown_upright=how == "rotated")
        assert read_pdf(path).pages[0].rotation == int(
            degrees
        )  # sideways: read turned upright
    marks, activities = read_workplan(find_tables(find_grids(read_pdf(path))))
    got = sorted((m.activity_id, m.year, m.quarter) for m in marks)
    assert got == [
        ("1.1.1", 2020, 1),
        ("1.1.1", 2020, 2),
        ("1.1.2", 2020, 3),
        ("1.1.2", 2020, 4),
        ("1.1.2", 2021, 1),
        ("1.2.1", 2021, 2),
    ]
    assert [a.party for a in activities] == ["UNDP", "UNDP", "UNDP"]


def test_budget_sheet_with_spanning_activity_and_thousands(tmp_path: Path) -> None:
    path = tmp_path / "budget.pdf"
    header = [
        [
            "Outputs",
            "Indicative Activities",
            "Resp. Party",
            "Source of Funds",
            "Budget Description",
            "Amount",
        ]
    ]
    rows: list[list[str | None]] = [
        [
            "Output 1",
            "Activity 1.1.1 Survey",
            "MOH",
            "04000",
            "71300 Local Consultants",
            "12,500",
        ],
        [None, None, None, "30071", "Travel", "3,000"],
        [None, "Activity 1.1.2 Workshop", "MOH", "04000", "75700", "1,250.00"],
        ["Project management", "GMS", "", "30071", "75100", "900"],
        ["", "Total", "", "", "", "17,650"],
    ]
    w = Writer(path, pagesize=LANDSCAPE)
    w.line("2019", bold=True)
    w.table(TableSpec([100, 170, 70, 70, 150, 70], header, rows))
    w.save()
    tables = find_tables(find_grids(read_pdf(path)))
    assert [t.kind for t in tables] == ["budget"]
    lines, _ = read_budget(tables)
    got = [
        (b.year, b.activity_id, b.label, b.fund_code, b.account_code, b.amount_usd)
        for b in lines
    ]
    assert got == [
        (2019, "1.1.1", "", "04000", "71300", 12500),
        (2019, "1.1.1", "", "30071", "71600", 3000),
        (2019, "1.1.2", "", "04000", "75700", 1250),
        (2019, None, "GMS", "30071", "75100", 900),
    ]


def test_document_without_any_table_reports_missing_parts(heading_doc: Path) -> None:
    records = extract_document(read_pdf(heading_doc)).records
    checks = {f["check"] for f in records["issues"]}
    assert {
        "missing_results_framework",
        "missing_workplan",
        "missing_budget",
        "missing_risk_log",
    } <= checks
    assert records["activities"] == [] and records["budget_lines"] == []
    assert records["documents"][0]["pages"] == 2


def test_budget_kept_by_outcome_with_year_columns_and_totals(tmp_path: Path) -> None:
    """The GEF layout: lines by outcome, not activity; one line per non-zero
    year cell (`-` is none); each printed total against its lines."""
    path = tmp_path / "tbwp.pdf"
    header = [
        [
            "GEF Outcome/\nAtlas Activity",
            "Responsible Party/\nImplementing Agent",
            "Fund ID",
            "Atlas Budgetary\nAccount Code",
            "2021",
            "2022",
            "Total (USD)",
        ]
    ]
    rows: list[list[str | None]] = [
        [
            "OUTCOME 1: Policy\nframework strengthened",
            "MoE",
            "62000",
            "71300",
            "40,000",
            "-",
            "40,000",
        ],
        [None, None, "62000", "71600", "5,000", "6,000", "11,000"],
        ["Sub-total Outcome 1", "<", "<", "<", "45,000", "6,000", "51,000"],
        ["Project Management", "UNDP", "62000", "74100", "2,000", "2,000", "4,000"],
        ["PROJECT TOTAL", "<", "<", "<", "47,000", "9,000", "56,000"],
    ]
    w = Writer(path, pagesize=LANDSCAPE)
    w.line("Total Budget and Workplan", bold=True)
    w.table(TableSpec([190, 120, 60, 90, 60, 60, 70], header, rows))
    w.save()
    tables = [
        t for t in find_tables(find_grids(read_pdf(path))) if t.kind != "unclassified"
    ]
    assert [t.kind for t in tables] == ["budget"]
    lines, totals = read_budget(tables)
    got = [
        (b.year, b.activity_id, b.label, b.fund_code, b.account_code, b.amount_usd)
        for b in lines
    ]
    outcome = "OUTCOME 1: Policy framework strengthened"
    assert got == [
        (2021, None, outcome, "62000", "71300", 40000),
        (2021, None, outcome, "62000", "71600", 5000),
        (2022, None, outcome, "62000", "71600", 6000),
        (2021, None, "Project Management", "62000", "74100", 2000),
        (2022, None, "Project Management", "62000", "74100", 2000),
    ]
    wrong = [
        (t.label, t.year, t.amount_usd, sum(t.lines))
        for t in totals
        if t.amount_usd != sum(t.lines)
    ]
    assert wrong == [("PROJECT TOTAL", 2022, 9000, 8000)]


def test_ruled_cells_are_those_pdfplumbers_table_finder_finds(tmp_path: Path) -> None:
    """The grids stage runs pdfplumber's table finder over the rulings the
    reader kept: the same cells as `Page.find_tables` given those lines."""
    import pdfplumber

    from pipeline.grids import TABLE_SETTINGS, cell_boxes, open_ends, pdf_object
    from pipeline.reader import ruling_edges

    path = tmp_path / "ruled.pdf"
    w = Writer(path, pagesize=LANDSCAPE)
    w.space(300)  # the table runs over a page break: rows left open at the foot
    w.table(framework_spec("full"), repeat_header=False)
    w.save()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            edges = ruling_edges(page)
            across = [e for e in edges if e.orientation == "h"] + open_ends(edges)
            upright = [e for e in edges if e.orientation == "v"]
            settings = {
                "vertical_strategy": "explicit",
                "horizontal_strategy": "explicit",
                "snap_tolerance": TABLE_SETTINGS.snap_tolerance,
                "join_tolerance": TABLE_SETTINGS.join_tolerance,
                "intersection_tolerance": TABLE_SETTINGS.intersection_tolerance,
                "explicit_horizontal_lines": [pdf_object(e) for e in across],
                "explicit_vertical_lines": [pdf_object(e) for e in upright],
            }
            found = [[tuple(c) for c in t.cells] for t in page.find_tables(settings)]
            assert found and cell_boxes(across, upright) == found


def header_cell(col: int, lines: list[str]) -> Cell:
    """A one-column header cell of the given text lines."""
    x0 = 100.0 + 20 * col
    return Cell(
        0,
        col,
        1,
        1,
        (x0, 50.0, x0 + 20, 80.0),
        [
            TextLine(1, [Word(text, x0 + 1, x0 + 19, 51 + 9 * i, 58 + 9 * i, "F", 7.0)])
            for i, text in enumerate(lines)
        ],
    )


@pytest.mark.fast
def test_a_quarter_header_broken_under_its_year_gives_year_and_quarter() -> None:
    """`2010` over `Q.` over `1` in a narrow cell, `Q.` over `2` beside it:
    every quarter column has its quarter and the year."""
    texts = [["2010", "Q.", "1"], ["Q.", "2"], ["Q.", "3"], ["Q.", "4"], ["2011", "Q1"]]
    cells = [header_cell(c, lines) for c, lines in enumerate(texts)]
    grid = Grid(
        1,
        (100.0, 50.0, 200.0, 80.0),
        [100.0 + 20 * c for c in range(6)],
        [50.0, 80.0],
        cells,
    )
    columns = grid_columns(grid, 1)
    assert [(c.year, c.quarter) for c in columns] == [
        (2010, 1),
        (2010, 2),
        (2010, 3),
        (2010, 4),
        (2011, 1),
    ]


MONTH_HEADERS = {
    "en": ("Activities", "Responsible Party", list("JFMAMJJASOND")),
    "fr": (
        "Activités",
        "Partie responsable",
        [
            "janv.",
            "févr.",
            "mars",
            "avr.",
            "mai",
            "juin",
            "juil.",
            "août",
            "sept.",
            "oct.",
            "nov.",
            "déc.",
        ],
    ),
    "es": ("Actividades", "Parte responsable", list("EFMAMJJASOND")),
}


@pytest.mark.parametrize("lang", list(MONTH_HEADERS))
def test_a_work_plan_by_month_marks_the_quarters_of_its_months(
    tmp_path: Path, lang: str
) -> None:
    """`2020` over `J F M ...` (or the months' short names): a quarter is
    marked where any of its months is."""
    activity, party, months = MONTH_HEADERS[lang]
    marked = {"1.1.1": {1, 2, 5}, "1.1.2": {12}}
    path = tmp_path / "plan.pdf"
    spec = TableSpec(
        widths=[150, 90] + [24] * 12,
        header=[[activity, party, "2020"] + ["<"] * 11, [None, None, *months]],
        rows=[
            [f"{aid} Étude", "PNUD"] + ["X" if m in ms else "" for m in range(1, 13)]
            for aid, ms in marked.items()
        ],
    )
    w = Writer(path, pagesize=LANDSCAPE)
    w.table(spec)
    w.save()
    marks, _ = read_workplan(find_tables(find_grids(read_pdf(path))))
    got = sorted((m.activity_id, m.year, m.quarter) for m in marks)
    assert got == [("1.1.1", 2020, 1), ("1.1.1", 2020, 2), ("1.1.2", 2020, 4)]
