"""Language rules on a blank spaCy pipeline (no model download needed).

An EntityRuler tags stated amounts of money (`US$ 4.237 million`, `USD
817,000`, `6410 USD`) and the timing of output targets (`3rd Q., 2008`,
`on-going from 1st Q, 2008`); small functions turn the spans into values.
The pipeline is built once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.util import compile_prefix_regex

from .numbers import parse_amount
from .reference import vocabulary

CURRENCY = ["us$", "usd", "$", "us", "dollars", "usd$"]


@lru_cache(maxsize=1)
def nlp() -> Language:
    pipeline = spacy.blank("en")
    prefixes = list(pipeline.Defaults.prefixes) + [r"USD(?=\d)", r"US\$(?=\d)"]
    pipeline.tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    scales = list(vocabulary()["scale_words"])
    quarters = list(vocabulary()["ordinal_quarters"])
    # the vocabulary's one-word currencies too: `dólares`, `U$S`, `$US`
    currency = CURRENCY + [
        w for w in vocabulary()["currency_words"] if " " not in w and w not in CURRENCY
    ]
    words = vocabulary()["quarter_words"]
    quarter_words = words + [f"{w}." for w in words]  # `Q.`, `Trim.`
    number = {"LIKE_NUM": True}
    # `1 250 000`: the groups of a number whose thousands are set apart by spaces
    groups = {"TEXT": {"REGEX": r"^\d{3}(?:[.,]\d+)?$"}, "OP": "*"}
    ruler = pipeline.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {
                "label": "MONEY",
                "pattern": [
                    {"LOWER": {"IN": currency}},
                    {"ORTH": "$", "OP": "?"},
                    number,
                    groups,
                    {"LOWER": {"IN": scales}, "OP": "?"},
                ],
            },
            {
                "label": "MONEY",
                "pattern": [
                    number,
                    groups,
                    {"LOWER": {"IN": scales}, "OP": "?"},
                    {"LOWER": {"IN": currency}},
                ],
            },
            {
                "label": "QUARTER",
                "pattern": [
                    {"LOWER": {"IN": quarters}},
                    {"LOWER": {"IN": quarter_words}},
                    {"IS_PUNCT": True, "OP": "*"},
                    {"SHAPE": "dddd"},
                ],
            },
            {
                "label": "QUARTER",
                "pattern": [
                    # `Q4`, `T4`: a quarter's word and number in one token
                    {"LOWER": {"IN": [q for q in quarters if q[1:].isdigit()]}},
                    {"IS_PUNCT": True, "OP": "*"},
                    {"SHAPE": "dddd"},
                ],
            },
            {
                "label": "ONGOING",
                "pattern": [
                    {"LOWER": "on"},
                    {"ORTH": "-", "OP": "?"},
                    {"LOWER": "going"},
                ],
            },
            {
                "label": "ONGOING",
                "pattern": [{"LOWER": {"IN": ["ongoing", "continuous", "continuing"]}}],
            },
            {
                "label": "YEAR",
                "pattern": [{"SHAPE": "dddd", "TEXT": {"REGEX": r"^(19|20)\d\d$"}}],
            },
        ]
    )
    return pipeline


@dataclass(frozen=True)
class Money:
    usd: int
    printed: str
    start: int  # character offsets in the text
    end: int


def money_value(printed: str) -> int | None:
    """`US$ 4.237 million` -> 4237000; `6410 USD` -> 6410."""
    scales = vocabulary()["scale_words"]
    tokens = re.findall(r"[\d][\d,.' ]*\d|\d|[A-Za-z]+", printed)
    value: Decimal | None = None
    scale = 1
    for tok in tokens:
        if tok[0].isdigit() and value is None:
            value = parse_amount(tok)
        elif tok.lower() in scales:
            scale = scales[tok.lower()]
    if value is None:
        return None
    return int((value * scale).to_integral_value())


@lru_cache(maxsize=4096)
def money_mentions(text: str) -> tuple[Money, ...]:
    """The amounts of money in `text` (a paragraph is read by several stages:
    cached).  An amount is written with digits, so text without any is skipped."""
    if not any(ch.isdigit() for ch in text):
        return ()
    found = []
    for ent in nlp()(text).ents:
        if ent.label_ == "MONEY":
            value = money_value(ent.text)
            if value is not None:
                found.append(Money(value, ent.text, ent.start_char, ent.end_char))
    return tuple(found)


@dataclass(frozen=True)
class Timing:
    year: int | None
    quarter: int | None
    ongoing: bool


def target_timing(text: str) -> Timing:
    """When an output target is due: `(3rd Q., 2008)` -> 2008 Q3;
    `(on-going from 1st Q, 2008)` -> ongoing from 2008 Q1."""
    quarters = vocabulary()["ordinal_quarters"]
    year = quarter = None
    ongoing = False
    for ent in nlp()(text).ents:
        if ent.label_ == "QUARTER" and quarter is None:
            quarter = quarters.get(ent[0].lower_)
            year = int(ent[-1].text)
        elif ent.label_ == "YEAR" and year is None:
            year = int(ent.text)
        elif ent.label_ == "ONGOING":
            ongoing = True
    return Timing(year, quarter, ongoing)
