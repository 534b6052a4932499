"""Text normalisation shared by the extractors."""

from __future__ import annotations

import re
import unicodedata

DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"


def normalise_label(text: str) -> str:
    """Lower-case, one space, plain dashes and quotes: for vocabulary look-ups."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = (
        t.translate({ord(d): "-" for d in DASHES})
        .replace("\u2019", "'")
        .replace("\u2018", "'")
    )
    return re.sub(r"\s+", " ", t).strip(" :")


def flatten(text: str) -> str:
    """Join a cell's lines into running text."""
    out = ""
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if (
            out.endswith("-")
            and len(out) > 1
            and out[-2].isalpha()
            and line[:1].isalpha()
        ):
            out += line
        else:
            out = f"{out} {line}" if out else line
    return re.sub(r"\s+", " ", out).strip()


ITEM_END = re.compile(r"[);]\s*$")
YEAR_LABEL = re.compile(r"^(?:19|20)\d\d\s*:")


def split_items(text: str, bullets: list[str]) -> list[str]:
    """Split a cell listing several items (targets, indicators) into items.

    An item ends at a line ending in `)` or `;`, or where the next line opens
    with a bullet glyph; wrapped lines in between are joined."""
    items: list[list[str]] = []
    closed = True
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            closed = True
            continue
        glyph = next(
            (
                g
                for g in bullets
                if line.startswith(g + " ") or (not g.isalnum() and line.startswith(g))
            ),
            None,
        )
        if glyph is not None:
            line = line[len(glyph) :].strip()
            closed = True
        if YEAR_LABEL.match(line):  # `2018: 14` lines of a targets-by-year cell
            closed = True
        if closed or not items:
            items.append([line])
        else:
            items[-1].append(line)
        closed = bool(ITEM_END.search(line))
    return [
        flatten("\n".join(i)).rstrip(";").strip()
        for i in items
        if flatten("\n".join(i)).strip(" ;")
    ]


def split_parties(text: str) -> list[str]:
    """Responsible parties as printed, split on commas and semicolons."""
    parts = re.split(r"[,;]", flatten(text))
    return [p.strip(" .") for p in parts if p.strip(" .")]
