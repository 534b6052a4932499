"""The README's performance table is generated from bench/results.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.readme_table import END, START, MarkersMissing, render_table, replace_block

pytestmark = pytest.mark.fast

ROOT = Path(__file__).resolve().parent.parent


def run(seconds: float, peak: float, largest: float, **more: float) -> dict:
    return {
        "seconds": seconds,
        "peak_memory_mb": peak,
        "largest_process_mb": largest,
        **more,
    }


def spread(median: float, low: float, high: float) -> dict[str, float]:
    return {"median": median, "min": low, "max": high}


def requirement(figure: float, comparison: str, limit: float, met: bool | None):
    return {"figure": figure, "comparison": comparison, "limit": limit, "met": met}


RESULTS = {
    "taken": "2031-02-03",
    "quick": False,
    "machine": {"cores": 7, "python": "3.99.1", "system": "Plan9-x"},
    "sample": {
        "pages": 45,
        "pairs": 7,
        "bare_pdfplumber": {
            "seconds": spread(2.345, 2.111, 2.987),
            "peak_memory_mb": 301.4,
            "largest_process_mb": 299.6,
        },
        "pipeline": {
            "seconds": spread(2.612, 2.401, 3.333),
            "peak_memory_mb": 456.7,
            "largest_process_mb": 234.5,
        },
        "ratio": spread(1.114, 1.013, 1.247),
        "pages_per_second": 17.2,
    },
    "throughput": {
        "documents": 20,
        "distinct_documents": 16,
        "pages": 314,
        "rounds": 3,
        "workers_1": run(61.234, 355.5, 322.2, pages_per_second=5.13),
        "workers_2": run(33.456, 611.1, 318.8, pages_per_second=9.39),
        "speedup_2_workers": 1.83,
        "speedup_by_round": spread(1.83, 1.71, 1.95),
    },
    "memory_by_batch": {
        "workers": 2,
        "batches": [
            {"documents": 5, **run(12.0, 577.7, 301.1)},
            {"documents": 20, **run(33.456, 611.1, 318.8)},
        ],
    },
    "big_document": {"pages": 300, **run(27.891, 488.8, 266.6)},
    "requirements": {
        "sample_ratio": requirement(1.114, "<=", 1.2, True),
        "speedup_2_workers": requirement(1.83, ">=", 1.9, False),
        "big_document_seconds": requirement(27.891, "<", 30.0, True),
        "big_document_peak_memory_mb": requirement(488.8, "<", 500.0, True),
    },
}


def test_the_table_shows_every_figure_and_requirement() -> None:
    table = render_table(RESULTS)
    rows = {line.split(" | ")[0].lstrip("| "): line for line in table.splitlines()}
    assert "Taken 2031-02-03 on 7 cores, Python 3.99.1 (Plan9-x)." in table
    assert "--quick" not in table
    ratio = next(line for m, line in rows.items() if m.startswith("pipeline / bare"))
    assert "7 per-pair ratios" in ratio
    assert "1.11 (1.01–1.25) | ≤ 1.2: met |" in ratio
    assert "2.61 s (2.40–3.33), 17.2 pages/s" in table
    assert "2.35 s (2.11–2.99)" in table
    assert "457 MB (largest process 234) / 301 MB (largest process 300)" in table
    corpus = "20 documents (16 distinct, 314 pages)"
    assert (
        f"{corpus}, `--workers 1`: median of 3 rounds | 5.13 pages/s (61.2 s)" in table
    )
    assert "9.39 pages/s (33.5 s), 611 MB (largest process 319)" in table
    assert "| 1.83x (1.71–1.95) | ≥ 1.9x: **not met** |" in table
    assert "a batch of 5 documents, `--workers 2` | 578 MB" in table
    assert "a batch of 20 documents, `--workers 2` | 611 MB" in table
    assert "300-page document (the sample's pages repeated), default workers" in table
    assert "| 27.9 s | < 30 s: met |" in table
    assert "| 489 MB (largest process 267) | < 500 MB: met |" in table


def test_a_quick_run_says_so_and_is_not_judged() -> None:
    quick = {**RESULTS, "quick": True}
    quick["requirements"] = {
        name: {**req, "met": None} for name, req in RESULTS["requirements"].items()
    }
    table = render_table(quick)
    assert "**A `--quick` run**" in table
    assert table.count("not judged") == 4 + 1  # the caption says it too
    assert " met |" not in table


def test_the_block_between_the_markers_is_replaced_and_nothing_else() -> None:
    before = "# Title\n\nProse before.\n\n"
    after = "\n\nProse after, with <!-- another comment -->.\n"
    readme = f"{before}{START}\nold table\n| a | b |\n{END}{after}"
    replaced = replace_block(readme, "NEW")
    assert replaced == f"{before}{START}\nNEW\n{END}{after}"
    assert replace_block(replaced, "NEW") == replaced


@pytest.mark.parametrize(
    "readme",
    [
        "# Title\n\nNo markers at all.\n",
        f"# Title\n{START}\nonly the start\n",
        f"# Title\n{END}\nthe end first\n{START}\n",
        f"{START}\n{END}\n{START}\n{END}\n",
    ],
    ids=["none", "no end", "reversed", "twice"],
)
def test_a_readme_without_one_block_is_a_clear_error(readme: str) -> None:
    with pytest.raises(MarkersMissing, match=r"docs/README\.md: needs one line"):
        replace_block(readme, "table", "docs/README.md")


def test_the_readme_table_is_the_one_made_from_the_committed_results() -> None:
    """A hand edit of the table, or results not rendered again, fails here:
    run `python bench/readme_table.py`."""
    results = json.loads((ROOT / "bench" / "results.json").read_text("utf-8"))
    readme = (ROOT / "README.md").read_text("utf-8")
    assert replace_block(readme, render_table(results)) == readme
