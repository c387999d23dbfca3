"""Atom feeds of new and updated entries: all, per kind, per département, per category; found
from the home page and from the search page of the same filter."""

import xml.etree.ElementTree as ET
from datetime import datetime

import pytest

from grappe.directory.models import Software
from grappe.search.indexing import flush

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def read_feed(client, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)


def entries(feed: ET.Element) -> list[dict[str, str]]:
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "updated": entry.findtext(f"{ATOM}updated"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "categories": [c.get("term") for c in entry.findall(f"{ATOM}category")],
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def newest_search_urls(client, query: str) -> list[str]:
    """The pages the search lists for this filter, newest first, people left out (they have no
    feed)."""
    body = client.get(f"/en/search/results.json?{query}&sort=newest").json()
    return [hit["url"] for hit in body["results"] if hit["kind"] != "person"]


def test_the_feed_of_all_entries_holds_the_fifty_changed_last(client, demo):
    feed = read_feed(client, "/en/feeds/")
    assert feed.findtext(f"{ATOM}title") == (
        "New and updated entries · Nouvelle-Aquitaine Open Source"
    )
    items = entries(feed)
    assert len(items) == 50
    dates = [datetime.fromisoformat(item["updated"]) for item in items]
    assert dates == sorted(dates, reverse=True)
    assert feed.findtext(f"{ATOM}updated") == items[0]["updated"]
    kinds = {item["link"].split("/")[4] for item in items}
    assert kinds <= {"organisations", "software", "offerings", "events"}
    assert all(item["link"].startswith("http://testserver/en/") for item in items)


def test_a_changed_entry_comes_first(client, demo):
    glpi = Software.objects.get(slug="glpi")
    glpi.description_en = "IT asset management and service desk, now with a new inventory."
    glpi.save()
    flush()  # the reindexing a commit would run
    [first, *_rest] = entries(read_feed(client, "/en/feeds/"))
    assert first["title"] == "GLPI"
    assert first["link"] == "http://testserver/en/software/glpi/"
    assert first["summary"] == (
        "<p>IT asset management and service desk, now with a new inventory.</p>"
    )
    assert first["categories"] == ["Software"]
    assert datetime.fromisoformat(first["updated"]) == glpi.updated_at


def test_summaries_and_links_follow_the_feeds_language(client, demo):
    french = entries(read_feed(client, "/feeds/kind/software/"))
    english = entries(read_feed(client, "/en/feeds/kind/software/"))
    glpi_fr = next(item for item in french if item["title"] == "GLPI")
    glpi_en = next(item for item in english if item["title"] == "GLPI")
    assert glpi_fr["link"] == "http://testserver/software/glpi/"
    assert glpi_fr["categories"] == ["Logiciel"]
    assert glpi_fr["summary"] != glpi_en["summary"]
    assert "parc" in glpi_fr["summary"].lower()


@pytest.mark.parametrize(
    ("path", "query", "title"),
    [
        ("/en/feeds/kind/event/", "kind=event", "New and updated events"),
        ("/en/feeds/kind/organisation/", "kind=organisation", "New and updated organisations"),
        ("/en/feeds/departement/64/", "departement=64", "New and updated entries in 64 – "),
        (
            "/en/feeds/category/gestion-de-parc/",
            "category=gestion-de-parc",
            "New and updated entries in the category IT asset management",
        ),
    ],
)
def test_a_filtered_feed_holds_what_the_search_page_shows(client, demo, path, query, title):
    feed = read_feed(client, path)
    assert feed.findtext(f"{ATOM}title").startswith(title)
    alternate = feed.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert alternate == f"http://testserver/en/search/?{query}"
    links = [item["link"] for item in entries(feed)]
    assert links and links == newest_search_urls(client, query)[:50]


def test_unknown_selections_are_404s(client, demo):
    for path in (
        "/en/feeds/kind/person/",
        "/en/feeds/kind/nothing/",
        "/en/feeds/departement/99/",
        "/en/feeds/category/no-such-category/",
    ):
        assert client.get(path).status_code == 404, path


def test_the_search_page_announces_the_feeds_of_its_filters(client, demo):
    html = client.get("/en/search/?q=glpi&kind=software&departement=33").text
    head = html.split("</head>")[0]
    assert (
        '<link rel="alternate" type="application/atom+xml" title="New and updated software · '
        'Nouvelle-Aquitaine Open Source" href="/en/feeds/kind/software/">' in head
    )
    assert 'href="/en/feeds/departement/33/"' in head
    category = client.get("/en/search/?category=gestion-de-parc").text.split("</head>")[0]
    assert 'href="/en/feeds/category/gestion-de-parc/"' in category
    assert "application/atom+xml" not in client.get("/en/search/?q=glpi").text
    assert "application/atom+xml" not in client.get("/en/search/?kind=person").text


def test_the_home_page_offers_every_feed_and_the_calendar(client, demo):
    html = client.get("/en/").text
    assert (
        '<link rel="alternate" type="application/atom+xml" title="New and updated entries · '
        'Nouvelle-Aquitaine Open Source" href="/en/feeds/">' in html
    )
    for path in ("/en/feeds/", "/en/feeds/kind/organisation/", "/en/feeds/kind/event/"):
        assert f'<a href="{path}" type="application/atom+xml">' in html
    assert '<a href="/en/events.ics" type="text/calendar">' in html
    assert 'href="/feeds/"' in client.get("/").text
