"""Award notices and DECP records become references of the members they name, by SIRET."""

from decimal import Decimal

import pytest

from grappe.directory.models import Organisation, Reference
from grappe.directory.models.references import ContractRole
from grappe.tenders.awards import import_awards, records_of
from grappe.tenders.notices import read_notice
from tests.conftest import shared_data

pytestmark = pytest.mark.django_db

WINNER_SIRET = "55204599900869"  # the holder of the contracts in DECP's example file


def _records():
    path = shared_data("procurement/decp/marches_avec_modifications.json")
    return records_of(read_notice(path.read_bytes(), path.name))


def test_a_decp_award_becomes_a_reference_of_the_member_with_that_siret():
    member = Organisation.objects.create(name="Titulaire", siret=WINNER_SIRET)

    report = import_awards(_records(), "decp.json")

    assert report.ok, report.as_text()
    references = Reference.objects.filter(organisation=member)
    assert references.count() == 2
    record = next(r for r in _records() if r.contract_id == "TEST2022")
    reference = references.get(source_key__contains="|TEST2022|")
    assert reference.amount == Decimal("575000")
    assert reference.role == ContractRole.SOLE
    assert reference.year == record.award_date.year
    assert reference.cpv_codes == [record.cpv_main]
    assert reference.client_name
    assert reference.source_key
    assert report.counts[("references", "created")] == 2


def test_a_second_import_changes_nothing():
    Organisation.objects.create(name="Titulaire", siret=WINNER_SIRET)
    import_awards(_records(), "decp.json")

    report = import_awards(_records(), "decp.json")

    assert report.counts[("references", "unchanged")] == 2
    assert Reference.objects.count() == 2


def test_the_siren_finds_a_member_registered_with_another_establishment():
    member = Organisation.objects.create(name="Siège", siren=WINNER_SIRET[:9])

    import_awards(_records(), "decp.json")

    assert Reference.objects.filter(organisation=member).count() == 2


def test_winners_not_in_the_index_are_counted_not_created():
    report = import_awards(_records(), "decp.json")

    assert not Reference.objects.exists()
    assert report.counts[("winners not in the index", "unchanged")] >= 2


def test_a_dry_run_saves_nothing():
    Organisation.objects.create(name="Titulaire", siret=WINNER_SIRET)

    report = import_awards(_records(), "decp.json", dry_run=True)

    assert report.counts[("references", "created")] == 2
    assert not Reference.objects.exists()


def test_an_eforms_award_notice_names_its_winner():
    path = shared_data("procurement/eforms-sdk/notices/can_24_minimal.xml")
    records = records_of(read_notice(path.read_bytes(), path.name))

    assert records and records[0].winners[0].name == "Espaces Verts Lemire"
