import pytest

from grappe.geo.distance import bounding_box, distance_km


# Reference: WGS84 geodesic distances (GeographicLib, Karney 2013), computed once; the sphere
# stays within 0.5 % of them.
@pytest.mark.parametrize(
    ("a", "b", "expected_km"),
    [
        ((48.8566, 2.3522), (51.5074, -0.1278), 343.92),  # Paris - London
        ((44.85762, -0.57344), (43.49235, -1.4659), 167.65),  # Bordeaux - Bayonne (centroids)
        ((43.49235, -1.4659), (43.49127, -1.5156), 4.02),  # Bayonne - Anglet
        ((0.0, 0.0), (0.0, 180.0), 20003.93),  # half the equator
    ],
)
def test_known_distances(a, b, expected_km):
    assert distance_km(*a, *b) == pytest.approx(expected_km, rel=0.005)


def test_distance_is_symmetric_and_zero_on_itself():
    assert distance_km(44.8, -0.5, 43.5, -1.4) == pytest.approx(distance_km(43.5, -1.4, 44.8, -0.5))
    assert distance_km(44.8, -0.5, 44.8, -0.5) == 0


def test_bounding_box_encloses_the_circle():
    min_lat, max_lat, min_lon, max_lon = bounding_box(43.49, -1.47, 30)
    assert distance_km(43.49, -1.47, max_lat, -1.47) == pytest.approx(30, rel=0.01)
    assert distance_km(43.49, -1.47, 43.49, max_lon) >= 29.9
    assert min_lat < 43.49 < max_lat and min_lon < -1.47 < max_lon
