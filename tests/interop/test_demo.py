"""The demo data: enough of everything to show every feature, facts only for real entries."""

import re
from collections import Counter

import pytest

from grappe.directory import models as m
from grappe.directory.places import NOUVELLE_AQUITAINE
from grappe.interop.importers import load_demo

pytestmark = pytest.mark.django_db


def test_demo_holds_enough_to_show_every_feature(demo):
    assert m.Organisation.objects.count() >= 40
    assert m.Offering.objects.count() >= 60
    assert m.Software.objects.count() >= 40
    assert m.Event.objects.count() >= 5
    assert m.Person.objects.filter(role=m.PersonRole.AMBASSADOR).exists()
    offering_kinds = set(m.Offering.objects.values_list("kind", flat=True))
    assert offering_kinds >= {"software", "service", "hosting", "machine"}
    machines = m.Offering.objects.filter(kind=m.OfferingKind.MACHINE)
    assert machines.filter(machine_type=m.MachineType.PRINTER_FDM).exists()
    assert machines.filter(machine_type=m.MachineType.LASER_CUTTER).exists()
    assert m.Certification.objects.filter(scheme__slug="hds").exists()
    assert m.Reference.objects.exists()


def test_examples_cover_all_twelve_departements_of_the_region(demo):
    examples = m.Organisation.objects.filter(is_example=True)
    assert set(examples.values_list("departement", flat=True)) >= set(NOUVELLE_AQUITAINE)


def test_real_organisations_carry_no_invented_identifiers_or_contacts(demo):
    """Facts only: the demo gives no SIREN, phone or e-mail for a real organisation."""
    real = m.Organisation.objects.filter(is_example=False)
    assert real.count() >= 15
    assert not real.exclude(siren=None).exists()
    assert not real.exclude(siret="").exists()
    assert not real.exclude(phone="").exists()
    assert not real.exclude(email="").exists()
    assert not m.Reference.objects.filter(organisation__is_example=False).exists()
    assert not m.Certification.objects.filter(organisation__is_example=False).exists()


def test_fictional_contacts_use_reserved_ranges(demo):
    """example.org addresses (RFC 2606) and ARCEP's numbers kept for fiction (05 36 49 xx xx)."""
    for entry in [*m.Organisation.objects.all(), *m.Person.objects.all()]:
        if entry.email:
            assert re.search(r"@([\w-]+\.)*example\.org$", entry.email), entry
        if entry.phone:
            assert entry.phone.startswith("+33536"), entry
    assert not m.Person.objects.filter(is_example=False).exclude(email="").exists()


def test_search_needs_are_present(demo):
    """The software the search issue relies on, with what they replace."""
    names = set(m.Software.objects.values_list("name", flat=True))
    assert {"LibreOffice", "BlueMind", "Thunderbird", "BigBlueButton", "Nextcloud", "GLPI"} <= names
    libreoffice = m.Software.objects.get(name="LibreOffice")
    assert any("Word" in product for product in libreoffice.alternative_to)


def test_every_entry_is_valid(demo):
    for model in (m.Organisation, m.Software, m.Offering, m.Person, m.Event, m.Certification):
        for entry in model.objects.all():
            entry.full_clean()


def test_loading_twice_creates_nothing(demo):
    before = Counter(
        {model.__name__: model.objects.count()
         for model in (m.Organisation, m.Software, m.Offering, m.Reference, m.Certification,
                       m.SoftwareRelation, m.Person, m.Event, m.Category)}
    )  # fmt: skip
    second = load_demo()
    assert second.ok
    assert second.total("created") == 0
    assert second.total("updated") == 0
    after = Counter(
        {model.__name__: model.objects.count()
         for model in (m.Organisation, m.Software, m.Offering, m.Reference, m.Certification,
                       m.SoftwareRelation, m.Person, m.Event, m.Category)}
    )  # fmt: skip
    assert after == before
