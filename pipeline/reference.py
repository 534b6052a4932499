"""Reference data shipped with the package, loaded once per process."""

from __future__ import annotations

import csv
import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def vocabulary() -> dict[str, Any]:
    return json.loads(
        resources.files("pipeline.data").joinpath("vocabulary.json").read_text("utf-8")
    )


@cache
def account_codes() -> dict[str, str]:
    """Atlas budget account code -> its standard description."""
    text = (
        resources.files("pipeline.data")
        .joinpath("atlas_accounts.csv")
        .read_text("utf-8")
    )
    return {
        row["account_code"]: row["description"]
        for row in csv.DictReader(text.splitlines())
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
