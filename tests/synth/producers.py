"""Real-world PDF producers: LibreOffice Writer prints a Word document,
headless Chromium prints an HTML page, each laying out the pages itself.

Since our typesetter does not decide where pages break, what the answer key
needs from the layout is read back from the PDF they made: the page count,
and the page on which each heading's printed line first appears.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from .document import Block, Heading, PageSetup
from .docx_writer import DocxWriter
from .flow import FlowWriter
from .html_writer import HtmlWriter

TIMEOUT = 300  # seconds for one document


class ProducerMissing(RuntimeError):
    """The program a renderer needs is not installed."""


@dataclass(frozen=True)
class Producer:
    """A program that prints the document a writer makes; `arguments` gives
    its command line from the source file and a scratch folder, where the
    PDF is to appear under the source's name."""

    name: str
    program: str
    package: str  # the Debian package that installs `program`
    writer: type[FlowWriter]
    arguments: Callable[[Path, Path], list[str]]

    def __call__(self, blocks: list[Block], setup: PageSetup, pdf: Path) -> None:
        found = shutil.which(self.program)
        if found is None:
            raise ProducerMissing(
                f"{self.name} is needed to render the corpus documents that use it, "
                "but "
                f"`{self.program}` is not on PATH: install the Debian package "
                f"{self.package} "
                f"(tests/renderers.sh, run by `make test`, does)"
            )
        with tempfile.TemporaryDirectory(prefix="synth-producer-") as tmp:
            folder = Path(tmp)
            source = folder / f"{pdf.stem}{self.writer.suffix}"
            self.writer(setup).write(blocks, source)
            out = folder / f"{pdf.stem}.pdf"
            result = subprocess.run(
                [found, *self.arguments(source, folder)],
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
            if result.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
                raise RuntimeError(
                    f"{self.name} did not print {out.name} (exit "
                    f"{result.returncode}):\n"
                    f"{result.stderr[-2000:]}"
                )
            shutil.move(out, pdf)


def libreoffice_arguments(source: Path, folder: Path) -> list[str]:
    """Writer converts the DOCX with a profile of its own, so parallel runs do not
    clash."""
    return [
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(folder),
        str(source),
    ]


def chromium_arguments(source: Path, folder: Path) -> list[str]:
    """Headless Chromium prints the page without its own header and footer."""
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={folder / 'profile'}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={source.with_suffix('.pdf')}",
        source.as_uri(),
    ]


PRODUCERS: dict[str, Producer] = {
    "libreoffice": Producer(
        "LibreOffice Writer",
        "soffice",
        "libreoffice-writer-nogui",
        DocxWriter,
        libreoffice_arguments,
    ),
    "chromium": Producer(
        "Chromium", "chromium", "chromium", HtmlWriter, chromium_arguments
    ),
}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def page_lines(pdf: Path) -> list[list[str]]:
    """Each page's text lines as PDFium reads them, spaces collapsed."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        pages = []
        for page in doc:
            text = page.get_textpage().get_text_range()
            pages.append([squash(line) for line in text.splitlines() if line.strip()])
        return pages
    finally:
        doc.close()


def opens_a_line(lines: list[str], printed: str) -> bool:
    """True when some line starts `printed` (which may run on over the next lines)."""
    flat = " ".join(lines)
    start = 0
    for line in lines:
        if flat.startswith(printed, start):
            return True
        start += len(line) + 1
    return False


def read_back(pdf: Path, blocks: list[Block]) -> tuple[int, dict[int, int]]:
    """The page count, and for each Heading block (by index) the 1-based page
    its printed line first appears on, searched from the previous heading's
    page on."""
    pages = page_lines(pdf)
    found: dict[int, int] = {}
    page = 0
    for i, block in enumerate(blocks):
        if not isinstance(block, Heading):
            continue
        printed = squash(block.printed)
        page = next(
            (k for k in range(page, len(pages)) if opens_a_line(pages[k], printed)), -1
        )
        if page < 0:
            raise ValueError(
                f"{pdf.name}: heading {printed!r} is not printed at the start of a line"
            )
        found[i] = page + 1
    return len(pages), found
