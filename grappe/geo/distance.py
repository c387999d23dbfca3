"""Great-circle distances. The haversine formula is five lines; no library needed for it."""

from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
KM_PER_DEGREE = 111.195  # of latitude, on that sphere


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance along the Earth's surface, on a sphere of the mean radius (error < 0.5 %)."""
    phi1, phi2 = radians(lat1), radians(lat2)
    dphi, dlambda = phi2 - phi1, radians(lon2 - lon1)
    a = sin(dphi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing the circle: a cheap first filter in SQL."""
    dlat = radius_km / KM_PER_DEGREE
    dlon = radius_km / max(0.01, KM_PER_DEGREE * cos(radians(lat)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
