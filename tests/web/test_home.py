from datetime import date, timedelta

import pytest

from tests.factories import OrganisationFactory, SoftwareFactory
from tests.web.conftest import EventFactory, json_ld

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


def test_home_has_a_labelled_search_form_and_links_to_browse(client):
    html = client.get("/en/").text
    assert '<form class="search-form" role="search" method="get" action="/en/search/">' in html
    assert '<label for="home-q">Search the index</label>' in html
    assert '<input type="search" id="home-q" name="q"' in html
    assert '<a href="/en/search/?kind=organisation">All organisations</a>' in html
    assert '<a href="/en/search/?kind=event">All events</a>' in html


def test_home_links_to_the_entries(client):
    OrganisationFactory(slug="fab-lab", name="Fab lab exemple")
    SoftwareFactory(slug="glpi", name="GLPI")
    EventFactory(slug="atelier", title="Atelier", starts_on=date.today() + timedelta(days=3))
    EventFactory(slug="passe", title="Salon passé", starts_on=date(2019, 10, 10))
    html = client.get("/en/").text
    assert '<a class="entry-name" href="/en/organisations/fab-lab/">Fab lab exemple</a>' in html
    assert '<a class="entry-name" href="/en/software/glpi/">GLPI</a>' in html
    assert '<a class="entry-name" href="/en/events/atelier/">Atelier</a>' in html
    assert "Salon passé" not in html


def test_home_describes_the_site_and_its_search_in_json_ld(client):
    data = json_ld(client.get("/en/").text)
    assert data["@type"] == "WebSite"
    target = data["potentialAction"]["target"]["urlTemplate"]
    assert target == "http://testserver/en/search/?q={search_term_string}"


def test_the_home_page_leads_to_the_map_sovereign_hosting_and_3d_printers(client, db):
    html = client.get("/en/").text
    assert '<a href="/en/map/">The map of the ecosystem</a>' in html
    assert '<a href="/en/search/?sovereign=yes">Sovereign hosting offers</a>' in html
    assert '<a href="/en/map/?machine_type=3d_fdm">3D printers</a>' in html
    assert '<a href="/en/map/?organisation_kind=fablab">Fab labs</a>' in html
