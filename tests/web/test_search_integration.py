"""The search page on the real engine (grappe.search.service) and the demo data: the one test
of the page that uses no fake; see test_search.py for the page's behaviour in detail."""

import io

import pytest
from django.core.management import call_command

from tests.web.conftest import assert_well_outlined, json_ld

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def indexed_demo(demo):
    # Test transactions never commit, so the on-commit reindexing does not run: rebuild.
    call_command("reindex", stdout=io.StringIO())
    return demo


def test_searching_the_demo_data_finds_and_links_entries(client, indexed_demo):
    response = client.get("/en/search/?q=nextcloud")
    assert response.status_code == 200
    html = response.text
    assert '<a href="/en/software/nextcloud/">Nextcloud</a>' in html
    assert "<mark>" in html
    assert 'class="badge-example"' in html
    assert "<h3>Type of entry</h3>" in html
    assert json_ld(html)["mainEntity"]["numberOfItems"] > 1
    assert_well_outlined(html)


def test_a_facet_link_of_the_real_engine_filters_the_results(client, indexed_demo):
    html = client.get("/en/search/?q=nextcloud&kind=software").text
    assert '<a href="/en/software/nextcloud/">Nextcloud</a>' in html
    assert "/en/organisations/" not in html.split('id="results-title"')[1].split("</ol>")[0]


def test_a_typo_is_corrected_on_the_page(client, indexed_demo):
    html = client.get("/en/search/?q=nextclud").text
    assert "Results for <strong>nextcloud</strong>" in html


def test_a_bad_parameter_is_a_400_with_the_real_engine(client, indexed_demo):
    response = client.get("/en/search/?q=glpi&sort=price")
    assert response.status_code == 400
    assert "“sort”" in response.text


def test_browsing_everything_stays_under_the_page_budget(client, indexed_demo):
    response = client.get("/search/")
    assert response.status_code == 200
    assert len(response.content) < 30_000
    assert 'rel="next"' in response.text
