"""CSV and JSON downloads of any search, on the real engine and the demo data: what a buyer
opens in a spreadsheet and what a program reads, with every match, not one page."""

import csv
import io

import pytest

from grappe.search.exports import content_disposition, export_filename, results_csv
from grappe.search.query import SearchParams, SearchResults
from tests.web.conftest import hit

pytestmark = pytest.mark.django_db

ENGLISH_HEADER = [
    "Type of entry",
    "Name",
    "Page",
    "Details",
    "Département",
    "Latitude",
    "Longitude",
    "Distance (km)",
    "Cluster member",
    "Example",
    "Sovereign hosting",
]


def read_csv(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "Excel needs the byte order mark"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_a_search_downloads_as_csv_with_every_match(client, demo):
    response = client.get("/en/search/results.csv?q=nextcloud")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="grappe-search-nextcloud.csv"'
    )
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.split(",") == ENGLISH_HEADER
    rows = read_csv(response.content)
    page = client.get("/en/search/?q=nextcloud").text
    assert f'<h2 id="results-title">{len(rows)} results</h2>' in page
    software = next(row for row in rows if row["Name"] == "Nextcloud")
    assert software["Type of entry"] == "Software"
    assert software["Page"] == "http://testserver/en/software/nextcloud/"
    assert (software["Latitude"], software["Cluster member"]) == ("", "no")


def test_csv_rows_carry_places_distances_and_the_sovereign_verdict(client, demo):
    content = client.get(
        "/en/search/results.csv?q=nextcloud&sovereign=yes&near=Limoges&sort=distance"
    ).content
    [row] = read_csv(content)
    assert row["Name"] == "Nextcloud de confiance"
    assert row["Details"] == "Managed application hosting · Datacentre du Limousin (exemple)"
    assert row["Sovereign hosting"] == "yes"
    assert row["Example"] == "yes"
    assert row["Département"] == "87"
    assert 45 < float(row["Latitude"]) < 46.5 and 0.5 < float(row["Longitude"]) < 2
    assert float(row["Distance (km)"]) < 30


def test_the_csv_speaks_french_on_the_french_site(client, demo):
    content = client.get("/search/results.csv?q=glpi&kind=software").content
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Type de fiche,Nom,")
    row = next(row for row in read_csv(content) if row["Nom"] == "GLPI")
    assert row["Type de fiche"] == "Logiciel"
    assert row["Page"] == "http://testserver/software/glpi/"


def test_exports_hold_more_than_a_page(client, demo):
    """The page shows 20; the exports hold every match, in the same order."""
    page = client.get("/en/search/?sort=name").text
    rows = read_csv(client.get("/en/search/results.csv?sort=name&page=3").content)
    body = client.get("/en/search/results.json?sort=name").json()
    assert len(rows) == body["count"] == len(body["results"]) > 20
    assert f'<h2 id="results-title">{body["count"]} results</h2>' in page
    assert [row["Name"] for row in rows] == [result["name"] for result in body["results"]]


def test_a_search_downloads_as_json_with_the_api_hit_fields(client, demo):
    response = client.get("/en/search/results.json?q=nextcloud&sovereign=yes")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert 'filename="grappe-search-nextcloud.json"' in response["Content-Disposition"]
    body = response.json()
    assert body["count"] == 1
    [result] = body["results"]
    api_hit = client.get("/api/search?q=nextcloud&sovereign=true&lang=en").json()["results"][0]
    assert set(result) == set(api_hit)
    assert result["url"] == "http://testserver" + api_hit["url"]
    assert {k: v for k, v in result.items() if k != "url"} == {
        k: v for k, v in api_hit.items() if k != "url"
    }
    assert result["sovereign"] is True and result["reasons"][3]["criterion"] == "qualification"


def test_a_bad_parameter_is_a_400_naming_it(client, db):
    for path in ("/en/search/results.csv", "/en/search/results.json"):
        response = client.get(f"{path}?sort=price")
        assert response.status_code == 400
        assert response.json()["parameter"] == "sort"


def test_the_results_link_to_their_downloads(client, demo):
    html = client.get("/en/search/?q=glpi&page=1").text
    assert '<a href="/en/search/results.geojson?q=glpi" download>Download as GeoJSON</a>' in html
    assert '<a href="/en/search/results.csv?q=glpi" download>Download as CSV</a>' in html
    assert '<a href="/en/search/results.json?q=glpi" download>Download as JSON</a>' in html
    on_map = client.get("/en/map/?q=glpi").text
    assert '<a href="/en/search/results.csv?q=glpi" download>Download as CSV</a>' in on_map


# The pure part: no database


def test_csv_cells_that_look_like_formulas_or_hold_commas_stay_one_cell():
    results = SearchResults(
        params=SearchParams(q="été, 2024"),
        count=1,
        hits=[
            hit(name='Dupont, "Fils" & Cie', subtitle="Company · Pessac\nGironde"),
            hit(n=2, name='=HYPERLINK("http://evil.example","Click")', subtitle="@SUM(A1)"),
        ],
    )
    content = results_csv(results, lambda path: f"https://grappe.example.org{path}")
    row, formula = read_csv(content)
    assert row["Name"] == 'Dupont, "Fils" & Cie'
    assert formula["Name"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert formula["Details"] == "'@SUM(A1)"
    assert row["Details"] == "Company · Pessac\nGironde"
    assert row["Page"] == "https://grappe.example.org/organisations/entry-1/"
    assert export_filename(results, "csv") == "grappe-search-été-2024.csv"
    assert content_disposition("grappe-search-été.csv") == (
        'attachment; filename="grappe-search-_t_.csv"; '
        "filename*=UTF-8''grappe-search-%C3%A9t%C3%A9.csv"
    )
