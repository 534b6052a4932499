"""Run the per-document extractions on a Dask distributed cluster
(`extract --scheduler tcp://HOST:PORT`, or `--scheduler local` for a
LocalCluster of `--workers` processes on this machine).

Each document is one Dask task.  On its worker the task forks a process
that runs the same extraction as a local run (`supervise.extract_to_file`),
with the same time limit and memory cap, and sends back the same JSON
payload, which is written to the cache here: the dataset is the one a local
run writes, byte for byte.  What differs on a cluster:

* the workers read the PDFs themselves, by absolute path: the files must be
  at the same path on every worker (a shared or mounted folder); the cache
  folder need not be shared, results come back to this machine;
* the workers must run the same pipeline code (checked: a worker with other
  code fails its documents instead of filling the cache with other results);
* the memory cap limits each document's process on the worker; Dask's own
  worker memory limit does not see that process;
* the time limit is applied on the worker from when the document starts; this
  side gives up on a document `GRACE_S` seconds after the limit, counted from
  when it was handed to the cluster (a lost worker, a busy cluster), and at
  most as many documents are handed over at once as the cluster has threads;
* a worker that dies is replaced by Dask, which tries its document on another
  worker; after Dask's allowed failures the document is reported failed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .cache import code_fingerprint
from .run import Observer, Settings
from .supervise import Ended, extract_to_file, preload, run_forked

CONNECT_TIMEOUT_S = 10.0
WORKERS_TIMEOUT_S = 60.0
GRACE_S = 60.0


class ClusterError(Exception):
    """The Dask cluster cannot be used (no scheduler at the address, no workers)."""


# ------------------------------------------------------------------ on the worker


def extract_on_worker(
    path: str, memory_mb: int, timeout_s: float, ocr: str = "auto", readings: str = ""
) -> dict[str, Any]:
    """A Dask task: extract one document in a process of its own, on the
    worker this runs on; return its payload as JSON text (or the reason it
    failed), the stage it reached, the seconds it took, and the fingerprint
    of the code that made it."""
    started = time.monotonic()
    answer = {
        "text": "",
        "reason": "",
        "stage": "",
        "seconds": 0.0,
        "fingerprint": code_fingerprint(),
        "host": socket.gethostname(),
    }
    if not os.access(path, os.R_OK):
        answer["reason"] = (
            f"the Dask worker on {answer['host']} cannot read {path} "
            "(the PDFs must be at the same path on every worker)"
        )
        return answer
    if hasattr(os, "fork"):
        # imported once per worker; every document's process is forked with it
        preload()
        text, reason, stage, seconds = run_forked(
            path, memory_mb, timeout_s, task_cancelled(), ocr, readings
        )
    else:  # no fork: in the worker's own thread, under the worker's limits
        with tempfile.TemporaryDirectory(prefix="prodoc-") as folder:
            target = os.path.join(folder, "payload.json")
            extract_to_file(path, target, 0, ocr=ocr, readings=readings)
            with open(target, encoding="utf-8") as fh:
                text, reason, stage = fh.read(), "", ""
        seconds = time.monotonic() - started
    answer.update(text=text, reason=reason, stage=stage, seconds=round(seconds, 3))
    return answer


def task_cancelled():
    """A test of whether the Dask task running in this thread has been
    cancelled (the client stopped or gave up on it): its process is then
    stopped at once instead of running to the time limit."""
    try:
        from distributed import get_worker

        worker = get_worker()
        key = worker.get_current_task()
    except Exception:
        return lambda: False

    def cancelled() -> bool:
        try:
            task = worker.state.tasks.get(key)
            return task is None or task.state in ("cancelled", "released", "forgotten")
        except Exception:
            return False

    return cancelled


# ------------------------------------------------------------------ on this machine


def connect(settings: Settings):
    """A Dask client for `settings.scheduler`, and the LocalCluster started
    for it (None for a cluster given by address)."""
    from distributed import Client, LocalCluster

    cluster = None
    try:
        if settings.scheduler == "local":
            cluster = LocalCluster(
                n_workers=settings.workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
        else:
            client = Client(settings.scheduler, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as exc:
        if cluster is not None:
            cluster.close()
        raise ClusterError(
            f"cannot connect to the Dask scheduler at {settings.scheduler} ({exc})"
        ) from exc
    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
    except (OSError, TimeoutError) as exc:
        client.close()
        if cluster is not None:
            cluster.close()
        raise ClusterError(
            f"the Dask scheduler at {settings.scheduler} has no workers "
            f"(none joined within {WORKERS_TIMEOUT_S:g} s)"
        ) from exc
    return client, cluster


def run_dask(
    jobs: list[tuple[Path, Path]],
    settings: Settings,
    observer: Observer | None = None,
    limits: dict[Path, float] | None = None,
    readings: dict[Path, str] | None = None,
) -> Iterator[Ended]:
    """Like `supervise.run_processes`, on the Dask cluster (each document
    with its time limit in `limits`, else `settings.timeout_s`, and its
    tables' `readings`): yield (path, cache
    target, seconds, failure reason or "", stage reached) as each document
    ends; a result is written to its cache target before it is yielded."""
    if not jobs:
        return
    from distributed import wait

    observer = observer or Observer()
    client, cluster = connect(settings)
    mine = code_fingerprint()
    run_id = uuid.uuid4().hex[:8]
    pending = list(enumerate(jobs))
    running: dict[Any, tuple[Path, Path, float, float]] = {}
    try:
        while pending or running:
            slots = max(1, sum(client.nthreads().values()))
            while pending and len(running) < slots:
                number, (path, target) = pending.pop(0)
                limit = (limits or {}).get(path, settings.timeout_s)
                future = client.submit(
                    extract_on_worker,
                    str(path.resolve()),
                    settings.memory_mb,
                    limit,
                    settings.ocr,
                    (readings or {}).get(path, ""),
                    key=f"prodoc-{run_id}-{number}",
                    pure=False,
                    retries=0,
                )
                running[future] = (path, target, time.monotonic(), limit)
                observer.started(path)
            with contextlib.suppress(TimeoutError):
                wait(list(running), timeout=1.0, return_when="FIRST_COMPLETED")
            observer.tick()
            for future in list(running):
                path, target, handed, limit = running[future]
                elapsed = time.monotonic() - handed
                if future.done():
                    del running[future]
                    yield ended(future, path, target, elapsed, mine)
                elif elapsed > limit + GRACE_S:
                    del running[future]
                    future.cancel()
                    yield (
                        path,
                        target,
                        elapsed,
                        f"took longer than the {limit:g} s time limit "
                        f"(no result from the Dask cluster within {elapsed:.0f} s)",
                        "",
                    )
    finally:
        if running:
            client.cancel(list(running))
        client.close()
        if cluster is not None:
            cluster.close()


def ended(future, path: Path, target: Path, elapsed: float, fingerprint: str) -> Ended:
    """A finished task as `run_processes` reports a finished process; its
    payload is written to the cache target."""
    if future.status != "finished":
        try:
            exc = future.exception(timeout=5)
        except Exception as err:  # cancelled, or the scheduler is gone
            exc = err
        name = type(exc).__name__
        if name == "KilledWorker":
            return (
                path,
                target,
                elapsed,
                f"the Dask workers running it died ({exc})",
                "",
            )
        return (
            path,
            target,
            elapsed,
            f"the Dask cluster could not run the extraction ({name}: {exc})",
            "",
        )
    answer = future.result()
    if answer["fingerprint"] != fingerprint:
        return (
            path,
            target,
            elapsed,
            f"the Dask worker on {answer['host']} runs other pipeline code (code "
            f"{answer['fingerprint']}, "
            f"here {fingerprint}): install the same version of the pipeline on the "
            "workers",
            "",
        )
    seconds = float(answer["seconds"])
    if answer["reason"]:
        return path, target, seconds, answer["reason"], answer["stage"]
    tmp = target.with_name(f"{target.name}.part-{os.getpid()}")
    tmp.write_text(answer["text"], encoding="utf-8")
    os.replace(tmp, target)
    return path, target, seconds, "", answer["stage"]
