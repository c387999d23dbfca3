"""The API speaks French unless asked otherwise, by ?lang= or Accept-Language, and says so."""

import pytest

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "accept", "language"),
    [
        ("", "", "fr"),
        ("", "en", "en"),
        ("", "en-GB,en;q=0.9", "en"),
        ("", "de-DE,en;q=0.8,fr;q=0.5", "en"),
        ("", "de,it", "fr"),
        ("", "fr-CA", "fr"),
        ("?lang=en", "fr", "en"),
        ("?lang=fr", "en", "fr"),
        ("?lang=", "en", "en"),
        ("", "x" * 2000, "fr"),
    ],
)
def test_language_is_chosen_and_announced(client, query, accept, language):
    OrganisationFactory(name="Alpha", slug="alpha")
    response = client.get(f"/api/organisations{query}", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    result = response.json()["results"][0]
    assert result["kind_label"] == {"fr": "Entreprise", "en": "Company"}[language]
    assert (
        result["url"] == {"fr": "/organisations/alpha/", "en": "/en/organisations/alpha/"}[language]
    )
    assert "Accept-Language" in response["Vary"]


def test_a_language_cookie_from_the_site_does_not_change_the_api(client):
    OrganisationFactory()
    client.cookies["django_language"] = "en"
    response = client.get("/api/organisations")
    assert response["Content-Language"] == "fr"
