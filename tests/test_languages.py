"""Documents in French and Spanish: the vocabulary of each language, and the
small rules that read what each language prints."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pipeline.budget import account_of
from pipeline.document import CoverField, start_year
from pipeline.labels import ID_IN_CELL, OUTPUT_NUMBER, QUARTER, is_total
from pipeline.language import text_language
from pipeline.layout import PAGE_NUMBER
from pipeline.nlp import money_mentions, target_timing
from pipeline.numbers import decimal_mark, learnt_decimal_mark, parse_amount, parse_date
from pipeline.reference import (
    LANGUAGES,
    account_codes,
    language_vocabulary,
    merged,
    vocabulary,
)
from pipeline.sections import tidy_title
from pipeline.tables import Column, money

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


@pytest.mark.parametrize(
    "text,value",
    [
        ("1 250 000", Decimal("1250000")),
        ("1\u00a0250\u00a0000", Decimal("1250000")),
        ("1\u202f250\u202f000", Decimal("1250000")),
        ("12 500,00", Decimal("12500.00")),
        ("1.250.000", Decimal("1250000")),
        ("1.250.000,50", Decimal("1250000.50")),
        ("250 000 $ US", Decimal("250000")),
        ("$EU 1 500", Decimal("1500")),
        ("USD 5.000.000", Decimal("5000000")),
        ("5.400.000 dólares", Decimal("5400000")),
        ("U$S 2.782.151", Decimal("2782151")),
    ],
)
def test_amounts_as_french_and_spanish_print_them(text: str, value: Decimal) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize(
    "text,mark,value",
    [
        ("1.250", ",", Decimal("1250")),
        ("1,250", ",", Decimal("1.250")),
        ("158,33", ",", Decimal("158.33")),
        ("1.250", ".", Decimal("1.250")),
        ("1,250", ".", Decimal("1250")),
        ("158,33", ".", None),
    ],
)
def test_an_ambiguous_number_is_read_by_the_documents_convention(
    text: str, mark: str, value: Decimal | None
) -> None:
    with decimal_mark(mark):
        assert parse_amount(text) == value
    assert parse_amount(text, mark) == value


def test_a_thousands_table_with_decimal_commas_is_multiplied_out() -> None:
    column = Column(0, header="Budget ('000 $)", scale=1000)
    with decimal_mark(","):
        assert money("158,33", column) == 158330


@pytest.mark.parametrize(
    "words,mark",
    [
        (["1.250.000", "1.250", "Total", "3.500,50"], ","),
        (["12 500", "500,00", "75,25"], ","),
        (["1,250,000", "1,250", "12,500.50"], "."),
        (["1,250", "1.250", "2007"], "."),
    ],
)
def test_a_documents_decimal_mark_is_learnt_from_its_unambiguous_numbers(
    words: list[str], mark: str
) -> None:
    assert learnt_decimal_mark(words) == mark


@pytest.mark.parametrize(
    "text,day",
    [
        ("1er juillet 2007", date(2007, 7, 1)),
        ("12 de diciembre de 2017", date(2017, 12, 12)),
        ("Date de début : 15 févr. 2016", date(2016, 2, 15)),
        ("janvier 2020", date(2020, 1, 1)),
        ("31/01/2018", date(2018, 1, 31)),
        ("2018-01-31", date(2018, 1, 31)),
        ("Programme 2016-2018", None),
    ],
)
def test_cover_dates_in_any_language(text: str, day: date | None) -> None:
    assert parse_date(text) == day


@pytest.mark.parametrize(
    "label,value,year",
    [
        ("Date de début", "1er juillet 2007", 2007),
        ("Fecha de Inicio", "12 de diciembre de 2017", 2017),
        ("Période du programme", "2016-2019", 2016),
    ],
)
def test_the_start_year_is_read_from_a_french_or_spanish_cover(
    label: str, value: str, year: int
) -> None:
    assert start_year([CoverField(label, value, 1)]) == year


@pytest.mark.parametrize(
    "text", ["T1", "T.2", "Trim. 3", "1er trimestre", "4to trimestre"]
)
def test_french_and_spanish_quarters(text: str) -> None:
    assert QUARTER.match(text)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Activité 1.1.1 Étude de base", "1.1.1"),
        ("Actividad 2.1.3: Talleres", "2.1.3"),
    ],
)
def test_activity_numbers_after_a_french_or_spanish_word(
    text: str, expected: str
) -> None:
    m = ID_IN_CELL.match(text)
    assert m and m.group(1) == expected


@pytest.mark.parametrize(
    "text", ["Sous-total pour le produit 1", "Subtotal para el producto 2", "TOTAL"]
)
def test_french_and_spanish_totals(text: str) -> None:
    assert is_total(text)


@pytest.mark.parametrize("text", ["Produit 2 : Politiques", "Producto 1"])
def test_french_and_spanish_output_labels(text: str) -> None:
    assert OUTPUT_NUMBER.match(text)


@pytest.mark.parametrize("text", ["Page 3 sur 40", "Página 3 de 40", "- 3 -"])
def test_french_and_spanish_page_numbers(text: str) -> None:
    assert PAGE_NUMBER.match(text)


@pytest.mark.parametrize(
    "printed,lang,description",
    [
        ("Consultants locaux", "fr", "Consultants locaux"),
        ("Consultores locales", "es", "Consultores locales"),
        ("Local Consultants", "fr", "Consultants locaux"),
    ],
)
def test_atlas_accounts_are_known_and_described_in_each_language(
    printed: str, lang: str, description: str
) -> None:
    code, _ = account_of(printed)
    assert code == "71300"
    assert account_codes(lang)[code] == description


@pytest.mark.parametrize(
    "printed,lang,title",
    [
        ("RISK LOG", "en", "Risk Log"),
        ("JOURNAL DES RISQUES", "fr", "Journal des risques"),
        ("ANÁLISIS DE LA SITUACIÓN", "es", "Análisis de la situación"),
    ],
)
def test_a_title_in_capitals_is_written_as_its_language_writes_titles(
    printed: str, lang: str, title: str
) -> None:
    assert tidy_title(printed, lang) == title


@pytest.mark.parametrize(
    "text,year,quarter",
    [
        ("Étude publiée (3e trim., 2008)", 2008, 3),
        ("Loi adoptée (1er trimestre 2016)", 2016, 1),
        ("Estudio publicado (T2 2015)", 2015, 2),
    ],
)
def test_target_dates_in_french_and_spanish(text: str, year: int, quarter: int) -> None:
    timing = target_timing(text)
    assert (timing.year, timing.quarter) == (year, quarter)


@pytest.mark.parametrize(
    "text,amounts",
    [
        ("Le budget total est de 1 250 000 $ US.", [1250000]),
        ("El presupuesto es de 1.250.000 dólares y U$S 120.000.", [1250000, 120000]),
        ("dont US$ 0,881 million du PNUD", [881000]),
    ],
)
def test_money_in_french_and_spanish_prose(text: str, amounts: list[int]) -> None:
    with decimal_mark(","):
        assert [m.usd for m in money_mentions(text)] == amounts
