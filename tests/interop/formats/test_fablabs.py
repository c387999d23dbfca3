"""The fab labs parser alone (#MapLabBZH's GeoJSON), on the real file and on broken ones."""

import json
from collections import Counter
from decimal import Decimal

import pytest

from grappe.interop.formats.fablabs import STRUCTURE_TAGS, FablabsDocument, parse
from tests.conftest import shared_data


@pytest.fixture(scope="module")
def real() -> FablabsDocument:
    return parse(shared_data("fablabs/map_bzh_fablab.geojson").read_bytes(), "bzh.geojson")


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def feature(geometry="point", **properties) -> dict:
    point = {"type": "Point", "coordinates": [-2.7541303, 47.6424637]}
    return {
        "type": "Feature",
        "properties": {"name": "MakerSpace56", "structure": "fablab", **properties},
        "geometry": point if geometry == "point" else geometry,
    }


def test_every_feature_of_the_real_file_is_read(real):
    assert real.errors == []
    assert len(real.organisations) == 121
    assert all(r.data["kind"] == "fablab" for r in real.organisations)
    assert all("latitude" in r.data for r in real.organisations)
    assert not any("description_fr" in r.data for r in real.organisations)  # none invented
    # Three fields could not be kept: a phone number that is not one, two notes as addresses.
    assert [location for location, _message in real.warnings] == [
        "bzh.geojson: feature 53 (Human Lab)",
        "bzh.geojson: feature 57 (PAPIfab – Médiathèque des Capucins)",
        "bzh.geojson: feature 73 (MOOC Fabrication numérique)",
    ]


def test_every_structure_code_of_the_real_file_becomes_readable_tags(real):
    raw = json.loads(shared_data("fablabs/map_bzh_fablab.geojson").read_bytes())
    codes = Counter(f["properties"]["structure"] for f in raw["features"])
    assert set(codes) <= set(STRUCTURE_TAGS)
    tags = Counter(tag for r in real.organisations for tag in r.data["tags"])
    assert tags["fab lab"] == codes["fablab"] + codes["fablabMIT"] == 45
    assert tags["tiers-lieu"] == 7 and tags["hackerspace"] == 3


def test_a_feature_is_read_exactly(real):
    [record] = [r for r in real.organisations if r.data["name"] == "N°4 FabLab"]
    assert record.location == "bzh.geojson: feature 5 (N°4 FabLab)"
    assert record.data == {
        "kind": "fablab",
        "name": "N°4 FabLab",
        "latitude": Decimal("47.740430"),
        "longitude": Decimal("-3.408370"),
        "website": "https://fablab-lorient.bzh",
        "email": "contact@fablab-lorient.bzh",
        "phone": "+33297378300",
        "address": "Espace Créa — Parc Technologique de Soye, 15, rue Galilée",
        "postcode": "56270",
        "commune_name": "Ploemeur",
        "tags": ["makerspace"],
    }


def test_addresses_lose_their_html_and_web_addresses_gain_a_scheme(real):
    by_name = {r.data["name"]: r.data for r in real.organisations}
    capucins = by_name["PAPIfab – Médiathèque des Capucins"]
    assert capucins["website"] == "https://bit.ly/1Xrt9kd"
    assert capucins["address"] == "Rue de Pontaniou"  # "[Projet en cours]<br />" dropped
    assert "address" not in by_name["MOOC Fabrication numérique"]  # was "[online]"
    assert by_name["La Passerelle Numérique"]["phone"] == "+33240076886"  # 02.40.07.68.86


def test_fields_that_cannot_be_read_are_dropped_with_a_warning():
    document = parse(
        collection(
            feature(
                web="pas un site",
                email="contact(at)example.org",
                tel="12",
                cp="5600",
                adresse="<p>1, rue &amp; place<br/>  <b>Bât. B</b></p>",
                structure="bibliotheque",
                ville="  Vannes ",
            )
        ),
        "f.geojson",
    )
    assert document.errors == []
    [record] = document.organisations
    assert record.data == {
        "kind": "fablab",
        "name": "MakerSpace56",
        "latitude": Decimal("47.642464"),
        "longitude": Decimal("-2.754130"),
        "address": "1, rue & place, Bât. B",
        "commune_name": "Vannes",
        "tags": ["bibliotheque"],
    }
    location = "f.geojson: feature 1 (MakerSpace56)"
    assert document.warnings == [
        (location, "web: “pas un site” is not a web address, left out"),
        (location, "email: “contact(at)example.org” is not an e-mail address, left out"),
        (location, "tel: “12” is not a phone number, left out"),
        (location, "cp: “5600” is not a postcode, left out"),
        (location, "structure: unknown code “bibliotheque”, kept as a tag"),
    ]


def test_a_feature_without_a_point_is_kept_with_a_warning():
    document = parse(collection(feature(geometry=None)), "f.geojson")
    assert document.errors == []
    assert "latitude" not in document.organisations[0].data
    assert document.warnings == [
        (
            "f.geojson: feature 1 (MakerSpace56)",
            "no geometry: placed by its commune when the gazetteer knows it",
        )
    ]


@pytest.mark.parametrize(
    ("bad", "location", "reason"),
    [
        (feature(name=""), "f.geojson: feature 2", "no name (property “name”)"),
        (
            feature(geometry={"type": "Point", "coordinates": [47.6, -200]}),
            "f.geojson: feature 2 (MakerSpace56)",
            "geometry: coordinates [47.6, -200] are out of range",
        ),
        (
            feature(geometry={"type": "Point", "coordinates": ["-2.7", "47.6"]}),
            "f.geojson: feature 2 (MakerSpace56)",
            "are not [longitude, latitude]",
        ),
        (
            feature(geometry={"type": "Polygon", "coordinates": []}),
            "f.geojson: feature 2 (MakerSpace56)",
            "geometry: expected a Point, found Polygon",
        ),
        ({"type": "Feature", "geometry": None}, "f.geojson: feature 2", "“properties”"),
        ([1, 2], "f.geojson: feature 2", "expected a GeoJSON Feature, found a list"),
    ],
)
def test_a_broken_feature_is_rejected_with_its_location(bad, location, reason):
    document = parse(collection(feature(name="Tilt"), bad), "f.geojson")
    assert [r.data["name"] for r in document.organisations] == ["Tilt"]
    [(where, why)] = document.errors
    assert where == location
    assert reason in why


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<html>", "not valid JSON"),
        (b'{"type": "Feature", "properties": {}}', "found a GeoJSON Feature"),
        (b'{"type": "FeatureCollection", "features": {}}', "“features”: expected a list"),
    ],
)
def test_a_file_that_is_not_a_feature_collection_is_one_error(content, reason):
    document = parse(content, "f.geojson")
    [(_location, why)] = document.errors
    assert document.organisations == []
    assert reason in why
