"""Stage 8: write the validated dataset: CSV, JSON, Parquet, DuckDB.

An output folder looks like this:

    out/documents.csv -> .current/documents.csv   one link per output file or folder
    out/run.json      -> .current/run.json
    out/.current      -> .versions/<run>            the dataset of the last finished run
    out/.versions/<run>/documents.csv ...
    out/.cache/                                     the cache of extracted documents

A run writes its whole dataset into a new folder under `.versions`, then
switches `.current` to it with a single atomic rename; the links at the top
level stay as they are.  Whoever opens `out/documents.csv` gets the previous
complete dataset or the new one, never a mix of two runs, and a run killed at
any moment leaves the previous dataset in place (the half-written folder is
removed by the next run).  To read several files of one dataset while another
run may finish, resolve `out/.current` once and read from the folder it names.

An output folder written before this layout (plain files) is adopted on the
first run: its files become a version of their own, then the new run's
dataset replaces it in one switch.  Where the file system has no symbolic
links, the files are moved in one by one instead (each move is atomic, the
set of them is not).
"""

from __future__ import annotations

import csv
import errno
import fcntl
import itertools
import json
import os
import re
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .model import Record
from .validate import columns, json_fields, schemas

FORMATS = ("csv", "json", "parquet", "duckdb", "reports")
VERSIONS = ".versions"
CURRENT = ".current"
LOCK = ".lock"
DUCKDB_FILE = "prodocs.duckdb"
RUN_FILE = "run.json"  # the batch's account of the run
VERSION_NAME = re.compile(r"\d{8}-\d{6}-\d+-\d+")  # as new_version_dir names them


FORMULA_START = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
)  # what makes a spreadsheet read a cell as a formula
NUMBER = re.compile(r"[+-]?(\d[\d,]*(\.\d*)?|\.\d+)")


def csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return inert(value)
    return str(value)


def inert(text: str) -> str:
    """Text that a spreadsheet would run as a formula (it starts with = + -
    @, a tab or a carriage return) with a `'` before it, as is common
    practice for CSV; a number such as -1,200 is left as it is."""
    return (
        "'" + text
        if text.startswith(FORMULA_START) and not NUMBER.fullmatch(text)
        else text
    )


def write_csv(path: Path, table: str, rows: Iterable[Record]) -> None:
    cols = columns(table)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(cols)
        for row in rows:
            writer.writerow([csv_value(row.get(c)) for c in cols])


def write_json(path: Path, table: str, rows: list[Record]) -> None:
    cols = json_fields(table)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(
            [{c: row.get(c) for c in cols} for row in rows],
            fh,
            ensure_ascii=False,
            indent=1,
        )
        fh.write("\n")


def write_dataset(
    prepared: Path, out_dir: Path, extra_files: dict[str, bytes] | None = None
) -> Path:
    """Make what is `prepared` (the tables as `write_tables` writes them,
    folders such as the reports: its entries are moved, so it is best on the
    file system of `out_dir`) and `extra_files` a new version of `out_dir`,
    then the current one; return its folder.  Files of `out_dir` that are
    not outputs, such as the cache, are kept."""
    out_dir = Path(out_dir)
    extra_files = extra_files or {}
    entries = sorted(entry.name for entry in Path(prepared).iterdir())
    ours = (
        output_names() | {name.split("/", 1)[0] for name in extra_files} | set(entries)
    )
    with output_lock(out_dir):
        foreign = foreign_outputs(out_dir, ours)
        if foreign:
            raise FileExistsError(
                errno.EEXIST,
                f"{', '.join(foreign)}: not written by this tool, not replaced",
            )
        remove_leftovers(out_dir)
        version = new_version_dir(out_dir)
        try:
            for name in entries:
                shutil.move(Path(prepared) / name, version / name)
            for name, content in extra_files.items():
                target = version / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
            sync_tree(version)
            publish(version, out_dir, ours)
        except BaseException:
            if current_version(out_dir) != version.name:
                shutil.rmtree(version, ignore_errors=True)
            raise
        remove_old_versions(out_dir)
    return version


def output_names() -> set[str]:
    """The top-level names a run writes into an output folder."""
    return {f"{table}.csv" for table in schemas()} | {"json", "parquet", DUCKDB_FILE}


def foreign_outputs(out_dir: Path, names: Iterable[str]) -> list[str]:
    """The entries of `out_dir` named like outputs that no run of this tool
    wrote, which a run must not replace: in a folder of versions the outputs
    are links into `.current`, so anything else is the user's; a folder of
    plain files is a dataset of this tool when its `run.json` is one."""
    present = sorted(n for n in names if os.path.lexists(out_dir / n))
    if (out_dir / CURRENT).is_symlink():
        return [
            n
            for n in present
            if not (out_dir / n).is_symlink()
            or os.readlink(out_dir / n) != f"{CURRENT}/{n}"
        ]
    return [] if RUN_FILE in present and is_run_file(out_dir / RUN_FILE) else present


def is_run_file(path: Path) -> bool:
    try:
        run = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(run, dict) and {"version", "counts", "documents"} <= set(run)


def write_tables(
    folder: Path, tables: dict[str, list[Record]], formats: Iterable[str]
) -> None:
    """Every table in each of the chosen `formats` into `folder` (written
    again over what an earlier call wrote there)."""
    formats = set(formats)
    parquet_dir = folder / "parquet"
    json_dir = folder / "json"
    if formats & {"parquet", "duckdb"}:
        # pyarrow and DuckDB take a second to load: not before they are needed
        from .columnar import write_duckdb, write_parquet
    for table in sorted(schemas()):
        rows = tables.get(table, [])
        if "csv" in formats:
            write_csv(folder / f"{table}.csv", table, rows)
        if "json" in formats:
            json_dir.mkdir(exist_ok=True)
            write_json(json_dir / f"{table}.json", table, rows)
        if "parquet" in formats or "duckdb" in formats:
            parquet_dir.mkdir(exist_ok=True)
            write_parquet(parquet_dir / f"{table}.parquet", table, rows)
    if "duckdb" in formats:
        write_duckdb(
            folder / DUCKDB_FILE, {t: tables.get(t, []) for t in schemas()}, parquet_dir
        )
        if "parquet" not in formats:
            shutil.rmtree(parquet_dir)


# -------------------------------------------------------------- versions and the switch


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """One writer per output folder at a time; a second run waits here."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / LOCK, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def current_version(out_dir: Path) -> str | None:
    """The name of the version folder `.current` points at, if any."""
    try:
        return Path(os.readlink(out_dir / CURRENT)).name
    except OSError:
        return None


def new_version_dir(out_dir: Path) -> Path:
    versions = out_dir / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in itertools.count():
        folder = versions / f"{stamp}-{os.getpid()}-{n}"
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue
    raise AssertionError("unreachable")


def remove_leftovers(out_dir: Path) -> None:
    """What a killed run left behind: its half-written version folder and
    temporary links."""
    for entry in out_dir.iterdir():
        if entry.name.startswith(".") and ".tmp-" in entry.name:
            remove(entry)
    remove_old_versions(out_dir)


def remove_old_versions(out_dir: Path) -> None:
    versions = out_dir / VERSIONS
    if not versions.is_dir():
        return
    keep = current_version(out_dir)
    for folder in versions.iterdir():
        if folder.name != keep and VERSION_NAME.fullmatch(folder.name):
            remove(folder)


def remove(entry: Path) -> None:
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        entry.unlink(missing_ok=True)


def publish(version: Path, out_dir: Path, ours: set[str]) -> None:
    """Make `version` the output folder's dataset.  `ours` names the top-level
    entries that runs write (others are left alone)."""
    names = sorted(p.name for p in version.iterdir())
    if not symlinks_work(out_dir):
        move_in(version, out_dir, names)
        return
    if not (out_dir / CURRENT).is_symlink():
        adopt_plain_files(out_dir, ours)
    for name in names:  # links resolve once `.current` names the new version
        entry = out_dir / name
        if (entry.is_symlink() or not os.path.lexists(entry)) and (
            not entry.is_symlink() or os.readlink(entry) != f"{CURRENT}/{name}"
        ):
            point(out_dir, name, f"{CURRENT}/{name}")
    point(out_dir, CURRENT, f"{VERSIONS}/{version.name}")  # the switch
    fsync_path(out_dir)
    for entry in sorted(out_dir.iterdir()):
        if entry.name in names and not entry.is_symlink():
            replace_with_link(out_dir, entry.name)  # a plain file in the way of a link
        elif (
            entry.is_symlink()
            and os.readlink(entry).startswith(f"{CURRENT}/")
            and not entry.exists()
        ):
            entry.unlink()  # an output this run did not write


def point(out_dir: Path, name: str, target: str) -> None:
    """Make `out_dir/name` a link to `target` in one rename."""
    tmp = out_dir / f".{name}.tmp-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, out_dir / name)


def replace_with_link(out_dir: Path, name: str) -> None:
    entry = out_dir / name
    if (
        entry.is_dir() and not entry.is_symlink()
    ):  # a folder cannot be renamed over: move it aside first
        aside = out_dir / f".{name}.tmp-old-{os.getpid()}"
        remove(aside)
        os.replace(entry, aside)
        point(out_dir, name, f"{CURRENT}/{name}")
        remove(aside)
    else:
        point(out_dir, name, f"{CURRENT}/{name}")


def adopt_plain_files(out_dir: Path, ours: set[str]) -> None:
    """Turn the plain output files of an earlier run into a version folder
    and link to them: their content stays readable and unchanged until the
    new version is switched in."""
    found = sorted(
        n for n in ours if (out_dir / n).exists() and not (out_dir / n).is_symlink()
    )
    if not found:
        return
    previous = new_version_dir(out_dir)
    for name in found:
        source = out_dir / name
        if source.is_dir():
            shutil.copytree(source, previous / name, copy_function=link_or_copy)
        else:
            link_or_copy(source, previous / name)
    sync_tree(previous)
    point(out_dir, CURRENT, f"{VERSIONS}/{previous.name}")
    for name in found:
        replace_with_link(out_dir, name)


def link_or_copy(source: str | Path, target: str | Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def symlinks_work(out_dir: Path) -> bool:
    if (out_dir / CURRENT).is_symlink():
        return True
    probe = out_dir / f".probe.tmp-{os.getpid()}"
    try:
        probe.unlink(missing_ok=True)
        os.symlink(CURRENT, probe)
    except OSError:
        return False
    probe.unlink()
    return True


def move_in(version: Path, out_dir: Path, names: list[str]) -> None:
    """Without symbolic links: move the version's files over the output
    folder's one by one (`os.replace` is atomic per file), folders as a whole."""
    for name in names:
        item, target = version / name, out_dir / name
        if item.is_dir():
            aside = out_dir / f".{name}.tmp-old-{os.getpid()}"
            remove(aside)
            if target.exists():
                os.replace(target, aside)
            os.replace(item, target)
            remove(aside)
        else:
            os.replace(item, target)


def sync_tree(root: Path) -> None:
    """Flush a written folder to disk, so that a power cut after the switch
    cannot leave the new version's files empty."""
    for dirpath, _, files in os.walk(root):
        for name in files:
            fsync_path(Path(dirpath) / name)
        fsync_path(Path(dirpath))


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)
