import pytest

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_home_shows_the_index_in_french_by_default(client):
    OrganisationFactory(name="Fab lab exemple", is_example=True, commune_name="Pau")
    OrganisationFactory(name="Vraie entreprise", is_example=False)
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "Fab lab exemple" in response.text
    assert response.text.count('class="badge-example"') == 1


def test_home_in_english_has_its_own_address_and_links_back(client):
    response = client.get("/en/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert 'href="/" lang="fr"' in response.text


def test_home_has_landmarks_and_a_skip_link(client):
    text = client.get("/").text
    for landmark in ("<header", '<main id="main"', "<nav aria-label=", "<footer"):
        assert landmark in text
    assert 'href="#main"' in text
