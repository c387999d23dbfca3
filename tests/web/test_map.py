"""The map page without JavaScript (its list is the page), the GeoJSON export of any search,
the département outlines, and the machine and sovereign hosting filters on the pages. The map
drawn by the browser is tested in tests/e2e/test_map.py."""

import json

import pytest
from django.core.management import call_command

from tests.conftest import shared_data
from tests.web.conftest import assert_well_outlined

pytestmark = pytest.mark.django_db


def test_the_map_lists_located_results_with_the_search_forms_filters(client, demo):
    response = client.get("/en/map/?q=PETG&near=Bayonne&radius_km=30&sort=distance")
    assert response.status_code == 200
    html = response.text
    assert "<title>Map: PETG · " in html
    assert_well_outlined(html)
    # The list is server-rendered: it is the page without JavaScript.
    assert "Imprimante 3D FDM grand format (PETG, 400 mm de haut)" in html
    assert "4.0 km away" in html
    assert 'action="/en/map/"' in html
    # The map element tells the script where the markers are (the same search, as GeoJSON);
    # no tile server in tests, so nothing would leave the machine.
    assert (
        'data-geojson="/en/search/results.geojson?q=PETG&amp;near=Bayonne&amp;radius_km=30'
        '&amp;sort=distance"' in html
    )
    assert 'data-tiles=""' in html
    assert 'href="/en/search/?q=PETG&amp;near=Bayonne&amp;radius_km=30&amp;sort=distance"' in html
    # Machines are in sight: the work area fields are offered.
    assert '<input type="number" id="search-min_z_mm" name="min_z_mm"' in html
    # Facet links stay on the map.
    assert 'href="/en/map/?q=PETG&amp;near=Bayonne' in html
    assert "/static/web/vendor/map-vendor.js" in html  # Leaflet and markercluster, in one


def test_the_map_leaves_out_what_has_no_place(client, demo):
    html = client.get("/en/map/?q=nextcloud").text
    assert 'id="hit-software-' not in html  # Nextcloud itself, the software, has no place
    assert 'id="hit-organisation-' in html


def test_the_map_page_is_in_french_too(client, demo):
    html = client.get("/map/?q=nextcloud&sovereign=yes").text
    assert "<title>Carte : nextcloud · " in html
    assert "Hébergement souverain" in html
    assert "Qualification SecNumCloud, valable jusqu’au 2028-01-31" in html
    assert "Afficher en liste" in html


def test_a_bad_parameter_on_the_map_is_a_400_naming_it(client, db):
    response = client.get("/en/map/?min_z_mm=tall")
    assert response.status_code == 400
    assert "“min_z_mm”" in response.text


def test_any_search_exports_as_geojson(client, demo):
    response = client.get("/en/search/results.geojson?q=fab+lab&departement=64")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    names = {f["properties"]["name"] for f in collection["features"]}
    assert "Fab lab de la Côte basque (exemple)" in names
    for feature in collection["features"]:
        longitude, latitude = feature["geometry"]["coordinates"]
        assert -2 < longitude < 0 and 42.9 < latitude < 43.7  # Pyrénées-Atlantiques, lon first
        assert feature["properties"]["url"].startswith("/en/")
    bad = client.get("/en/search/results.geojson?sort=price")
    assert bad.status_code == 400
    assert bad.json()["parameter"] == "sort"


def test_the_search_page_links_to_its_map_and_its_geojson(client, demo):
    html = client.get("/en/search/?q=glpi").text
    assert '<a href="/en/map/?q=glpi">Show on the map</a>' in html
    assert '<a href="/en/search/results.geojson?q=glpi" download>Download as GeoJSON</a>' in html


def test_the_sovereign_hosting_filter_on_the_search_page_shows_its_reasons(client, demo):
    html = client.get("/en/search/?q=nextcloud&offering_kind=hosting").text
    assert "<h3>Sovereign hosting</h3>" in html
    assert "/en/search/?q=nextcloud&amp;offering_kind=hosting&amp;sovereign=yes" in html
    assert '<span class="visually-hidden">Not met:</span> No sovereign cloud qualification' in html
    chosen = client.get("/en/search/?q=nextcloud&sovereign=yes").text
    assert '<h2 id="results-title">1 result</h2>' in chosen
    assert "Nextcloud de confiance" in chosen
    assert "<strong>Sovereign hosting</strong>" in chosen
    assert "SecNumCloud qualification, valid until 2028-01-31" in chosen


def test_work_area_filters_show_as_active_filters_that_can_be_removed(client, demo):
    html = client.get("/en/search/?material=PETG&min_z_mm=250").text
    assert "Height (Z) at least, mm: <strong>250</strong>" in html
    assert "Material: <strong>PETG</strong>" in html
    assert 'value="250"' in html  # kept in its field, not hidden
    assert '<input type="hidden" name="min_z_mm"' not in html


def test_intercommunalities_are_offered_once_a_departement_is_chosen(client, demo):
    assert "Intercommunality (EPCI)" not in client.get("/en/search/").text
    html = client.get("/en/search/?departement=64").text
    assert "<h3>Intercommunality (EPCI)</h3>" in html
    assert "CA du Pays Basque" in html


def test_departement_outlines_are_served_once_imported(client, demo):
    assert 'data-outlines=""' in client.get("/en/map/").text
    path = shared_data("geo/france-geojson-na/departements-nouvelle-aquitaine.geojson")
    call_command("import", "departements", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert 'data-outlines="/en/map/departements.geojson"' in client.get("/en/map/").text
    response = client.get("/en/map/departements.geojson")
    assert response["Content-Type"] == "application/geo+json"
    outlines = json.loads(response.content)
    assert len(outlines["features"]) == 12
    assert len(response.content) < 60_000
