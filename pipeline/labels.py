"""What a table cell's text is: a column header, a year, a quarter, a code,
an amount, an activity number.  Shared by the ruled and unruled readers."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from .numbers import parse_amount
from .reference import alternation, vocabulary
from .text import normalise_label

MAX_TOTAL_QUALIFIER = 3  # words after a total word: `Total Output 2 (USD)`
MONTHS = 12
YEARS = alternation(vocabulary()["year_words"])
QUARTERS = alternation(vocabulary()["quarter_words"])
YEAR = re.compile(
    rf"^(?:FY\s*|(?:{YEARS})\s*\d{{1,2}}\s*[:\-–]?\s*)?((?:19|20)\d\d)$", re.I
)  # `2017`, `FY2017`, `Y1 2017`, `Année 1 2017`
QUARTER = re.compile(
    rf"^(?:(?:{QUARTERS})\s*\.?\s*([1-4])"
    rf"|([1-4])\s*(?:{alternation(vocabulary()['ordinal_suffixes'])})?\s*(?:{QUARTERS})\.?)$",
    re.I,
)  # `Q1`, `Qtr 2`, `3rd Quarter`, `T4`, `1er trimestre`
MAX_HEADER_EXTRA_WORDS = (
    3  # a header is its phrase plus at most a few words (`Expected outputs 2019`)
)
PROJECT_YEAR = re.compile(rf"\b(?:{YEARS})\s*(\d{{1,2}})\b", re.I)  # `Year 2`, `Y1`
OUTPUT = (
    rf"(?:(?:{alternation(vocabulary()['output_qualifiers'])})\s+)?"
    rf"(?:{alternation(vocabulary()['output_words'])})"
)  # `Output`, `Expected output`, `Produit`, `Producto`
OUTPUT_NUMBER = re.compile(rf"^{OUTPUT}\s*\d", re.I)
BARE_OUTPUT_LABEL = re.compile(  # `Output 2:` alone, its title on the lines below
    rf"^{OUTPUT}\s*\d+(?:\.\d+)*\s*[.:\-–]?\s*$", re.I
)
PART_WORDS = alternation(
    vocabulary()["baseline_labels"]
    + vocabulary()["indicator_labels"]
    + vocabulary()["target_labels"]
)  # `Baseline`, `Indicators`, `Targets`, `Cibles`, `Línea de base`
PART_LABEL = re.compile(rf"^(?:{PART_WORDS})\s*:", re.I)
YEAR_IN_TEXT = re.compile(r"\b(?:19|20)\d\d\b")
CAPTION_SLACK = 5.0  # a caption starts at most this far in from its table's left edge
MAX_CAPTION_WORDS = 5  # a caption naming a year is short
NUMBERED_PART = re.compile(
    rf"^(?:{alternation(vocabulary()['numbered_parts'])})\s+(\d+)\b", re.I
)
NAMED_PART = re.compile(r"\b(component|outcome|output)\s+(\d+)\b", re.I)  # in a total
CODE = re.compile(r"^\d{5,6}$")
ID_IN_CELL = re.compile(
    rf"^\s*(?:(?:{alternation(vocabulary()['activity_words'])})\s*)?"
    r"\(?\s*(\d{1,2}(?:\s*\.\s*\d{1,2}){1,3})\s*\)?\s*[.:\-–]?\s*",
    re.I,
)


@lru_cache(maxsize=4096)
def header_role(text: str) -> tuple[str | None, int]:
    """The column role a header text names, and its money scale."""
    label = normalise_label(text)
    if not label:
        return None, 1
    role, scale = best_role(label)
    # a header word broken in a narrow cell: `Descriptio` + `n`, `Countermeasu` + `res`
    if role is None:
        role, scale = best_role(mended_words(label))
    if role is None:  # a line broken after a slash: `Component/` + `Outcome`
        role, scale = best_role(mended_words(re.sub(r"\s*/\s*", "/", label)))
    return role, scale


def mended_words(label: str) -> str:
    """A header whose words a narrow cell broke apart, joined again where
    two pieces make a word of the header vocabulary."""
    known = header_words()
    pieces = label.split(" ")
    words: list[str] = []
    for piece in pieces:
        if words and words[-1] not in known and (words[-1] + piece) in known:
            words[-1] += piece
        else:
            words.append(piece)
    return " ".join(words)


@cache
def header_words() -> frozenset[str]:
    return frozenset(w for phrase in column_phrases() for w in phrase.split())


@cache
def column_phrases() -> dict[str, list[tuple[int, str]]]:
    """Each column-header phrase of the vocabulary -> the (vocabulary order,
    role) pairs it names."""
    index: dict[str, list[tuple[int, str]]] = {}
    order = 0
    for role, phrases in vocabulary()["table_columns"].items():
        for phrase in phrases:
            index.setdefault(phrase, []).append((order, role))
            order += 1
    return index


@cache
def longest_phrase_words() -> int:
    return max(len(phrase.split()) for phrase in column_phrases())


PHRASE_END = re.compile(r"[\s(/&:,-]")
UNIT_AFTER_PHRASE = re.compile(r"\s*[(/&:,-]")


def best_role(label: str) -> tuple[str | None, int]:
    """The role of the longest phrase `label` is (best) or starts with, then
    the earliest in the vocabulary.  Only the prefixes of `label` that end
    where a word or a unit could end are looked up."""
    scale = 1000 if re.search(r"'?000|thousand", label) else 1
    index = column_phrases()
    found: list[tuple[int, int, str]] = []
    for end in [m.start() for m in PHRASE_END.finditer(label)] + [len(label)]:
        phrase = label[:end]
        if phrase not in index:
            continue
        if end == len(label):
            score = 100 + end
        elif UNIT_AFTER_PHRASE.match(label, end) or (
            label[end] == " "
            and " " in phrase
            and len(label.split()) - len(phrase.split()) <= MAX_HEADER_EXTRA_WORDS
        ):
            # several words, or a phrase then a unit or another name: `Budget ('000 $)`
            score = end
        else:
            continue
        found.extend((-score, order, role) for order, role in index[phrase])
    return (min(found)[2] if found else None), scale


def exact_header(text: str) -> bool:
    return normalise_label(text) in column_phrases()


def is_header_text(text: str) -> bool:
    t = text.strip()
    return bool(YEAR.match(t) or QUARTER.match(t) or month_of(t) or header_role(t)[0])


@cache
def month_names() -> dict[str, int]:
    """Month names of every language, in full and short (`janv`), -> 1-12."""
    vocab = vocabulary()
    return {**vocab["month_short_names"], **vocab["month_names"]}


def month_of(text: str) -> int | None:
    """The month a header names: `Jan`, `janv.`, `Diciembre`."""
    return month_names().get(normalise_label(text).rstrip("."))


def quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1


def months_spelt(letters: list[str]) -> list[int] | None:
    """The months of a run of one-letter headers that spells a language's
    month initials (`J F M A M J J A S O N D`, `E F M ...`), from any month,
    over a year at least (a shorter run is ambiguous: J A may be June-July
    or July-August); None where it spells none."""
    word = "".join(t.strip() for t in letters).upper()
    if len(word) < MONTHS or len(word) != len(letters):
        return None
    for initials in vocabulary()["month_initials"]:
        cycle = initials * (len(word) // MONTHS + 2)
        start = cycle.find(word)
        if start >= 0:
            return [(start + i) % MONTHS + 1 for i in range(len(word))]
    return None


def is_value_text(text: str) -> bool:
    """Cell text that is one value: a code, an amount or a quarter mark."""
    t = text.strip()
    if YEAR.match(t):
        return False
    return bool(CODE.match(t) or parse_amount(t) is not None or is_mark(t))


def is_mark(text: str) -> bool:
    """A quarter mark: X, a tick, a bullet ... (`data/vocabulary.json`)."""
    label = normalise_label(text)
    return bool(label) and label in vocabulary()["quarter_marks"]


def is_data_text(text: str) -> bool:
    """Cell text that only a body row holds: codes, amounts, marks, ids."""
    return is_value_text(text) or bool(ID_IN_CELL.match(text.strip()))


def is_total(text: str) -> bool:
    """`TOTAL`, `Sub-Total for Output 1`, `Grand total:`, `Total 2008`,
    `Sub-total Output 2`: a total word, then at most a short qualifier (what
    is totalled: a year, an output, a currency), never a sentence."""
    label = normalise_label(text).rstrip(":")
    vocab = vocabulary()
    for word in vocab["total_labels"]:
        if label == word or any(
            label.startswith(f"{word} {p} ") for p in vocab["total_prepositions"]
        ):
            return True
        if label.startswith(word + " "):
            rest = [
                t for t in re.split(r"[\s:()]+", label[len(word) :]) if t.strip("-")
            ]
            return len(rest) <= MAX_TOTAL_QUALIFIER and all(
                t in vocab["total_qualifiers"]
                or re.fullmatch(r"[\d.\-–/]+|[ivx]+|[a-z]", t)
                for t in rest
            )
    return False


def is_grand_total(text: str) -> bool:
    """`TOTAL`, `Grand total`: a total of the whole table, not of a part."""
    label = normalise_label(text).rstrip(":")
    return label in vocabulary()["total_labels"] and not label.startswith("sub")


def is_year_caption(text: str) -> bool:
    """A short line naming a year, no figure after it: `Year: 2015`, `Annual
    Work Plan 2015` (`2018: 25` is a target)."""
    years = list(YEAR_IN_TEXT.finditer(text))
    return (
        len(text.split()) <= MAX_CAPTION_WORDS
        and bool(years)
        and not re.search(r"\d", text[years[-1].end() :])
        and text.count("(") == text.count(")")  # `2009)`: the end of a cell's text
    )
