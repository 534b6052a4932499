"""Operating-system helpers for the processes a run forks: a document's
extraction process, and the processes that read parts of its pages; and
the guard over the commands they run (OCR)."""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from multiprocessing.context import BaseContext
from pathlib import Path


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


class Guard:
    """A watch over the commands a process runs and their temporary folder.

    Each command runs in a process group of its own (it and every process
    it starts), listed to a guard process through a pipe.  When this process
    ends, however it ends (killed at its time limit or memory cap, or with
    its batch), the pipe closes: the guard kills the groups still listed
    and removes the folder, so that no command runs on, over the memory cap,
    and no temporary file is left."""

    def __init__(self, folder: Path):
        self.folder = folder
        watched, self.lifeline = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(folder), str(watched)],
            pass_fds=(watched,),
            stdin=subprocess.DEVNULL,
        )
        os.close(watched)

    def run(
        self, command: list[str], input: bytes = b"", env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        """Run `command` to its end, its temporary files in the folder and
        its output captured; whatever it started is killed with it."""
        proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {}), "TMPDIR": str(self.folder)},
            process_group=0,
        )
        os.write(self.lifeline, f"+{proc.pid}\n".encode())
        try:
            out, err = proc.communicate(input)
        finally:
            kill_group(proc.pid)  # what it started and left running
            proc.wait()
            os.write(self.lifeline, f"-{proc.pid}\n".encode())
        return subprocess.CompletedProcess(command, proc.returncode, out, err)

    def close(self) -> None:
        """Let the guard remove the folder, and wait until it has."""
        os.close(self.lifeline)
        self.process.wait()


@contextmanager
def guarded_folder(prefix: str) -> Iterator[Guard]:
    """A temporary folder and a `Guard` over the commands run in the block:
    the folder is removed at the end of the block, or when this process dies."""
    guard = Guard(Path(tempfile.mkdtemp(prefix=prefix)))
    try:
        yield guard
    finally:
        guard.close()


def kill_group(group: int) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)


def watch(folder: str, lifeline: int) -> None:
    """The guard process: follow the groups listed on the lifeline until it
    closes, then kill those still running and remove the folder."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the lifeline tells
    groups: set[int] = set()
    with open(lifeline, "rb") as fh:
        for line in fh:
            group = int(line[1:])
            if line.startswith(b"+"):
                groups.add(group)
            else:
                groups.discard(group)
    for group in groups:
        kill_group(group)
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    watch(sys.argv[1], int(sys.argv[2]))
