"""The notice readers on the real files of ../shared/data/procurement: every file is read or
refused with a reason, and what a few known files say is read exactly. No database."""

import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from grappe.tenders.notices import (
    AwardRecord,
    CriterionKind,
    Notice,
    NoticeError,
    NoticeKind,
    RequirementKind,
    WinnerRole,
    read_notice,
)
from tests.conftest import SHARED_DATA, shared_data

FOLDERS = ["procurement/eforms-sdk/notices", "procurement/boamp-xml", "procurement/decp"]
# Files beside the notices that are not notices: each must be refused, for this reason.
NOT_NOTICES = {
    "procurement/eforms-sdk/notices/README.md": "does not read as a call for tenders",
    "procurement/decp/SOURCE-README.md": "does not read as a call for tenders",
    "procurement/decp/LICENSE.txt": "does not read as a call for tenders",
    "procurement/decp/schema_decp_v2.0.3.json": "JSON Schema, not data",
}
PLUS_ONE = timezone(timedelta(hours=1))
PLUS_TWO = timezone(timedelta(hours=2))


def real_files() -> list[str]:
    """Every file of the three folders; a folder that is absent still gives one case, which
    shared_data skips on a user's clone and fails in CI."""
    found = [
        f"{folder}/{path.name}"
        for folder in FOLDERS
        for path in sorted((SHARED_DATA / folder).glob("*"))
        if path.is_file()
    ]
    return found or FOLDERS


def read(relative: str) -> Notice | list[AwardRecord]:
    path = shared_data(relative)
    return read_notice(path.read_bytes(), path.name)


def lot(notice: Notice, lot_id: str):
    [found] = [lot for lot in notice.lots if lot.id == lot_id]
    return found


@pytest.mark.parametrize("relative", real_files())
def test_every_real_file_is_read_or_refused_with_a_reason(relative):
    path = shared_data(relative)
    if relative in NOT_NOTICES:
        with pytest.raises(NoticeError) as refused:
            read_notice(path.read_bytes(), path.name)
        assert NOT_NOTICES[relative] in refused.value.reason
        return
    result = read_notice(path.read_bytes(), path.name)
    if isinstance(result, Notice):
        assert result.lots, "a notice has at least one lot"
        assert all(lot.id for lot in result.lots)
        if result.kind is NoticeKind.AWARD:
            assert result.awards
    else:
        assert result and all(record.winners for record in result)


# -- eForms ------------------------------------------------------------------------------------


def test_an_eforms_contract_notice_gives_its_lots_cpv_and_deadline():
    notice = read("procurement/eforms-sdk/notices/cn_24_FRA_comments.xml")
    assert notice.source_format == "eforms"
    assert notice.kind is NoticeKind.CONTRACT
    assert notice.notice_id == "da4d46e9-490b-41ff-a2ae-8166d356a619"
    assert notice.buyer.name == "Rouen Habitat"
    assert notice.procedure == "open"
    assert [lot.id for lot in notice.lots] == ["LOT-0001", "LOT-0002"]
    assert [lot.title for lot in notice.lots] == ["Agence centre", "Agence Hauts de Rouen"]
    assert {lot.cpv_main for lot in notice.lots} == {"77310000"}
    assert notice.lots[0].nuts == ["FRD22"]
    assert notice.submission_deadline == datetime(2019, 6, 24, 16, 0, tzinfo=UTC)
    assert notice.publication_date == date(2019, 5, 10)
    criteria = lot(notice, "LOT-0002").award_criteria
    assert [(c.kind, c.name, c.weight, c.weight_unit) for c in criteria] == [
        (CriterionKind.PRICE, "Prix", Decimal(60), "%"),
        (CriterionKind.QUALITY, "Qualité", Decimal(40), "%"),
    ]
    # BT-821: the selection criteria are in the procurement documents, not in the notice.
    assert lot(notice, "LOT-0001").selection_criteria_sources == ["epo-procurement-document"]


def test_eforms_selection_criteria_keep_their_code_text_and_stated_threshold():
    notice = read("procurement/eforms-sdk/notices/cn_24_open.xml")
    [only] = notice.lots
    assert only.cpv_main == "71630000"
    assert only.cpv_additional == ["71314100", "50300000", "31600000"]
    assert (only.duration.value, only.duration.unit) == (Decimal(36), "month")
    assert only.submission_deadline == datetime(2020, 4, 3, 12, 0, tzinfo=PLUS_ONE)
    turnover = [r for r in only.requirements if r.kind is RequirementKind.MINIMUM_TURNOVER]
    [turnover] = turnover
    assert turnover.code == "slc-stand-other"  # BT-809 says "other"; its text states a minimum
    assert (turnover.threshold, turnover.unit) == (Decimal(200000), "GBP")
    assert "minimum ‘general’ yearly turnover of GBP 200 000.00" in turnover.text
    assert turnover.source.endswith("efac:SelectionCriteria[2]")
    certifications = [
        r.subject for r in only.requirements if r.kind is RequirementKind.CERTIFICATION
    ]
    assert certifications == ["OHSAS 18001", "ISO 9001", "ISO 14001"]  # each once
    weights = {c.name: c.weight for c in only.award_criteria}
    assert weights["Price"] == Decimal(75)
    assert sum(weights.values()) == 100


def test_eforms_groups_of_lots_are_not_lots_and_bt752_thresholds_are_kept():
    notice = read("procurement/eforms-sdk/notices/cn_24_maximal.xml")
    assert [lot.id for lot in notice.lots] == ["LOT-0001", "LOT-0002"]  # GLO-0001 left aside
    first = lot(notice, "LOT-0001")
    assert (first.estimated_value, first.currency) == (Decimal("9999999.99"), "EUR")
    # No tender deadline in this restricted procedure: the one for requests to participate.
    assert first.submission_deadline == datetime(2023, 5, 22, 20, 59, 32, tzinfo=PLUS_ONE)
    codes = [(r.code, r.threshold, r.unit, r.mandatory) for r in first.requirements]
    assert ("slc-abil-staff-tech-work", Decimal(3), "score", False) in codes
    assert first.tenderer_legal_form == "Tenderer Legal Form Description ---"


def test_an_eforms_award_notice_names_the_winner_of_each_lot():
    notice = read("procurement/eforms-sdk/notices/can_24_FRA_comments.xml")
    assert notice.kind is NoticeKind.AWARD
    by_lot = {award.lot_id: award for award in notice.awards}
    assert set(by_lot) == {"LOT-0001", "LOT-0002"}
    first = by_lot["LOT-0001"]
    assert (first.amount, first.currency) == (Decimal(95414), "EUR")
    assert first.award_date == date(2019, 9, 2)
    assert first.contract_id == "SC/ABC/234/01"
    [winner] = first.winners
    assert winner.name == "Espaces Verts Lemire"
    assert winner.role is WinnerRole.SOLE
    assert (winner.identifier, winner.siren) == ("326 912 557", "326912557")
    assert by_lot["LOT-0002"].winners[0].name == "ID Verde SASU"


def test_an_eforms_award_to_a_group_names_its_leader():
    notice = read("procurement/eforms-sdk/notices/veat_24.xml")
    [award] = notice.awards
    roles = {winner.name: winner.role for winner in award.winners}
    assert roles == {
        "Direct Healthcare Services Ltd": WinnerRole.MEMBER,
        "Harvest Healthcare Ltd": WinnerRole.MEMBER,
        "Invacare Ltd": WinnerRole.GROUP_LEADER,
    }


def test_an_eforms_subcontractor_is_read_with_its_main_contractor():
    """No example notice names a subcontractor (OPT-301): add one to a real award notice."""
    content = shared_data("procurement/eforms-sdk/notices/can_24_FRA_comments.xml").read_bytes()
    group = (
        '<cbc:ID schemeName="organization">ORG-0004</cbc:ID>'
        "<efbc:GroupLeadIndicator>true</efbc:GroupLeadIndicator></efac:Tenderer>"
        '<efac:Tenderer><cbc:ID schemeName="organization">ORG-0005</cbc:ID>'
        "<efbc:GroupLeadIndicator>false</efbc:GroupLeadIndicator></efac:Tenderer>"
        '<efac:SubContractor><cbc:ID schemeName="organization">ORG-0002</cbc:ID>'
        '<efac:MainContractor><cbc:ID schemeName="organization">ORG-0004</cbc:ID>'
        "</efac:MainContractor></efac:SubContractor>"
    )
    content, replaced = re.subn(
        rb'<cbc:ID schemeName="organization">ORG-0004</cbc:ID>\s*</efac:Tenderer>',
        group.encode(),
        content,
        count=1,
    )
    assert replaced == 1
    notice = read_notice(content, "can_with_subcontractor.xml")
    award = next(award for award in notice.awards if award.lot_id == "LOT-0001")
    roles = [(w.name, w.role, w.main_contractor) for w in award.winners]
    assert roles == [
        ("Espaces Verts Lemire", WinnerRole.GROUP_LEADER, None),
        ("ID Verde SASU", WinnerRole.MEMBER, None),
        ("Tribunal administratif de Rouen", WinnerRole.SUBCONTRACTOR, "Espaces Verts Lemire"),
    ]


def test_eforms_prior_information_and_market_consultation():
    notice = read("procurement/eforms-sdk/notices/pin-only_81_FRA.xml")
    assert notice.kind is NoticeKind.PRIOR_INFORMATION
    assert [lot.id for lot in notice.lots] == ["PAR-0000"]
    assert notice.cpv_main == "35520000"
    consultation = read("procurement/eforms-sdk/notices/E1_minimal.xml")
    assert consultation.kind is NoticeKind.PRIOR_INFORMATION
    assert consultation.submission_deadline == datetime(2025, 6, 1, 12, 0, tzinfo=PLUS_TWO)


# -- BOAMP XML ---------------------------------------------------------------------------------


def test_a_boamp_call_gives_each_lot_its_own_turnover_threshold():
    notice = read("procurement/boamp-xml/test-pub-5.xml")
    assert notice.source_format == "boamp-xml"
    assert notice.kind is NoticeKind.CONTRACT
    assert notice.notice_id == "16-186359"
    assert notice.submission_deadline == datetime(2017, 2, 17, 12, 0, tzinfo=PLUS_ONE)
    assert [lot.id for lot in notice.lots] == ["1", "2"]
    for lot_id, value, minimum in (("1", 1083333, 406250), ("2", 6333333, 2375000)):
        current = lot(notice, lot_id)
        assert current.cpv_main == "79952000"
        assert current.cpv_additional == ["79951000"]
        assert (current.estimated_value, current.currency) == (Decimal(value), "EUR")
        [turnover] = [r for r in current.requirements if r.kind is RequirementKind.MINIMUM_TURNOVER]
        assert (turnover.threshold, turnover.unit) == (Decimal(minimum), "EUR")
        assert turnover.source == "CONDITION_PARTICIPATION/CAP_ECO_NIVEAU_MINI"
        assert f"lot no {lot_id}" in turnover.text
    # The declaration of turnover states no minimum: it stays "other", its words kept.
    declaration = lot(notice, "1").requirements[0]
    assert declaration.kind is RequirementKind.OTHER
    assert declaration.text.startswith("Déclaration concernant le chiffre d'affaires global")
    assert declaration.threshold is None


def test_a_boamp_call_reads_lots_nuts_duration_and_criteria():
    notice = read("procurement/boamp-xml/test-pub.xml")
    assert [lot.title for lot in notice.lots] == [
        "Prestations de remorquage pour les véhicules légers de la ville de Paris",
        "Prestations de remorquage pour les poids lourds de la ville de Paris",
    ]
    assert {tuple(lot.nuts) for lot in notice.lots} == {("FR10",)}
    assert (notice.lots[0].duration.value, notice.lots[0].duration.unit) == (Decimal(12), "month")
    assert notice.lots[0].selection_criteria_sources == ["epo-procurement-document"]
    assert notice.buyer.name == "Ville de Paris"
    weighted = read("procurement/boamp-xml/test-pub-2.xml")
    assert [(c.kind, c.weight, c.weight_unit) for c in weighted.lots[0].award_criteria] == [
        (CriterionKind.QUALITY, Decimal(50), "%"),
        (CriterionKind.PRICE, Decimal(50), "%"),
    ]
    assert weighted.lots[0].tenderer_legal_form.startswith("En cas de groupement")


def test_a_boamp_award_names_the_mandataire_and_the_cotraitants():
    notice = read("procurement/boamp-xml/test-attribution-10.xml")
    assert notice.kind is NoticeKind.AWARD
    [award] = notice.awards
    assert [(w.name, w.role) for w in award.winners] == [
        ("CONCRETE WAVES SKATE PARKS", WinnerRole.GROUP_LEADER),
        ("SPORT DES VILLES", WinnerRole.MEMBER),
        ("LAURENCE CREMEL PAYSAGISTE", WinnerRole.MEMBER),
    ]
    leader = award.winners[0]
    assert (leader.amount, leader.currency) == (Decimal(348852), "EUR")
    assert leader.award_date == date(2016, 12, 26)
    assert award.cpv_main == "45212100"


def test_a_boamp_award_with_one_holder_and_several_without_roles():
    [sole] = read("procurement/boamp-xml/test-attribution-5.xml").awards
    assert [(w.name, w.role, w.amount) for w in sole.winners] == [
        ("Moter", WinnerRole.SOLE, Decimal("159691.6"))
    ]
    assert (sole.amount, sole.award_date) == (Decimal("159691.6"), date(2016, 11, 18))
    [several] = read("procurement/boamp-xml/test-attribution-6.xml").awards
    assert len(several.winners) == 5
    assert {w.role for w in several.winners} == {WinnerRole.UNKNOWN}


# -- DECP --------------------------------------------------------------------------------------


def test_a_decp_contract_gives_its_holders_by_siret():
    records = read("procurement/decp/marches_avec_modifications.json")
    first = next(record for record in records if record.contract_id == "TEST2022")
    assert first.amount == Decimal(575000)
    assert first.cpv_main == "45000000"  # "45000000-7": the check digit dropped
    assert first.award_date == date(2024, 5, 15)
    assert first.procedure == "Appel d'offres ouvert"
    holder, subcontractor = first.winners
    assert (holder.siret, holder.siren, holder.role) == (
        "55204599900869",
        "552045999",
        WinnerRole.SOLE,
    )
    assert subcontractor.role is WinnerRole.SUBCONTRACTOR
    assert (subcontractor.identifier, subcontractor.siret) == ("214356", None)
    assert subcontractor.amount == Decimal("123456.89")
    assert any("214356" in note and "not a valid" in note for note in first.notes)
    assert any("modification" in note for note in first.notes)
    assert first.buyer.identifier == "21750001630066"
    assert first.buyer.siret is None  # not a valid SIRET, said in the notes
    other = next(record for record in records if record.contract_id == "TEST2022Bis")
    assert other.buyer.siret == "21750001630040"


def test_decp_concessions_list_their_concessionnaires():
    records = read("procurement/decp/marches_concessions.json")
    assert len(records) == 4
    concessions = [r for r in records if "contrat-concession" in r.source]
    assert {w.siret for r in concessions for w in r.winners} == {
        "38103128500491",
        "38103128500574",
    }
    assert concessions[0].amount == Decimal("10.3")
    assert concessions[0].award_date == date(2024, 4, 2)
