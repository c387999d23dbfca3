"""Validation rules users rely on: each bad value is refused with a message naming its field."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from grappe.directory import models as m
from tests.factories import (
    CertificationSchemeFactory,
    OfferingFactory,
    OrganisationFactory,
    SoftwareFactory,
)

pytestmark = pytest.mark.django_db


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.message_dict


def test_siren_and_siret_typed_with_spaces_are_stored_compact():
    organisation = OrganisationFactory.build(siren="356 000 000", siret="356 000 000 00048")
    organisation.full_clean()
    organisation.save()
    organisation.refresh_from_db()
    assert (organisation.siren, organisation.siret) == ("356000000", "35600000000048")


def test_siren_is_taken_from_the_siret_when_missing():
    organisation = OrganisationFactory.build(siret="73282932000074")
    organisation.full_clean()
    assert organisation.siren == "732829320"


def test_siret_must_belong_to_the_siren():
    organisation = OrganisationFactory.build(siren="356000000", siret="73282932000074")
    assert "siret" in errors_of(organisation)


def test_invalid_siren_is_refused_on_its_field():
    assert "siren" in errors_of(OrganisationFactory.build(siren="732829321"))


def test_two_organisations_cannot_share_a_siren_but_many_may_have_none():
    OrganisationFactory(siren="732829320")
    assert "siren" in errors_of(OrganisationFactory.build(siren="732829320"))
    OrganisationFactory(siren="")
    OrganisationFactory(siren="")
    assert m.Organisation.objects.filter(siren__isnull=True).count() == 2


def test_coordinates_go_in_pairs_and_stay_on_earth():
    assert "longitude" in errors_of(OrganisationFactory.build(latitude=Decimal("44.8")))
    assert "latitude" in errors_of(
        OrganisationFactory.build(latitude=Decimal("95"), longitude=Decimal("0"))
    )


def test_turnover_needs_its_year():
    assert "turnover_year" in errors_of(OrganisationFactory.build(turnover_amount=1_000_000))
    assert "turnover_amount" in errors_of(OrganisationFactory.build(turnover_year=2024))


def test_membership_date_only_for_members():
    organisation = OrganisationFactory.build(member_since=date(2020, 1, 1))
    assert "member_since" in errors_of(organisation)
    organisation.membership_status = m.MembershipStatus.MEMBER
    organisation.full_clean()


def test_departement_is_derived_from_the_commune_then_the_postcode():
    by_commune = OrganisationFactory(commune_insee="64102", postcode="64100")
    by_postcode = OrganisationFactory(postcode="17000")
    corsica = OrganisationFactory(commune_insee="2A004")
    reunion = OrganisationFactory(postcode="97400")
    assert [o.departement for o in (by_commune, by_postcode, corsica, reunion)] == [
        "64", "17", "2A", "974",
    ]  # fmt: skip


def test_messages_exist_in_french_and_english():
    organisation = OrganisationFactory.build(siren="732829321")
    with translation.override("fr"):
        french = errors_of(organisation)["siren"][0]
    with translation.override("en"):
        english = errors_of(organisation)["siren"][0]
    assert "check digit" in english
    assert "chiffre de contrôle" in french


def test_licence_is_normalised_and_the_raw_string_kept():
    software = SoftwareFactory.build(licence="", licence_raw="GPLv3")
    software.full_clean()
    assert (software.licence, software.licence_raw) == ("GPL-3.0-only", "GPLv3")


def test_licence_that_is_not_spdx_is_refused():
    assert "licence" in errors_of(SoftwareFactory.build(licence="Licence maison"))


def test_platforms_are_checked():
    assert "platforms" in errors_of(SoftwareFactory.build(platforms=["web", "amiga"]))


def test_certification_must_end_after_it_starts():
    certification = m.Certification(
        organisation=OrganisationFactory(),
        scheme=CertificationSchemeFactory(),
        valid_from=date(2025, 1, 1),
        valid_until=date(2024, 1, 1),
    )
    assert "valid_until" in errors_of(certification)


def test_certification_validity_on_a_day():
    certification = m.Certification(valid_from=date(2024, 1, 1), valid_until=date(2026, 12, 31))
    assert certification.is_valid_on(date(2025, 6, 1))
    assert not certification.is_valid_on(date(2027, 1, 1))
    assert m.Certification(valid_from=date(2024, 1, 1)).is_valid_on(date(2040, 1, 1))


def test_event_cannot_end_before_it_starts():
    event = m.Event(title="Salon", starts_on=date(2025, 5, 2), ends_on=date(2025, 5, 1))
    assert "ends_on" in errors_of(event)


def test_offering_fields_belong_to_their_kind():
    machine_fields_on_a_service = OfferingFactory.build(
        organisation=OrganisationFactory(), machine_type=m.MachineType.LASER_CUTTER
    )
    assert "machine_type" in errors_of(machine_fields_on_a_service)
    machine_without_type = OfferingFactory.build(
        organisation=OrganisationFactory(), kind=m.OfferingKind.MACHINE, service_kind=""
    )
    assert "machine_type" in errors_of(machine_without_type)


def test_offering_cpv_codes_are_checked_and_normalised():
    offering = OfferingFactory.build(
        organisation=OrganisationFactory(), cpv_codes="72212000-4, 72267000-4, 72212000"
    )
    offering.full_clean()
    assert offering.cpv_codes == ["72212000", "72267000"]
    offering.cpv_codes = ["7221"]
    assert "cpv_codes" in errors_of(offering)


def test_person_territory_is_made_of_departements_and_contact_needs_consent():
    person = m.Person(name="Camille", role=m.PersonRole.AMBASSADOR, territory=["33", "99"])
    assert "territory" in errors_of(person)
    person = m.Person(name="Camille", email="camille@example.org", phone="0536491234")
    assert person.public_email == "" and person.public_phone == ""
    person.contact_consent = True
    assert person.public_email == "camille@example.org"


def test_slugs_are_made_from_names_and_stay_unique():
    first = OrganisationFactory(name="Coopérative Numérique")
    second = OrganisationFactory(name="Coopérative Numérique")
    assert (first.slug, second.slug) == ("cooperative-numerique", "cooperative-numerique-2")


def test_descriptions_fall_back_to_the_other_language():
    organisation = OrganisationFactory.build(description_fr="Bonjour", description_en="")
    with translation.override("en"):
        assert organisation.description == "Bonjour"
