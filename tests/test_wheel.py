"""The package as it is installed: a wheel built from the repository, put in
a fresh virtual environment, extracts the sample from a folder outside the
repository with the schemas and reference data it carries itself."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import ROOT, SAMPLE

pytestmark = pytest.mark.slow

BUILT_FROM = ("pipeline", "schemas", "pyproject.toml", "README.md")


def run(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done


def test_a_wheel_installed_in_a_fresh_venv_extracts_the_sample(tmp_path: Path) -> None:
    source = (
        tmp_path / "source"
    )  # a copy: building writes build/ and egg-info beside the code
    for name in BUILT_FROM:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name,
                source / name,
                symlinks=True,
                ignore=shutil.ignore_patterns("__pycache__"),
            )
        else:
            shutil.copy2(ROOT / name, source / name)
    run(
        sys.executable,
        *("-m", "pip", "wheel", "--no-deps", "--quiet"),
        *("--wheel-dir", tmp_path / "dist", source),
        cwd=tmp_path,
    )
    [wheel] = (tmp_path / "dist").glob("prodoc_pipeline-*.whl")

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    run(
        sys.executable,
        *("-m", "pip", "--python", python, "install", "--no-deps", "--quiet", wheel),
        cwd=tmp_path,
    )
    # the dependencies (not the package) come from this interpreter's environment
    site = Path(
        run(
            python,
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            cwd=tmp_path,
        ).stdout.strip()
    )
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = run(
        python, "-c", "import pipeline; print(pipeline.__file__)", cwd=elsewhere
    )
    assert Path(where.stdout.strip()).is_relative_to(venv)
    run(
        python,
        *("-m", "pipeline", "extract", SAMPLE, "--out", "out", "--quiet"),
        *("--format", "csv,json", "--workers", "1"),
        cwd=elsewhere,
    )

    out = elsewhere / "out"
    [document] = json.loads((out / "run.json").read_text("utf-8"))["documents"]
    assert document["status"] == "ok", document
    schemas = {
        p.name.removesuffix(".schema.json"): json.loads(p.read_text("utf-8"))
        for p in (ROOT / "schemas").glob("*.schema.json")
    }
    for table, schema in schemas.items():
        assert (out / f"{table}.csv").is_file(), table
        records = json.loads((out / "json" / f"{table}.json").read_text("utf-8"))
        validator = Draft202012Validator(schema)
        for record in records:
            validator.validate(record)
    assert document["records"]["budget_lines"] > 0
