"""Département outlines as a GeoJSON FeatureCollection, as france-geojson publishes them
(`departements-nouvelle-aquitaine.geojson`): one Polygon or MultiPolygon feature per
département, with the properties `code` ("33", "2A") and `nom`. A pure parser.

The geometries are kept as published; they are simplified for the map when stored (see
grappe.geo.outlines). `read_features` reads any FeatureCollection, for the other GeoJSON
formats.

This module only parses: bytes in, records and located errors out, no database.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from grappe.geo.outlines import OutlineError, polygonal_shape
from grappe.interop.formats.trees import json_tree, unread

CODE = re.compile(r"^(0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]|97[1-6])$")
POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class DepartementRecord:
    code: str
    name: str
    geometry: dict[str, Any]  # the GeoJSON geometry as published


@dataclass
class DepartementsDocument:
    departements: list[DepartementRecord] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (location, reason)


def parse(content: bytes, source: str = "departements.geojson") -> DepartementsDocument:
    """Read a FeatureCollection of départements; every problem is reported, never raised."""
    document = DepartementsDocument()
    seen: dict[str, str] = {}  # code -> location of the feature that gave it
    for number, feature in enumerate(read_features(content, source, document.errors), start=1):
        properties = feature_properties(feature)
        name = _text(properties.get("nom", properties.get("name")))
        location = feature_location(source, number, name)
        try:
            record = _record(feature, properties, name)
        except ValueError as error:
            document.errors.append((location, str(error)))
            continue
        if record.code in seen:
            document.errors.append((location, f"code: {record.code} is also {seen[record.code]}"))
            continue
        seen[record.code] = location
        document.departements.append(record)
    return document


def read_features(content: bytes, source: str, errors: list[tuple[str, str]]) -> list[Any]:
    """The features of a GeoJSON FeatureCollection; [] and an error in `errors` otherwise."""
    tree = json_tree(content, source, errors)
    if unread(tree):
        return []
    if not isinstance(tree, dict) or tree.get("type") != "FeatureCollection":
        errors.append((source, f"expected a GeoJSON FeatureCollection, found {_kind(tree)}"))
        return []
    features = tree.get("features")
    if not isinstance(features, list):
        errors.append((source, "“features”: expected a list of features"))
        return []
    return features


def feature_properties(feature: Any) -> dict[str, Any]:
    properties = feature.get("properties") if isinstance(feature, dict) else None
    return properties if isinstance(properties, dict) else {}


def feature_location(source: str, number: int, name: str) -> str:
    """Where a feature is, for reports: "FILE: feature 12 (Gironde)"."""
    return f"{source}: feature {number}" + (f" ({name})" if name else "")


def check_feature(feature: Any) -> None:
    """Raise ValueError unless this is a GeoJSON Feature with properties."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValueError(f"expected a GeoJSON Feature, found {_kind(feature)}")
    if not isinstance(feature.get("properties"), dict):
        raise ValueError("“properties”: expected an object")


def _record(feature: Any, properties: dict[str, Any], name: str) -> DepartementRecord:
    check_feature(feature)
    raw_code = properties.get("code")
    code = f"{raw_code:02d}" if type(raw_code) is int else _text(raw_code).upper()
    if not code:
        raise ValueError("no code (property “code”)")
    if not CODE.match(code):
        raise ValueError(f"code: “{code}” is not a département code, such as 33 or 2A")
    if not name:
        raise ValueError("no name (property “nom”)")
    if len(name) > 100:
        raise ValueError("nom: longer than 100 characters")
    return DepartementRecord(code=code, name=name, geometry=_polygonal(feature.get("geometry")))


def _polygonal(geometry: Any) -> dict[str, Any]:
    if not isinstance(geometry, dict):
        raise ValueError("no geometry: expected a Polygon or MultiPolygon")
    if geometry.get("type") not in POLYGONAL:
        raise ValueError(
            f"geometry: expected a Polygon or MultiPolygon, found {_kind(geometry.get('type'))}"
        )
    try:
        shaped = polygonal_shape(geometry)
    except OutlineError as error:
        raise ValueError(f"geometry: {error}") from error
    west, south, east, north = shaped.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ValueError("geometry: coordinates out of range (expected longitude, latitude)")
    return geometry


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, (str, int)) else ""


def _kind(value: Any) -> str:
    if isinstance(value, dict) and isinstance(value.get("type"), str):
        return f"a GeoJSON {value['type']}"
    if isinstance(value, str):
        return f"“{value}”"
    if isinstance(value, bool):
        return "true or false"
    kinds = {dict: "an object", list: "a list", int: "a number", float: "a number"}
    return kinds.get(type(value), "nothing")
