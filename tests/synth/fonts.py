"""Font families the synthetic documents are typeset in.

Each face has one PDF name that both renderers use, so a heading face always
has "Bold" in its name (the pipeline recognises headings by that).  The PDF
core fonts need no file; Vera ships with reportlab; DejaVu comes from the
system package `fonts-dejavu-core` and is needed for the tick mark glyph;
Liberation from `fonts-liberation`.  LibreOffice and Chromium can print only
the families installed on the system (`FontFamily.installed`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import reportlab

VERA_DIR = Path(reportlab.__file__).parent / "fonts"
DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
LIBERATION_DIR = Path("/usr/share/fonts/truetype/liberation")
SYSTEM_PACKAGES = {DEJAVU_DIR: "fonts-dejavu-core", LIBERATION_DIR: "fonts-liberation"}

# Characters the PDF core fonts cannot show (fpdf2 refuses them, reportlab
# loses the bullet); they are printed as their plain equivalents.
_CORE_FALLBACK = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "•": "-",
        "…": "...",
        "✓": "v",
    }
)


@dataclass(frozen=True)
class FontFace:
    """One face: a PDF core font (`path` None) or a TrueType file."""

    name: str  # PDF font name, also the name it is registered under
    path: Path | None = None
    core: tuple[str, str] = ("", "")  # fpdf2 family and style of a core font

    @property
    def is_core(self) -> bool:
        return self.path is None

    def printable(self, text: str) -> str:
        return text.translate(_CORE_FALLBACK) if self.is_core else text

    def check(self) -> None:
        if self.path is not None and not self.path.is_file():
            package = SYSTEM_PACKAGES.get(self.path.parent)
            hint = f" (install {package})" if package else ""
            raise FileNotFoundError(f"font file {self.path} is missing{hint}")


@dataclass(frozen=True)
class FontFamily:
    key: str
    regular: FontFace
    bold: FontFace
    italic: FontFace
    installed: str = (
        ""  # the system (fontconfig) family name, for word processors and browsers
    )

    def face(self, bold: bool = False, italic: bool = False) -> FontFace:
        return self.bold if bold else self.italic if italic else self.regular


def _core(
    key: str, regular: str, bold: str, italic: str, fpdf_family: str
) -> FontFamily:
    return FontFamily(
        key,
        FontFace(regular, None, (fpdf_family, "")),
        FontFace(bold, None, (fpdf_family, "B")),
        FontFace(italic, None, (fpdf_family, "I")),
    )


def _ttf(
    key: str,
    directory: Path,
    names: tuple[str, str, str],
    files: tuple[str, str, str],
    installed: str = "",
) -> FontFamily:
    faces = [FontFace(n, directory / f) for n, f in zip(names, files, strict=True)]
    return FontFamily(key, *faces, installed=installed)


FAMILIES: dict[str, FontFamily] = {
    "times": _core("times", "Times-Roman", "Times-Bold", "Times-Italic", "times"),
    "helvetica": _core(
        "helvetica", "Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "helvetica"
    ),
    "vera": _ttf(
        "vera",
        VERA_DIR,
        ("Vera", "Vera-Bold", "Vera-Italic"),
        ("Vera.ttf", "VeraBd.ttf", "VeraIt.ttf"),
    ),
    "dejavu-serif": _ttf(
        "dejavu-serif",
        DEJAVU_DIR,
        ("DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSerif-Italic"),
        ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf"),
        "DejaVu Serif",
    ),
    "dejavu-sans": _ttf(
        "dejavu-sans",
        DEJAVU_DIR,
        ("DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"),
        ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"),
        "DejaVu Sans",
    ),
    "liberation-serif": _ttf(
        "liberation-serif",
        LIBERATION_DIR,
        ("LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic"),
        (
            "LiberationSerif-Regular.ttf",
            "LiberationSerif-Bold.ttf",
            "LiberationSerif-Italic.ttf",
        ),
        "Liberation Serif",
    ),
    "liberation-sans": _ttf(
        "liberation-sans",
        LIBERATION_DIR,
        ("LiberationSans", "LiberationSans-Bold", "LiberationSans-Italic"),
        (
            "LiberationSans-Regular.ttf",
            "LiberationSans-Bold.ttf",
            "LiberationSans-Italic.ttf",
        ),
        "Liberation Sans",
    ),
}

# The tick mark is drawn in this face whatever the body family (it extracts as U+2713).
SYMBOL = FontFace("DejaVuSans", DEJAVU_DIR / "DejaVuSans.ttf")
SYMBOL_FAMILY = "DejaVu Sans"
