import pytest

from grappe.search.text import analyse, fold, name_key, term


def test_fold_drops_accents_and_case():
    assert fold("Évènement Côte-d'Or") == "evenement cote-d'or"


@pytest.mark.parametrize(
    "words",
    [
        ("hébergement", "héberge", "hebergement", "héberger"),
        ("logiciels", "logiciel"),
        ("collaboratif", "collaborative", "collaboratifs"),
    ],
)
def test_french_word_forms_meet_on_one_term(words):
    assert len({term(w) for w in words}) == 1


def test_stop_words_are_left_out():
    assert analyse("Les logiciels de la mairie") == ["logiciel", "mair"]


def test_name_key():
    assert name_key("Jitsi-Meet ") == name_key("jitsi meet") == "jitsi meet"
