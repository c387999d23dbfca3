"""The training organisations parser alone, on code.gouv.fr's real hand-written file."""

import pytest

from grappe.interop.formats.trainings import delivery_mode, parse
from tests.conftest import shared_data


@pytest.fixture(scope="module")
def real():
    return parse(shared_data("codegouvfr/formations-logiciels-libres.yml").read_bytes())


def by_name(document, name):
    [found] = [o for o in document.organisations if o.organisation["name"] == name]
    return found


def test_every_organisation_is_read_and_the_duplicate_is_merged(real):
    assert real.errors == []
    assert len(real.organisations) == 18  # 19 entries, Coopaname Formations twice
    assert (
        "formations-logiciels-libres.yml: entry 18 (“Coopaname Formations”)",
        "the same organisation as formations-logiciels-libres.yml: entry 14 "
        "(“Coopaname Formations”): merged",
    ) in real.warnings
    coopaname = by_name(real, "Coopaname Formations")
    assert coopaname.organisation["website"] == "https://formation.coopaname.coop/"  # "site Web"
    assert coopaname.organisation["email"] == "of@coopaname.coop"  # first of two
    assert sum(len(o.courses) for o in real.organisations) == 413


def test_a_french_address_is_split_into_street_postcode_and_commune(real):
    actilis = by_name(real, "Actilis").organisation
    assert (actilis["address"], actilis["postcode"], actilis["commune_name"]) == (
        "319-321, route de Vannes",
        "44800",
        "Saint-Herblain",
    )
    assert by_name(real, "Oslandia").organisation["commune_name"] == "Paris"  # "75012 PARIS"
    assert by_name(real, "Teritorio").organisation["commune_name"] == "Bordeaux"
    belgian = by_name(real, "Self-Reliance").organisation
    assert "postcode" not in belgian and belgian["address"].endswith("Belgique")


def test_durations_in_titles_become_hours_and_leave_the_title(real):
    courses = {c.title: c for c in by_name(real, "Actilis").courses}
    assert courses["Linux Administration Système"].duration_hours == 35  # "(5 jours)"
    assert courses["Linux pour Administrateurs Unix"].duration_hours == 21


def test_titles_yaml_read_as_mappings_are_put_back_together(real):
    titles = [c.title for c in by_name(real, "Openska").courses]
    assert "C avancé : programmation système sous Linux" in titles
    zourit = by_name(real, "Ceméa").courses[0]
    assert zourit.title == "Formation à Zourit"
    assert zourit.description.startswith("Les Ceméa accompagnent les structures")
    assert all(len(c.title) <= 200 for o in real.organisations for c in o.courses)


def test_the_delivery_is_read_from_the_description():
    assert delivery_mode("Nous opérons à distance ou sur site dans toute la France.") == "both"
    assert delivery_mode("Formations en présentiel.") == "on_site"
    assert delivery_mode("Apprendre Python.") == ""


def test_a_broken_file_says_where():
    [(location, reason)] = parse(b"- organisme: A\n  formations: [x\n", "t.yml").errors
    assert location.startswith("t.yml: line ") and reason.startswith("not valid YAML")
    assert parse(b"organisme: A\n", "t.yml").errors == [
        ("t.yml: file", "expected a list of organisations")
    ]
    assert parse(b"- description: no name\n", "t.yml").errors == [
        ("t.yml: entry 1", "no organisation name (organisme)")
    ]
