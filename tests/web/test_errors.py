"""Visitors never see a stack trace: 404 and 500 have pages of their own."""

import pytest
from django.test import Client

from grappe.web import queries

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/en/organisations/unknown/",
        "/en/software/unknown/",
        "/en/offerings/unknown/",
        "/en/people/unknown/",
        "/en/events/unknown/",
        "/en/no/such/page/",
    ],
)
def test_an_unknown_address_is_a_404_page_with_a_way_on(client, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.text
    assert "<h1>Page not found</h1>" in html
    assert '<label for="search-q">Search the index</label>' in html
    assert '<a href="/en/">Back to the home page</a>' in html
    assert '<a class="skip-link" href="#main">' in html
    assert "Traceback" not in html


def test_a_server_error_is_a_500_page_without_a_stack_trace(monkeypatch):
    def broken(slug, today):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(queries, "organisation_page", broken)
    response = Client(raise_request_exception=False).get("/en/organisations/any/")
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Something went wrong on our side</h1>" in html
    assert "database on fire" not in html
    assert "Traceback" not in html


def test_the_language_links_of_a_missing_page_lead_to_the_other_home(client):
    html = client.get("/en/no/such/page/").text
    assert 'href="/" lang="fr"' in html
    french = client.get("/no/such/page/").text
    assert 'href="/en/" lang="en"' in french
