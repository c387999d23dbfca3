"""The gazetteer on the real communes of Nouvelle-Aquitaine, and geocoding against it."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from grappe.directory import models as m
from grappe.geo.geocoding import find_commune, locate_organisation
from grappe.geo.models import Commune
from grappe.interop.formats.communes import parse
from tests.conftest import shared_data
from tests.factories import OrganisationFactory

COMMUNES = "geo/communes-nouvelle-aquitaine-centroides.csv"


def test_parser_reads_every_commune_of_the_real_file():
    document = parse(shared_data(COMMUNES).read_bytes())
    assert document.errors == []
    assert len(document.communes) == 4293
    bordeaux = next(c for c in document.communes if c.insee_code == "33063")
    assert bordeaux.name == "Bordeaux"
    assert bordeaux.postcodes == ("33000", "33100", "33200", "33300", "33800")
    assert (bordeaux.latitude, bordeaux.longitude) == (Decimal("44.857620"), Decimal("-0.573440"))


def test_parser_reports_bad_rows_by_line():
    content = (
        b"code_insee,nom,code_departement,codes_postaux,latitude,longitude\n"
        b"64102,Bayonne,64,64100,43.49235,-1.4659\n"
        b"6410,Nowhere,64,64100,43,-1\n"
        b"64024,Anglet,64,6460,43.49,-1.51\n"
        b"64025,Far,64,64600,95,-1\n"
    )
    document = parse(content, "x.csv")
    assert [c.name for c in document.communes] == ["Bayonne"]
    assert [location for location, _reason in document.errors] == [
        "x.csv: line 3",
        "x.csv: line 4",
        "x.csv: line 5",
    ]
    assert parse(b"nom,latitude\nX,1\n").errors[0][1].startswith("missing column(s)")


@pytest.fixture
def gazetteer(db):
    call_command("import", "communes", str(shared_data(COMMUNES)), stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_import_is_idempotent(gazetteer, capsys):
    assert Commune.objects.count() == 4293
    call_command("import", "communes", str(shared_data(COMMUNES)))
    assert "0 created, 0 updated, 4293 unchanged" in capsys.readouterr().out


def test_an_ambiguous_postcode_is_resolved_by_the_commune_name(gazetteer):
    assert find_commune(postcode="64250", name="Cambo-les-Bains").commune.insee_code == "64160"
    assert find_commune(postcode="64250", name="cambo les bains").commune.insee_code == "64160"
    ambiguous = find_commune(postcode="64250")
    assert ambiguous.commune is None and "serves 6 communes" in ambiguous.reason
    assert find_commune(postcode="64100").commune.name == "Bayonne"
    assert find_commune(insee_code="33063").commune.name == "Bordeaux"


def test_unknown_places_are_reported_not_guessed(gazetteer):
    assert "no commune with postcode 99999" in find_commune(postcode="99999").reason
    assert "no commune named" in find_commune(postcode="64100", name="Biarritz").reason
    homonyms = find_commune(name="Abzac")
    assert homonyms.commune is None and "give the postcode" in homonyms.reason


def test_organisations_are_placed_at_their_commune_unless_coordinates_were_given(gazetteer):
    placed = OrganisationFactory.build(postcode="64250", commune_name="Cambo-les-Bains")
    assert locate_organisation(placed) == ""
    assert placed.commune_insee == "64160"
    assert (placed.latitude, placed.longitude) == (Decimal("43.361880"), Decimal("-1.386060"))
    manual = OrganisationFactory.build(
        postcode="64100", latitude=Decimal("43.5"), longitude=Decimal("-1.47")
    )
    assert locate_organisation(manual) == ""
    assert (manual.latitude, manual.longitude) == (Decimal("43.5"), Decimal("-1.47"))
    lost = OrganisationFactory.build(postcode="64250")
    assert "serves 6 communes" in locate_organisation(lost)
    assert lost.latitude is None


def test_importing_communes_places_the_organisations_waiting_for_them(db, capsys):
    waiting = OrganisationFactory(postcode="87000", commune_name="Limoges")
    lost = OrganisationFactory(postcode="64250", slug="quelque-part")
    call_command("import", "communes", str(shared_data(COMMUNES)))
    waiting.refresh_from_db()
    assert waiting.commune_insee == "87085" and waiting.latitude is not None
    assert "organisation quelque-part: not placed: postcode 64250 serves 6 communes" in (
        capsys.readouterr().out
    )
    lost.refresh_from_db()
    assert lost.latitude is None
    assert m.Organisation.objects.filter(latitude__isnull=False).count() == 1
