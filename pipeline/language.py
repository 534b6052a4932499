"""The language a document is written in (ISO 639-1), told from its running
text by py3langid's model among the languages of the vocabulary."""

from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from .layout import BodyText
from .model import Document
from .numbers import learnt_decimal_mark
from .reference import LANGUAGES, vocabulary

SAMPLE_CHARS = 20_000  # the first pages of running text tell the language
SAMPLE_WORDS = 3_000


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


def decimal_mark_of(doc: Document, lang: str | None = None) -> str:
    """The decimal mark of the document's unambiguous numbers (`1.250.000`,
    `12,50`), else that of its language (`lang`, else the language its
    words are in)."""
    words = [w.text for page in doc.pages for w in page.words]
    lang = lang or text_language(" ".join(words[:SAMPLE_WORDS])) or LANGUAGES[0]
    return learnt_decimal_mark(words, vocabulary(lang).get("decimal_mark", "."))
