"""Parsing printed amounts into exact decimals (never floats)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

AMOUNT = re.compile(
    r"^\(?-?\s*(?:US\s*\$|USD|\$)?\s*(-?[\d][\d,.\s']*)\s*(?:USD|US\$)?\)?\.?$", re.I
)

NIL = re.compile(
    r"^[-\u2010-\u2015]{1,2}$"
)  # `-` or `–` in a money column: nothing budgeted


def parse_amount(text: str) -> Decimal | None:
    """`12,500` -> 12500; `76.41` -> 76.41; `1.234.567` -> 1234567;
    `1 234` -> 1234; `40000.` -> 40000; `-` -> 0; None when the text is no amount."""
    t = text.strip().replace("\u00a0", " ")
    if not t:
        return None
    if NIL.match(t):
        return Decimal(0)
    m = AMOUNT.match(t)
    if not m:
        return None
    digits = m.group(1).strip().rstrip(".").replace(" ", "").replace("'", "")
    negative = t.startswith("(") and t.endswith(")") or t.lstrip("(").startswith("-")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?", digits) or re.fullmatch(
        r"\d{1,3}(?:\.\d{3})+,\d{1,2}", digits
    ):
        digits = digits.replace(".", "").replace(",", ".")  # 1.234.567,50
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", digits) or re.fullmatch(
        r"\d+(?:\.\d+)?", digits
    ):
        digits = digits.replace(",", "")
    else:
        return None
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    return -value if negative else value
