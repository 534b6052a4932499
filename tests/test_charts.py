"""Per-document charts and HTML report, rendered for the sample."""

from __future__ import annotations

import csv
import html
import json
import struct
import zlib
from pathlib import Path

import pytest

from pipeline.reports import render_document, report_files
from pipeline.reports.data import MANAGEMENT, budget_by_output_year, plan_rows, select
from pipeline.validate import schemas

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "raw" / "undp-china-migrant-workers.pdf"
DOC = SAMPLE.stem
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def dataset(sample_output: Path) -> Path:
    """The sample's dataset, extracted once per test session (read only)."""
    return sample_output


@pytest.fixture(scope="module")
def tables(dataset: Path) -> dict[str, list[dict]]:
    return {
        t: json.loads((dataset / "json" / f"{t}.json").read_text("utf-8"))
        for t in schemas()
    }


@pytest.fixture(scope="module")
def rendered(tables, tmp_path_factory) -> list[Path]:
    return render_document(DOC, tables, tmp_path_factory.mktemp("report"))


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The chunks of a PNG file, each CRC checked."""
    assert data[:8] == PNG_SIGNATURE
    chunks, pos = [], 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        chunks.append((kind, body))
        pos += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    return chunks


def png_size(path: Path) -> tuple[int, int]:
    return struct.unpack(">II", png_chunks(path.read_bytes())[0][1][:8])


def test_files_are_written(rendered: list[Path]) -> None:
    names = [p.name for p in rendered]
    assert names == [f"{DOC}-workplan.png", f"{DOC}-budget.png", f"{DOC}.html"]
    for path in rendered:
        assert path.is_file() and path.stat().st_size > 0


def test_charts_are_valid_pngs_of_reasonable_size(rendered: list[Path], tables) -> None:
    gantt, budget = rendered[0], rendered[1]
    for path in (gantt, budget):
        size = path.stat().st_size
        assert 20_000 < size < 5_000_000, (path.name, size)
        width, height = png_size(path)
        assert 800 <= width <= 3000 and 400 <= height <= 6000, (
            path.name,
            width,
            height,
        )
    activities = len(tables["activities"])
    assert png_size(gantt)[1] > activities * 20  # one readable row per activity


def test_pngs_carry_no_software_or_time_stamp(rendered: list[Path]) -> None:
    for path in rendered[:2]:
        chunks = png_chunks(path.read_bytes())
        assert b"tIME" not in {kind for kind, _ in chunks}
        texts = b"".join(
            body for kind, body in chunks if kind in (b"tEXt", b"iTXt", b"zTXt")
        )
        assert b"Software" not in texts and b"matplotlib" not in texts.lower()


def test_rendering_is_deterministic(
    tables, rendered: list[Path], tmp_path: Path
) -> None:
    again = render_document(DOC, tables, tmp_path)
    for first, second in zip(rendered, again, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_csv_records_give_the_same_report(
    dataset: Path, rendered: list[Path], tmp_path: Path
) -> None:
    as_csv = {}
    for table in schemas():
        with open(dataset / f"{table}.csv", encoding="utf-8", newline="") as fh:
            as_csv[table] = list(csv.DictReader(fh))
    again = render_document(DOC, as_csv, tmp_path)
    for first, second in zip(rendered, again, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_html_embeds_the_charts_with_relative_links(rendered: list[Path]) -> None:
    page = rendered[2].read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    for png in rendered[:2]:
        assert f'src="{png.name}"' in page
        assert (rendered[2].parent / png.name).exists()
    assert "file://" not in page and "/tmp/" not in page


def test_html_lists_every_issue_by_severity_with_its_page(
    rendered: list[Path], tables
) -> None:
    page = rendered[2].read_text("utf-8")
    issues = [i for i in tables["issues"] if i["doc_id"] == DOC]
    assert issues
    errors = [i for i in issues if i["severity"] == "error"]
    warnings = [i for i in issues if i["severity"] == "warning"]
    assert f"Errors ({len(errors)})" in page and f"Warnings ({len(warnings)})" in page
    error_part, warning_part = page.split('id="warnings"')
    for issue in errors:
        assert html.escape(issue["message"]) in error_part.split('id="errors"')[1], (
            issue["check"]
        )
    for issue in warnings:
        assert html.escape(issue["message"]) in warning_part, issue["check"]
    for issue in issues:
        if issue["page"]:
            assert f"p. {issue['page']}" in page


def test_html_shows_facts_sections_outputs_activities_and_budget(
    rendered: list[Path], tables
) -> None:
    page = rendered[2].read_text("utf-8")
    doc = tables["documents"][0]
    assert html.escape(doc["title"]) in page and doc["country"] in page
    for section in tables["sections"]:
        assert html.escape(section["title"]) in page
    for activity in tables["activities"]:
        assert f'<td class="nowrap">{activity["activity_id"]}</td>' in page
    for output in tables["outputs"]:
        assert f"<td>{output['output_id']}</td>" in page
    total = sum(b["amount_usd"] or 0 for b in tables["budget_lines"])
    assert f"{total:,}" in page


def test_budget_groups_lines_by_the_output_of_their_activity(tables) -> None:
    table, years, undated = budget_by_output_year(select(DOC, tables))
    lines = tables["budget_lines"]
    assert sum(sum(v.values()) for v in table.values()) + undated == sum(
        b["amount_usd"] or 0 for b in lines
    )
    assert sum(table[MANAGEMENT].values()) == sum(
        b["amount_usd"] or 0 for b in lines if not b["activity_id"]
    )
    assert years == sorted({b["year"] for b in lines if b["year"]})
    output_of = {a["activity_id"]: a["output_id"] for a in tables["activities"]}
    expected = sum(
        b["amount_usd"]
        for b in lines
        if output_of.get(b["activity_id"]) == "1.1" and b["amount_usd"]
    )
    assert sum(table["1.1"].values()) == expected > 0


def test_gantt_rows_group_activities_under_their_output(tables) -> None:
    rows = plan_rows(select(DOC, tables))
    outputs = [r.ident for r in rows if r.kind == "output"]
    assert outputs == [o["output_id"] for o in tables["outputs"]]
    current = None
    for row in rows:
        if row.kind == "output":
            current = row.ident
        else:
            assert row.ident.rsplit(".", 1)[0] == current
    assert {r.ident for r in rows if r.kind == "activity"} >= {
        a["activity_id"] for a in tables["activities"]
    }
    marked = {w["activity_id"] for w in tables["workplan"]}
    assert {r.ident for r in rows if r.marks} == marked


def test_a_plan_by_year_and_activities_only_the_work_plan_numbers(
    tables, tmp_path: Path
) -> None:
    by_year = {
        (w["activity_id"], w["year"]): {**w, "quarter": None}
        for w in tables["workplan"]
    }
    extra = next(iter(by_year.values()))
    rows = [*by_year.values(), {**extra, "activity_id": "4.4.9", "year": 2009}]
    changed = {**tables, "workplan": rows}
    plan = plan_rows(select(DOC, changed))
    only = [r for r in plan if r.kind == "activity" and not r.in_framework]
    assert [r.ident for r in only] == ["4.4.9"] and only[0].marks == {(2009, None)}
    written = render_document(DOC, changed, tmp_path)
    assert [p.name for p in written] == [
        f"{DOC}-workplan.png",
        f"{DOC}-budget.png",
        f"{DOC}.html",
    ]
    width, height = png_size(written[0])
    assert width >= 800 and height > len(tables["activities"]) * 20
    page = written[2].read_text("utf-8")
    assert "In the work plan but not in the results framework: 4.4.9." in page


def test_a_document_without_work_plan_or_budget_gets_a_report_only(
    tables, tmp_path: Path
) -> None:
    bare = {**tables, "workplan": [], "budget_lines": []}
    written = render_document(DOC, bare, tmp_path)
    assert [p.name for p in written] == [f"{DOC}.html"]
    page = written[0].read_text("utf-8")
    assert "No work-plan grid found." in page and "No budget sheet found." in page
    assert ".png" not in page


def test_all_documents_and_extra_files(tables, tmp_path: Path) -> None:
    written = render_document(DOC, tables, tmp_path / "one")
    drawn = report_files(tables, {}, tmp_path / "batch" / "reports")
    files = folder_files(tmp_path / "batch")
    assert drawn.failed == {} and drawn.unpaged == {}
    assert files["reports/index.html"].decode("utf-8").count(f'href="{DOC}.html"') == 1
    assert sorted(files) == sorted(
        [f"reports/{p.name}" for p in written] + ["reports/index.html"]
    )
    for path in written:  # the same bytes as the document's report drawn alone
        assert files[f"reports/{path.name}"] == path.read_bytes(), path.name
    assert files[f"reports/{DOC}-budget.png"][:8] == PNG_SIGNATURE


def folder_files(folder: Path) -> dict[str, bytes]:
    """{path relative to `folder`: bytes} of every file below it."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_reports_are_the_same_whatever_the_number_of_processes(
    tables, tmp_path: Path
) -> None:
    second = {
        t: [{**r, "doc_id": "second"} for r in rows if r.get("doc_id") == DOC]
        for t, rows in tables.items()
    }
    both = {t: rows + second[t] for t, rows in tables.items()}
    sources = {DOC: SAMPLE, "second": SAMPLE}
    report_files(both, sources, tmp_path / "1" / "reports", workers=1)
    report_files(both, sources, tmp_path / "2" / "reports", workers=2)
    alone, side_by_side = folder_files(tmp_path / "1"), folder_files(tmp_path / "2")
    assert "reports/second.html" in alone and f"reports/{DOC}.html" in alone
    assert (
        f"reports/{DOC}.review.html" in alone and "reports/second-pages/1.jpg" in alone
    )
    assert alone == side_by_side
