"""The review page of the sample, in a real (headless) browser."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.reports.review import review_html
from tests.conftest import SAMPLE

LOAD_LIMIT_MS = 2000
CLICKED = 150  # a budget line far down the page list: the click must scroll to it


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if shutil.which("chromium") is None:
        pytest.skip("chromium is not installed (tests/renderers.sh installs it)")
    from tests.browser import Browser

    chromium = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield chromium
    chromium.close()


def test_a_click_on_a_budget_line_highlights_its_box_on_its_page(
    sample_output: Path, browser
) -> None:
    page = sample_output / "reports" / f"{SAMPLE.stem}.review.html"
    browser.open(page.resolve().as_uri())
    loaded = browser.evaluate(
        "performance.getEntriesByType('navigation')[0].loadEventEnd"
    )
    assert 0 < loaded < LOAD_LIMIT_MS
    assert browser.evaluate("document.querySelectorAll('.page').length") == 45
    assert browser.evaluate("document.querySelectorAll('.tbl span').length") > 0

    line = json.loads((sample_output / "json" / "budget_lines.json").read_text())[
        CLICKED
    ]
    fragment = line["provenance"]["fragments"][0]
    shown = browser.evaluate(
        f"""(async () => {{
        const li = document.querySelectorAll('li[data-table=budget_lines]')[{CLICKED}];
        li.click();
        const hl = document.querySelector('.hl');
        const page = hl.parentElement;
        await page.querySelector('img').decode();
        const r = hl.getBoundingClientRect(), p = page.getBoundingClientRect();
        const view = document.getElementById('pages').getBoundingClientRect();
        return {{text: li.textContent, count: document.querySelectorAll('.hl').length,
                 page: page.id, left: (r.left - p.left) / p.width,
                 top: (r.top - p.top) / p.height, right: (r.right - p.left) / p.width,
                 bottom: (r.bottom - p.top) / p.height,
                 visible: r.top >= view.top && r.bottom <= view.bottom,
                 image: page.querySelector('img').naturalWidth,
                 width: Number(page.dataset.w), height: Number(page.dataset.h)}};
    }})()"""
    )
    assert str(line["amount_usd"]) in shown["text"]
    assert shown["count"] == len(line["provenance"]["fragments"])
    assert shown["page"] == f"page-{fragment['page']}"
    width, height = shown["width"], shown["height"]
    assert width > 500 and height > 500  # PDF points, as the boxes
    x0, top, x1, bottom = fragment["bbox"]
    for got, want in (
        (shown["left"], x0 / width),
        (shown["top"], top / height),
        (shown["right"], x1 / width),
        (shown["bottom"], bottom / height),
    ):
        assert got == pytest.approx(want, abs=0.003)
    assert shown["visible"] and shown["image"] > 0


def test_the_filters_show_one_table_or_the_issues(sample_output: Path, browser):
    page = sample_output / "reports" / f"{SAMPLE.stem}.review.html"
    browser.open(page.resolve().as_uri())
    shown = browser.evaluate(
        """(() => {
        const select = document.getElementById('filter');
        const visible = () => [...document.querySelectorAll('#records li')]
            .filter(li => !li.classList.contains('hidden')).map(li => li.dataset.table);
        const seen = {};
        for (const value of ['risks', 'issues']) {
            select.value = value;
            select.dispatchEvent(new Event('change'));
            seen[value] = visible();
        }
        return seen;
    })()"""
    )
    risks = json.loads((sample_output / "json" / "risks.json").read_text())
    issues = json.loads((sample_output / "json" / "issues.json").read_text())
    assert shown["risks"] == ["risks"] * len(risks)
    assert shown["issues"] == ["issues"] * len(issues)


def test_text_from_the_pdf_is_escaped() -> None:
    hostile = '<img src=x onerror="alert(1)">'
    doc = {
        "risks": [
            {
                "risk_no": "1",
                "description": hostile,
                "corrected": True,
                "provenance": {
                    "fragments": [{"page": 1, "bbox": [1, 2, 3, 4]}],
                    "corrections": [{"field": "x", "value": 1, "note": hostile}],
                },
            }
        ],
        "issues": [{"check": "x", "severity": "error", "message": hostile}],
        "tables": [{"table_no": 1, "kind": hostile, "provenance": {"fragments": []}}],
    }
    page = review_html(hostile, doc, [(100.0, 100.0)], "doc")
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
