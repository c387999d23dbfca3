"""Organisations are placed when saved, on the real communes of Nouvelle-Aquitaine: from a
postcode, a commune name or code; typed coordinates never move; centroids follow the place."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from grappe.directory import models as m
from grappe.directory.admin import LocationFilter
from tests.conftest import shared_data
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
BAYONNE = (Decimal("43.492350"), Decimal("-1.465900"))  # the commune's centroid in the file


@pytest.fixture(autouse=True)
def gazetteer(db):
    path = shared_data("geo/communes-nouvelle-aquitaine-centroides.csv")
    call_command("import", "communes", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115


def point(organisation: m.Organisation) -> tuple[Decimal | None, Decimal | None]:
    organisation.refresh_from_db()
    return organisation.latitude, organisation.longitude


def test_a_postcode_alone_places_the_organisation_at_its_communes_centroid():
    organisation = OrganisationFactory(postcode="64100")
    assert point(organisation) == BAYONNE
    assert (organisation.commune_insee, organisation.commune_name) == ("64102", "Bayonne")
    assert organisation.departement == "64"


def test_an_ambiguous_postcode_is_resolved_by_the_commune_name():
    # 64250 serves Cambo-les-Bains, Espelette, Itxassou, Louhossoa...
    organisation = OrganisationFactory(postcode="64250", commune_name="Espelette")
    organisation.refresh_from_db()
    assert organisation.commune_insee == "64213"
    assert organisation.latitude is not None


def test_typed_coordinates_win_and_the_commune_code_is_still_filled():
    organisation = OrganisationFactory(
        postcode="64100", latitude=Decimal("43.480000"), longitude=Decimal("-1.480000")
    )
    assert point(organisation) == (Decimal("43.480000"), Decimal("-1.480000"))
    assert organisation.commune_insee == "64102"


def test_a_centroid_follows_the_organisation_when_it_moves():
    organisation = OrganisationFactory(postcode="64100")
    organisation.postcode, organisation.commune_name = "33000", "Bordeaux"
    organisation.save()
    assert point(organisation) == (Decimal("44.857620"), Decimal("-0.573440"))
    assert (organisation.commune_insee, organisation.departement) == ("33063", "33")


def test_typed_coordinates_stay_when_the_address_changes():
    organisation = OrganisationFactory(
        postcode="64100", latitude=Decimal("43.480000"), longitude=Decimal("-1.480000")
    )
    organisation.postcode, organisation.commune_name = "64600", "Anglet"
    organisation.save()
    assert point(organisation) == (Decimal("43.480000"), Decimal("-1.480000"))


def test_a_place_matching_no_commune_is_left_unplaced_for_the_curators():
    organisation = OrganisationFactory(postcode="99999", commune_name="Atlantide")
    assert point(organisation) == (None, None)
    unplaced = LocationFilter(None, {"location": ["unplaced"]}, m.Organisation, None)
    assert list(unplaced.queryset(None, m.Organisation.objects.all())) == [organisation]


def test_an_entry_without_any_place_is_not_touched():
    organisation = OrganisationFactory()
    assert point(organisation) == (None, None)
    assert organisation.commune_insee == ""
