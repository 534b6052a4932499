"""The test documents in French and Spanish: the template's wordings
translated block by block, the running text in the language's own
sentences, the numbers with its separators (`wordings.json`).

What a document says of its project (titles, parties, targets, risks) is
content and stays as drawn; what the template prints around it (headers,
labels, headings, totals, quarters, dates) is translated, and so is the
answer key where it holds such words (section headings, account
descriptions, the name of UNDP).
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.reference import account_codes

from .document import Block, Cell, Heading, Para, Table
from .spec import Chapter

ENGLISH = "en"
SENTENCES_PER_PARAGRAPH = 2
FUNDING_SENTENCE = "The total budget for the project is "


@cache
def wordings(lang: str) -> dict[str, Any]:
    path = Path(__file__).with_name("wordings.json")
    return json.loads(path.read_text("utf-8"))[lang]


def translated(
    blocks: list[Block], chapters: tuple[Chapter, ...], lang: str
) -> list[Block]:
    """The blocks as a document in `lang` prints them; the paragraphs of the
    chapters' narrative are prose, the others template lines and content."""
    if lang == ENGLISH:
        return blocks
    prose = narrative(chapters)
    return [translated_block(b, lang, prose) for b in blocks]


def narrative(chapters: tuple[Chapter, ...]) -> frozenset[str]:
    return frozenset(
        text
        for chapter in chapters
        for text in (
            *(p.text for p in chapter.passages),
            *narrative(chapter.subsections),
        )
    )


def translated_block(block: Block, lang: str, prose: frozenset[str]) -> Block:
    if isinstance(block, Heading):
        title = text_in(block.title, lang)
        printed = text_in(block.printed, lang)
        printed = printed.replace(block.title, title)
        return replace(
            block,
            printed=printed.replace(block.title.upper(), title.upper()),
            title=title,
        )
    if isinstance(block, Para):
        return replace(block, text=paragraph_in(block.text, lang, prose))
    if isinstance(block, Table):
        return replace(
            block,
            header=tuple(tuple(cell_in(c, lang) for c in row) for row in block.header),
            body=tuple(tuple(cell_in(c, lang) for c in row) for row in block.body),
        )
    return block


def cell_in(cell: Cell, lang: str) -> Cell:
    return replace(cell, items=tuple(text_in(t, lang) for t in cell.items))


def text_in(text: str, lang: str) -> str:
    """A template text in `lang`: the whole text where the wordings have it,
    else its opening template words (`Output 2: ...`), account descriptions
    in the language either way."""
    if lang == ENGLISH:
        return text
    words = wordings(lang)
    if text in words["exact"]:
        return words["exact"][text]
    for pattern, repl in words["patterns"]:
        text = re.sub(pattern, repl, text)
    for english, own in account_names(lang).items():
        text = text.replace(english, own)
    return text


def paragraph_in(text: str, lang: str, prose: frozenset[str]) -> str:
    """A paragraph in `lang`: the funding sentence translated with its
    figures, prose replaced by the language's sentences (the same text
    always by the same ones), any other line's template words translated."""
    words = wordings(lang)
    if text.startswith(FUNDING_SENTENCE):
        for pattern, repl in words["funding"]:
            text = re.sub(pattern, repl, text)
        return numbers_in(text, lang)
    if text not in prose:
        return text_in(text, lang)
    pool = words["sentences"]
    start = zlib.crc32(text.encode()) % len(pool)
    return " ".join(
        pool[(start + i) % len(pool)] for i in range(SENTENCES_PER_PARAGRAPH)
    )


def numbers_in(text: str, lang: str) -> str:
    """`US$ 1.315 million`, `US$ 80,000` with the language's separators."""
    words = wordings(lang)
    text = re.sub(
        r"\d{1,3}(?:,\d{3})+(?![\d])",
        lambda m: m.group().replace(",", words["thousands"]),
        text,
    )
    return re.sub(r"(\d)\.(\d+) million", rf"\1{words['decimal']}\2 million", text)


def grouped(amount: int, lang: str) -> str:
    """`1250000` -> `1,250,000`, `1 250 000`, `1.250.000`."""
    plain = f"{amount:,}"
    return plain if lang == ENGLISH else plain.replace(",", wordings(lang)["thousands"])


def decimal_mark(lang: str) -> str:
    return "." if lang == ENGLISH else str(wordings(lang)["decimal"])


@cache
def account_names(lang: str) -> dict[str, str]:
    """The Atlas accounts' standard descriptions, English -> `lang`."""
    english = account_codes(ENGLISH)
    return {english[code]: own for code, own in account_codes(lang).items()}


def account_name(description: str, lang: str) -> str:
    return account_names(lang).get(description, description)


def source_name(source: str, lang: str) -> str:
    """A funding source or responsible party as a document in `lang` names
    it (`PNUD`)."""
    if lang == ENGLISH or source != "UNDP":
        return source
    return str(wordings(lang)["undp"])
