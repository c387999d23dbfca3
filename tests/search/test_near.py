"""'Near' search: which fab lab within 30 km of Bayonne prints PETG, ordered by distance."""

import pytest
from django.core.management import call_command

from grappe.search.query import InvalidSearch, SearchParams
from grappe.search.service import search
from tests.conftest import shared_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def gazetteer(demo):
    path = shared_data("geo/communes-nouvelle-aquitaine-centroides.csv")
    call_command("import", "communes", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_petg_printers_within_30_km_of_bayonne(gazetteer):
    results = search(SearchParams(q="PETG", near="Bayonne", radius_km=30, kind="offering"))
    assert results.near_label == "Bayonne (64)"
    assert results.count >= 1
    assert all(hit.distance_km is not None and hit.distance_km <= 30 for hit in results.hits)
    organisations = {hit.subtitle for hit in results.hits}
    assert any("Anglet" in s or "Cambo" in s for s in organisations), organisations
    farther = search(SearchParams(q="PETG", near="Bayonne", radius_km=100, kind="offering"))
    assert farther.count > results.count  # Dax, 40 km away, comes in


def test_sorted_by_distance(gazetteer):
    results = search(SearchParams(q="imprimante 3D", near="64100", sort="distance", page_size=50))
    distances = [hit.distance_km for hit in results.hits if hit.distance_km is not None]
    assert distances == sorted(distances)
    assert distances[0] < 10


@pytest.mark.parametrize("near", ["Bayonne", "bayonne", "64100", "64102", "43.4924,-1.4659"])
def test_near_accepts_a_name_a_postcode_an_insee_code_or_coordinates(gazetteer, near):
    results = search(SearchParams(near=near, radius_km=5, kind="organisation", sort="distance"))
    assert all(hit.distance_km <= 5 for hit in results.hits)
    assert results.count >= 1  # the Anglet fab lab, 4 km away


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"near": "Atlantis"}, "near"),
        ({"near": "Bayonne", "radius_km": 0}, "radius_km"),
        ({"near": "Bayonne", "radius_km": 5000}, "radius_km"),
        ({"radius_km": 10}, "radius_km"),
        ({"sort": "distance"}, "sort"),
        ({"near": "95,500"}, "near"),
    ],
)
def test_bad_places_name_their_parameter(gazetteer, params, parameter):
    with pytest.raises(InvalidSearch) as error:
        search(SearchParams(**params))
    assert error.value.parameter == parameter


def test_entries_without_coordinates_stay_out_of_a_radius_but_not_of_a_sort(gazetteer):
    everything = search(SearchParams(q="logiciel", near="Bordeaux", sort="distance", page_size=100))
    placed = [h for h in everything.hits if h.distance_km is not None]
    unplaced = [h for h in everything.hits if h.distance_km is None]
    assert everything.hits[: len(placed)] == placed  # unplaced entries come last
    within = search(SearchParams(q="logiciel", near="Bordeaux", radius_km=1000, page_size=100))
    assert within.count == len(placed) or within.count < everything.count
    assert unplaced or within.count <= everything.count


def test_the_radius_agrees_with_the_great_circle_distance(gazetteer):
    """Every placed organisation clearly inside 60 km of Pau is found, none clearly outside."""
    from grappe.directory.models import Organisation
    from grappe.geo.distance import distance_km

    results = search(SearchParams(near="Pau", radius_km=60, kind="organisation", page_size=100))
    found = {hit.slug for hit in results.hits}
    for organisation in Organisation.objects.exclude(latitude=None):
        km = distance_km(
            43.32003, -0.35004, float(organisation.latitude), float(organisation.longitude)
        )
        if km < 59.9:
            assert organisation.slug in found, (organisation.slug, km)
        elif km > 60.1:
            assert organisation.slug not in found, (organisation.slug, km)
