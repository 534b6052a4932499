"""Operating-system helpers for the processes a run forks: a document's
extraction process, and the processes that read parts of its pages."""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.context import BaseContext


def fork_context() -> BaseContext:
    """Processes forked from this one (they start with its imports, at no
    cost), where the system can fork; the default start method elsewhere."""
    if "fork" in mp.get_all_start_methods():
        return mp.get_context("fork")
    return mp.get_context()


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Fork within this: the objects made so far are left out of the garbage
    collector's passes, in this process until the end of the block, and in
    the processes forked meanwhile for good.  A forked process's collector
    would otherwise touch, and so copy, every object it shares with this one:
    its memory would grow to this one's."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def die_with_parent() -> None:
    """Ask Linux to kill this process when the one that started it dies, so
    that a killed run leaves no extraction or page reading running on."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def resident_mb(pid: int | None = None) -> float:
    """The resident memory (RSS) in MB of a process (this one by default)
    and of the processes it started; 0 where /proc does not tell."""
    pid = pid or os.getpid()
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            own = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0
    return own + sum(resident_mb(child) for child in children(pid))


def children(pid: int) -> list[int]:
    """The processes `pid` started that are still running ([] where /proc
    does not list them)."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", "rb") as fh:
                found += [int(c) for c in fh.read().split()]
    except (OSError, ValueError):
        pass
    return found
