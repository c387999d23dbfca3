"""Requirements read out of one sentence: kinds, amounts, counts; nothing made up."""

from decimal import Decimal

import pytest

from grappe.tenders.notices.model import RequirementKind
from grappe.tenders.notices.phrases import (
    find_amount,
    findings_in,
    findings_or_other,
    lot_matches,
    lots_mentioned,
    split_items,
)
from grappe.tenders.notices.reading import combine_date_time, normalise_cpv, read_company_identifier


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("supérieur à 406 250 euros HT", (Decimal(406250), "EUR")),
        ("CA minimum de 1,5 M€", (Decimal(1500000), "EUR")),
        ("au moins 500 k€ HT", (Decimal(500000), "EUR")),
        ("2 millions d'euros", (Decimal(2000000), "EUR")),
        ("turnover of GBP 200 000.00", (Decimal(200000), "GBP")),
        ("EUR 1.250.000", (Decimal(1250000), "EUR")),
        ("sans montant", None),
    ],
)
def test_amounts_as_notices_write_them(text, amount):
    assert find_amount(text) == amount


def test_a_turnover_sentence_without_an_amount_stays_other():
    [finding] = findings_or_other("Déclaration concernant le chiffre d'affaires global.")
    assert finding.kind is RequirementKind.OTHER
    assert finding.threshold is None


def test_one_sentence_can_state_several_requirements():
    findings = findings_in("Le candidat doit présenter trois références et au moins 12 ETP.")
    assert [(f.kind, f.threshold, f.unit) for f in findings] == [
        (RequirementKind.REFERENCES, Decimal(3), "references"),
        (RequirementKind.STAFF, Decimal(12), "FTE"),
    ]


def test_named_certifications_are_normalised():
    findings = findings_in(
        "Certifications ISO/IEC 27001:2013, ISO 9001 et hébergeur de données de santé."
    )
    assert [f.subject for f in findings] == ["ISO 27001", "ISO 9001", "HDS"]


def test_items_cut_where_the_export_glued_lines_together():
    text = "Critères suivants:-Qualité des références fournies-Moyens humainsEléments à remettre :"
    assert split_items(text, lost_breaks=True) == [
        "Qualité des références fournies",
        "Moyens humains",
    ]
    assert split_items("Support PrestaShop et OpenStack.") == ["Support PrestaShop et OpenStack."]


def test_lots_named_in_a_sentence():
    assert lots_mentioned("Pour le lot no 1 : 400 k€ ; pour les lots 2 et 3 : 200 k€") == [
        "1",
        "2",
        "3",
    ]
    assert lot_matches("LOT-0002", ["2"]) and not lot_matches("LOT-0002", ["1"])


def test_small_readers():
    assert normalise_cpv("72000000-5") == "72000000"
    assert normalise_cpv("7200000") is None
    assert read_company_identifier("326 912 557") == ("326 912 557", "326912557", None)
    assert read_company_identifier("FR32326912557")[1] == "326912557"
    assert read_company_identifier("123 456 789") == ("123 456 789", None, None)
    assert combine_date_time("2019-06-24Z", None).isoformat() == "2019-06-24"
    assert (
        combine_date_time("2020-04-03+01:00", "12:00:00").isoformat() == "2020-04-03T12:00:00+01:00"
    )
