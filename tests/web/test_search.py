"""The search page against the search contract, with a fake engine (see test_search_integration
for the real one)."""

import re

import pytest
from django.utils.translation import override

from grappe.search.query import FacetValue, InvalidSearch, SearchParams, SearchResults
from grappe.web.searching import (
    corrected_query,
    page_numbers,
    parse_search_params,
    query_of,
)
from tests.web.conftest import assert_well_outlined, hit, json_ld

# --- Parsing GET parameters (no database) --------------------------------------------------------


def test_every_parameter_is_parsed():
    params = parse_search_params(
        {
            "q": "  nextcloud   hébergé ",
            "kind": "offering",
            "organisation_kind": "hosting",
            "offering_kind": "hosting",
            "category": "partage-de-fichiers",
            "departement": "2a",
            "licence": "AGPL-3.0-or-later",
            "certification": "hds",
            "member": "yes",
            "sort": "name",
            "page": "3",
        },
        language="en",
    )
    assert params == SearchParams(
        q="nextcloud hébergé",
        kind="offering",
        organisation_kind="hosting",
        offering_kind="hosting",
        category="partage-de-fichiers",
        departement="2A",
        licence="AGPL-3.0-or-later",
        certification="hds",
        member=True,
        sort="name",
        page=3,
        language="en",
    )


def test_empty_values_mean_not_set_as_a_get_form_sends_them():
    params = parse_search_params({"q": "", "kind": "", "member": "", "sort": "", "page": ""})
    assert params == SearchParams(language="fr")
    assert parse_search_params({"member": "no"}).member is False


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("kind", "company"),
        ("organisation_kind", "startup"),
        ("offering_kind", "cloud"),
        ("category", "pas une catégorie"),
        ("departement", "99"),
        ("licence", "GPL v3 <script>"),
        ("certification", "iso 27001"),
        ("member", "maybe"),
        ("sort", "price"),
        ("page", "0"),
        ("page", "deux"),
        ("page", "100000"),
        ("q", "x" * 201),
    ],
)
def test_a_bad_parameter_raises_invalid_search_naming_it(parameter, value):
    with pytest.raises(InvalidSearch) as raised:
        parse_search_params({parameter: value})
    assert raised.value.parameter == parameter


def test_query_of_gives_the_parameters_back_without_defaults():
    params = SearchParams(q="glpi", departement="33", member=True, sort="name", page=2)
    assert query_of(params) == {
        "q": "glpi",
        "departement": "33",
        "member": "yes",
        "sort": "name",
        "page": "2",
    }
    assert parse_search_params(query_of(params)) == params
    assert query_of(SearchParams()) == {}


def test_page_numbers_show_the_ends_and_a_window_around_the_current_page():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 5) == [1, 2, 3, 4, 5]
    assert page_numbers(6, 20) == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert page_numbers(4, 20) == [1, 2, 3, 4, 5, 6, None, 20]
    assert page_numbers(20, 20) == [1, None, 18, 19, 20]


def test_corrected_query_replaces_the_misspelt_words():
    assert corrected_query("nextclud hébergé", {"nextclud": "nextcloud"}) == "nextcloud hébergé"
    assert corrected_query("Nextclud", {"nextclud": "nextcloud"}) == "nextcloud"
    assert corrected_query("glpi", {}) == "glpi"


# --- The page, with a fake engine ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_view_builds_search_params_from_the_query_string(client, fake_search):
    response = client.get("/en/search/?q=glpi&kind=organisation&departement=33&member=yes&page=2")
    assert response.status_code == 200
    assert fake_search.calls == [
        SearchParams(
            q="glpi", kind="organisation", departement="33", member=True, page=2, language="en"
        )
    ]
    client.get("/search/?q=glpi")
    assert fake_search.calls[-1].language == "fr"


@pytest.mark.django_db
def test_hits_are_shown_with_count_link_subtitle_snippet_and_badges(client, fake_search):
    fake_search.respond = lambda params: SearchResults(
        params=params,
        count=2,
        hits=[
            hit(n=1, name="Nuage Girondin", url="/en/organisations/nuage/", is_member=True),
            hit(
                kind="software",
                n=2,
                name="Logiciel fictif",
                url="/en/software/fictif/",
                subtitle="AGPL-3.0-or-later",
                is_example=True,
            ),
        ],
    )
    html = client.get("/en/search/?q=nextcloud").text
    assert "<title>Search: nextcloud · " in html
    assert '<h2 id="results-title">2 results</h2>' in html
    first = html[html.index('<li class="hit"') :]
    first = first[: first.index("</li>")]
    assert '<a href="/en/organisations/nuage/">Nuage Girondin</a>' in first
    assert 'class="badge-member"' in first
    assert 'class="badge-example"' not in first
    assert "Organisation · Company · Pessac" in first
    assert '<p class="snippet">about <mark>nextcloud</mark></p>' in first
    second = html[html.rindex('<li class="hit"') :]
    assert 'class="badge-example"' in second
    assert "Software · AGPL-3.0-or-later" in second
    assert '<label for="search-q">Search the index</label>' in html
    assert 'value="nextcloud"' in html
    assert_well_outlined(html)


@pytest.mark.django_db
def test_a_hit_snippet_that_is_not_marked_safe_is_escaped(client, fake_search):
    fake_search.respond = lambda params: SearchResults(
        params=params, count=1, hits=[hit(snippet_html="<script>alert(1)</script>")]
    )
    html = client.get("/search/?q=x").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_corrections_say_what_was_searched(client, fake_search):
    fake_search.respond = lambda params: SearchResults(
        params=params, count=1, hits=[hit()], corrections={"nextclud": "nextcloud"}
    )
    html = client.get("/en/search/?q=nextclud").text
    assert "Results for <strong>nextcloud</strong>" in html
    assert "(you typed nextclud)" in html


@pytest.mark.django_db
def test_no_correction_line_without_corrections(client, fake_search):
    html = client.get("/en/search/?q=nextcloud").text
    assert "Results for" not in html
    assert "Nothing matches this search." in html


@pytest.mark.django_db
def test_facet_links_toggle_their_filter_and_go_back_to_the_first_page(
    client, fake_search, facet_results
):
    fake_search.respond = facet_results
    html = client.get("/en/search/?q=glpi&departement=33&page=3").text
    assert "<h3>Type of entry</h3>" in html
    assert "<h3>Département</h3>" in html
    # Choosing a value keeps the other filters and goes back to page 1.
    assert '<a href="/en/search/?q=glpi&amp;departement=33&amp;kind=software">' in html
    # Choosing another value of the same facet replaces it.
    assert '<a href="/en/search/?q=glpi&amp;departement=64">' in html
    # The selected value is marked and its link removes it.
    selected = re.search(r'<a href="([^"]*)" aria-current="true" class="selected">', html)
    assert selected.group(1) == "/en/search/?q=glpi"
    assert "33 – Gironde (40)" in html
    # And the filters in use can be removed one by one.
    assert "Filters in use" in html
    assert '<a href="/en/search/?q=glpi">remove<span class="visually-hidden">' in html


@pytest.mark.django_db
def test_sort_links_keep_the_search_and_reset_the_page(client, fake_search, facet_results):
    fake_search.respond = facet_results
    html = client.get("/en/search/?q=glpi&page=2&sort=name").text
    assert '<a href="/en/search/?q=glpi&amp;sort=name" aria-current="true">Name</a>' in html
    assert '<a href="/en/search/?q=glpi">Relevance</a>' in html
    assert '<a href="/en/search/?q=glpi&amp;sort=newest">Newest</a>' in html
    assert '<input type="hidden" name="sort" value="name">' in html


@pytest.mark.django_db
def test_pagination_has_previous_next_and_page_numbers(client, fake_search, facet_results):
    fake_search.respond = facet_results  # 95 results, 20 a page: 5 pages
    html = client.get("/en/search/?q=glpi&page=3").text
    assert '<nav class="pagination" aria-label="Pages of results">' in html
    assert '<a href="/en/search/?q=glpi&amp;page=2" rel="prev">Previous page</a>' in html
    assert '<a href="/en/search/?q=glpi&amp;page=4" rel="next">Next page</a>' in html
    assert '<a href="/en/search/?q=glpi"><span class="visually-hidden">Page </span>1</a>' in html
    assert (
        '<a href="/en/search/?q=glpi&amp;page=3" aria-current="page">'
        '<span class="visually-hidden">Page </span>3</a>'
    ) in html
    assert '<ol class="hits" start="41">' in html
    first = client.get("/en/search/?q=glpi").text
    assert 'rel="prev"' not in first
    assert 'rel="next"' in first
    last = client.get("/en/search/?q=glpi&page=5").text
    assert 'rel="next"' not in last


@pytest.mark.django_db
def test_one_page_of_results_has_no_pagination(client, fake_search):
    fake_search.respond = lambda params: SearchResults(params=params, count=1, hits=[hit()])
    assert 'class="pagination"' not in client.get("/search/?q=x").text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "parameter"),
    [("kind=company", "kind"), ("page=zero", "page"), ("departement=99", "departement")],
)
def test_a_bad_parameter_is_a_400_page_naming_it(client, fake_search, query, parameter):
    response = client.get(f"/en/search/?q=glpi&{query}")
    assert response.status_code == 400
    assert f"The search parameter “{parameter}” is not valid" in response.text
    assert 'role="alert"' in response.text
    assert 'value="glpi"' in response.text
    assert fake_search.calls == []


@pytest.mark.django_db
def test_an_invalid_search_raised_by_the_engine_is_a_400_too(client, fake_search):
    def refuse(params):
        raise InvalidSearch("category", "no such category")

    fake_search.respond = refuse
    response = client.get("/en/search/?category=inconnue")
    assert response.status_code == 400
    assert "The search parameter “category” is not valid: no such category" in response.text


@pytest.mark.django_db
def test_the_search_page_has_json_ld_and_no_javascript(client, fake_search, facet_results):
    fake_search.respond = facet_results
    html = client.get("/en/search/?q=glpi&page=2").text
    assert html.count("<script") == 1
    data = json_ld(html)
    assert data["@type"] == "SearchResultsPage"
    assert data["mainEntity"]["numberOfItems"] == 95
    assert data["mainEntity"]["itemListElement"][0]["position"] == 21


@pytest.mark.django_db
def test_the_language_switch_keeps_the_search(client, fake_search):
    html = client.get("/en/search/?q=glpi&departement=33").text
    assert 'href="/search/?q=glpi&amp;departement=33" lang="fr"' in html


@pytest.mark.django_db
def test_facet_labels_come_from_the_engine(client, fake_search):
    fake_search.respond = lambda params: SearchResults(
        params=params,
        count=3,
        hits=[hit()],
        facets={"member": [FacetValue("yes", "Cluster members", 3, True)]},
    )
    html = client.get("/en/search/?member=yes").text
    assert "<h3>Cluster membership</h3>" in html
    assert "Cluster membership: <strong>Cluster members</strong>" in html


def test_search_urls_follow_the_language():
    from grappe.web.searching import search_url

    with override("en"):
        assert search_url({"q": "a b"}) == "/en/search/?q=a+b"
    with override("fr"):
        assert search_url({}) == "/search/"


def test_near_and_radius_are_read_kept_in_links_and_shown(client, fake_search):
    def respond(params):
        return SearchResults(
            params=params,
            count=2,
            hits=[hit(distance_km=4.02), hit(n=2, distance_km=16.3)],
            near_label="Bayonne (64)",
        )

    fake_search.respond = respond
    response = client.get("/search/", {"q": "petg", "near": "Bayonne", "radius_km": "30"})
    params = fake_search.calls[-1]
    assert (params.near, params.radius_km) == ("Bayonne", 30.0)
    html = response.text
    assert 'name="near" value="Bayonne"' in html and 'name="radius_km" value="30"' in html
    assert "Bayonne (64)" in html and re.search(r"4,0\skm", html)
    assert "sort=distance" in html  # sorting by distance is offered once a place is given
    bad = client.get("/search/", {"near": "Bayonne", "radius_km": "loin"})
    assert bad.status_code == 400 and "radius_km" in bad.text
