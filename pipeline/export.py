"""Stage 8: write the validated dataset: CSV, JSON, Parquet, DuckDB.

Everything is written into a staging folder beside the output folder and
swapped in at the end, so a reader of the output folder sees either the
previous complete dataset or the new one, never a mix.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path
from typing import Any, Iterable

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from .validate import columns, schemas

FORMATS = ("csv", "json", "parquet", "duckdb")
Record = dict[str, Any]


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
    return pa.schema([(name, arrow_type(prop)) for name, prop in props.items()])


def csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_csv(path: Path, table: str, rows: Iterable[Record]) -> None:
    cols = columns(table)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(cols)
        for row in rows:
            writer.writerow([csv_value(row.get(c)) for c in cols])


def write_json(path: Path, table: str, rows: list[Record]) -> None:
    cols = columns(table)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump([{c: row.get(c) for c in cols} for row in rows], fh, ensure_ascii=False, indent=1)
        fh.write("\n")


def write_parquet(path: Path, table: str, rows: list[Record]) -> None:
    schema = arrow_schema(table)
    data = pa.Table.from_pylist([{c: row.get(c) for c in schema.names} for row in rows], schema=schema)
    pq.write_table(data, path)


def write_duckdb(path: Path, tables: dict[str, list[Record]], parquet_dir: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        for table in sorted(tables):
            con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM read_parquet(?)', [str(parquet_dir / f"{table}.parquet")])
    finally:
        con.close()


def write_dataset(tables: dict[str, list[Record]], out_dir: Path, formats: Iterable[str] = FORMATS,
                  extra_files: dict[str, bytes] | None = None) -> None:
    """Write every table in every format, then swap the result into `out_dir`
    (files of `out_dir` not written by this run, such as the cache, are kept)."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.parent / f".{out_dir.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    formats = set(formats)
    try:
        parquet_dir = staging / "parquet"
        json_dir = staging / "json"
        for table in sorted(schemas()):
            rows = tables.get(table, [])
            if "csv" in formats:
                write_csv(staging / f"{table}.csv", table, rows)
            if "json" in formats:
                json_dir.mkdir(exist_ok=True)
                write_json(json_dir / f"{table}.json", table, rows)
            if "parquet" in formats or "duckdb" in formats:
                parquet_dir.mkdir(exist_ok=True)
                write_parquet(parquet_dir / f"{table}.parquet", table, rows)
        if "duckdb" in formats:
            write_duckdb(staging / "prodocs.duckdb", {t: tables.get(t, []) for t in schemas()}, parquet_dir)
            if "parquet" not in formats:
                shutil.rmtree(parquet_dir)
        for name, content in (extra_files or {}).items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        swap_in(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def swap_in(staging: Path, out_dir: Path) -> None:
    """Move the staged files over the output folder's, file by file with
    `os.replace` (atomic per file), folders as a whole."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for item in sorted(staging.iterdir()):
        target = out_dir / item.name
        if item.is_dir():
            old = out_dir / f".{item.name}.old"
            shutil.rmtree(old, ignore_errors=True)
            if target.exists():
                os.replace(target, old)
            os.replace(item, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(item, target)
