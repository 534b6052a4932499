"""Errors that name the file and a plain reason."""
from __future__ import annotations

from pathlib import Path


class DocumentError(Exception):
    """A document that cannot be extracted; the batch carries on without it."""

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UsageError(Exception):
    """Bad arguments: the command line, not a document, is at fault."""
