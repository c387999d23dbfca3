"""A search's results as GeoJSON (RFC 7946): what the map draws and what anyone can download."""

from typing import Any

from grappe.search.query import SearchResults


def feature_collection(results: SearchResults) -> dict[str, Any]:
    """One Point feature per located hit, longitude first as RFC 7946 says; the properties are
    what a popup needs (name, kind, subtitle, link) and the hit's distance when `near` is set."""
    features = []
    for hit in results.hits:
        if hit.latitude is None or hit.longitude is None:
            continue
        properties: dict[str, Any] = {
            "name": hit.name,
            "kind": hit.kind,
            "subtitle": hit.subtitle,
            "url": hit.url,
            "departement": hit.departement,
            "is_member": hit.is_member,
            "is_example": hit.is_example,
        }
        if hit.distance_km is not None:
            properties["distance_km"] = hit.distance_km
        if hit.sovereign is not None:
            properties["sovereign"] = hit.sovereign
        features.append(
            {
                "type": "Feature",
                "id": f"{hit.kind}-{hit.id}",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(hit.longitude, 6), round(hit.latitude, 6)],
                },
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}
