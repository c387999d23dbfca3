"""The API's machine, hosting and place filters and its GeoJSON export, on the real engine."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_petg_question_through_the_api(client, demo):
    body = client.get(
        "/api/search?material=petg&min_z_mm=250&near=Bayonne&radius_km=30&sort=distance&lang=en"
    ).json()
    assert [hit["slug"] for hit in body["results"]] == ["fablab-cote-basque-fdm-grand-format"]
    hit = body["results"][0]
    assert hit["distance_km"] == pytest.approx(4.0, abs=0.5)
    assert (hit["latitude"], hit["longitude"]) == (43.49127, -1.5156)


def test_the_sovereign_filter_through_the_api_with_reasons(client, demo):
    body = client.get("/api/search?q=nextcloud&sovereign=true&lang=en").json()
    assert [hit["slug"] for hit in body["results"]] == ["datacentre-limousin-nextcloud"]
    assert body["results"][0]["sovereign"] is True
    assert body["results"][0]["reasons"][3] == {
        "criterion": "qualification",
        "met": True,
        "text": "SecNumCloud qualification, valid until 2028-01-31",
    }
    assert {v["value"] for v in body["facets"]["sovereign"]} == {"yes"}


def test_search_as_geojson(client, demo):
    response = client.get("/api/search.geojson?q=hébergement&departement=33")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    features = response.json()["features"]
    assert features and all(f["geometry"]["type"] == "Point" for f in features)
    assert all(f["properties"]["departement"] == "33" for f in features)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("min_z_mm=0", "min_z_mm"), ("machine_type=teleporter", "machine_type"), ("epci=12", "epci")],
)
def test_bad_filters_are_400s_naming_them(client, db, query, parameter):
    for path in ("/api/search", "/api/search.geojson"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        assert response.json()["parameter"] == parameter
