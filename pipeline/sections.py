"""Stage 3a: numbered headings and the body text under each.

A heading is a bold (or larger) body line that opens with a numbering the
template generations use: `SECTION I –`, `Part 1.`, `1.1.`, `ANNEX 2 -`,
`I.`, `1.`.  Text between headings becomes paragraphs: lines are joined,
line-end hyphens resolved against the document's own vocabulary, bullet
glyphs dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .layout import BodyText
from .model import TextLine
from .reference import vocabulary

MAX_HEADING_CHARS = 150
ANNEX = "Annex"  # an annex heading's number, whatever word prints it: `Annex 2`
PARAGRAPH_GAP = (
    0.45  # vertical gap, as a share of the font size, that opens a paragraph
)
FULL_LINE_SLACK = (
    0.04  # a line ending this close (share of text width) to the right edge is full
)
SHORT_LINE = (
    0.75  # a line ending before this share of the text width closes its paragraph
)


@dataclass
class Heading:
    level: int
    number: str
    title: str
    printed: str
    page: int


@dataclass
class Section:
    heading: Heading
    paragraphs: list[str] = field(default_factory=list)
    lines: list[TextLine] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in words)


def annex_citations() -> re.Pattern[str]:
    """A reference to an annex in the running text, by one of the
    vocabulary's annex words (`Annex 2`, `Appendix B`): group 1 is the
    word, group 2 the number (`ANNEX` and the number name the annex's heading)."""
    words = vocabulary()["heading_keywords"]["annex"]
    return re.compile(
        rf"\b({_alternation([w.capitalize() for w in words])})\s+([0-9IVX]+|[A-Z])\b"
    )


def _heading_patterns() -> list[tuple[re.Pattern[str], int, str]]:
    kw = vocabulary()["heading_keywords"]
    sep = r"\s*(?:[.:–—-]\s*)?"
    roman = r"[IVXLC]+"
    return [
        (
            re.compile(
                rf"^(?P<kw>{_alternation(kw['section'])})\s+(?P<num>{roman}|\d+)\b{sep}(?P<title>.*)$",
                re.I,
            ),
            1,
            "plain",
        ),
        (
            re.compile(
                rf"^(?P<kw>{_alternation(kw['annex'])})\s+(?P<num>{roman}|\d+|[A-Z])\b{sep}(?P<title>.*)$",
                re.I,
            ),
            1,
            "annex",
        ),
        (
            re.compile(
                rf"^(?P<kw>{_alternation(kw['part'])})\s+(?P<num>\d+|{roman})\b{sep}(?P<title>.*)$",
                re.I,
            ),
            2,
            "plain",
        ),
        (re.compile(rf"^(?P<num>{roman})\.\s+(?P<title>\S.*)$"), 1, "plain"),
        (
            re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(?P<title>\S.*)$"),
            3,
            "plain",
        ),
        (re.compile(r"^(?P<num>\d{1,2})\.\s+(?P<title>\S.*)$"), 2, "plain"),
    ]


DOT_LEADER = re.compile(r"(?:\.\s?){4,}\s*\d*\s*$|\u2026{2,}")


def parse_heading(line: TextLine, body_size: float, lang: str = "en") -> Heading | None:
    """The heading this line prints, or None for an ordinary line."""
    text = line.text.strip()
    if not text or len(text) > MAX_HEADING_CHARS:
        return None
    if not (line.bold or line.size >= body_size + 1.5):
        return None
    if DOT_LEADER.search(text):  # an entry of the table of contents
        return None
    for pattern, level, kind in _heading_patterns():
        m = pattern.match(text)
        if not m:
            continue
        title = m.group("title").strip(" .:–—-")
        number = m.group("num").rstrip(".")
        if kind == "annex":
            number = f"{ANNEX} {number}"
        if level == 3 and number.count(".") >= 2:
            level = 4
        if not title and kind == "plain" and "kw" not in m.groupdict():
            return None
        return Heading(level, number, tidy_title(title, lang), text, line.page)
    return None


def tidy_title(title: str, lang: str = "en") -> str:
    """Words printed in capitals as the document's language writes a title:
    title case in English (`RISK LOG` -> `Risk Log`), its first word alone
    capitalised in French and Spanish (`JOURNAL DES RISQUES` -> `Journal des
    risques`); acronyms in parentheses and mixed-case words stay as printed."""
    own = vocabulary(lang)
    small = set(own["small_title_words"])
    words = title.split()
    out = []
    for i, word in enumerate(words):
        letters = re.sub(r"[^A-Za-z]", "", word)
        if letters.isupper() and len(letters) > 1 and not word.startswith("("):
            lower = word.lower()
            kept = i > 0 and (lower in small or not own["title_case"])
            out.append(lower if kept else lower[:1].upper() + lower[1:])
        else:
            out.append(word)
    return " ".join(out)


def split_sections(body: BodyText, lang: str = "en") -> list[Section]:
    sections: list[Section] = []
    for line in body.lines:
        heading = parse_heading(line, body.body_size, lang)
        if heading is not None:
            sections.append(Section(heading))
        elif sections:
            sections[-1].lines.append(line)
    promote_chapters([s.heading for s in sections])
    lexicon = word_lexicon(body.lines)
    for section in sections:
        section.paragraphs = paragraphs(section.lines, body, lexicon)
    return sections


CHAPTER = re.compile(r"^\d{1,2}\.\s")  # `1. SITUATION ANALYSIS`


def promote_chapters(headings: list[Heading]) -> None:
    """A chapter numbered `1.` is of the first level where no SECTION stands
    above it (it is a Part's subdivision only under a SECTION)."""
    section_word = re.compile(
        rf"^(?:{_alternation(vocabulary()['heading_keywords']['section'])})\b", re.I
    )
    under_section = False
    for heading in headings:
        under_section = under_section or bool(section_word.match(heading.printed))
        if not under_section and heading.level == 2 and CHAPTER.match(heading.printed):
            heading.level = 1


def word_lexicon(lines: list[TextLine]) -> set[str]:
    """The document's words, leaving out each line's first and last word
    (which may be halves of a word split at the line end)."""
    return {
        w.lower()
        for line in lines
        for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", line.text)[1:-1]
    }


def bullet_text(text: str) -> str | None:
    """The item text if the line opens with a bullet glyph (or an unmapped
    glyph code, as `(cid:127)`), else None."""
    unmapped = re.match(r"^\(cid:\d+\)\s*", text)
    if unmapped:
        return text[unmapped.end() :].strip()
    for glyph in vocabulary()["bullet_glyphs"]:
        if text.startswith(glyph):
            rest = text[len(glyph) :]
            if (glyph.isalnum() or glyph in "-–—*") and not rest.startswith(" "):
                continue
            return rest.strip()
    return None


def paragraphs(lines: list[TextLine], body: BodyText, lexicon: set[str]) -> list[str]:
    blocks: list[list[str]] = []
    prev: TextLine | None = None
    for line in lines:
        text = line.text.strip()
        item = bullet_text(text)
        if item is not None:
            text = item
        if prev is None or item is not None or opens_paragraph(prev, line, body):
            blocks.append([text])
        else:
            blocks[-1].append(text)
        prev = line
    return [p for p in (join_lines(b, lexicon) for b in blocks) if p]


def opens_paragraph(prev: TextLine, line: TextLine, body: BodyText) -> bool:
    if prev.bold != line.bold:
        return True
    if prev.page != line.page:
        return not continues_over_page(prev, line, body)
    gap = line.top - prev.bottom
    if gap > PARAGRAPH_GAP * max(prev.size, line.size):
        return True
    return ends_short(prev, body) and (
        line.text[:1].isupper() or line.text[:1].isdigit()
    )


def ends_short(line: TextLine, body: BodyText) -> bool:
    """True when the line stops well before the right edge of the text, as
    the last line of a paragraph does."""
    right, left = body.right_margin.get(line.page), body.left_margin.get(line.page)
    if right is None or left is None:
        return False
    return line.x1 < left + SHORT_LINE * (right - left)


def continues_over_page(prev: TextLine, line: TextLine, body: BodyText) -> bool:
    """A paragraph runs on over a page break when the page's last line is
    full (justified to the right edge) or stops mid-sentence (on a comma or
    a word such as `and`), and the next page's first line is not indented."""
    right = body.right_margin.get(prev.page)
    left = body.left_margin.get(line.page)
    if right is None or left is None:
        return False
    width = right - body.left_margin.get(prev.page, left)
    full = prev.x1 >= right - FULL_LINE_SLACK * max(width, 1)
    words = prev.text.lower().split()
    mid_sentence = prev.text.rstrip().endswith(",") or (
        bool(words) and words[-1] in vocabulary()["small_title_words"]
    )
    flush = line.x0 < left + 3  # the page's margin may lie further in (indented lists)
    return (full or mid_sentence) and flush


def drop_hyphen(left: str, right: str, lexicon: set[str]) -> bool:
    """Whether a line-end hyphen splits one word (`per-` + `sist`) rather
    than joining two (`cross-` + `sectoral`), judged by the document's own
    words: the joined word is used elsewhere, or the halves are not words."""
    if f"{left}-{right}" in lexicon:
        return False
    if left + right in lexicon:
        return True
    return not (left in lexicon and right in lexicon)


def join_lines(lines: list[str], lexicon: set[str]) -> str:
    text = ""
    for line in lines:
        if not text:
            text = line
            continue
        m = re.search(r"([A-Za-z]+)-$", text)
        n = re.match(r"([A-Za-z]+)", line)
        if m and n:
            text = (
                text[:-1] + line
                if drop_hyphen(m.group(1).lower(), n.group(1).lower(), lexicon)
                else text + line
            )
        else:
            text = f"{text} {line}"
    return re.sub(r"\s+", " ", text).strip()
