"""Hostile and unlucky input: text that looks like markup, file names that
are not text, an output folder that holds the user's own files, a cache
that lies.  Each test builds its own input."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.badpdfs import extract, read_rows, small_document

MATHTEXT = "Grants of US$ 500 to 10% of Households, up to US$ 2,000 each"


def planned_document(doc_id: str, title: str) -> dict[str, list[dict]]:
    """The records of a document with one output, one activity, a work plan
    and a budget line: enough for both charts."""
    base = {"doc_id": doc_id, "source_file": f"{doc_id}.pdf"}
    return {
        "documents": [{**base, "title": title, "country": "China", "pages": 3, "sha256": "0" * 64}],
        "outputs": [{**base, "output_id": "1.1", "outcome_no": 1, "title": title}],
        "activities": [{**base, "activity_id": "1.1.1", "output_id": "1.1", "title": title}],
        "workplan": [{**base, "activity_id": "1.1.1", "year": 2009, "quarter": q} for q in (1, 2)],
        "budget_lines": [{**base, "activity_id": "1.1.1", "year": 2009, "amount_usd": 5_000, "label": title}],
        "issues": [],
    }


# ------------------------------------------------------------------ 1. text read as markup

def test_dollar_signs_and_percent_are_drawn_as_printed(tmp_path):
    from pipeline.charts import render_document
    written = render_document("grants", planned_document("grants", MATHTEXT), tmp_path)
    assert [p.name for p in written] == ["grants-workplan.png", "grants-budget.png", "grants.html"]


def test_a_report_that_fails_is_an_issue_of_its_document(inbox, tmp_path, monkeypatch, capsys):
    from pipeline import charts
    drawn = charts.render_document

    def fails_for_beta(doc_id, tables, out_dir):
        if doc_id == "beta":
            raise ValueError("cannot draw this")
        return drawn(doc_id, tables, out_dir)

    monkeypatch.setattr(charts, "render_document", fails_for_beta)
    out = tmp_path / "out"
    assert extract([inbox, "--out", out, "--workers", "1", "--format", "csv,reports"]) == 0
    assert [r["doc_id"] for r in read_rows(out, "documents")] == ["alpha", "beta"]
    [issue] = [r for r in read_rows(out, "issues") if r["check"] == "report_failed"]
    assert issue["doc_id"] == "beta" and issue["severity"] == "warning"
    assert "ValueError: cannot draw this" in issue["message"]
    assert (out / "reports" / "alpha.html").is_file() and not (out / "reports" / "beta.html").exists()
    assert 'href="alpha.html"' in (out / "reports" / "index.html").read_text("utf-8")
    assert 'href="beta.html"' not in (out / "reports" / "index.html").read_text("utf-8")
