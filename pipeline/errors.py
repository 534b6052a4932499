"""Errors that name the file and a plain reason."""

from __future__ import annotations

from pathlib import Path


class DocumentError(Exception):
    """A document that cannot be extracted; the batch carries on without it."""

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        """Pickled whole: a process reading part of a document raises it."""
        return DocumentError, (self.path, self.reason)


def shown(text: str | Path) -> str:
    """A file name fit to print: each character a terminal would act on or
    not show (control and formatting characters, bytes that are not UTF-8)
    written as an escape such as `\\n`, `\\x1b` or `\\xff`."""
    return "".join(ch if ch.isprintable() else escape(ch) for ch in str(text))


def escape(ch: str) -> str:
    if (
        "\udc80" <= ch <= "\udcff"
    ):  # a byte that is not UTF-8, as Python reads file names
        return f"\\x{ord(ch) - 0xDC00:02x}"
    return ch.encode("unicode_escape").decode("ascii")


class UsageError(Exception):
    """Bad arguments or an unusable output folder: the command line, not a
    document, is at fault, and nothing is extracted."""


def describe_content(head: bytes) -> str:
    """What a file that is not a PDF seems to be, from its first bytes."""
    start = head.lstrip()
    if start[:1] == b"<" and (
        b"<html" in head.lower() or b"<!doctype html" in head.lower()
    ):
        return "an HTML page (a failed download?)"
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP archive (a Word or Excel file?)"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an older Microsoft Office file"
    if head.startswith(b"{\\rtf"):
        return "an RTF document"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8")):
        return "an image file"
    try:
        text = head[:-4].decode("utf-8") if len(head) > 4 else head.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and all(ch.isprintable() or ch in "\r\n\t\f" for ch in text):
        return "a text file"
    return "unrecognised content, no %PDF- header"
