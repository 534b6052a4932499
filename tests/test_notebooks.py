"""notebooks/explore.ipynb runs against a produced dataset and answers its questions."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
KERNEL = "prodoc-test-python"


@pytest.fixture(scope="module")
def dataset(sample_output: Path) -> Path:
    """The sample's dataset, extracted once per test session (the notebook only reads
    it)."""
    return sample_output


@pytest.fixture(scope="module")
def executed(dataset: Path, tmp_path_factory) -> nbformat.NotebookNode:
    """The notebook run top to bottom on the sample's dataset, in a kernel of
    this very Python (so it sees the same packages as the tests)."""
    kernels = tmp_path_factory.mktemp("jupyter")
    spec = kernels / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [
                    sys.executable,
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                ],
                "display_name": "prodoc tests",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PRODOC_OUTPUT", str(dataset))
        mp.setenv("JUPYTER_PATH", str(kernels))
        mp.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        nb = nbformat.read(NOTEBOOK, as_version=4)
        NotebookClient(
            nb,
            timeout=600,
            kernel_name=KERNEL,
            resources={"metadata": {"path": str(NOTEBOOK.parent)}},
        ).execute()
    return nb


def tagged(nb: nbformat.NotebookNode, tag: str) -> nbformat.NotebookNode:
    cells = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, tag
    return cells[0]


def output_text(cell: nbformat.NotebookNode, mime: str = "text/html") -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif mime in out.get("data", {}):
            parts.append(out.data[mime])
    return "\n".join(parts)


def test_committed_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None


def test_reads_the_folder_named_by_prodoc_output_by_default_output() -> None:
    source = "\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells)
    assert 'os.environ.get("PRODOC_OUTPUT", "../output")' in source


def test_runs_without_error(executed: nbformat.NotebookNode, dataset: Path) -> None:
    for cell in executed.cells:
        if cell.cell_type == "code":
            assert cell.execution_count is not None
            assert all(o.output_type != "error" for o in cell.outputs), cell.source[:80]
    first = output_text(executed.cells[1], "text/plain")
    assert str(dataset.resolve()) in first  # it read the folder it was pointed at


def test_budget_per_outcome_and_year(executed: nbformat.NotebookNode) -> None:
    html = output_text(tagged(executed, "budget-per-outcome-year"))
    assert "<table" in html
    for label in ("Outcome 1", "Outcome 4", "management", "2008", "2010", "total"):
        assert label in html, label
    assert html.count("<tr") >= 6  # a header and one row per outcome and management


def test_framework_against_budget_sheets(executed: nbformat.NotebookNode) -> None:
    html = output_text(tagged(executed, "framework-vs-sheets"))
    assert "framework_usd" in html and "difference_usd" in html and "Outcome 3" in html


def test_activities_per_responsible_party(executed: nbformat.NotebookNode) -> None:
    html = output_text(tagged(executed, "activities-per-party"))
    assert "MOLSS" in html and "NDRC" in html and "<table" in html


def test_gantt_from_the_work_plan(executed: nbformat.NotebookNode) -> None:
    cell = tagged(executed, "workplan-gantt")
    images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1
    spans = output_text(tagged(executed, "output-spans"))
    assert "1.1" in spans and "4.4" in spans and "2007 Q4" in spans


def test_self_inconsistencies(executed: nbformat.NotebookNode) -> None:
    summary = output_text(tagged(executed, "issues-summary"))
    assert (
        "stated_total_vs_framework_total" in summary
        and "error" in summary
        and "warning" in summary
    )
    errors = output_text(tagged(executed, "issues-errors"), "text/plain")
    assert "(p. 22)" in errors and "4,237,000" in errors


def test_corrected_records_per_table(executed: nbformat.NotebookNode) -> None:
    html = output_text(tagged(executed, "corrected-per-table"))
    for label in ("budget_lines", "workplan", "risks", "records", "corrected"):
        assert label in html, label
    assert "issues" not in html  # findings are not corrected
