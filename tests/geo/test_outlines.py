"""Département outlines: simplified on import to a size a browser can take, still true."""

import json

import pytest
from shapely.geometry import Point, shape

from grappe.geo.models import Departement
from grappe.geo.outlines import TOLERANCE, OutlineError, outlines_geojson, simplify_outline
from grappe.interop.formats import get_importer
from grappe.interop.formats.communes import parse as parse_communes
from tests.conftest import shared_data

DEPARTEMENTS = "geo/france-geojson-na/departements-nouvelle-aquitaine.geojson"
# The prefecture of each département of Nouvelle-Aquitaine, by INSEE code.
PREFECTURES = {
    "16": "16015",  # Angoulême
    "17": "17300",  # La Rochelle
    "19": "19272",  # Tulle
    "23": "23096",  # Guéret
    "24": "24322",  # Périgueux
    "33": "33063",  # Bordeaux
    "40": "40192",  # Mont-de-Marsan
    "47": "47001",  # Agen
    "64": "64445",  # Pau
    "79": "79191",  # Niort
    "86": "86194",  # Poitiers
    "87": "87085",  # Limoges
}
BUDGET = 60 * 1000  # bytes of JSON for the 12 outlines, sent to browsers with the map


@pytest.fixture
def outlines(db) -> dict:
    report = get_importer("departements").run(shared_data(DEPARTEMENTS))
    assert report.ok and report.committed, report.as_text()
    return outlines_geojson()


def test_the_twelve_outlines_fit_the_budget(outlines):
    assert [f["properties"] for f in outlines["features"]][:1] == [
        {"code": "16", "name": "Charente"}
    ]
    assert [f["properties"]["code"] for f in outlines["features"]] == list(PREFECTURES)
    size = len(json.dumps(outlines, separators=(",", ":")))
    published = len(shared_data(DEPARTEMENTS).read_bytes())
    assert size <= BUDGET
    assert size < published / 8  # 465 KB as published


def test_outlines_stay_valid_polygons_around_their_prefecture(outlines):
    communes = parse_communes(
        shared_data("geo/communes-nouvelle-aquitaine-centroides.csv").read_bytes()
    )
    centroids = {c.insee_code: (c.longitude, c.latitude) for c in communes.communes}
    shapes = {f["properties"]["code"]: shape(f["geometry"]) for f in outlines["features"]}
    for code, polygon in shapes.items():
        assert polygon.geom_type in ("Polygon", "MultiPolygon")
        assert polygon.is_valid, code
        prefecture = Point(*map(float, centroids[PREFECTURES[code]]))
        assert polygon.contains(prefecture), code
        others = [other for other, p in shapes.items() if other != code and p.contains(prefecture)]
        assert others == [], code
    assert shapes["33"].contains(Point(-0.574, 44.857))  # Bordeaux


def test_coordinates_are_rounded_to_four_decimals(outlines):
    gironde = json.loads(Departement.objects.get(code="33").outline)
    assert gironde["type"] == "MultiPolygon"  # the mainland and the islands of the estuary
    points = [point for polygon in gironde["coordinates"] for ring in polygon for point in ring]
    assert all(round(value, 4) == value for point in points for value in point)


def test_simplification_keeps_the_shape_of_a_departement():
    feature = json.loads(shared_data(DEPARTEMENTS).read_bytes())["features"][8]
    assert feature["properties"]["nom"] == "Pyrénées-Atlantiques"
    original = shape(feature["geometry"])
    simplified = shape(simplify_outline(feature["geometry"]))
    assert simplified.is_valid
    assert abs(simplified.area - original.area) / original.area < 0.01
    assert original.hausdorff_distance(simplified) <= 2 * TOLERANCE
    assert len(simplified.exterior.coords) < len(original.exterior.coords) / 5


def test_a_tiny_island_survives_and_what_is_not_an_outline_is_refused():
    islet = {
        "type": "Polygon",
        "coordinates": [[[0, 45], [0.001, 45], [0.001, 45.001], [0, 45.001], [0, 45]]],
    }
    assert simplify_outline(islet)["type"] == "Polygon"
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    assert shape(simplify_outline(bow_tie)).is_valid  # a ring crossing itself is repaired
    with pytest.raises(OutlineError, match="expected a Polygon or MultiPolygon"):
        simplify_outline({"type": "Point", "coordinates": [0, 45]})
    with pytest.raises(OutlineError, match="unreadable coordinates"):
        simplify_outline({"type": "Polygon", "coordinates": [[["a", "b"]]]})


def test_no_departement_means_an_empty_map(db):
    assert outlines_geojson() == {"type": "FeatureCollection", "features": []}
