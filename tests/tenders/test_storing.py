"""A notice becomes a tender whose lots carry the requirements a team must cover."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from grappe.directory.models import CertificationScheme
from grappe.tenders.models import RequirementKind, Tender
from grappe.tenders.notices import NoticeError, read_notice
from grappe.tenders.storing import find_scheme, store_notice
from tests.conftest import shared_data
from tests.tenders.notices_for_tests import HOSTING_AND_TRAINING, store_text

pytestmark = pytest.mark.django_db


def test_each_lot_gets_a_capability_per_cpv_code_and_its_selection_criteria(demo):
    tender = store_text(HOSTING_AND_TRAINING)

    hosting, training = tender.lots.all()
    assert (hosting.lot_id, hosting.cpv_main) == ("1", "72415000")
    with translation.override("en"):
        kinds = [(r.kind, r.display_label) for r in hosting.requirements.all()]
    assert kinds == [
        (RequirementKind.CAPABILITY, "Hébergement Nextcloud certifié HDS"),
        (RequirementKind.CERTIFICATION, "Hébergeur de données de santé (HDS)"),
        (RequirementKind.TURNOVER, "Minimum turnover: 300,000 €"),
    ]
    capability, certification, turnover = hosting.requirements.all()
    assert capability.cpv_codes == ["72415000"]
    assert "Nextcloud" in capability.keywords
    assert certification.scheme.slug == "hds"
    assert turnover.threshold == Decimal("300000")
    assert [r.cpv_codes for r in training.requirements.all()] == [["80533100"]]


def test_the_deadline_is_read_in_the_buyers_time_zone(demo):
    tender = store_text(HOSTING_AND_TRAINING)

    assert tender.deadline == datetime(2027, 1, 15, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert tender.nuts == ["FRI12"]


def test_a_real_eforms_notice_keeps_its_lots_additional_codes_and_criteria(demo):
    content = shared_data("procurement/eforms-sdk/notices/cn_24_open.xml").read_bytes()

    tender = store_notice(read_notice(content, "cn_24_open.xml"))

    [lot] = tender.lots.all()
    assert lot.cpv_codes() == ["71630000", "71314100", "50300000", "31600000"]
    capabilities = lot.requirements.filter(kind=RequirementKind.CAPABILITY)
    assert [r.cpv_codes for r in capabilities] == [[c] for c in lot.cpv_codes()]
    turnover = lot.requirements.get(kind=RequirementKind.TURNOVER)
    assert turnover.threshold == Decimal("200000")
    assert tender.notice["source_format"] == "eforms"  # the whole reading is kept


def test_an_award_notice_is_not_a_call_to_answer(demo):
    content = shared_data("procurement/eforms-sdk/notices/can_24_minimal.xml").read_bytes()

    with pytest.raises(NoticeError, match="award notice"):
        store_notice(read_notice(content, "can_24_minimal.xml"))
    assert not Tender.objects.exists()


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("certification ISO/IEC 27001:2022", "iso-27001"),
        ("le candidat est certifié HDS", "hds"),
        ("Qualification SecNumCloud exigée", "secnumcloud"),
        ("certification ISO 9001", "iso-9001"),
        ("label Numérique Responsable niveau 2", None),
    ],
)
def test_certifications_are_recognised_by_name_or_acronym(demo, text, slug):
    found = find_scheme(text, list(CertificationScheme.objects.all()))

    assert (found.slug if found else None) == slug


def test_the_command_parses_and_stores(demo, tmp_path, capsys):
    path = tmp_path / "notice.txt"
    path.write_text(HOSTING_AND_TRAINING, encoding="utf-8")

    call_command("tender", "parse", str(path), "--json")
    assert '"cpv_main": "72415000"' in capsys.readouterr().out
    call_command("tender", "add", str(path))

    tender = Tender.objects.get()
    assert str(tender.public_id) in capsys.readouterr().out


def test_suggested_cpv_codes_are_listed_then_applied(demo, capsys):
    from grappe.directory.models import Offering

    offering = Offering.objects.exclude(kind="machine").filter(title__icontains="Nextcloud")[0]
    offering.cpv_codes = []
    offering.save()

    call_command("tender", "suggest-cpv")
    assert f"{offering.slug}: 72" in capsys.readouterr().out
    call_command("tender", "suggest-cpv", "--apply")

    offering.refresh_from_db()
    assert offering.cpv_codes and offering.cpv_codes[0].startswith("72")


def test_a_lot_id_with_a_slash_still_makes_an_address(demo):
    from grappe.tenders.notices import Lot as NoticeLot
    from grappe.tenders.notices import Notice, NoticeKind

    notice = Notice(
        source_format="text",
        source="x.txt",
        kind=NoticeKind.CONTRACT,
        title="Lots with odd numbers",
        lots=[NoticeLot(id="2024/01", title="A"), NoticeLot(id="2024/01 ", title="B")],
    )

    tender = store_notice(notice)

    ids = [lot.lot_id for lot in tender.lots.all()]
    assert ids == ["2024-01", "2024-01-2"]
    for lot_id in ids:
        reverse("web:tender_lot", kwargs={"public_id": tender.public_id, "lot_id": lot_id})
