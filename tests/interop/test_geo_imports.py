"""`grappe import departements|epci|fablabs`: real files into the real database, idempotent,
all or nothing unless --partial, every rejection located."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from reversion.models import Version

from grappe.directory import models as m
from grappe.geo.gazetteer import epci_of_communes
from grappe.geo.models import Commune, Departement, Epci, EpciKind
from grappe.interop.formats import get_importer
from tests.conftest import shared_data
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

DEPARTEMENTS = "geo/france-geojson-na/departements-nouvelle-aquitaine.geojson"
EPCI = "geo/decoupage-administratif-6.0.0/epci-nouvelle-aquitaine.json"
COMMUNES = "geo/communes-nouvelle-aquitaine-centroides.csv"
FABLABS = "fablabs/map_bzh_fablab.geojson"
NA_CODES = ["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"]


def run(name: str, path, **options):
    return get_importer(name).run(path, **options)


def count(report, model, outcome: str) -> int:
    """The report's count for a model, whatever the language of its label."""
    return report.counts[(str(model._meta.verbose_name_plural), outcome)]


def located(report) -> list[tuple[str, str]]:
    return [(r.location, r.reason) for r in report.rejections]


# Départements


def test_the_departements_of_nouvelle_aquitaine_load_once():
    report = run("departements", shared_data(DEPARTEMENTS))
    assert report.ok and report.committed
    assert count(report, Departement, "created") == 12
    assert list(Departement.objects.values_list("code", flat=True)) == NA_CODES
    assert Departement.objects.get(code="64").name == "Pyrénées-Atlantiques"
    again = run("departements", shared_data(DEPARTEMENTS))
    assert (again.total("created"), again.total("updated"), again.total("unchanged")) == (0, 0, 12)


def test_a_changed_outline_or_name_is_updated_and_a_dry_run_saves_nothing(tmp_path):
    dry = run("departements", shared_data(DEPARTEMENTS), dry_run=True)
    assert count(dry, Departement, "created") == 12 and not dry.committed
    assert Departement.objects.count() == 0
    run("departements", shared_data(DEPARTEMENTS))
    Departement.objects.filter(code="33").update(name="Gironde (old)", outline="{}")
    report = run("departements", shared_data(DEPARTEMENTS))
    assert (count(report, Departement, "updated"), count(report, Departement, "unchanged")) == (
        1,
        11,
    )
    gironde = Departement.objects.get(code="33")
    assert gironde.name == "Gironde" and json.loads(gironde.outline)["type"] == "MultiPolygon"


def test_a_broken_departement_blocks_the_file_unless_partial(tmp_path):
    collection = json.loads(shared_data(DEPARTEMENTS).read_bytes())
    collection["features"][1]["properties"]["code"] = "XX"
    collection["features"][2]["geometry"] = {"type": "Point", "coordinates": [1.8, 45.3]}
    path = tmp_path / "deps.geojson"
    path.write_text(json.dumps(collection))
    report = run("departements", path)
    assert located(report) == [
        (
            "deps.geojson: feature 2 (Charente-Maritime)",
            "code: “XX” is not a département code, such as 33 or 2A",
        ),
        (
            "deps.geojson: feature 3 (Corrèze)",
            "geometry: expected a Polygon or MultiPolygon, found “Point”",
        ),
    ]
    assert not report.committed and Departement.objects.count() == 0
    assert "Nothing was saved" in report.as_text()
    partial = run("departements", path, partial=True)
    assert partial.committed and count(partial, Departement, "created") == 10
    assert Departement.objects.count() == 10


# EPCI


@pytest.fixture
def communes(db):
    call_command("import", "communes", str(shared_data(COMMUNES)), stdout=StringIO())
    assert Commune.objects.count() == 4293


def test_every_epci_of_the_file_is_loaded_and_its_communes_attached(communes):
    in_file = json.loads(shared_data(EPCI).read_bytes())
    report = run("epci", shared_data(EPCI))
    assert report.ok and report.committed
    assert count(report, Epci, "created") == Epci.objects.count() == len(in_file) == 156
    assert count(report, Commune, "updated") == 4293
    bordeaux = Commune.objects.get(insee_code="33063")
    assert bordeaux.epci.name == "Bordeaux Métropole"
    assert (bordeaux.epci.code, bordeaux.epci.kind) == ("243300316", EpciKind.METRO)
    assert bordeaux.epci.population > 800_000
    assert bordeaux.epci.communes.count() == 28
    assert Commune.objects.filter(epci__isnull=True).count() == 0
    # EPCI that cross the region's border list communes of Gers, Dordogne's neighbours...:
    # one warning sums them up instead of 99.
    [warning] = report.warnings
    assert warning.location == "epci-nouvelle-aquitaine.json"
    assert warning.message.startswith("99 member communes are not in the gazetteer")
    assert warning.message.endswith("and 94 more")


def test_importing_epci_twice_changes_nothing(communes):
    run("epci", shared_data(EPCI))
    again = run("epci", shared_data(EPCI))
    assert again.ok
    assert (again.total("created"), again.total("updated")) == (0, 0)
    assert count(again, Epci, "unchanged") == 156
    assert count(again, Commune, "unchanged") == 4293
    assert Epci.objects.count() == 156


def test_epci_before_communes_then_communes_then_epci_again(db):
    first = run("epci", shared_data(EPCI))
    assert first.ok and Epci.objects.count() == 156
    [warning] = first.warnings
    assert warning.message.startswith("4392 member communes are not in the gazetteer")
    call_command("import", "communes", str(shared_data(COMMUNES)), stdout=StringIO())
    second = run("epci", shared_data(EPCI))
    assert count(second, Epci, "unchanged") == 156
    assert count(second, Commune, "updated") == 4293
    # Importing the communes again keeps their EPCI.
    call_command("import", "communes", str(shared_data(COMMUNES)), stdout=StringIO())
    assert Commune.objects.get(insee_code="64445").epci.name == "CA Pau Béarn Pyrénées"


def test_a_commune_that_leaves_its_epci_is_detached(communes, tmp_path):
    run("epci", shared_data(EPCI))
    entries = json.loads(shared_data(EPCI).read_bytes())
    [metropole] = [e for e in entries if e["nom"] == "Bordeaux Métropole"]
    metropole["membres"] = [c for c in metropole["membres"] if c["code"] != "33069"]
    metropole["populationTotale"] += 1
    path = tmp_path / "epci.json"
    path.write_text(json.dumps(entries))
    report = run("epci", path)
    assert (count(report, Epci, "updated"), count(report, Commune, "updated")) == (1, 1)
    assert Commune.objects.get(insee_code="33069").epci is None  # Le Bouscat


def test_epci_dry_run_and_partial(communes, tmp_path):
    dry = run("epci", shared_data(EPCI), dry_run=True)
    assert count(dry, Epci, "created") == 156 and not dry.committed
    assert Epci.objects.count() == 0
    assert not Commune.objects.filter(epci__isnull=False).exists()
    entries = json.loads(shared_data(EPCI).read_bytes())
    entries[0]["type"] = "SIVU"
    path = tmp_path / "epci.json"
    path.write_text(json.dumps(entries))
    report = run("epci", path)
    assert located(report) == [
        (
            "epci.json: entry 1 (CA du Grand Villeneuvois)",
            "type: “SIVU” is not a kind of EPCI (expected one of CC, CA, CU, METRO, MET69)",
        )
    ]
    assert Epci.objects.count() == 0
    partial = run("epci", path, partial=True)
    assert partial.committed and Epci.objects.count() == 155
    assert Commune.objects.get(insee_code="47323").epci is None  # Villeneuve-sur-Lot


def test_epci_of_communes_for_the_search_indexer(communes, django_assert_num_queries):
    run("epci", shared_data(EPCI))
    with django_assert_num_queries(1):
        found = epci_of_communes(["33063", "64445", "99999"])
        names = {code: epci.name for code, epci in found.items()}
    assert names == {"33063": "Bordeaux Métropole", "64445": "CA Pau Béarn Pyrénées"}
    assert epci_of_communes([]) == {}


# Fab labs


@pytest.fixture
def fablabs():
    return shared_data(FABLABS)


def fablabs_of(report) -> dict[str, int]:
    return {o: count(report, m.Organisation, o) for o in ("created", "updated", "unchanged")}


def test_the_121_fab_labs_of_brittany_become_organisations(fablabs):
    report = run("fablabs", fablabs)
    assert report.ok and report.committed
    assert fablabs_of(report) == {"created": 121, "updated": 0, "unchanged": 0}
    assert m.Organisation.objects.filter(kind=m.OrganisationKind.FABLAB).count() == 121
    lorient = m.Organisation.objects.get(name="N°4 FabLab")
    assert lorient.slug == "n4-fablab"
    assert lorient.website == "https://fablab-lorient.bzh"
    assert lorient.phone == "+33297378300"
    assert lorient.address == "Espace Créa — Parc Technologique de Soye, 15, rue Galilée"
    assert (lorient.postcode, lorient.commune_name, lorient.departement) == (
        "56270",
        "Ploemeur",
        "56",
    )
    assert (lorient.latitude, lorient.longitude) == (Decimal("47.740430"), Decimal("-3.408370"))
    assert lorient.tags == ["makerspace"]
    assert lorient.description_fr == lorient.description_en == ""
    # Places sharing a site (the labs of one network) stay distinct, with distinct slugs.
    labfab = m.Organisation.objects.filter(website__contains="//www.labfab.fr")
    assert labfab.count() == 3
    assert set(m.Organisation.objects.filter(name="Rehab-Lab").values_list("slug", flat=True)) == {
        "rehab-lab",
        "rehab-lab-roscoff",
    }
    # The import is in the history, one version per organisation.
    assert Version.objects.get_for_model(m.Organisation).count() == 121
    # Three fields were left out, each with its place.
    assert len(report.warnings) == 3


def test_importing_fab_labs_twice_creates_nothing(fablabs):
    run("fablabs", fablabs)
    again = run("fablabs", fablabs)
    assert again.ok
    assert fablabs_of(again) == {"created": 0, "updated": 0, "unchanged": 121}
    assert m.Organisation.objects.count() == 121


def test_a_curators_edits_survive_a_reimport(fablabs):
    run("fablabs", fablabs)
    # A curator renames one place and gives another a new site and a description.
    m.Organisation.objects.filter(name="MakerSpace56").update(
        name="MakerSpace 56 (Vannes)", email=""
    )
    m.Organisation.objects.filter(name="TyFab").update(
        website="https://tyfab.bzh", description_fr="Le fab lab de la Maison du Libre."
    )
    again = run("fablabs", fablabs)
    assert fablabs_of(again) == {"created": 0, "updated": 1, "unchanged": 120}
    makerspace = m.Organisation.objects.get(website="http://makerspace56.org")  # by domain
    assert makerspace.name == "MakerSpace 56 (Vannes)"
    assert makerspace.email == "contact@makerspace56.org"  # emptied: filled again
    tyfab = m.Organisation.objects.get(name="TyFab")  # by name and postcode
    assert tyfab.website == "https://tyfab.bzh"
    assert tyfab.description_fr == "Le fab lab de la Maison du Libre."
    assert m.Organisation.objects.count() == 121


def test_an_organisation_of_the_directory_is_completed_not_duplicated(fablabs):
    curated = OrganisationFactory(
        kind=m.OrganisationKind.ASSOCIATION,
        name="Fablab de Lorient",
        website="https://www.fablab-lorient.bzh/",
        description_fr="Écrit par un curateur.",
        is_example=False,
    )
    report = run("fablabs", fablabs)
    assert fablabs_of(report) == {"created": 120, "updated": 1, "unchanged": 0}
    curated.refresh_from_db()
    assert curated.name == "Fablab de Lorient"
    assert curated.kind == m.OrganisationKind.ASSOCIATION
    assert curated.website == "https://www.fablab-lorient.bzh/"
    assert curated.description_fr == "Écrit par un curateur."
    assert curated.email == "contact@fablab-lorient.bzh"  # was empty: filled
    assert curated.postcode == "56270" and curated.tags == ["makerspace"]
    assert curated.latitude == Decimal("47.740430")
    assert not m.Organisation.objects.filter(name="N°4 FabLab").exists()
    assert run("fablabs", fablabs).total("updated") == 0


def test_the_point_of_the_file_wins_over_a_commune_centroid(fablabs):
    vannes = Commune.objects.create(
        insee_code="56260",
        name="Vannes",
        name_key="vannes",
        departement="56",
        postcodes=["56000"],
        latitude=Decimal("47.6559"),
        longitude=Decimal("-2.7603"),
    )
    vannes.postcode_rows.create(postcode="56000")
    placed = OrganisationFactory(
        kind=m.OrganisationKind.FABLAB,
        name="Usi-LAB (Icam)",
        postcode="56000",
        commune_insee="56260",
        latitude=vannes.latitude,
        longitude=vannes.longitude,
    )
    run("fablabs", fablabs)
    placed.refresh_from_db()
    assert (placed.latitude, placed.longitude) == (Decimal("47.650658"), Decimal("-2.782514"))
    # New places the gazetteer knows get their commune's code; their own point stays.
    makerspace = m.Organisation.objects.get(name="MakerSpace56")
    assert makerspace.commune_insee == "56260"
    assert makerspace.latitude == Decimal("47.642464")


def test_a_fab_lab_dry_run_saves_nothing(fablabs):
    report = run("fablabs", fablabs, dry_run=True)
    assert fablabs_of(report)["created"] == 121
    assert not report.committed
    assert m.Organisation.objects.count() == 0


def test_a_broken_feature_is_rejected_with_its_location_and_partial_loads_the_rest(tmp_path):
    collection = json.loads(shared_data(FABLABS).read_bytes())
    collection["features"] = collection["features"][:4]
    collection["features"][1]["properties"]["name"] = " "
    collection["features"][2]["geometry"]["coordinates"] = [47.69, -200]
    path = tmp_path / "labs.geojson"
    path.write_text(json.dumps(collection))
    report = run("fablabs", path)
    assert located(report) == [
        ("labs.geojson: feature 2", "no name (property “name”)"),
        (
            "labs.geojson: feature 3 (CréaTech)",
            "geometry: coordinates [47.69, -200] are out of range "
            "(expected longitude, latitude in degrees)",
        ),
    ]
    assert not report.committed and m.Organisation.objects.count() == 0
    partial = run("fablabs", path, partial=True)
    assert partial.committed and fablabs_of(partial)["created"] == 2
    assert sorted(m.Organisation.objects.values_list("name", flat=True)) == [
        "FabLabVannes",
        "MakerSpace56",
    ]


def test_a_record_the_directory_refuses_is_rejected_with_the_feature_location(tmp_path):
    collection = json.loads(shared_data(FABLABS).read_bytes())
    collection["features"] = collection["features"][:2]
    collection["features"][1]["properties"]["name"] = "x" * 201
    path = tmp_path / "labs.geojson"
    path.write_text(json.dumps(collection))
    report = run("fablabs", path)
    [(location, reason)] = located(report)
    assert location == f"labs.geojson: feature 2 ({'x' * 201})"
    assert reason.startswith("name:")
    assert m.Organisation.objects.count() == 0


def test_the_grappe_import_commands(fablabs, tmp_path):
    out = StringIO()
    call_command("import", "fablabs", str(fablabs), stdout=out)
    text = out.getvalue()
    assert "total: 121 created, 0 updated, 0 unchanged, 0 rejected, 3 warnings" in text
    assert (
        "warning map_bzh_fablab.geojson: feature 73 (MOOC Fabrication numérique): "
        "adresse: note [online] left out" in text
    )
    listing = StringIO()
    call_command("import", "--list", stdout=listing)
    for name in ("departements", "epci", "fablabs"):
        assert f"\n{name}\t" in f"\n{listing.getvalue()}"
    broken = tmp_path / "broken.json"
    broken.write_text("[")
    with pytest.raises(CommandError, match="1 entries rejected"):
        call_command("import", "epci", str(broken), stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("import", "departements", str(broken), stdout=StringIO())
    folder = run("fablabs", tmp_path)
    assert located(folder) == [(str(tmp_path), "expected a GeoJSON file, not a folder")]
