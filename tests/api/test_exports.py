"""/api/search.csv and /api/search.json: every result of an API search as a download, with the
same parameters and refusals as /api/search."""

import csv
import io

import pytest

pytestmark = pytest.mark.django_db


def test_search_as_json_holds_every_match_with_the_search_hit_fields(client, demo):
    response = client.get("/api/search.json?q=hébergement&departement=33&lang=en")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Language"] == "en"
    assert (
        'attachment; filename="grappe-search-h_bergement.json"' in (response["Content-Disposition"])
    )
    body = response.json()
    page = client.get("/api/search?q=hébergement&departement=33&lang=en&page_size=100").json()
    assert body["count"] == page["count"] == len(body["results"])
    assert [r["slug"] for r in body["results"]] == [r["slug"] for r in page["results"]]
    assert set(body["results"][0]) == set(page["results"][0])
    assert all(r["url"].startswith("http://testserver/en/") for r in body["results"])


def test_search_as_csv_in_the_requested_language(client, demo):
    response = client.get("/api/search.csv?q=glpi&kind=software&lang=en")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Type of entry", "Name", "Page"]
    assert ["Software", "GLPI", "http://testserver/en/software/glpi/"] in [r[:3] for r in rows]
    french = client.get("/api/search.csv?q=glpi&kind=software").content.decode("utf-8-sig")
    assert french.startswith("Type de fiche,Nom,Page,Détails,")
    assert "Logiciel,GLPI,http://testserver/software/glpi/" in french


def test_the_page_parameters_do_not_cut_a_download(client, demo):
    everything = client.get("/api/search.json?page_size=5&page=2").json()
    assert everything["count"] == len(everything["results"]) > 5


@pytest.mark.parametrize("path", ["/api/search.csv", "/api/search.json"])
@pytest.mark.parametrize(
    ("query", "parameter"),
    [("sort=price", "sort"), ("min_z_mm=0", "min_z_mm"), ("radius_km=5", "radius_km")],
)
def test_bad_parameters_are_400s_naming_them(client, db, path, query, parameter):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


def test_the_openapi_document_describes_both_downloads(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    csv_operation = paths["/api/search.csv"]["get"]
    json_operation = paths["/api/search.json"]["get"]
    assert (csv_operation["operationId"], json_operation["operationId"]) == (
        "search_csv",
        "search_json",
    )
    assert "text/csv" in csv_operation["responses"]["200"]["content"]
    assert {p["name"] for p in csv_operation["parameters"]} == {
        p["name"] for p in paths["/api/search"]["get"]["parameters"]
    }
    schema = json_operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/SearchExportOut")
