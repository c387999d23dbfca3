"""Whatever a client sends, the API answers JSON it can act on: 400 naming the parameter, 404,
405; never a 500 nor an HTML page."""

from urllib.parse import quote

import pytest

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LISTS = (
    "/api/search",
    "/api/organisations",
    "/api/software",
    "/api/offerings",
    "/api/people",
    "/api/events",
)
GARBAGE = (
    "page=-1",
    "page=0",
    "page=1e3",
    "page=%20",
    "page=99999999999999999999999999",
    "page=1&page=-5",
    "page_size=1000",
    "page_size=-3",
    "page_size=NaN",
    "member=maybe",
    "member=2",
    "sort=foo",
    "kind=alien",
    "kind=%00",
    "role=%F0%9F%9A%80",
    "departement=%3Cscript%3E",
    "departement=" + "3" * 5000,
    "category=..%2F..%2Fetc%2Fpasswd",
    "licence=%27%20OR%201%3D1%20--",
    "licence=" + "A" * 5000,
    "organisation=%E2%80%AE",
    "software=%00",
    "certification=%25%25",
    "from=0000-00-00",
    "from=9999-99-99",
    "from=%00",
    "lang=%00",
    "lang=" + "x" * 5000,
    "q=" + "a" * 20_000,
    "q=%00%01%02",
    "q=%C3%A9conomie%20%F0%9F%9A%80%20%E6%97%A5%E6%9C%AC",
    "q=%FF%FE",  # not UTF-8
    "q=" + quote('"NEAR( * AND OR'),
    "unknown=1",
    "%00=1",
)


@pytest.fixture(autouse=True)
def fake(fake_search):
    """The search endpoint answers with the stand-in service: this file is about the API."""
    return fake_search


@pytest.mark.parametrize("address", LISTS)
@pytest.mark.parametrize("query", GARBAGE)
def test_garbage_never_makes_a_500(client, address, query):
    OrganisationFactory(name="Une", postcode="33000")
    response = client.get(f"{address}?{query}")
    assert response.status_code in (200, 400), response.content[:300]
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    if response.status_code == 400:
        assert set(body) == {"detail", "parameter"}
        assert body["parameter"] and body["detail"].startswith(body["parameter"] + ": ")
        assert body["parameter"] in query
    else:
        assert set(body) >= {"count", "page", "page_size", "results"}


@pytest.mark.parametrize(
    "address",
    [
        "/api/organisations/%00",
        "/api/organisations/" + "x" * 5000,
        "/api/software/%E6%97%A5%E6%9C%AC",
        "/api/offerings/..%2F..",
        "/api/people/%FF",
        "/api/events/%20",
        "/api/events/a%0Ab",
    ],
)
def test_odd_slugs_are_404s(client, address):
    response = client.get(address)
    assert response.status_code == 404
    assert list(response.json()) == ["detail"]


@pytest.mark.parametrize(
    ("address", "detail"),
    [
        ("/api/nothing", "No API endpoint at /api/nothing."),
        (
            "/api/organisations/",
            "No API endpoint at /api/organisations/. API paths have no trailing slash.",
        ),
        ("/api/organisations/a/b", "No API endpoint at /api/organisations/a/b."),
    ],
)
def test_unknown_addresses_are_json_404s(client, address, detail):
    response = client.get(address)
    assert response.status_code == 404
    assert response.json() == {"detail": detail}


def test_the_root_points_to_the_openapi_document(client):
    response = client.get("/api/")
    assert response.json() == {"name": "Grappe API", "version": "1", "openapi": "/api/openapi.json"}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_reading_paths_answer_no_write(client, method):
    OrganisationFactory(slug="alpha")
    addresses = ["/api/organisations", "/api/search"]
    if method != "patch":  # PATCH changes a profile: tests/api/test_profiles_write.py
        addresses.append("/api/organisations/alpha")
    for address in addresses:
        response = getattr(client, method)(address, data={}, content_type="application/json")
        assert response.status_code == 405, (method, address)


def test_a_bad_parameter_on_a_detail_is_a_400_too(client):
    OrganisationFactory(slug="alpha")
    response = client.get("/api/organisations/alpha?lang=de")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "lang: Input should be 'fr' or 'en'",
        "parameter": "lang",
    }
