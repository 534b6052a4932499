"""Reference data shipped with the package, loaded once per process."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("en", "fr", "es")  # English first: its words win a clash of values


@cache
def vocabulary(lang: str | None = None) -> dict[str, Any]:
    """The template words of every language (`vocabulary.json` is English,
    `vocabulary.<lang>.json` the others'), so that every rule knows them all;
    with `lang`, that language's own words, where a rule holds for one
    language only (title-casing, month initials), the keys it lacks taken
    from English (table kinds, glyphs)."""
    if lang is not None:
        return {**language_vocabulary("en"), **language_vocabulary(lang)}
    union: dict[str, Any] = {}
    for each in LANGUAGES:
        union = merged(union, language_vocabulary(each))
    return union


@cache
def language_vocabulary(lang: str) -> dict[str, Any]:
    """One language's vocabulary file as written (keys starting with `_`,
    its notes on sources, left out)."""
    name = "vocabulary.json" if lang == "en" else f"vocabulary.{lang}.json"
    words = json.loads(
        resources.files("pipeline.data").joinpath(name).read_text("utf-8")
    )
    return {k: v for k, v in words.items() if not k.startswith("_")}


def merged(a: Any, b: Any) -> Any:
    """Lists concatenated without duplicates, dicts merged key by key; of
    two other values, the first."""
    if isinstance(a, dict) and isinstance(b, dict):
        return {
            k: merged(a[k], b[k]) if k in a and k in b else a.get(k, b.get(k))
            for k in {**a, **b}
        }
    if isinstance(a, list) and isinstance(b, list):
        return a + [x for x in b if x not in a]
    return a


def alternation(words: Iterable[str], gap: str = r"\s+") -> str:
    """Words of the vocabulary as a regular-expression alternation, longest
    first, `gap` between the words of a phrase."""
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(gap.join(map(re.escape, w.split())) for w in ordered)


@cache
def account_rows() -> list[dict[str, str]]:
    """The Atlas budget accounts: code, group and standard description in
    each language (`description`, `description_fr`, ...)."""
    text = (
        resources.files("pipeline.data")
        .joinpath("atlas_accounts.csv")
        .read_text("utf-8")
    )
    return list(csv.DictReader(text.splitlines()))


@cache
def account_codes(lang: str = "en") -> dict[str, str]:
    """Atlas budget account code -> its standard description in `lang`."""
    column = "description" if lang == LANGUAGES[0] else f"description_{lang}"
    return {row["account_code"]: row[column] for row in account_rows()}


@cache
def account_descriptions() -> dict[str, str]:
    """The standard description of an account in any language -> its code."""
    return {
        row[column]: row["account_code"]
        for row in account_rows()
        for column in row
        if column.startswith("description")
    }


@cache
def country_aliases() -> dict[str, str]:
    """Country names project documents use that the ISO list lacks
    (`Lao PDR`, `Kosovo`) -> ISO 3166 alpha-3 code."""
    text = (
        resources.files("pipeline.data")
        .joinpath("country_aliases.csv")
        .read_text("utf-8")
    )
    return {row["alias"]: row["alpha_3"] for row in csv.DictReader(text.splitlines())}
