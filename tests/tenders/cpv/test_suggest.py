"""Suggestions of CPV codes for the texts members and buyers write: the right family near the
top, nothing for a text from another trade, the same answer every time."""

import pytest

from grappe.search.text import analyse
from grappe.tenders.cpv import suggest as suggest_module
from grappe.tenders.cpv.hierarchy import significant
from grappe.tenders.cpv.suggest import SYNONYMS, Suggestion, suggest


def top(text: str, n: int = 3, **options) -> list[str]:
    return [found.code for found in suggest(text, **options)[:n]]


def in_family(code: str, families: tuple[str, ...]) -> bool:
    """Is `code` one of `families` or below one (families given as CPV codes)?"""
    return any(significant(code).startswith(significant(family)) for family in families)


@pytest.mark.parametrize(
    ("text", "families"),
    [
        ("Hébergement infogéré de Nextcloud dans un datacentre en France", ("72400000",)),
        ("Managed Nextcloud hosting in a French datacenter", ("72400000",)),
        ("Développement d'applications web sur mesure en Django", ("72200000",)),
        ("Custom web application development with Django", ("72200000",)),
        ("Formation à Linux pour les administrateurs", ("80500000",)),
        ("Linux training for system administrators", ("80500000",)),
        ("Maintenance et support de GLPI", ("72250000", "72260000")),
        ("Maintenance and support of GLPI", ("72250000", "72260000")),
        ("Audit de sécurité informatique et tests d'intrusion", ("72800000", "72100000")),
        ("Création de site internet WordPress", ("72413000",)),
        ("Logiciel de gestion de bibliothèque Koha", ("48160000",)),
        ("Formations en ligne (e-learning) sur Moodle", ("80420000",)),
    ],
)
def test_an_offering_text_finds_its_family_in_the_top_three(text, families):
    found = top(text)
    assert found, text
    assert any(in_family(code, families) for code in found), (text, found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hébergement infogéré de Nextcloud dans un datacentre en France", "72415000"),
        ("Développement d'applications web sur mesure en Django", "72230000"),
        ("Custom web application development with Django", "72230000"),
        ("Formation à Linux pour les administrateurs", "80533100"),
        ("Maintenance et support de GLPI", "72250000"),
        ("Création de site internet WordPress", "72413000"),
    ],
)
def test_the_best_suggestion(text, expected):
    assert top(text, 1) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "boulangerie pâtisserie artisanale",
        "Fourniture de repas pour cantine scolaire",
        "Transport scolaire",
        "Prestations de services diverses",  # only words that say how, never what
        "",
        "   ",
    ],
)
def test_a_text_from_another_trade_gets_nothing(text):
    assert suggest(text) == []


def test_a_suggestion_carries_both_labels_and_the_words_that_matched():
    [first, *_] = suggest("Hébergement infogéré de Nextcloud dans un datacentre en France")
    assert first == Suggestion(
        code="72415000",
        label_fr="Services d'hébergement pour l'exploitatuion de sites WWW",
        label_en="World wide web (www) site operation host services",
        score=first.score,
        matched=["Hébergement", "datacentre"],
    )
    assert first.score > 0


def test_scores_come_best_first_and_the_limit_holds():
    found = suggest("Maintenance et support de logiciels et de systèmes", limit=4)
    assert len(found) == 4
    assert [each.score for each in found] == sorted((each.score for each in found), reverse=True)
    assert suggest("Maintenance et support de GLPI", limit=0) == []


def test_equal_scores_go_to_the_more_specific_code():
    # 72212930 and 72212931 share their French label word for word.
    found = suggest(
        "développement de logiciels de formation et de divertissement", language="fr", limit=2
    )
    assert [each.code for each in found] == ["72212931", "72212930"]
    assert found[0].score == found[1].score


def test_language_restricts_the_labels_compared():
    assert top("Services de formation informatique", 1, language="fr") == ["80533100"]
    assert top("Computer training services", 1, language="en-GB") == ["80533100"]
    assert suggest("Services de formation informatique", language="en") == []
    # A language Grappe does not speak compares both.
    assert top("Computer training services", 1, language="de") == ["80533100"]


def test_the_answer_is_the_same_every_time_and_after_a_rebuild():
    text = "Développement d'applications web sur mesure en Django, hébergement et maintenance"
    first = suggest(text)
    assert suggest(text) == first
    suggest_module._index.cache_clear()
    assert suggest(text) == first


def test_each_synonym_is_one_word_and_reaches_the_labels():
    vocabulary = suggest_module._index(None).retriever.vocab_dict
    for word, stands_for in SYNONYMS.items():
        assert len(analyse(word)) == 1, word
        assert all(term in vocabulary for term in analyse(stands_for)), word
