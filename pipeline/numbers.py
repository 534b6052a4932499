"""Parsing printed amounts into exact decimals (never floats), as each
language prints them: `12,500.50`, `12 500,50`, `12.500,50`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache

from .reference import alternation, vocabulary

NIL = re.compile(
    r"^[-\u2010-\u2015]{1,2}$"
)  # `-` or `–` in a money column: nothing budgeted
SPACES = re.compile(r"[\u00a0\u202f\u2007\u2009]")  # no-break and thin spaces
SPACED = re.compile(r"\d{1,3}(?:[ ']\d{3})+([,.]\d+)?")  # `12 500`, `12 500,50`
DECIMAL_MARK: ContextVar[str] = ContextVar("decimal_mark", default=".")

# Numbers only one convention reads: its decimal mark -> the forms
# (grouped thousands: `118,50` alone may be `118,500` broken in a narrow cell,
# so two decimals without grouping never overturn the language's convention)
UNAMBIGUOUS = {
    ",": re.compile(
        r"^\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?$|^\d{1,3}(?:\.\d{3})+,\d+$"
        r"|^\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?$"  # `12 500`, `12 500,50`
    ),
    ".": re.compile(r"^\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?$|^\d{1,3}(?:,\d{3})+\.\d+$"),
}


@cache
def amount_pattern() -> re.Pattern[str]:
    """An amount with the vocabulary's currency words before or after it
    (`US$ 3,000`, `3 000 $ US`, `1.250.000 dólares`)."""
    currency = alternation(vocabulary()["currency_words"], r"\s*")
    return re.compile(
        rf"^\(?-?\s*(?:{currency})?\s*(-?\d[\d,.\s']*?)\s*(?:{currency})?\)?\.?$",
        re.I,
    )


@contextmanager
def decimal_mark(mark: str) -> Iterator[None]:
    """Read the amounts of one document by its convention: `,` where it
    prints decimal commas, so that `1.250` is 1250 and `1,250` 1.25."""
    token = DECIMAL_MARK.set(mark)
    try:
        yield
    finally:
        DECIMAL_MARK.reset(token)


def learnt_decimal_mark(texts: Iterable[str], default: str = ".") -> str:
    """The decimal mark of a document's unambiguous numbers (`1.250.000`,
    `12 500,50` against `9,876,543`, `9,876.50`), `default` on a tie."""
    counts = dict.fromkeys(UNAMBIGUOUS, 0)
    for text in texts:
        token = text.strip("()$%:;").rstrip(".")
        for mark, form in UNAMBIGUOUS.items():
            counts[mark] += bool(form.match(token))
    if counts[","] == counts["."]:
        return default
    return max(counts, key=counts.__getitem__)


def parse_amount(text: str, mark: str | None = None) -> Decimal | None:
    """`12,500` -> 12500; `76.41` -> 76.41; `1.234.567` -> 1234567;
    `1 234` -> 1234; `12 500,50` -> 12500.50; `40000.` -> 40000; `-` -> 0;
    None when the text is no amount.  A number that either convention reads
    (`1,250`, `1.250`, `158,33`) is read by `mark`, else by the document's
    (`decimal_mark`)."""
    t = SPACES.sub(" ", text.strip())
    if not t:
        return None
    if NIL.match(t):
        return Decimal(0)
    m = amount_pattern().match(t)
    if not m:
        return None
    printed = m.group(1).strip().rstrip(".")
    spaced = SPACED.fullmatch(printed)
    if spaced:  # thousands by spaces: whatever follows them is decimal
        mark = (spaced.group(1) or ",")[0]
    digits = plain_digits(re.sub(r"[\s']", "", printed), mark or DECIMAL_MARK.get())
    if digits is None:
        return None
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    negative = t.startswith("(") and t.endswith(")") or t.lstrip("(").startswith("-")
    return -value if negative else value


def plain_digits(digits: str, mark: str) -> str | None:
    """`1.234.567,50` -> `1234567.50`: the digits with their thousands
    separators dropped and a point for decimal mark; None when the
    separators group no number.  `mark` reads a lone separator: the decimal
    mark where it is the document's, or where what follows it is no group
    of three; a comma is a decimal mark only where the document's is."""
    seps = [c for c in digits if c in ",."]
    if not seps:
        return digits
    last = seps[-1]
    thousands = "," if last == "." else "."
    whole, _, fraction = digits.rpartition(last)
    if len(set(seps)) == 2:  # `1.234,50`, `1,234.50`: the last one is decimal
        return grouped(whole, thousands, fraction)
    if len(seps) > 1:  # `1.234.567`, `1,234,567`: thousands
        return grouped(digits, last, "")
    if len(fraction) == 3 and len(whole) <= 3 and last != mark:
        return whole + fraction  # `1,250` where the point is decimal
    if last == "," and mark != ",":
        return None
    return f"{whole}.{fraction}" if whole.isdigit() and fraction.isdigit() else None


def grouped(whole: str, sep: str, fraction: str) -> str | None:
    """The digits of `whole` grouped by threes with `sep`, and `fraction`."""
    if not re.fullmatch(rf"\d{{1,3}}(?:{re.escape(sep)}\d{{3}})*", whole):
        return None
    if fraction and not fraction.isdigit():
        return None
    plain = whole.replace(sep, "")
    return f"{plain}.{fraction}" if fraction else plain


@cache
def month_numbers() -> dict[str, int]:
    """Month names of every language, full and short, lower-case -> 1-12."""
    vocab = vocabulary()
    return {**vocab.get("month_short_names", {}), **vocab.get("month_names", {})}


def parse_date(text: str) -> date | None:
    """A date as a cover prints it in any language: `1 January 2018`,
    `1er juillet 2007`, `12 de diciembre de 2017`, `January 2020` (its
    first day), `2018-01-31`, `31/01/2018`; None when it is none."""
    iso = re.search(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b", text)
    if iso:
        return safe_date(*map(int, iso.groups()))
    numeric = re.search(r"\b(\d{1,2})[/.](\d{1,2})[/.]((?:19|20)\d\d)\b", text)
    if numeric:
        day, month, year = map(int, numeric.groups())
        return safe_date(year, month, day)
    words = re.findall(r"\d+|[^\W\d_]+", text.lower())
    months = month_numbers()
    for i, word in enumerate(words):
        if word in months:
            return named_month_date(words, i, months[word])
    return None


def named_month_date(words: list[str], at: int, month: int) -> date | None:
    """The date around a month name at `words[at]`: a day before it (`1er`,
    `12 de`), a year after it (`de 2017`)."""
    connectors = set(vocabulary().get("date_connectors", []))
    before = [w for w in words[max(0, at - 3) : at] if w not in connectors]
    after = [w for w in words[at + 1 : at + 4] if w not in connectors]
    year = next((int(w) for w in after if re.fullmatch(r"(?:19|20)\d\d", w)), None)
    if year is None:
        return None
    day = next((int(w) for w in reversed(before) if w.isdigit() and len(w) <= 2), 1)
    return safe_date(year, month, day)


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
