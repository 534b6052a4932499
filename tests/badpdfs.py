"""Builders for the files the pipeline must survive: broken, hostile or
merely unexpected input, plus tiny valid documents where the content does
not matter (cache, fuzz and interrupted-run tests).

Every builder writes one file and returns its path; all output is
deterministic (fixed seeds, fixed creation dates), so a file built twice has
the same bytes and the same cache key.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

SAMPLE = (
    Path(__file__).resolve().parent.parent / "raw" / "undp-china-migrant-workers.pdf"
)


def canvas(path: Path, **kwargs) -> Canvas:
    # invariant=1: no creation date or random document id, so the bytes repeat
    return Canvas(str(path), pagesize=A4, invariant=1, **kwargs)


def write_lines(c: Canvas, lines: list[str], size: float = 11, top: float = 60) -> None:
    y = A4[1] - top
    for text in lines:
        c.setFont("Helvetica-Bold" if text.isupper() else "Helvetica", size)
        c.drawString(60, y, text)
        y -= size + 5


# ------------------------------------------------------------------ not PDFs at all


def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def text_file(path: Path) -> Path:
    path.write_text(
        "Minutes of the project board meeting\n\nThis is a plain text file, "
        "saved with a .pdf name by mistake.\n",
        encoding="utf-8",
    )
    return path


def html_page(path: Path) -> Path:
    """What a failed download often leaves behind."""
    path.write_text(
        "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
        "<body><h1>Not Found</h1></body></html>\n",
        encoding="utf-8",
    )
    return path


def random_bytes(path: Path, size: int = 8192, seed: int = 7) -> Path:
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


# --------------------------------------------------------------- damaged or locked PDFs


def truncated(path: Path, source: Path = SAMPLE) -> Path:
    """The first half of a real PDF's bytes, as left by an interrupted download."""
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def encrypted(path: Path, password: str = "secret") -> Path:
    """A project document that needs a password to be opened."""
    c = canvas(path, encrypt=password)
    write_lines(
        c, ["PROJECT DOCUMENT", "This text can only be read with the password."]
    )
    c.showPage()
    c.save()
    return path


def raw_pdf(path: Path, objects: list[bytes]) -> Path:
    """A PDF written object by object (object 1 is the catalog), with its
    cross-reference table: for structures no PDF library would write."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def zero_pages(path: Path) -> Path:
    """A well-formed PDF whose page tree holds no page at all."""
    return raw_pdf(
        path,
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"],
    )


def looping_references(path: Path) -> Path:
    """A 600-byte PDF that a reader would follow for ever: its content
    stream's /Length is object 6, which is only a reference to object 7,
    which is only a reference to object 6."""
    content = b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"
    return raw_pdf(
        path,
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length 6 0 R >>\nstream\n%s\nendstream" % content,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"7 0 R",
            b"6 0 R",
        ],
    )


def blank(path: Path) -> Path:
    """A page with a drawn frame and nothing else: no text, no picture."""
    c = canvas(path)
    c.rect(50, 50, A4[0] - 100, A4[1] - 100)
    c.showPage()
    c.save()
    return path


def scanned(path: Path, pages: int = 1) -> Path:
    """Pages that are pictures without a word on them (bars where lines of
    print would be): an image each, no text layer, nothing for OCR to read."""
    from PIL import Image, ImageDraw

    c = canvas(path)
    for _ in range(pages):
        image = Image.new("L", (850, 1100), 255)
        draw = ImageDraw.Draw(image)
        for row in range(30):  # grey bars standing in for lines of print
            draw.rectangle(
                (80, 140 + row * 28, 760 - (row * 37) % 200, 150 + row * 28), fill=60
            )
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        buffer.seek(0)
        c.drawImage(ImageReader(buffer), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()
    return path


def slow(path: Path, depth: int = 7, fan: int = 10) -> Path:
    """A 4 KB PDF that takes hours to read: a drawing made of `fan` copies of
    a drawing made of `fan` copies of ... a small box, `depth` levels deep
    (10 million boxes with the defaults)."""
    c = canvas(path)
    c.beginForm("level0")
    c.rect(10, 10, 5, 5, stroke=1, fill=0)
    c.endForm()
    for level in range(1, depth + 1):
        c.beginForm(f"level{level}")
        for _ in range(fan):
            c.doForm(f"level{level - 1}")
        c.endForm()
    c.setFont("Helvetica", 10)
    c.drawString(30, A4[1] - 30, "Nested drawings")
    c.doForm(f"level{depth}")
    c.showPage()
    c.save()
    return path


# --------------------------------------------------- readable, but not what is expected


def letter(path: Path) -> Path:
    """A two-page letter: readable text, but none of a project document's parts."""
    c = canvas(path)
    write_lines(
        c,
        [
            "United Nations Development Programme",
            "Beijing, 12 March 2008",
            "",
            "Dear Minister,",
            "",
            "Thank you for your letter of 3 March about the training programme.",
            "We are pleased to confirm our support of US$ 250,000 for the coming year.",
            "Our team will contact your office to agree on the next steps.",
        ],
    )
    c.showPage()
    write_lines(
        c,
        [
            "We look forward to continuing our cooperation.",
            "",
            "Yours sincerely,",
            "",
            "Resident Representative",
        ],
    )
    c.showPage()
    c.save()
    return path


def small_document(
    path: Path, title: str = "Skills for Migrant Workers", amount: int = 120_000
) -> Path:
    """A one-page project document with a title, numbered sections and a
    stated budget: enough for a few records, quick to extract."""
    c = canvas(path)
    write_lines(
        c,
        [
            "UNITED NATIONS DEVELOPMENT PROGRAMME",
            "Project Document",
            title,
            "",
            "1. SITUATION ANALYSIS",
            f"The project {title.lower()} responds to needs in three provinces.",
            "Local partners asked for training and better information.",
            "",
            "2. STRATEGY",
            f"The total budget is US$ {amount:,} over two years.",
            "Work starts in the first quarter of 2009.",
        ],
    )
    c.showPage()
    c.save()
    return path


# ------------------------------------------------------------- running the command line

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    """One finished `python -m pipeline extract` run."""

    code: int
    stdout: str
    stderr: str
    out: Path

    def summary(self) -> dict:
        return json.loads((self.out / "run.json").read_text("utf-8"))

    def documents(self) -> dict[str, dict]:
        """run.json's entries by file name."""
        return {Path(d["file"]).name: d for d in self.summary()["documents"]}

    def rows(self, table: str) -> list[dict[str, str]]:
        return read_rows(self.out, table)


def read_rows(out: Path, table: str) -> list[dict[str, str]]:
    with open(Path(out) / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def extract(args: list[str | Path]) -> int:
    """`python -m pipeline extract ARGS` in this process (quicker than a new
    interpreter; the workers are forked from it); returns the exit code."""
    from pipeline.cli import main

    return main(["extract", *map(str, args)])


def run_cli(*args: str | Path, out: Path, timeout: float = 900) -> Run:
    """Run the command line in a fresh interpreter, as a user would."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(REPO), os.environ.get("PYTHONPATH")])
        ),
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "extract",
            *map(str, args),
            "--out",
            str(out),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr, Path(out))


def csv_bytes(out: Path) -> dict[str, bytes]:
    """The top-level CSVs of an output folder, read the way users read them."""
    return {p.name: p.read_bytes() for p in sorted(Path(out).glob("*.csv"))}


# ---------------------------------------------- the mixed batch, shared by test modules

BAD_FILES = {  # file name -> (builder, what the user is told)
    "empty.pdf": (empty_file, "empty file (0 bytes)"),
    "truncated.pdf": (truncated, "truncated PDF: the file stops before its end"),
    "notes.pdf": (text_file, "not a PDF: a text file"),
    "download.pdf": (html_page, "not a PDF: an HTML page"),
    "noise.pdf": (random_bytes, "not a PDF: unrecognised content"),
    "locked.pdf": (encrypted, "encrypted PDF: a password is needed to open it"),
    "nopages.pdf": (zero_pages, "the PDF has no pages"),
    "scan.pdf": (scanned, "scanned PDF: OCR found no text on its pages"),
    "blank.pdf": (blank, "no text on any of its 1 page(s)"),
}
_shared: dict[str, tuple[Path, Run]] = {}


def build_inbox(folder: Path) -> Path:
    """Every kind of bad input, and a letter that is not a project document."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (build, _) in BAD_FILES.items():
        build(folder / name)
    letter(folder / "letter.pdf")
    return folder


def mixed_batch(tmp_path_factory) -> tuple[Path, Run]:
    """(the inbox folder, the run of the inbox plus the sample PDF), run once
    per test session: the sample takes a while to extract."""
    if "mixed" not in _shared:
        inbox = build_inbox(tmp_path_factory.mktemp("mixed") / "inbox")
        _shared["mixed"] = inbox, run_cli(inbox, SAMPLE, out=inbox.parent / "out")
    return _shared["mixed"]
