"""Machine and hosting facets on the demo data: materials, machine types, build size ranges,
the sovereign hosting filter with its reasons, intercommunalities, and GeoJSON of a search."""

import pytest

from grappe.directory import models as m
from grappe.search.geojson import feature_collection
from grappe.search.query import InvalidSearch, SearchParams
from grappe.search.service import locate_all, search

pytestmark = pytest.mark.django_db


def facet(results, name: str) -> dict[str, tuple[str, int]]:
    return {v.value: (v.label, v.count) for v in results.facets[name]}


def test_the_petg_printer_250_mm_tall_within_30_km_of_bayonne_is_the_anglet_one(demo):
    """The issue's question, asked with filters only: material, height, place."""
    results = search(
        SearchParams(material="petg", min_z_mm=250, near="Bayonne", radius_km=30, sort="distance")
    )
    assert [hit.slug for hit in results.hits] == ["fablab-cote-basque-fdm-grand-format"]
    hit = results.hits[0]
    assert hit.distance_km == pytest.approx(4.0, abs=0.5)
    assert "360 × 360 × 400 mm" in hit.subtitle
    assert "Fab lab de la Côte basque (exemple)" in hit.subtitle
    # Lower the height: the Cambo printer (200 mm, 16 km away) comes in, farther.
    lower = search(
        SearchParams(material="PETG".casefold(), min_z_mm=200, near="Bayonne", radius_km=30)
    )
    assert len(lower.hits) == 2


def test_materials_and_machine_types_are_facets_named_in_the_page_language(demo):
    french = search(SearchParams(kind="offering", offering_kind="machine", language="fr"))
    english = search(SearchParams(kind="offering", offering_kind="machine", language="en"))
    assert facet(french, "material")["plywood"][0] == "contreplaqué"
    assert facet(english, "material")["plywood"][0] == "plywood"
    assert facet(english, "material")["petg"] == ("PETG", 9)
    assert facet(english, "machine_type")["3d_fdm"][0] == "3D printer (FDM)"
    lasers = search(SearchParams(machine_type="laser"))
    assert lasers.count and all(
        m.Offering.objects.get(pk=h.id).machine_type == "laser"
        for h in lasers.hits
        if h.kind == "offering"
    )


def test_a_fab_lab_carries_the_materials_of_its_machines(demo):
    results = search(SearchParams(kind="organisation", material="resin"))
    assert {hit.slug for hit in results.hits} >= {
        "campus-fab-talence-exemple",
        "fablab-charente-exemple",
    }


def test_size_ranges_keep_only_machines_big_enough(demo):
    results = search(SearchParams(min_x_mm=900, page_size=50))
    assert results.count >= 1
    for hit in results.hits:
        offering = m.Offering.objects.get(pk=hit.id)
        assert hit.kind == "offering" and offering.work_x_mm >= 900


def test_the_sovereign_filter_finds_the_sovereign_nextcloud_host_with_its_reasons(demo):
    results = search(SearchParams(q="nextcloud", sovereign=True, language="en"))
    assert [hit.slug for hit in results.hits] == ["datacentre-limousin-nextcloud"]
    hit = results.hits[0]
    assert hit.sovereign is True
    assert [reason.text for reason in hit.reasons] == [
        "Hosted in the EU: Limoges, France",
        "Operator majority-owned in the EU",
        "Declares no exposure to non-EU laws",
        "SecNumCloud qualification, valid until 2028-01-31",
    ]


def test_every_hosting_hit_says_why_it_is_or_is_not_sovereign(demo):
    results = search(SearchParams(q="nextcloud", offering_kind="hosting", language="en"))
    assert facet(results, "sovereign") == {
        "yes": ("Sovereign hosting", 1),
        "no": ("Not sovereign", 5),
    }
    hosting = {hit.slug: hit for hit in results.hits if hit.kind == "offering"}
    express = hosting["cloud-express-atlantique-nextcloud"]
    assert express.sovereign is False
    assert [r.met for r in express.reasons] == [True, False, False, False]
    hds = hosting["heberge-adour-nextcloud-sante"]  # HDS is not a sovereign qualification
    assert [r.criterion for r in hds.reasons if not r.met] == ["qualification"]
    organisations = [hit for hit in results.hits if hit.kind == "organisation"]
    assert organisations and all(h.sovereign is None and h.reasons == () for h in organisations)


def test_intercommunalities_are_a_facet_and_a_filter(demo):
    results = search(SearchParams(departement="64", kind="organisation", language="fr"))
    labels = facet(results, "epci")
    assert labels["200067106"][0] == "CA du Pays Basque"
    basque = search(SearchParams(epci="200067106", kind="organisation"))
    assert basque.count == labels["200067106"][1]
    assert {hit.departement for hit in basque.hits} == {"64"}
    # Its name is a place word too: searching for it finds who is in it.
    words = search(SearchParams(q="Pays Basque", kind="organisation"))
    assert {h.slug for h in basque.hits} <= {h.slug for h in words.hits}


def test_locate_all_returns_every_located_match_as_geojson(demo):
    results = locate_all(SearchParams(q="fab lab", page=3, page_size=1))
    assert results.count == len(results.hits) > 1  # page and page size ignored
    assert all(hit.latitude is not None for hit in results.hits)
    collection = feature_collection(results)
    assert collection["type"] == "FeatureCollection"
    anglet = next(f for f in collection["features"] if "Côte basque" in f["properties"]["name"])
    assert anglet["geometry"] == {"type": "Point", "coordinates": [-1.5156, 43.49127]}
    assert anglet["properties"]["url"].startswith("/")
    software = locate_all(SearchParams(kind="software"))
    assert software.count == 0  # software has no place


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"machine_type": "teleporter"}, "machine_type"),
        ({"material": "x" * 61}, "material"),
        ({"epci": "2000671"}, "epci"),
        ({"min_z_mm": 0}, "min_z_mm"),
        ({"min_x_mm": 200_000}, "min_x_mm"),
    ],
)
def test_bad_machine_and_place_filters_name_their_parameter(demo, params, parameter):
    with pytest.raises(InvalidSearch) as error:
        search(SearchParams(**params))
    assert error.value.parameter == parameter


def test_the_sovereign_facet_follows_the_qualification_and_its_scope(
    django_capture_on_commit_callbacks,
):
    """Flagging a scheme, or scoping a certification, reindexes the offerings it touches."""
    from tests.factories import CertificationFactory, CertificationSchemeFactory, OfferingFactory

    with django_capture_on_commit_callbacks(execute=True):
        offering = OfferingFactory(
            kind=m.OfferingKind.HOSTING,
            service_kind="",
            hosting_kind=m.HostingKind.IAAS,
            datacenter_country="FR",
            operator_eu_owned="yes",
            extraterritorial_exposure="none",
        )
        other = OfferingFactory(
            organisation=offering.organisation,
            kind=m.OfferingKind.HOSTING,
            service_kind="",
            hosting_kind=m.HostingKind.IAAS,
            datacenter_country="FR",
            operator_eu_owned="yes",
            extraterritorial_exposure="none",
        )
        scheme = CertificationSchemeFactory(slug="eucs-high", name="EUCS High")
        certification = CertificationFactory(organisation=offering.organisation, scheme=scheme)

    def sovereign() -> set[int]:  # among these two (the demo may be loaded beside them)
        hits = search(SearchParams(sovereign=True, kind="offering", page_size=100)).hits
        return {hit.id for hit in hits} & {offering.pk, other.pk}

    assert sovereign() == set()
    with django_capture_on_commit_callbacks(execute=True):
        scheme.sovereign_qualification = True
        scheme.save()
    assert sovereign() == {offering.pk, other.pk}
    with django_capture_on_commit_callbacks(execute=True):
        certification.offerings.add(offering)
    assert sovereign() == {offering.pk}
