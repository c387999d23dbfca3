"""Département outlines for the map: simplified once, on import, then served as stored.

The map page sends every outline to the browser, so they must stay light: the 12 départements
of Nouvelle-Aquitaine weigh about 470 KB as published by france-geojson and about 52 KB here.
Each outline is simplified with Douglas-Peucker (shapely's `simplify`, topology preserved) at
`TOLERANCE` degrees, then its coordinates are snapped to a grid of 4 decimals (about 10 m),
keeping the polygons valid. Each outline is simplified on its own, so neighbours' shared
borders no longer coincide exactly: gaps and overlaps of a few hundred metres, invisible at
the scale of a regional map.
"""

import json
from typing import Any

import shapely
from shapely.geometry import mapping, shape

from grappe.geo.models import Departement

# Degrees: about 550 m north-south and 400 m east-west at the latitude of Bordeaux.
TOLERANCE = 0.005
DECIMALS = 4
POLYGONAL = ("Polygon", "MultiPolygon")


class OutlineError(ValueError):
    """A geometry that cannot be a département's outline; the message says why."""


def simplify_outline(geometry: dict[str, Any], tolerance: float = TOLERANCE) -> dict[str, Any]:
    """A GeoJSON (Multi)Polygon, simplified and rounded to `DECIMALS`, still valid.

    Raises OutlineError for anything that is not a non-empty polygonal geometry.
    """
    shaped = polygonal_shape(geometry)
    simplified = _polygons(
        shapely.set_precision(shaped.simplify(tolerance, preserve_topology=True), 10**-DECIMALS)
    )
    if simplified.is_empty:  # a tiny shape gone under the tolerance: keep it, only rounded
        simplified = _polygons(shapely.set_precision(shaped, 10**-DECIMALS))
    if simplified.is_empty:
        raise OutlineError("the outline is smaller than the rounding of its coordinates")
    result = mapping(simplified)
    return {"type": result["type"], "coordinates": _rounded(result["coordinates"])}


def polygonal_shape(geometry: Any):
    """The shapely (Multi)Polygon of a GeoJSON geometry, made valid if it was not (a ring that
    crosses itself); raises OutlineError when there is no area to draw."""
    try:
        shaped = shape(geometry)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError) as error:
        raise OutlineError(f"unreadable coordinates ({error})") from error
    except shapely.errors.ShapelyError as error:
        raise OutlineError(f"unreadable coordinates ({error})") from error
    if shaped.geom_type not in POLYGONAL:
        raise OutlineError(f"expected a Polygon or MultiPolygon, found {shaped.geom_type}")
    if not shaped.is_valid:
        shaped = _polygons(shapely.make_valid(shaped))
    if shaped.is_empty or shaped.area == 0:
        raise OutlineError("the outline has no area")
    return shaped


def dump_outline(geometry: dict[str, Any]) -> str:
    """The stored text: compact JSON."""
    return json.dumps(geometry, separators=(",", ":"))


def outlines_geojson() -> dict[str, Any]:
    """Every stored département as a GeoJSON FeatureCollection (properties: code, name)."""
    features = [
        {
            "type": "Feature",
            "properties": {"code": code, "name": name},
            "geometry": json.loads(outline),
        }
        for code, name, outline in Departement.objects.exclude(outline="")
        .order_by("code")
        .values_list("code", "name", "outline")
    ]
    return {"type": "FeatureCollection", "features": features}


def _polygons(geometry):
    """The polygonal part of a geometry (make_valid may add stray lines or points)."""
    if geometry.geom_type in POLYGONAL or geometry.is_empty:
        return geometry
    parts = [
        part
        for part in getattr(geometry, "geoms", [geometry])
        if part.geom_type in POLYGONAL and not part.is_empty
    ]
    polygons = [p for part in parts for p in getattr(part, "geoms", [part])]
    if not polygons:
        return shapely.Polygon()
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def _rounded(coordinates):
    if isinstance(coordinates, (list, tuple)) and coordinates:
        if isinstance(coordinates[0], (int, float)):
            return [round(float(value), DECIMALS) for value in coordinates]
        return [_rounded(item) for item in coordinates]
    return list(coordinates) if isinstance(coordinates, tuple) else coordinates


def stored() -> bool:
    """Whether any outline was imported: the map asks for them only then."""
    return Departement.objects.exclude(outline="").exists()
