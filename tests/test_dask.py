"""`--scheduler`: the extractions run on a Dask cluster (here a LocalCluster
on the loopback address) and give the dataset a single process gives."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.badpdfs import SAMPLE, csv_bytes, extract, run_cli, small_document, text_file

distributed = pytest.importorskip("distributed")

RUN_LIMIT_S = 600  # no run of the command line here may take longer


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes on 127.0.0.1, closed when the module is done."""
    local = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=40,
    )
    try:
        yield local
    finally:
        local.close(timeout=60)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dask") / "inbox"
    folder.mkdir()
    small_document(
        folder / "alpha.pdf", title="Skills for Migrant Workers", amount=120_000
    )
    text_file(folder / "notes.pdf")  # fails: not a PDF
    return folder


def documents(out: Path) -> dict[str, dict]:
    return {
        d["doc_id"]: d
        for d in json.loads((out / "run.json").read_text("utf-8"))["documents"]
    }


def sample_cache_file(out: Path) -> Path:
    [path] = [p for p in (out / ".cache").iterdir()]
    return path


def test_a_cluster_gives_the_single_process_dataset(
    cluster, inbox, sample_output, tmp_path
):
    # the reference: one process on this machine; the sample's result is the
    # session's single-process extraction, taken from its cache
    reference = tmp_path / "reference"
    shutil.copytree(sample_output / ".cache", reference / ".cache")
    single = run_cli(
        SAMPLE,
        inbox,
        "--workers",
        "1",
        "--format",
        "csv",
        out=reference,
        timeout=RUN_LIMIT_S,
    )
    assert single.code == 1, single.stderr
    assert documents(reference)[SAMPLE.stem]["cached"]

    on_cluster = run_cli(
        SAMPLE,
        inbox,
        "--scheduler",
        cluster.scheduler_address,
        "--format",
        "csv",
        out=tmp_path / "dask",
        timeout=RUN_LIMIT_S,
    )
    assert on_cluster.code == 1, on_cluster.stderr
    runs = documents(on_cluster.out)
    assert {d: (r["status"], r["cached"]) for d, r in runs.items()} == {
        SAMPLE.stem: ("ok", False),
        "alpha": ("partial", False),
        "notes": ("failed", False),
    }
    assert (
        runs["notes"]["reason"] == "not a PDF: a text file"
        and runs["notes"]["stage"] == "reading the PDF"
    )
    assert (
        f"failed: {inbox / 'notes.pdf'}: not a PDF: a text file"
        in on_cluster.stderr.splitlines()
    )

    assert csv_bytes(on_cluster.out) == csv_bytes(reference)
    assert len(csv_bytes(reference)) >= 10
    assert (on_cluster.out / "datapackage.json").read_bytes() == (
        reference / "datapackage.json"
    ).read_bytes()
    # the payloads that came back are the cache files a local run writes, byte for byte
    assert sorted(p.name for p in (on_cluster.out / ".cache").iterdir()) == sorted(
        p.name for p in (reference / ".cache").iterdir()
    )
    for path in (reference / ".cache").iterdir():
        assert (
            on_cluster.out / ".cache" / path.name
        ).read_bytes() == path.read_bytes(), path.name
    assert (
        on_cluster.out / ".cache" / sample_cache_file(sample_output).name
    ).read_bytes() == sample_cache_file(sample_output).read_bytes()

    # all cached: no cluster is needed, not even a reachable one
    assert (
        extract(
            [
                SAMPLE,
                inbox / "alpha.pdf",
                "--out",
                on_cluster.out,
                "--format",
                "csv",
                "--scheduler",
                "tcp://127.0.0.1:9",
            ]
        )
        == 0
    )


def test_the_time_limit_holds_on_the_cluster_and_its_workers_go_on(
    cluster, inbox, tmp_path
):
    run = run_cli(
        SAMPLE,
        inbox / "alpha.pdf",
        "--scheduler",
        cluster.scheduler_address,
        "--timeout",
        "3",
        "--format",
        "csv",
        "--verbose",
        out=tmp_path / "out",
        timeout=RUN_LIMIT_S,
    )
    assert run.code == 1, run.stderr
    sample = documents(run.out)[SAMPLE.stem]
    assert sample["reason"] == "took longer than the 3 s time limit" and sample["stage"]
    assert sample["seconds"] < 30
    assert documents(run.out)["alpha"]["status"] == "partial"
    assert "on the Dask cluster at tcp://127.0.0.1:" in run.stderr
    client = distributed.Client(cluster.scheduler_address, timeout=30)
    try:
        assert (
            len(client.scheduler_info()["workers"]) == 2
        )  # the stopped document took no worker down
    finally:
        client.close()


def test_an_unreachable_scheduler_is_an_error_and_the_dataset_is_kept(
    inbox, tmp_path, capsys, monkeypatch
):
    import pipeline.cluster

    monkeypatch.setattr(pipeline.cluster, "CONNECT_TIMEOUT_S", 2.0)
    out = tmp_path / "out"
    assert extract([inbox / "alpha.pdf", "--out", out, "--format", "csv"]) == 0
    before = csv_bytes(out)
    small_document(inbox.parent / "gamma.pdf", title="Solar Power for Schools")
    assert (
        extract(
            [
                inbox / "alpha.pdf",
                inbox.parent / "gamma.pdf",
                "--out",
                out,
                "--format",
                "csv",
                "--scheduler",
                "tcp://127.0.0.1:9",
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "error: cannot connect to the Dask scheduler at tcp://127.0.0.1:9" in err
    assert f"{out} keeps its last complete dataset" in err
    assert csv_bytes(out) == before


def test_scheduler_local_starts_a_cluster_of_its_own(inbox, tmp_path):
    """`--scheduler local`: a LocalCluster of --workers processes, started and
    closed by the command (its worker processes import the entry point again)."""
    alone = run_cli(
        inbox / "alpha.pdf",
        "--workers",
        "1",
        "--format",
        "csv",
        out=tmp_path / "alone",
        timeout=RUN_LIMIT_S,
    )
    local = run_cli(
        inbox / "alpha.pdf",
        "--scheduler",
        "local",
        "--workers",
        "1",
        "--format",
        "csv",
        "--verbose",
        out=tmp_path / "local",
        timeout=RUN_LIMIT_S,
    )
    assert (alone.code, local.code) == (0, 0), local.stderr
    assert "to extract on a local Dask cluster of 1 worker process(es)" in local.stderr
    assert csv_bytes(local.out) == csv_bytes(alone.out)
