"""What a table cell's text is: a column header, a year, a quarter, a code,
an amount, an activity number.  Shared by the ruled and unruled readers."""
from __future__ import annotations

import re
from functools import lru_cache

from .numbers import parse_amount
from .reference import vocabulary
from .text import normalise_label

YEAR = re.compile(r"^(?:FY\s*)?((?:19|20)\d\d)$", re.I)
QUARTER = re.compile(r"^(?:Q(?:tr|uarter)?\s*\.?\s*([1-4])|([1-4])\s*(?:st|nd|rd|th)?\s*Q(?:tr|uarter)?\.?)$", re.I)
MAX_HEADER_EXTRA_WORDS = 3   # a header is its phrase plus at most a few words (`Expected outputs 2019`)
OUTPUT_NUMBER = re.compile(r"^(?:intended\s+|expected\s+)?output\s*\d", re.I)
CODE = re.compile(r"^\d{5,6}$")
ID_IN_CELL = re.compile(r"^\s*(?:activity\s*)?\(?\s*(\d{1,2}(?:\s*\.\s*\d{1,2}){1,3})\s*\)?\s*[.:\-–]?\s*", re.I)


@lru_cache(maxsize=4096)
def header_role(text: str) -> tuple[str | None, int]:
    """The column role a header text names, and its money scale."""
    label = normalise_label(text)
    if not label:
        return None, 1
    role, scale = best_role(label)
    if role is None:          # a header word broken in a narrow cell: `Descriptio` + `n`
        role, scale = best_role(re.sub(r"(\w)\s+(\w{1,2})\b", r"\1\2", label))
    return role, scale


def best_role(label: str) -> tuple[str | None, int]:
    scale = 1000 if re.search(r"'?000|thousand", label) else 1
    best: tuple[int, str | None] = (0, None)
    for role, phrases in vocabulary()["table_columns"].items():
        for phrase in phrases:
            if label == phrase:
                score = 100 + len(phrase)
            elif re.match(re.escape(phrase) + r"\s*[(/&:,-]", label) or (
                    label.startswith(phrase + " ") and " " in phrase
                    and len(label.split()) - len(phrase.split()) <= MAX_HEADER_EXTRA_WORDS):
                score = len(phrase)      # several words, or a phrase then a unit or another name: `Budget ('000 $)`
            else:
                continue
            best = max(best, (score, role), key=lambda b: b[0])
    return best[1], scale


def exact_header(text: str) -> bool:
    label = normalise_label(text)
    return any(label in phrases for phrases in vocabulary()["table_columns"].values())


def is_header_text(text: str) -> bool:
    t = text.strip()
    return bool(YEAR.match(t) or QUARTER.match(t) or header_role(t)[0])


def is_data_text(text: str) -> bool:
    """Cell text that only a body row holds: codes, amounts, marks, ids."""
    t = text.strip()
    if YEAR.match(t):
        return False
    return bool(CODE.match(t) or parse_amount(t) is not None or ID_IN_CELL.match(t)
                or normalise_label(t) in vocabulary()["quarter_marks"])
