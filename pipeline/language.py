"""The language a document is written in (ISO 639-1), told from its running
text by py3langid's model among the languages of the vocabulary."""

from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from .layout import BodyText
from .reference import LANGUAGES

SAMPLE_CHARS = 20_000  # the first pages of running text tell the language


@cache
def identifier() -> LanguageIdentifier:
    """The model, limited to the languages the vocabulary knows (loaded once
    per process: it takes most of a second)."""
    model = LanguageIdentifier.from_model_file(MODEL_FILE)
    model.set_languages(list(LANGUAGES))
    return model


def text_language(text: str) -> str | None:
    """`en`, `fr` or `es`; None for text without a letter."""
    if not any(c.isalpha() for c in text):
        return None
    return str(identifier().classify(text)[0])


def document_language(body: BodyText) -> str | None:
    """The language of the document's running text (tables and page
    furniture left out: their codes and figures tell nothing)."""
    sample = ""
    for line in body.lines:
        if len(sample) >= SAMPLE_CHARS:
            break
        sample += line.text + "\n"
    return text_language(sample)
