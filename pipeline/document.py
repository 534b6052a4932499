"""Stage 4e: document-level facts: title, country, stated funding.

The title is the labelled `Project Title:` where printed, else the cover
page's largest non-generic bold lines.  The country is the ISO country the
document names most often on its first pages.  Funding is read from the
sentence that states the total budget: each amount with the source named
after it (`US$ 1.725 million is from UNDP`).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import pycountry

from .layout import BodyText
from .model import Document, TextLine
from .nlp import money_mentions
from .reference import vocabulary
from .sections import Section
from .text import flatten, normalise_label
from .textgrid import word_groups

TITLE_LABEL = re.compile(r"^project\s+title\b[^:]{0,40}:\s*(?P<title>.+?)(?:\s*\(\s*\d+\s*\))?$", re.I)
COVER_PAGES = 3


@dataclass
class FundingStatement:
    source: str
    amount_usd: int
    printed: str
    context: str
    page: int | None


@dataclass
class StatedTotal:
    amount_usd: int
    printed: str
    context: str
    page: int | None


@dataclass
class CoverField:
    label: str
    value: str
    page: int


def cover_fields(doc: Document, body: BodyText) -> list[CoverField]:
    """Label | value pairs of the cover's key-value tables: two-column grids,
    or lines of two word groups (`Total resources required   US$ 904,000`)."""
    fields = []
    for page in doc.pages[:COVER_PAGES]:
        for grid in page.grids:
            if grid.n_cols == 2:
                fields += [CoverField(flatten(grid.text(r, 0)), flatten(grid.text(r, 1)), page.number)
                           for r in range(grid.n_rows) if grid.text(r, 0).strip()]
    value_x0: float | None = None
    for line in body.lines:
        if line.page > doc.pages[0].number + COVER_PAGES - 1:
            break
        groups = word_groups(line)
        if len(groups) == 2:
            fields.append(CoverField(groups[0].text, groups[1].text, line.page))
            value_x0 = groups[1].x0
        elif len(groups) == 1 and value_x0 is not None and abs(groups[0].x0 - value_x0) < 3:
            fields[-1].value += " " + groups[0].text          # a value wrapped onto the next line
        else:
            value_x0 = None
    return fields


def document_title(body: BodyText, sections: list[Section], cover: list[CoverField]) -> str:
    for f in cover:
        if normalise_label(f.label).startswith("project title") and len(f.value) > 10:
            return f.value
    for section in sections:
        for para in section.paragraphs:
            m = TITLE_LABEL.match(para)
            if m and len(m.group("title")) > 10:
                return m.group("title").strip()
    return cover_title([ln for ln in body.lines if ln.page == body.lines[0].page] if body.lines else [], body.body_size)


def cover_title(lines: list[TextLine], body_size: float) -> str:
    generic = vocabulary()["cover_generic"]
    candidates = [ln for ln in lines if ln.size >= body_size + 1.5
                  and not any(normalise_label(ln.text).startswith(g) for g in generic)]
    if not candidates:
        return ""
    size = max(ln.size for ln in candidates)
    return " ".join(ln.text for ln in candidates if abs(ln.size - size) < 0.5).strip()


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Every ISO name, official and common name -> the short name."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                names[normalise_label(value)] = getattr(country, "common_name", None) or country.name
    return names


def document_country(body: BodyText) -> str:
    first_page = body.lines[0].page if body.lines else 1
    text = " ".join(ln.text for ln in body.lines if ln.page < first_page + COVER_PAGES)
    found = count_countries(text) or count_countries(" ".join(ln.text for ln in body.lines))
    return found.most_common(1)[0][0] if found else ""


def count_countries(text: str) -> Counter[str]:
    label = normalise_label(text)
    counts: Counter[str] = Counter()
    for name, short in sorted(country_names().items(), key=lambda kv: -len(kv[0])):
        hits = len(re.findall(rf"(?<![a-z]){re.escape(name)}(?![a-z])", label))
        if hits:
            counts[short] += hits
            label = label.replace(name, " ")
    return counts


def funding_paragraph(sections: list[Section]) -> tuple[str, int | None] | None:
    phrases = vocabulary()["total_budget_phrases"]
    for section in sections:
        for para in section.paragraphs:
            low = para.lower()
            if any(p in low for p in phrases) and len(money_mentions(para)) >= 2:
                return para, section.heading.page
    return None


def cover_funding(cover: list[CoverField], country: str) -> tuple[StatedTotal | None, list[FundingStatement]]:
    """Total and sources from a cover table: `Total resources required`,
    then rows such as `Regular | UNDP: US$ 637,000` or `Government | US$ ...`."""
    vocab = vocabulary()
    total: StatedTotal | None = None
    sources: list[FundingStatement] = []
    for f in cover:
        label = normalise_label(f.label)
        money = money_mentions(f.value)
        if not money:
            continue
        if any(label.startswith(t) for t in vocab["cover_total_labels"]):
            total = total or StatedTotal(money[0].usd, money[0].printed, f"{f.label}: {f.value}", f.page)
            continue
        if any(label.startswith(s) for s in vocab["cover_skip_labels"]):
            continue
        named = re.match(r"^\s*([^:]+?)\s*:", f.value)
        if named or any(label.startswith(s) for s in vocab["funding_labels"]):
            source = named.group(1).strip() if named else f.label.strip()
            if any(g in source.lower().split() for g in vocab["government_words"]) and country:
                source = f"Government of {country}"
            sources.append(FundingStatement(source, money[0].usd, money[0].printed, f"{f.label}: {f.value}", f.page))
    return total, sources


def stated_funding(sections: list[Section], country: str,
                   cover: list[CoverField]) -> tuple[StatedTotal | None, list[FundingStatement]]:
    """From the sentence stating the total budget, else from the cover table."""
    found = funding_paragraph(sections)
    if found is None:
        return cover_funding(cover, country)
    para, page = found
    mentions = money_mentions(para)
    total: StatedTotal | None = None
    sources: list[FundingStatement] = []
    for i, m in enumerate(mentions):
        before = para[mentions[i - 1].end if i else 0:m.start].lower()
        if total is None and any(p in before for p in vocabulary()["total_budget_phrases"]):
            total = StatedTotal(m.usd, m.printed, para, page)
            continue
        tail = para[m.end:mentions[i + 1].start if i + 1 < len(mentions) else len(para)]
        source = source_after(tail, country)
        if source:
            sources.append(FundingStatement(source, m.usd, m.printed, para, page))
    return total, sources


def source_after(text: str, country: str) -> str:
    """The named source in `... is from the Chinese Government cost sharing`
    : the capitalised phrase after `from`/`by`; a government is named
    `Government of <country>`."""
    m = re.search(r"\b(?:from|by)\s+(.*)", text, re.S)
    if not m:
        return ""
    connectors = set(vocabulary()["source_connectors"])
    words: list[str] = []
    for word in re.findall(r"[\w’'&.-]+|[,;:()]", m.group(1)):
        if word[0].isupper() or word.isupper():
            words.append(word.rstrip("."))
        elif word.lower() in connectors and (words or word.lower() == "the"):
            if words:
                words.append(word)
        else:
            break
    while words and words[-1].lower() in connectors:
        words.pop()
    phrase = " ".join(words)
    if any(g in phrase.lower().split() for g in vocabulary()["government_words"]) and country:
        return f"Government of {country}"
    return phrase
