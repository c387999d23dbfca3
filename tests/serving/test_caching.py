"""The anonymous page cache: served from the cache the second time, never stale after an edit,
never for a logged-in person, never a page holding a CSRF token."""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import path

from grappe.directory.models import Organisation
from grappe.search.indexing import flush, mark
from grappe.serving import caching
from grappe.urls import urlpatterns as grappe_urlpatterns
from tests.factories import OrganisationFactory, UserFactory


def form_with_token(request):
    return HttpResponse(
        f'<form method="post"><input name="csrfmiddlewaretoken" value="{get_token(request)}">'
        "</form>"
    )


def adds_a_message(request):
    from django.contrib import messages

    messages.info(request, "Bonjour")
    return HttpResponse("<p>page</p>")


# This module is also the URLconf of the tests marked with it: Grappe's, plus test pages.
urlpatterns = [
    path("test/form-with-token/", form_with_token),
    path("test/adds-a-message/", adds_a_message),
    *grappe_urlpatterns,
]
with_test_pages = pytest.mark.urls(__name__)


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Nuage Charentais", slug="nuage-charentais")


PAGE = "/organisations/nuage-charentais/"


def test_the_second_anonymous_request_is_served_from_the_cache_without_a_query(
    page_cache, client, organisation, django_assert_num_queries
):
    first = client.get(PAGE)
    assert first.status_code == 200
    assert first["X-Grappe-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(PAGE)
    assert second.status_code == 200
    assert second["X-Grappe-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    # The middleware around the cache runs on a cached page too.
    assert second["X-Frame-Options"] == "DENY"
    assert second["Content-Language"] == "fr"


def test_an_edit_shows_at_once(
    page_cache, client, organisation, django_capture_on_commit_callbacks
):
    assert b"Nuage Charentais" in client.get(PAGE).content
    assert client.get(PAGE)["X-Grappe-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        organisation.name = "Nuage Charentais et Poitevin"
        organisation.save()
    response = client.get(PAGE)
    assert response["X-Grappe-Cache"] == "miss"
    assert b"Nuage Charentais et Poitevin" in response.content


def test_a_delete_shows_at_once(
    page_cache, client, organisation, django_capture_on_commit_callbacks
):
    assert client.get(PAGE).status_code == 200
    assert client.get(PAGE)["X-Grappe-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        Organisation.objects.filter(pk=organisation.pk).delete()
    assert client.get(PAGE).status_code == 404


def test_pages_are_invalidated_once_when_the_transaction_commits(
    page_cache, organisation, django_capture_on_commit_callbacks
):
    """Not before: another process could render the old data meanwhile and keep it."""
    before = caching.generation()
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(3):
            organisation.name = f"Autre nom {number}"
            organisation.save()
            OrganisationFactory()
        assert caching.generation() == before
        pending = [hook for _ids, hook, _robust in connection.run_on_commit]
        assert pending.count(caching.bump) == 1
    assert caching.generation() != before


def test_writing_the_search_index_invalidates(page_cache, organisation):
    """Bulk imports write without signals, but always reindex what they wrote."""
    before = caching.generation()
    mark("organisation", [organisation.pk])
    flush()
    assert caching.generation() != before


def test_a_logged_in_person_never_gets_a_cached_page(page_cache, client, organisation):
    client.get(PAGE)
    assert client.get(PAGE)["X-Grappe-Cache"] == "hit"
    member = Client()
    member.force_login(UserFactory())
    for _ in range(2):
        response = member.get(PAGE)
        assert response.status_code == 200
        assert "X-Grappe-Cache" not in response


@with_test_pages
def test_a_page_holding_a_csrf_token_is_never_cached(page_cache, client):
    for _ in range(2):
        response = client.get("/test/form-with-token/")
        assert response.status_code == 200
        assert "X-Grappe-Cache" not in response
        assert "csrftoken" in response.cookies


@with_test_pages
def test_a_page_that_adds_a_message_is_never_cached_nor_one_that_shows_one(page_cache, client, db):
    for _ in range(2):
        assert "X-Grappe-Cache" not in client.get("/test/adds-a-message/")
    client.cookies["messages"] = "a message is waiting"
    for _ in range(2):
        assert "X-Grappe-Cache" not in client.get("/")


def test_each_language_has_its_own_entry(page_cache, client, organisation):
    client.get(PAGE)
    english = client.get("/en" + PAGE)
    assert english["X-Grappe-Cache"] == "miss"
    assert english["Content-Language"] == "en"
    assert client.get("/en" + PAGE)["X-Grappe-Cache"] == "hit"
    assert client.get(PAGE)["Content-Language"] == "fr"


def test_the_api_is_cached_per_requested_language(page_cache, client, demo):
    french = client.get("/api/search?q=nextcloud")
    english = client.get("/api/search?q=nextcloud", headers={"Accept-Language": "en"})
    assert (french["X-Grappe-Cache"], english["X-Grappe-Cache"]) == ("miss", "miss")
    assert (french["Content-Language"], english["Content-Language"]) == ("fr", "en")
    again = client.get("/api/search?q=nextcloud", headers={"Accept-Language": "en"})
    assert again["X-Grappe-Cache"] == "hit"
    assert again["Content-Language"] == "en"
    assert again.content == english.content


def test_the_query_string_is_part_of_the_address(page_cache, client, demo):
    assert client.get("/search/?q=nextcloud")["X-Grappe-Cache"] == "miss"
    assert client.get("/search/?q=glpi")["X-Grappe-Cache"] == "miss"
    assert client.get("/search/?q=nextcloud")["X-Grappe-Cache"] == "hit"


@pytest.mark.parametrize(
    "address",
    ["/admin/login/", "/en/admin/login/", "/federation/feed", "/healthz", "/healthz/live"],
)
def test_the_back_office_the_federation_feed_and_the_probes_are_never_cached(
    page_cache, client, db, address
):
    for _ in range(2):
        assert "X-Grappe-Cache" not in client.get(address)


def test_only_answers_to_get_are_cached(page_cache, client, organisation):
    assert "X-Grappe-Cache" not in client.post("/api/tenders", {})
    assert "X-Grappe-Cache" not in client.head(PAGE)
    assert "X-Grappe-Cache" not in client.get(PAGE, headers={"Authorization": "Basic eDp5"})


def test_errors_are_not_cached(page_cache, client, db):
    for _ in range(2):
        response = client.get("/organisations/nobody/")
        assert response.status_code == 404
        assert "X-Grappe-Cache" not in response


def test_a_cache_that_fails_serves_the_page_uncached(page_cache, client, organisation, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    page_cache.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(blocked),
        }
    }
    response = client.get(PAGE)
    assert response.status_code == 200
    assert b"Nuage Charentais" in response.content
    assert "X-Grappe-Cache" not in response


def test_no_cache_when_switched_off(settings, client, organisation):
    settings.GRAPPE_PAGE_CACHE = False
    for _ in range(2):
        assert "X-Grappe-Cache" not in client.get(PAGE)
