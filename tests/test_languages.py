"""Documents in French and Spanish: the vocabulary of each language, and the
small rules that read what each language prints."""

from __future__ import annotations

import pytest

from pipeline.language import text_language
from pipeline.reference import LANGUAGES, language_vocabulary, merged, vocabulary

pytestmark = pytest.mark.fast


def test_the_vocabulary_holds_every_languages_words() -> None:
    union = vocabulary()
    assert {"total", "sous-total", "subtotal"} <= set(union["total_labels"])
    assert {"annex", "annexe", "anexo"} <= set(union["heading_keywords"]["annex"])
    assert "produits escomptés" in union["table_columns"]["output"]
    assert "productos esperados" in union["table_columns"]["output"]


def test_english_words_come_first_and_stay_in_their_order() -> None:
    union, english = vocabulary(), language_vocabulary("en")
    assert list(union)[: len(english)] == list(english)
    for key, words in english.items():
        if isinstance(words, list):
            assert union[key][: len(words)] == words


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_a_language_alone_has_its_own_words_and_the_shared_rules(lang: str) -> None:
    own = vocabulary(lang)
    assert own["small_title_words"] == language_vocabulary(lang)["small_title_words"]
    assert "of" not in own["small_title_words"]
    assert own["table_kinds"] == language_vocabulary("en")["table_kinds"]
    assert not any(key.startswith("_") for key in own)


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_a_language_names_only_roles_and_keys_english_knows(lang: str) -> None:
    english, own = language_vocabulary("en"), language_vocabulary(lang)
    assert set(own["table_columns"]) <= set(english["table_columns"])
    assert set(own["heading_keywords"]) == set(english["heading_keywords"])


def test_merging_concatenates_lists_and_merges_dicts() -> None:
    a = {"xs": [1, 2], "d": {"k": [1], "v": 1}}
    b = {"xs": [2, 3], "d": {"k": [2], "v": 2, "w": 3}}
    assert merged(a, b) == {"xs": [1, 2, 3], "d": {"k": [1, 2], "v": 1, "w": 3}}


@pytest.mark.parametrize(
    "text,lang",
    [
        ("Le projet renforcera les capacités du gouvernement et des communes.", "fr"),
        (
            "El proyecto fortalecerá las capacidades del gobierno y de los municipios.",
            "es",
        ),
        ("The project will strengthen the capacities of the government.", "en"),
        ("2007 1,250 00101457", None),
    ],
)
def test_a_texts_language_is_told(text: str, lang: str | None) -> None:
    assert text_language(text) == lang
