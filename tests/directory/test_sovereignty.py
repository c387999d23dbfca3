"""The sovereign hosting verdict and its reasons: hosted in the EU, EU-owned operator, no
declared exposure to non-EU laws, a valid sovereign qualification covering the offer."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from grappe.directory import models as m
from grappe.directory.countries import country_name, in_eu
from grappe.directory.sovereignty import assess
from tests.factories import CertificationFactory, CertificationSchemeFactory, OfferingFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


@pytest.fixture
def secnumcloud():
    return CertificationSchemeFactory(
        slug="secnumcloud", name="SecNumCloud", sovereign_qualification=True
    )


def hosting(**fields) -> m.Offering:
    values = {
        "kind": m.OfferingKind.HOSTING,
        "service_kind": "",
        "hosting_kind": m.HostingKind.SAAS,
        "datacenter_country": "FR",
        "datacenter_city": "Limoges",
        "operator_eu_owned": m.EuOwnership.YES,
        "extraterritorial_exposure": m.ExtraterritorialExposure.NONE,
        **fields,
    }
    return OfferingFactory(**values)


def qualified(offering: m.Offering, scheme, **fields) -> m.Certification:
    values = {"valid_from": date(2025, 2, 1), "valid_until": date(2028, 1, 31), **fields}
    return CertificationFactory(organisation=offering.organisation, scheme=scheme, **values)


def verdict(offering: m.Offering) -> tuple[bool, dict[str, bool]]:
    offering = m.Offering.objects.get(pk=offering.pk)  # as the pages read it
    assessment = assess(offering, TODAY)
    return assessment.sovereign, {r.criterion: r.met for r in assessment.reasons}


def test_an_offer_meeting_every_criterion_is_sovereign_and_says_why(secnumcloud):
    offering = hosting()
    qualified(offering, secnumcloud)
    with translation.override("en"):
        assessment = assess(offering, TODAY)
    assert assessment.sovereign
    assert [r.text for r in assessment.reasons] == [
        "Hosted in the EU: Limoges, France",
        "Operator majority-owned in the EU",
        "Declares no exposure to non-EU laws",
        "SecNumCloud qualification, valid until 2028-01-31",
    ]


def test_the_reasons_are_in_french_too(secnumcloud):
    offering = hosting(datacenter_country="DE", datacenter_city="Francfort")
    qualified(offering, secnumcloud)
    with translation.override("fr"):
        texts = [r.text for r in assess(offering, TODAY).reasons]
    assert texts[0] == "Hébergé dans l’UE : Francfort, Allemagne"
    assert texts[3] == "Qualification SecNumCloud, valable jusqu’au 2028-01-31"


@pytest.mark.parametrize(
    ("fields", "failing"),
    [
        ({"datacenter_country": "US"}, "location"),
        ({"datacenter_country": "CH"}, "location"),  # Switzerland is not in the EU
        ({"datacenter_country": ""}, "location"),
        ({"operator_eu_owned": m.EuOwnership.NO}, "ownership"),
        ({"operator_eu_owned": ""}, "ownership"),  # unknown is not a yes
        ({"extraterritorial_exposure": m.ExtraterritorialExposure.EXPOSED}, "exposure"),
        ({"extraterritorial_exposure": ""}, "exposure"),
    ],
)
def test_one_failing_criterion_is_enough_and_is_the_one_named(secnumcloud, fields, failing):
    offering = hosting(**fields)
    qualified(offering, secnumcloud)
    sovereign, met = verdict(offering)
    assert not sovereign
    assert [criterion for criterion, ok in met.items() if not ok] == [failing]


def test_an_expired_qualification_does_not_count(secnumcloud):
    offering = hosting()
    qualified(offering, secnumcloud, valid_from=date(2021, 1, 1), valid_until=date(2024, 1, 1))
    with translation.override("en"):
        assessment = assess(offering, TODAY)
    assert not assessment.sovereign
    assert assessment.reasons[3].text == "SecNumCloud qualification not valid today"


def test_a_certification_that_is_not_a_sovereign_qualification_does_not_count():
    offering = hosting()
    qualified(offering, CertificationSchemeFactory(slug="hds", name="HDS"))
    assert verdict(offering) == (
        False,
        {"location": True, "ownership": True, "exposure": True, "qualification": False},
    )


def test_a_qualification_scoped_to_other_offerings_does_not_cover_this_one(secnumcloud):
    covered = hosting(title="Cloud privé")
    other = hosting(organisation=covered.organisation, title="Colocation")
    qualified(covered, secnumcloud).offerings.add(covered)
    assert verdict(covered)[0] is True
    assert verdict(other)[0] is False
    # Without a scope, the qualification covers every offering of its holder.
    m.Certification.objects.get().offerings.clear()
    assert verdict(other)[0] is True


def test_only_hosting_offers_are_assessed():
    assert assess(OfferingFactory(), TODAY) is None


def test_a_certification_only_covers_offerings_of_its_own_organisation(secnumcloud):
    mine, theirs = hosting(), hosting()
    certification = qualified(mine, secnumcloud)
    certification.check_offerings([mine])
    with pytest.raises(ValidationError) as error:
        certification.check_offerings([mine, theirs])
    assert theirs.title in str(error.value)


def test_countries_are_named_in_the_page_language_and_known_to_be_in_the_eu_or_not():
    with translation.override("fr"):
        assert country_name("nl") == "Pays-Bas"
    with translation.override("en"):
        assert country_name("NL") == "Netherlands"
    assert country_name("XX") == country_name("") == ""
    assert in_eu("fr") and in_eu("IE") and not in_eu("GB") and not in_eu("NO")


def test_a_data_centre_country_must_be_a_real_iso_code():
    offering = hosting(datacenter_country="ZZ")
    with pytest.raises(ValidationError) as error:
        offering.full_clean()
    assert "datacenter_country" in error.value.message_dict
    offering.datacenter_country = "de"
    offering.full_clean()
    assert offering.datacenter_country == "DE"


def test_hosting_attributes_stay_off_other_kinds_of_offering():
    machine = OfferingFactory(
        kind=m.OfferingKind.MACHINE,
        service_kind="",
        machine_type=m.MachineType.PRINTER_FDM,
        operator_eu_owned=m.EuOwnership.YES,
        sla_availability="99.9",
    )
    with pytest.raises(ValidationError) as error:
        machine.full_clean()
    assert {"operator_eu_owned", "sla_availability"} <= set(error.value.message_dict)
