"""/api/search: parameters passed to grappe.search.service, its answer delivered as JSON.

Most tests swap the service for a fake (fake_search), so that they pin the API's side of the
contract in grappe/search/query.py. The tests marked `search_service` run the real service
end to end, on an index built by `grappe reindex`.
"""

import pytest
from django.core.management import call_command
from django.utils.safestring import mark_safe

from grappe.directory import models as m
from grappe.search.query import (
    FacetValue,
    Hit,
    InvalidSearch,
    SearchParams,
    SearchResults,
)
from tests.factories import OfferingFactory, OrganisationFactory, SoftwareFactory

pytestmark = pytest.mark.django_db


def test_every_parameter_reaches_the_service(client, fake_search):
    response = client.get(
        "/api/search?q=nextcloud&kind=offering&organisation_kind=hosting&offering_kind=hosting"
        "&departement=2a&category=cloud&licence=AGPL-3.0-or-later&certification=hds"
        "&member=true&sort=name&page=2&page_size=5&lang=en"
    )
    assert response.status_code == 200
    assert fake_search.calls == [
        SearchParams(
            q="nextcloud",
            kind="offering",
            organisation_kind="hosting",
            offering_kind="hosting",
            category="cloud",
            departement="2A",
            licence="AGPL-3.0-or-later",
            certification="hds",
            member=True,
            sort="name",
            page=2,
            page_size=5,
            language="en",
        )
    ]


def test_without_parameters_the_service_gets_the_defaults(client, fake_search):
    assert client.get("/api/search").status_code == 200
    assert fake_search.calls == [SearchParams()]


def test_empty_parameters_are_unset_and_member_false_is_kept(client, fake_search):
    client.get("/api/search?q=&kind=&departement=&member=false")
    assert fake_search.calls == [SearchParams(member=False)]


def test_the_language_comes_from_accept_language_when_lang_is_absent(client, fake_search):
    client.get("/api/search?q=cloud", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9,fr;q=0.5")
    client.get("/api/search?q=cloud&lang=fr", HTTP_ACCEPT_LANGUAGE="en")
    client.get("/api/search?q=cloud", HTTP_ACCEPT_LANGUAGE="de,it")
    assert [params.language for params in fake_search.calls] == ["en", "fr", "fr"]


def hit(**changes) -> Hit:
    values = {
        "kind": "organisation",
        "id": 7,
        "slug": "ekylibre",
        "name": "Ekylibre",
        "url": "/organisations/ekylibre/",
        "score": 12.5,
        "snippet": "Logiciel de gestion agricole",
        "snippet_html": mark_safe("Logiciel de gestion <mark>agricole</mark>"),
        "subtitle": "Entreprise · Pessac",
        "is_example": False,
        "is_member": True,
        "departement": "33",
    }
    return Hit(**(values | changes))


def test_the_answer_is_the_services_results_as_json(client, fake_search):
    fake_search.respond = lambda params: SearchResults(
        params=params,
        count=41,
        hits=[hit(), hit(kind="software", id=3, slug="glpi", name="GLPI", is_member=False)],
        facets={
            "kind": [
                FacetValue(value="organisation", label="Organisations", count=40, selected=False),
                FacetValue(value="software", label="Logiciels", count=1, selected=False),
            ],
            "member": [FacetValue(value="yes", label="Membres", count=12, selected=True)],
        },
        corrections={"agricol": "agricole"},
    )
    response = client.get("/api/search?q=agricol&member=yes&page=3&page_size=2")
    assert response.status_code == 200
    assert response.json() == {
        "count": 41,
        "page": 3,
        "page_size": 2,
        "results": [
            {
                "id": 7,
                "kind": "organisation",
                "slug": "ekylibre",
                "name": "Ekylibre",
                "url": "/organisations/ekylibre/",
                "score": 12.5,
                "snippet": "Logiciel de gestion agricole",
                "subtitle": "Entreprise · Pessac",
                "is_example": False,
                "is_member": True,
                "departement": "33",
                "distance_km": None,
                "latitude": None,
                "longitude": None,
                "sovereign": None,
                "reasons": [],
            },
            {
                "id": 3,
                "kind": "software",
                "slug": "glpi",
                "name": "GLPI",
                "url": "/organisations/ekylibre/",
                "score": 12.5,
                "snippet": "Logiciel de gestion agricole",
                "subtitle": "Entreprise · Pessac",
                "is_example": False,
                "is_member": False,
                "departement": "33",
                "distance_km": None,
                "latitude": None,
                "longitude": None,
                "sovereign": None,
                "reasons": [],
            },
        ],
        "facets": {
            "kind": [
                {"value": "organisation", "label": "Organisations", "count": 40, "selected": False},
                {"value": "software", "label": "Logiciels", "count": 1, "selected": False},
            ],
            "member": [{"value": "yes", "label": "Membres", "count": 12, "selected": True}],
        },
        "corrections": {"agricol": "agricole"},
        "facets_approximate": False,
        "near": "",
    }


def test_page_and_page_size_are_those_the_service_answered_for(client, fake_search):
    fake_search.respond = lambda params: SearchResults(
        params=params.with_(page=1), count=0, hits=[]
    )
    body = client.get("/api/search?page=5").json()
    assert (body["page"], body["page_size"], body["results"]) == (1, 20, [])


def test_a_parameter_the_service_refuses_is_a_400_naming_it(client, fake_search):
    def refuse(params: SearchParams) -> SearchResults:
        raise InvalidSearch("category", "no category has the slug “nulle”")

    fake_search.respond = refuse
    response = client.get("/api/search?category=nulle")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "category: no category has the slug “nulle”",
        "parameter": "category",
    }


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("kind=alien", "kind"),
        ("organisation_kind=bakery", "organisation_kind"),
        ("offering_kind=pizza", "offering_kind"),
        ("departement=100", "departement"),
        ("category=a%20b", "category"),
        ("licence=GPL%20v3", "licence"),
        ("certification=%3Cscript%3E", "certification"),
        ("member=maybe", "member"),
        ("sort=foo", "sort"),
        ("page=-1", "page"),
        ("page=0", "page"),
        ("page=10001", "page"),
        ("page=99999999999999999999999", "page"),
        ("page=1.5", "page"),
        ("page_size=0", "page_size"),
        ("page_size=1000", "page_size"),
        ("lang=xx", "lang"),
        ("q=nul%00byte", "q"),
        ("q=bell%07", "q"),
    ],
)
def test_bad_parameters_are_400s_naming_them_before_the_service_runs(
    client, fake_search, query, parameter
):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    assert fake_search.calls == []


def test_with_several_bad_parameters_the_first_is_named(client, fake_search):
    response = client.get("/api/search?page=-1&page_size=1000&member=maybe&sort=foo&kind=alien")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "page: Input should be greater than or equal to 1",
        "parameter": "page",
    }


def test_unicode_queries_reach_the_service_unchanged(client, fake_search):
    query = "économie sociale 🚀 日本語 \u202e ﷽"
    assert client.get("/api/search", {"q": query}).status_code == 200
    assert fake_search.calls[0].q == query


# End to end, with the real search service ----------------------------------------------------


@pytest.fixture
def indexed(db) -> dict[str, object]:
    """A few entries, indexed by the public command, so that search finds them."""
    entries = {
        "ekylibre": OrganisationFactory(
            name="Ekylibre",
            slug="ekylibre",
            postcode="33600",
            commune_name="Pessac",
            membership_status=m.MembershipStatus.MEMBER,
            description_fr="Logiciel de gestion agricole.",
            is_example=False,
        ),
        "zeta": OrganisationFactory(name="Zeta agricole", slug="zeta", postcode="64000"),
        "glpi": SoftwareFactory(name="GLPI", slug="glpi", licence="GPL-3.0-or-later"),
    }
    OfferingFactory(organisation=entries["ekylibre"], title="Support GLPI", slug="support-glpi")
    call_command("reindex", verbosity=0)
    return entries


@pytest.mark.search_service
def test_real_search_finds_an_organisation_by_name(client, indexed):
    response = client.get("/api/search?q=ekylibre&kind=organisation")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] >= 1
    first = body["results"][0]
    assert {key: first[key] for key in ("id", "kind", "slug", "name", "url")} == {
        "id": indexed["ekylibre"].pk,
        "kind": "organisation",
        "slug": "ekylibre",
        "name": "Ekylibre",
        "url": "/organisations/ekylibre/",
    }
    assert (first["is_member"], first["departement"], first["is_example"]) == (True, "33", False)
    assert isinstance(first["score"], float)
    assert "kind" in body["facets"]


@pytest.mark.search_service
def test_real_search_in_english_gives_english_addresses(client, indexed):
    body = client.get("/api/search?q=glpi&kind=software&lang=en").json()
    assert [hit["url"] for hit in body["results"]] == ["/en/software/glpi/"]


@pytest.mark.search_service
def test_real_search_filters_members_and_sorts_by_name(client, indexed):
    members = client.get("/api/search?kind=organisation&member=true").json()
    assert [hit["slug"] for hit in members["results"]] == ["ekylibre"]
    by_name = client.get("/api/search?kind=organisation&sort=name").json()
    assert [hit["slug"] for hit in by_name["results"]] == ["ekylibre", "zeta"]


@pytest.mark.search_service
def test_real_search_refusals_are_400s_naming_the_parameter(client, indexed):
    response = client.get("/api/search", {"q": "mot " * 1000})
    assert response.status_code == 400
    assert response.json()["parameter"] == "q"


@pytest.mark.search_service
@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"unbalanced',
        "*",
        "a*",
        "-",
        "NOT",
        "AND OR NOT",
        "NEAR(a b)",
        "col:value",
        "^start",
        "{a b}",
        "(",
        ")",
        "'; DROP TABLE x; --",
        "%",
        "_",
        "\\",
        "économie 🚀 日本語",
        "a" * 500,
        " ".join(["mot"] * 200),
    ],
)
def test_real_search_never_fails_on_odd_queries(client, indexed, query):
    response = client.get("/api/search", {"q": query})
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert set(response.json()) == {"detail", "parameter"}


@pytest.mark.django_db
def test_near_and_radius_reach_the_service_and_bad_ones_name_themselves(client, fake_search):
    client.get("/api/search", {"q": "petg", "near": "Bayonne", "radius_km": "30"})
    assert (fake_search.calls[-1].near, fake_search.calls[-1].radius_km) == ("Bayonne", 30.0)
    response = client.get("/api/search", {"near": "Bayonne", "radius_km": "-3"})
    assert response.status_code == 400
    assert response.json()["parameter"] == "radius_km"
