"""Stage 4e: document-level facts: title, country, stated funding.

The title is the labelled `Project Title:` where printed, else the cover
page's largest non-generic bold lines.  The country is the country the
document names most often on its first pages, as it prints it.  Funding is
read from the sentence that states the total budget: each amount with the
source named after it (`US$ 1.725 million is from UNDP`), else from the
cover table.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import pycountry

from .labels import YEAR_IN_TEXT
from .layout import BodyText
from .model import Document, TextLine
from .nlp import Money, money_mentions
from .numbers import parse_amount, parse_date
from .reference import alternation, country_aliases, vocabulary
from .sections import Section
from .text import flatten, normalise_label
from .textgrid import HeaderGroup, word_groups

TITLE_LABEL = re.compile(
    rf"^(?:{alternation(vocabulary()['title_labels'])})\b[^:]{{0,40}}:"
    r"\s*(?P<title>.+?)(?:\s*\(\s*\d+\s*\))?$",
    re.I,
)
COVER_PAGES = 3
WRAP_GAP = (
    0.6  # type sizes: a label wrapped onto the next line sits this close below it
)
LABEL_GAP = (
    3.0  # type sizes: groups closer than this are one label, further apart two blocks
)
# a bare number under this on a cover is not an amount of money (a year, an id)
MIN_COVER_AMOUNT = 1000
INLINE_FIELD = re.compile(r"^([A-Z][\w .()/&-]{1,40}?):\s+(\S.*)$")
NAME_THEN_AMOUNT = re.compile(
    r"^(\D*[A-Za-z)]\D*?)\s+((?:US\s*\$|USD|\$)?\s*\d[\d,.']*\d)$"
)
NAMED_VALUE = re.compile(r"^\s*([^:\d]+?)\s*:")  # `UNDP: US$ 637,000`
PARENTHESISED = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<note>[^()]+)\)$")


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


def cover_fields(
    doc: Document, body: BodyText, sections: list[Section]
) -> list[CoverField]:
    """Label | value pairs of the cover: the rows of two-column grids, and
    lines of word groups (`Total resources required   US$ 904,000`) on the
    page or inside a box (a resources box beside the outcome text).  The
    cover is the pages before the first numbered heading's (at most three;
    the first page at least)."""
    fields = []
    first = doc.pages[0].number
    heading_page = sections[0].heading.page if sections else first + COVER_PAGES
    last_cover_page = max(first, min(first + COVER_PAGES - 1, heading_page - 1))
    for page in (p for p in doc.pages if p.number <= last_cover_page):
        for grid in page.grids:
            boxed = {
                id(cell): line_fields(cell.lines)
                for cell in grid.cells
                if len(cell.lines) > 1
            }
            fields += [f for found in boxed.values() for f in found]
            if grid.n_cols == 2:
                fields += [
                    CoverField(
                        flatten(grid.text(r, 0)), flatten(grid.text(r, 1)), page.number
                    )
                    for r in range(grid.n_rows)
                    if grid.text(r, 0).strip() and not boxed.get(id(grid.at(r, 1)))
                ]
    return fields + line_fields([ln for ln in body.lines if ln.page <= last_cover_page])


def line_fields(lines: list[TextLine]) -> list[CoverField]:
    """Label | value pairs of lines of word groups, read as pairs from the
    right (`Programme Period:  2006-2011   Total resources required
    2,027,000` holds two: the cover's two blocks side by side); a lone group
    under a value is that value wrapped onto the next line."""
    fields: list[CoverField] = []
    values: list[
        tuple[float, CoverField]
    ] = []  # the previous line's values, by their left edge
    labels: list[
        tuple[float, CoverField]
    ] = []  # ... and its labels, which may wrap as well
    above: TextLine | None = None
    for line in lines:
        groups = word_groups(line)
        lone = groups[0] if len(groups) == 1 else None
        tight = above is not None and line.top - above.bottom < WRAP_GAP * line.size
        above = line
        wrapped = next((f for x0, f in values if lone and abs(lone.x0 - x0) < 3), None)
        if wrapped is not None:
            wrapped.value += " " + lone.text
            continue
        open_label = next(
            (
                f
                for x0, f in labels
                if lone
                and tight
                and abs(lone.x0 - x0) < 3
                and (label_runs_on(f.label) or not lone.text.rstrip().endswith(":"))
            ),
            None,
        )
        if open_label is not None:
            open_label.label += (
                " " + lone.text
            )  # `Donor: Global` over `Climate Facility`
            continue
        values = []
        inline = INLINE_FIELD.match(groups[0].text) if len(groups) == 1 else None
        if inline:  # `Start Date: January 2020` set as running text
            named = NAME_THEN_AMOUNT.match(
                inline.group(2)
            )  # `Donor: Climate Fund 500,000`
            label, value = (
                (f"{inline.group(1)}: {named.group(1)}", named.group(2))
                if named
                else inline.groups()
            )
            fields.append(CoverField(label, value, line.page))
        labels = []
        while len(groups) >= 2:
            label, value = groups[-2], groups[-1]
            groups = groups[:-2]
            while (
                groups
                and label.x0 - groups[-1].x1 < LABEL_GAP * line.size
                and is_value(value.text)
            ):
                left = (
                    groups.pop()
                )  # a label spread by a wide gap: `Donor: Climate  Fund`
                label = HeaderGroup(left.x0, label.x1, f"{left.text} {label.text}")
            field = CoverField(label.text, value.text, line.page)
            values.append((value.x0, field))
            labels.append((label.x0, field))
        fields += [f for _, f in reversed(values)]
    return fields


def start_year(cover: list[CoverField]) -> int | None:
    """The year of the cover's start date (`Start Date: 1 January 2018`,
    `Date de début : 1er juillet 2007`, `Programme Period: 2016-2018`)."""
    for labels in (
        "start_date_labels",
        "period_labels",
    ):  # a start date, else the first year of a period
        for f in cover:
            year = cover_year(f.value)
            if year and normalise_label(f.label).startswith(
                tuple(vocabulary()[labels])
            ):
                return year
    return None


def cover_year(value: str) -> int | None:
    """The year of a date in any language (`12 de diciembre de 2017`), else
    the first year printed."""
    when = parse_date(value)
    if when:
        return when.year
    year = YEAR_IN_TEXT.search(value)
    return int(year.group()) if year else None


def document_title(
    body: BodyText, sections: list[Section], cover: list[CoverField]
) -> str:
    labelled = [f"{f.label}: {f.value}" for f in cover] + [
        p for s in sections for p in s.paragraphs
    ]
    first_page = (
        [ln for ln in body.lines if ln.page == body.lines[0].page] if body.lines else []
    )
    printed = cover_title(first_page, body.body_size)
    for text in labelled:
        m = TITLE_LABEL.match(text)
        title = m.group("title").strip(" :") if m else ""
        if len(title) > 10:
            title = wrapped_on(without_neighbours(title), first_page)
            # a value torn from a two-column cover is a piece of the printed title
            return printed if len(printed) > len(title) and title in printed else title
    return printed


def wrapped_on(title: str, lines: list[TextLine]) -> str:
    """A labelled title whose line wraps: the lines right under its own, in
    its type, set in from its label (in the value's column) or centred under
    it, carry it on; a line starting where the label does is the next field."""
    start = next((i for i, ln in enumerate(lines) if ln.text.endswith(title)), None)
    if start is None:
        return title
    label_x, centre = lines[start].x0, (lines[start].x0 + lines[start].x1) / 2
    for above, line in zip(lines[start:], lines[start + 1 :], strict=False):
        if (
            abs(line.size - above.size) > 0.5
            or line.bold != above.bold
            or line.top - above.bottom > above.size
            or ":" in line.text
            or not (
                line.x0 > label_x + ALIGNED
                or abs((line.x0 + line.x1) / 2 - centre) <= ALIGNED
            )
        ):
            break
        title = f"{title} {line.text.strip()}"
    return title


ALIGNED = 3.0  # points: how far in from its label a wrapped line starts


def without_neighbours(title: str) -> str:
    """A title printed on one line with the next fields (`... Award ID:
    00101457 Date: 14 December 2016`) ends where the first of them starts."""
    label = "|".join(re.escape(w) for w in vocabulary()["cover_field_labels"])
    return re.split(rf"\s+(?:{label})\s*:", title, maxsplit=1, flags=re.I)[0].strip()


def cover_title(lines: list[TextLine], body_size: float) -> str:
    generic = vocabulary()["cover_generic"]
    candidates = [
        ln
        for ln in lines
        if ln.size >= body_size + 1.5
        and not any(normalise_label(ln.text).startswith(g) for g in generic)
    ]
    if not candidates:
        return ""
    size = max(ln.size for ln in candidates)
    return " ".join(ln.text for ln in candidates if abs(ln.size - size) < 0.5).strip()


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Every ISO name, official and common name, and the aliases of
    `data/country_aliases.csv`, normalised -> the country's alpha-3 code."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                names[normalise_label(value)] = country.alpha_3
    names.update(
        {normalise_label(alias): code for alias, code in country_aliases().items()}
    )
    return names


def document_country(body: BodyText, fields: list[CoverField]) -> str:
    """The country the cover names under a `Country` label, else the one
    the running headers name (`UNDP <country> – Project Document`), else
    the one the document names most often, on its first pages if they name
    one (a cover may name only a donor, though: `Government of <donor>`)."""
    labelled = " ".join(
        f.value
        for f in fields
        if normalise_label(f.label) in vocabulary()["country_labels"]
    )
    first_page = body.lines[0].page if body.lines else 1
    cover = [ln for ln in body.lines if ln.page < first_page + COVER_PAGES]
    everywhere = " ".join(ln.text for ln in body.lines)
    for text in (
        labelled,
        " ".join(ln.text for ln in body.furniture),
        " ".join(ln.text for ln in cover),
    ):
        found = country_mentions(text)
        if found:
            code = Counter(code for code, _ in found).most_common(1)[0][0]
            return most_printed(
                code, [m for m in country_mentions(everywhere) if m[0] == code] or found
            )
    return most_named_country(everywhere)


def most_printed(code: str, mentions: list[tuple[str, str]]) -> str:
    """The form a country is printed in most often (the first on a tie):
    `Lao PDR`, `Netherlands` rather than `Kingdom of the Netherlands`."""
    return Counter(printed for c, printed in mentions if c == code).most_common(1)[0][0]


def most_named_country(text: str) -> str:
    """The country named most often in `text`, in the form printed most
    often (the first printed on a tie): `Lao PDR`, `Côte d'Ivoire`."""
    found = country_mentions(text)
    if not found:
        return ""
    return most_printed(Counter(code for code, _ in found).most_common(1)[0][0], found)


def country_mentions(text: str) -> list[tuple[str, str]]:
    """(alpha-3 code, name as printed) of each country name in `text`, in
    reading order; longer names are found first (`Republic of Moldova`, not
    `Moldova`)."""
    text = unicodedata.normalize("NFKC", text)
    label = normalise_label(text)
    found: list[tuple[int, str, str]] = []
    for name, code in sorted(country_names().items(), key=lambda kv: -len(kv[0])):
        if name not in label:
            continue
        pattern = re.compile(rf"(?<![^\W\d_]){name_pattern(name)}(?![^\W\d_])", re.I)
        found += [(m.start(), code, m.group()) for m in pattern.finditer(text)]
        text = pattern.sub(lambda m: " " * len(m.group()), text)
    return [(code, printed) for _, code, printed in sorted(found)]


def name_pattern(name: str) -> str:
    """A normalised name as a pattern for printed text: any dash, any quote,
    any run of spaces or line breaks."""
    parts = {"'": "['\u2018\u2019`]", "-": "[-\u2010-\u2015]", " ": r"\s+"}
    return "".join(parts.get(ch, re.escape(ch)) for ch in name)


def funding_paragraph(sections: list[Section]) -> tuple[str, int | None] | None:
    phrases = vocabulary()["total_budget_phrases"]
    for section in sections:
        for para in section.paragraphs:
            low = para.lower()
            if any(p in low for p in phrases) and len(money_mentions(para)) >= 2:
                return para, section.heading.page
    return None


def cover_funding(
    cover: list[CoverField], country: str
) -> tuple[StatedTotal | None, list[FundingStatement]]:
    """Total and sources from a cover table: `Total resources required`,
    then rows such as `Regular | UNDP: US$ 637,000` or `Government | US$ ...`.
    A row naming a source the vocabulary does not know (`GEF`, `Akimat of
    Almaty Oblast`) is a source where, with other rows, it makes up a total
    the cover prints: the cover's own arithmetic vouches for it."""
    vocab = vocabulary()
    total: StatedTotal | None = None
    totals: list[int] = []
    rows: list[tuple[CoverField, Money]] = []
    for f in cover:
        label = normalise_label(f.label)
        money = money_mentions(f.value) or bare_amount(f.value)
        if not money:
            continue
        if any(label.startswith(t) for t in vocab["total_labels"]):
            totals.append(money[0].usd)
        if any(label.startswith(t) for t in vocab["cover_total_labels"]):
            total = total or StatedTotal(
                money[0].usd, money[0].printed, f"{f.label}: {f.value}", f.page
            )
            continue
        if not any(label.startswith(s) for s in vocab["cover_skip_labels"]):
            rows.append((f, money[0]))
    vouched = summing_rows([m.usd for _, m in rows], totals)
    return total, [
        FundingStatement(
            cover_source(f, country), m.usd, m.printed, f"{f.label}: {f.value}", f.page
        )
        for i, (f, m) in enumerate(rows)
        if is_funding_row(f) or i in vouched
    ]


MAX_SUMMED_ROWS = 12  # rows tried together against a printed total


def summing_rows(amounts: list[int], totals: list[int]) -> set[int]:
    """The rows (by index) that, together, make up one of the printed
    totals exactly; the largest such set of the first rows tried."""
    pool = amounts[:MAX_SUMMED_ROWS]
    best: set[int] = set()
    for total in totals:
        for size in range(len(pool), 1, -1):
            found = next(
                (
                    set(combo)
                    for combo in combinations(range(len(pool)), size)
                    if sum(pool[i] for i in combo) == total
                ),
                None,
            )
            if found is not None:
                best |= found
                break
    return best


def label_runs_on(label: str) -> bool:
    """A label left open: an unclosed parenthesis, or a last word that
    needs the next (`Government of`)."""
    words = normalise_label(label).split()
    return (
        label.count("(") > label.count(")")
        or bool(words)
        and words[-1] in vocabulary()["source_connectors"]
    )


def is_value(text: str) -> bool:
    return parse_amount(text) is not None or bool(money_mentions(text))


def bare_amount(value: str) -> tuple[Money, ...]:
    """A cover value that is an amount alone, the currency left to its
    label or the box's heading (`Regular (UNDP)   500,000`)."""
    amount = parse_amount(value)
    if amount is None or amount < MIN_COVER_AMOUNT:
        return ()
    return (Money(int(amount), value.strip(), 0, len(value)),)


def is_funding_row(f: CoverField) -> bool:
    label = normalise_label(f.label)
    return bool(NAMED_VALUE.match(f.value)) or any(
        label.startswith(s) for s in vocabulary()["funding_labels"]
    )


GOVERNMENT_OF = re.compile(
    rf"\b(?:{alternation(vocabulary()['government_words'])})\s+of\b", re.I
)


def cover_source(f: CoverField, country: str) -> str:
    """The source a cover row names: `Regular | UNDP: 637,000` -> `UNDP`,
    `Donor (Government of X)` and `Donor: Y Fund (Z)` -> the name after
    the kind of source, `Government of X (in kind)` -> the name without the
    kind of contribution, `UNDP TRAC` -> `UNDP`."""
    vocab = vocabulary()
    named = NAMED_VALUE.match(f.value)
    name = named.group(1) if named else f.label.strip(" :")
    kind, colon, rest = name.partition(":")
    if colon and normalise_label(kind) in vocab["funding_labels"]:
        name = rest.strip()
    m = PARENTHESISED.match(name)
    if m and normalise_label(m.group("note")) in vocab["contribution_kinds"]:
        name = m.group("name")
    elif m and normalise_label(m.group("name")) in vocab["funding_labels"]:
        name = m.group("note")
    governed = GOVERNMENT_OF.search(name)
    if governed and governed.start() > 0 and "(" not in name:
        # a label run into the words of the column beside it: its government on
        name = name[governed.start() :]
    return government_named(
        vocab["funding_aliases"].get(normalise_label(name), name), country
    )


def stated_funding(
    sections: list[Section], country: str, cover: list[CoverField]
) -> tuple[StatedTotal | None, list[FundingStatement]]:
    """From the sentence stating the total budget, else from the cover table."""
    found = funding_paragraph(sections)
    if found is None:
        return cover_funding(cover, country)
    para, page = found
    mentions = money_mentions(para)
    total: StatedTotal | None = None
    sources: list[FundingStatement] = []
    for i, m in enumerate(mentions):
        before = para[mentions[i - 1].end if i else 0 : m.start].lower()
        if total is None and any(
            p in before for p in vocabulary()["total_budget_phrases"]
        ):
            total = StatedTotal(m.usd, m.printed, para, page)
            continue
        tail = para[
            m.end : mentions[i + 1].start if i + 1 < len(mentions) else len(para)
        ]
        source = source_after(tail, country)
        if source:
            sources.append(FundingStatement(source, m.usd, m.printed, para, page))
    return total, sources


def source_after(text: str, country: str) -> str:
    """The named source in `... is from the Chinese Government cost sharing`
    : the capitalised phrase after `from`/`by`; a government is named
    `Government of <country>`."""
    after = alternation(vocabulary()["funding_prepositions"])
    m = re.search(rf"\b(?:{after})\s+(.*)", text, re.S)
    if not m:
        return ""
    connectors = set(vocabulary()["source_connectors"])
    articles = set(vocabulary()["articles"])  # `the`, `le`, `el` before the name
    words: list[str] = []
    for word in re.findall(r"[\w’'&.-]+|[,;:()]", m.group(1)):
        if word[0].isupper() or word.isupper():
            words.append(word.rstrip("."))
        elif word.lower() in connectors and (words or word.lower() in articles):
            if words:
                words.append(word)
        else:
            break
    while words and words[-1].lower() in connectors:
        words.pop()
    return government_named(" ".join(words), country)


def government_named(source: str, country: str) -> str:
    """A source that is a government but names no country (`the Chinese
    Government`, `Govt.`) is the government of the document's country; one
    that names its country (`Government of Norway`) stays as printed."""
    if (
        country
        and any(g in source.lower().split() for g in vocabulary()["government_words"])
        and not country_mentions(source)
    ):
        return f"Government of {country}"
    return source
