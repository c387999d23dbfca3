"""/api/people: found by role and territory; contact details only with consent."""

import pytest

from grappe.directory import models as m
from tests.api.conftest import PersonFactory
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [result["name"] for result in response.json()["results"]]


def test_list_gives_role_organisation_skills_territory_and_consented_contacts(client):
    organisation = OrganisationFactory(name="Coopérative", slug="cooperative")
    camille = PersonFactory(
        name="Camille Martin",
        slug="camille-martin",
        role=m.PersonRole.TRAINER,
        job_title="Formatrice",
        organisation=organisation,
        skills=["Nextcloud", "GLPI"],
        territory=["33", "40"],
        email="camille@cooperative.example",
        phone="+33556000001",
        contact_consent=True,
        bio_fr="Forme depuis 2010.",
    )
    assert client.get("/api/people").json() == {
        "count": 1,
        "page": 1,
        "page_size": 20,
        "results": [
            {
                "id": camille.pk,
                "slug": "camille-martin",
                "url": "/people/camille-martin/",
                "name": "Camille Martin",
                "role": "trainer",
                "role_label": "Formateur",
                "job_title": "Formatrice",
                "organisation": {
                    "id": organisation.pk,
                    "slug": "cooperative",
                    "url": "/organisations/cooperative/",
                    "name": "Coopérative",
                },
                "skills": ["Nextcloud", "GLPI"],
                "territory": ["33", "40"],
                "email": "camille@cooperative.example",
                "phone": "+33556000001",
                "is_example": True,
            }
        ],
    }


def test_without_consent_no_email_or_phone_leaves_the_server(client):
    PersonFactory(
        slug="discret",
        email="secret@example.org",
        phone="+33556000002",
        contact_consent=False,
    )
    for address in ("/api/people", "/api/people/discret", "/api/people?lang=en"):
        response = client.get(address)
        assert response.status_code == 200
        assert "secret@example.org" not in response.text
        assert "556000002" not in response.text
    body = client.get("/api/people/discret").json()
    assert (body["email"], body["phone"]) == (None, None)


def test_filters_by_role_and_by_a_departement_of_the_territory(client):
    PersonFactory(name="Ambassadrice Gironde", territory=["33", "24"])
    PersonFactory(name="Formateur Landes", role=m.PersonRole.TRAINER, territory=["40"])
    PersonFactory(name="Expert Réunion", role=m.PersonRole.EXPERT, territory=["974"])
    PersonFactory(name="Corse", territory=["2A"])
    PersonFactory(name="Nulle part", territory=[])
    assert names(client.get("/api/people?role=trainer")) == ["Formateur Landes"]
    assert names(client.get("/api/people?departement=33")) == ["Ambassadrice Gironde"]
    assert names(client.get("/api/people?departement=24")) == ["Ambassadrice Gironde"]
    assert names(client.get("/api/people?departement=974")) == ["Expert Réunion"]
    assert names(client.get("/api/people?departement=2a")) == ["Corse"]
    assert names(client.get("/api/people?departement=40&role=ambassador")) == []


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("role=boss", "role"), ("departement=97", "departement"), ("departement=3", "departement")],
)
def test_bad_filters_are_400s(client, query, parameter):
    response = client.get(f"/api/people?{query}")
    assert (response.status_code, response.json()["parameter"]) == (400, parameter)


def test_detail_adds_the_biography_in_the_asked_language(client):
    PersonFactory(slug="camille", bio_fr="Forme depuis 2010.", bio_en="Trains since 2010.")
    assert client.get("/api/people/camille").json()["bio"] == "Forme depuis 2010."
    english = client.get("/api/people/camille?lang=en").json()
    assert (english["bio"], english["role_label"], english["url"]) == (
        "Trains since 2010.",
        "Ambassador",
        "/en/people/camille/",
    )


def test_unknown_person_is_a_404(client):
    response = client.get("/api/people/nobody")
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "No person with the slug “nobody”."},
    )


def test_list_makes_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(30):
        PersonFactory(organisation=OrganisationFactory(), territory=["33"])
    with django_assert_max_num_queries(2):
        assert client.get("/api/people?page_size=100&departement=33").json()["count"] == 30
