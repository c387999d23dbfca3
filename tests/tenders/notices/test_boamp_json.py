"""BOAMP's JSON export records. No real record is in ../shared/data, so the fixtures beside this
file were written by hand after BOAMP's XML (a legacy call, a legacy award) and eForms (a notice
since 2023), as the export carries them: the notice as a JSON string in `donnees`."""

import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from grappe.tenders.notices import (
    CriterionKind,
    NoticeError,
    NoticeKind,
    RequirementKind,
    WinnerRole,
    boamp_json,
    read_notice,
)

FIXTURES = Path(__file__).parent / "fixtures"
PLUS_TWO = timezone(timedelta(hours=2))


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_a_legacy_call_reads_as_its_xml_would():
    notice = read_notice(fixture("boamp-record-appel-offre.json"), "record.json")
    assert notice.source_format == "boamp-json"
    assert notice.kind is NoticeKind.CONTRACT
    assert (notice.notice_id, notice.notice_type) == ("17-31207", "JOUE/APPEL_OFFRE")
    assert notice.publication_date == date(2017, 3, 2)
    assert notice.submission_deadline == datetime(2017, 4, 6, 12, 0, tzinfo=PLUS_TWO)
    assert notice.procedure == "open"
    assert (notice.buyer.siret, notice.buyer.siren) == ("25330272300031", "253302723")
    first, second = notice.lots
    assert (first.id, first.cpv_main, first.cpv_additional) == ("1", "72415000", ["72317000"])
    assert (first.estimated_value, first.currency) == (Decimal(240000), "EUR")  # "@DEVISE"
    assert (first.duration.value, first.duration.unit) == (Decimal(48), "month")
    assert [(c.kind, c.weight) for c in first.award_criteria] == [
        (CriterionKind.QUALITY, Decimal(60)),
        (CriterionKind.PRICE, Decimal(40)),
    ]
    thresholds = {
        lot.id: [
            r.threshold for r in lot.requirements if r.kind is RequirementKind.MINIMUM_TURNOVER
        ]
        for lot in notice.lots
    }
    assert thresholds == {"1": [Decimal(500000)], "2": [Decimal(200000)]}
    # "(lot 1)" in the item: the ISO 27001 certificate is asked for lot 1 only.
    assert [r.subject for r in first.requirements if r.kind is RequirementKind.CERTIFICATION] == [
        "ISO 27001"
    ]
    assert not [r for r in second.requirements if r.kind is RequirementKind.CERTIFICATION]
    assert second.tenderer_legal_form.startswith("En cas de groupement")


def test_a_legacy_award_pairs_holders_with_their_details():
    notice = read_notice(fixture("boamp-record-attribution.json"), "award.json")
    assert notice.kind is NoticeKind.AWARD  # from the record's "nature": no GESTION here
    assert notice.notice_id == "17-58814"  # from the record's "idweb"
    assert notice.publication_date == date(2017, 6, 1)
    [award] = notice.awards
    leader, member = award.winners
    assert (leader.name, leader.role, leader.siret) == (
        "LOGILIBRE AQUITAINE",
        WinnerRole.GROUP_LEADER,
        "81234567600017",
    )
    assert (leader.amount, leader.award_date) == (Decimal(86500), date(2017, 5, 22))
    assert (member.name, member.role, member.amount) == (
        "ATELIER DES COMMUNS",
        WinnerRole.MEMBER,
        None,
    )
    assert (award.amount, award.cpv_main) == (Decimal(86500), "72212000")


def test_an_eforms_record_reads_as_the_eforms_xml_would():
    notice = read_notice(fixture("boamp-record-eforms.json"), "eforms.json")
    assert notice.source_format == "boamp-json"
    assert notice.notice_type == "cn-standard"
    assert notice.buyer.name == "Région Nouvelle-Aquitaine"
    assert notice.buyer.siret == "20005375900011"
    [only] = notice.lots
    assert (only.id, only.cpv_main, only.cpv_additional) == (
        "LOT-0001",
        "72267000",
        ["72261000", "72253200"],
    )
    assert (only.estimated_value, only.currency) == (Decimal(600000), "EUR")
    assert only.submission_deadline == datetime(2024, 10, 21, 12, 0, tzinfo=PLUS_TWO)
    assert [(r.kind, r.code, r.threshold, r.unit) for r in only.requirements] == [
        (RequirementKind.MINIMUM_TURNOVER, "slc-stand-to-gen", Decimal(400000), "EUR"),
        (RequirementKind.REFERENCES, "slc-abil-ref-services", Decimal(3), "references"),
    ]


def test_an_export_of_several_records_is_read_record_by_record():
    records = [
        json.loads(fixture(name))
        for name in ("boamp-record-appel-offre.json", "boamp-record-attribution.json")
    ]
    export = json.dumps({"total_count": 2, "results": records}).encode()
    notices = boamp_json.parse_all(export, "export.json")
    assert [n.notice_id for n in notices] == ["17-31207", "17-58814"]
    assert notices[1].source == "export.json#17-58814"
    with pytest.raises(NoticeError, match="holds 2 BOAMP records"):
        read_notice(export, "export.json")
    wrapped = json.dumps([{"recordid": "x", "fields": records[0]}]).encode()
    assert read_notice(wrapped, "wrapped.json").notice_id == "17-31207"


def test_records_boamp_does_not_describe_in_xml_are_refused_with_a_reason():
    fnsimple = {"idweb": "21-1", "donnees": json.dumps({"FNSimple": {"initial": {}}})}
    with pytest.raises(NoticeError, match="BOAMP’s FNSimple format"):
        read_notice(json.dumps(fnsimple).encode(), "fnsimple.json")
    broken = {"idweb": "21-2", "donnees": '{"OBJET": '}
    with pytest.raises(NoticeError, match="“donnees” is not valid JSON"):
        read_notice(json.dumps(broken).encode(), "broken.json")
    correction = {
        "idweb": "21-3",
        "nature": "RECTIFICATIF",
        "donnees": json.dumps({"OBJET": {"TITRE_MARCHE": "x"}}),
    }
    with pytest.raises(NoticeError, match="nature RECTIFICATIF"):
        read_notice(json.dumps(correction).encode(), "rectificatif.json")
