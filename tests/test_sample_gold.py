"""The sample project document against its answer key, and the dataset's
own promises (schemas, formats, determinism)."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from jsonschema import Draft202012Validator

from pipeline.validate import columns, schemas
from tests.conftest import GOLD, ROOT, SAMPLE, run_pipeline

spec = importlib.util.spec_from_file_location("score", ROOT / "tests" / "score.py")
score = importlib.util.module_from_spec(spec)
spec.loader.exec_module(score)

TABLES_WITH_GOLD = [t for t in score.TABLES if t != "issues"]  # issues: recall


@pytest.fixture(scope="module")
def scores(sample_output: Path) -> dict:
    gold = {t: score.load(str(GOLD), t) for t in score.TABLES}
    pred = {t: score.load(str(sample_output), t) for t in score.TABLES}
    return score.score_docs(gold, pred, {score.docid(SAMPLE.stem)})["tables"]


@pytest.mark.parametrize("table", TABLES_WITH_GOLD)
def test_strict_f1_per_table(scores: dict, table: str) -> None:
    assert scores[table]["F1"] >= 0.95, scores[table]["notes"]


def test_every_milestone_of_the_work_plan_is_marked(scores: dict) -> None:
    """The sample's work plan marks an activity's milestones on rows of their
    own (`work plans are finalized` under the activity): each is a mark of
    its own, so none is lost to another in the same quarter."""
    assert scores["workplan"]["R"] == 1.0, scores["workplan"]["notes"]


def test_section_text_fidelity(scores: dict) -> None:
    assert scores["sections"]["text_mean"] >= 0.90


def test_every_gold_issue_is_found(scores: dict) -> None:
    assert scores["issues"]["R"] == 1.0, scores["issues"]["notes"]


def test_csv_columns_follow_the_schemas(sample_output: Path) -> None:
    for table in schemas():
        with open(sample_output / f"{table}.csv", encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == columns(table)


def test_json_records_validate_and_match_parquet_and_duckdb(
    sample_output: Path,
) -> None:
    con = duckdb.connect(str(sample_output / "prodocs.duckdb"), read_only=True)
    for table, schema in schemas().items():
        records = json.loads(
            (sample_output / "json" / f"{table}.json").read_text("utf-8")
        )
        validator = Draft202012Validator(schema)
        assert all(validator.is_valid(r) for r in records), table
        assert pq.read_table(
            sample_output / "parquet" / f"{table}.parquet"
        ).num_rows == len(records)
        assert con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] == len(
            records
        )
    con.close()


def test_every_record_names_its_source_file(sample_output: Path) -> None:
    for table in schemas():
        with open(sample_output / f"{table}.csv", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        if "source_file" in columns(table):
            assert {r["source_file"] for r in rows} <= {SAMPLE.name}, table


def test_amounts_are_whole_dollars_and_totals_agree(sample_output: Path) -> None:
    con = duckdb.connect(str(sample_output / "prodocs.duckdb"), read_only=True)
    sheets = con.execute("SELECT sum(amount_usd) FROM budget_lines").fetchone()[0]
    framework = con.execute("SELECT sum(budget_usd) FROM outputs").fetchone()[0]
    con.close()
    assert sheets == framework == 4231410


def test_rerun_gives_byte_identical_csvs(sample_output: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    result = run_pipeline(
        "extract",
        str(SAMPLE),
        "--out",
        str(again),
        "--quiet",
        "--force",
        "--workers",
        "1",
    )
    assert result.returncode == 0, result.stderr
    for table in schemas():
        assert (again / f"{table}.csv").read_bytes() == (
            sample_output / f"{table}.csv"
        ).read_bytes(), table
