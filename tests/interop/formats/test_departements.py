"""The départements GeoJSON parser alone, on the real file and on small broken ones."""

import json

import pytest

from grappe.interop.formats.departements import DepartementsDocument, parse
from tests.conftest import shared_data

SQUARE = {"type": "Polygon", "coordinates": [[[0, 45], [1, 45], [1, 46], [0, 46], [0, 45]]]}


@pytest.fixture(scope="module")
def real() -> DepartementsDocument:
    path = shared_data("geo/france-geojson-na/departements-nouvelle-aquitaine.geojson")
    return parse(path.read_bytes(), "departements.geojson")


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def feature(properties=None, geometry=SQUARE) -> dict:
    properties = {"code": "33", "nom": "Gironde"} if properties is None else properties
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def test_the_twelve_departements_of_nouvelle_aquitaine_are_read(real):
    assert real.errors == []
    assert [(d.code, d.name) for d in real.departements][:2] == [
        ("16", "Charente"),
        ("17", "Charente-Maritime"),
    ]
    assert [d.code for d in real.departements] == [
        "16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"
    ]  # fmt: skip
    assert {d.geometry["type"] for d in real.departements} == {"Polygon", "MultiPolygon"}


def test_codes_are_normalised():
    document = parse(
        collection(
            feature({"code": 9, "nom": "Ariège"}),
            feature({"code": "2a", "nom": "Corse-du-Sud"}),
            feature({"code": " 971 ", "nom": "Guadeloupe"}),
        )
    )
    assert document.errors == []
    assert [d.code for d in document.departements] == ["09", "2A", "971"]


@pytest.mark.parametrize(
    ("content", "location", "reason"),
    [
        (b"{not json", "f.geojson: line 1, column 2", "not valid JSON"),
        (b"[]", "f.geojson", "expected a GeoJSON FeatureCollection, found a list"),
        (json.dumps(SQUARE).encode(), "f.geojson", "found a GeoJSON Polygon"),
        (b'{"type": "FeatureCollection"}', "f.geojson", "“features”: expected a list"),
        (b"\xff\xfe{", "f.geojson", "not"),
    ],
)
def test_a_file_that_is_not_a_feature_collection_is_one_error(content, location, reason):
    document = parse(content, "f.geojson")
    assert document.departements == []
    [(where, why)] = document.errors
    assert where == location
    assert reason in why


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (feature({"nom": "Gironde"}), "no code (property “code”)"),
        (feature({"code": "20", "nom": "Corse"}), "code: “20” is not a département code"),
        (feature({"code": "33"}), "no name (property “nom”)"),
        (feature(geometry=None), "no geometry"),
        (feature(geometry={"type": "Point", "coordinates": [0, 45]}), "found “Point”"),
        (feature(geometry={"type": "Polygon", "coordinates": "x"}), "unreadable coordinates"),
        (
            feature(
                geometry={"type": "Polygon", "coordinates": [[[0, 45], [0, 95], [1, 95], [0, 45]]]}
            ),
            "coordinates out of range (expected longitude, latitude)",
        ),
        (
            feature(geometry={"type": "Polygon", "coordinates": [[[0, 45], [1, 45], [0, 45]]]}),
            "the outline has no area",
        ),
        ({"type": "Point", "coordinates": [0, 0]}, "expected a GeoJSON Feature"),
        ({"type": "Feature", "geometry": SQUARE}, "“properties”: expected an object"),
    ],
)
def test_a_broken_feature_is_rejected_with_its_location(bad, reason):
    document = parse(collection(feature({"code": "40", "nom": "Landes"}), bad), "f.geojson")
    assert [d.code for d in document.departements] == ["40"]
    [(location, why)] = document.errors
    assert location.startswith("f.geojson: feature 2")
    assert reason in why


def test_the_location_names_the_feature_and_a_repeated_code_is_rejected():
    document = parse(collection(feature(), feature({"code": "33", "nom": "Gironde bis"})), "f")
    assert [d.name for d in document.departements] == ["Gironde"]
    assert document.errors == [
        ("f: feature 2 (Gironde bis)", "code: 33 is also f: feature 1 (Gironde)")
    ]
