"""The columnar formats of the dataset: Parquet files, typed from the JSON
Schemas, and a DuckDB database of the same tables.  Loaded by `export`
when a run writes them (their libraries take a second to load)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from .model import Record
from .validate import columns, schemas


def arrow_type(prop: dict[str, Any]) -> pa.DataType:
    kinds = prop.get("type", "string")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if "integer" in kinds:
        return pa.int64()
    if "boolean" in kinds:
        return pa.bool_()
    if "number" in kinds:
        return pa.float64()
    return pa.string()


def arrow_schema(table: str) -> pa.Schema:
    props = schemas()[table]["properties"]
    return pa.schema([(name, arrow_type(props[name])) for name in columns(table)])


def write_parquet(path: Path, table: str, rows: list[Record]) -> None:
    schema = arrow_schema(table)
    data = pa.Table.from_pylist(
        [{c: row.get(c) for c in schema.names} for row in rows], schema=schema
    )
    pq.write_table(data, path)


def write_duckdb(
    path: Path, tables: dict[str, list[Record]], parquet_dir: Path
) -> None:
    con = duckdb.connect(str(path))
    try:
        for table in sorted(tables):
            con.execute(
                f'CREATE OR REPLACE TABLE "{table}" AS SELECT * FROM read_parquet(?)',
                [str(parquet_dir / f"{table}.parquet")],
            )
    finally:
        con.close()
