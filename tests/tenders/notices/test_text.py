"""Notices pasted as text: a realistic French call for tenders, an English one, the dates
written the French way, and text that is not a notice at all."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from grappe.tenders.notices import (
    CriterionKind,
    NoticeError,
    NoticeKind,
    RequirementKind,
    read_notice,
)
from grappe.tenders.notices.text import find_date, parse_text

FRENCH_NOTICE = """\
AVIS D'APPEL PUBLIC À LA CONCURRENCE

Acheteur : Syndicat mixte du numérique de Charente, 25 boulevard Besson Bey, 16000 Angoulême
SIRET : 200 071 827 00014
Objet du marché : Hébergement, infogérance et maintenance de la plateforme de services
numériques des collectivités adhérentes
Référence : 2026-DSI-014
Type de procédure : appel d'offres ouvert
Code CPV principal : 72000000-5
Codes CPV complémentaires : 72415000-2, 72253000
Lieu d'exécution : Angoulême (code NUTS FRI31)

Le marché est alloti :
Lot n° 1 : Hébergement souverain des applications (CPV 72415000-2)
Valeur estimée : 450 000 € HT pour la durée totale.
Durée du marché : 36 mois.
Le titulaire devra être qualifié SecNumCloud et certifié HDS pour les données de santé du CIAS.
Lot n° 2 : Tierce maintenance applicative GLPI et Nextcloud
Valeur estimée : 180 000 € HT.
Durée du marché : 24 mois.
Trois références de prestations similaires de moins de trois ans sont exigées pour ce lot.

Conditions de participation
Capacité économique et financière : les candidats doivent justifier d'un chiffre d'affaires
annuel minimum de 1,5 M€ HT sur les trois derniers exercices.
Pour le lot n° 2 : chiffre d'affaires minimum de 300 000 euros HT.
Capacité technique : le candidat disposera d'un effectif d'au moins 10 salariés dont deux
ingénieurs système.
La certification ISO 27001 du candidat ou de son sous-traitant d'hébergement est exigée.
Une certification Qualiopi serait appréciée pour les actions de formation des agents.
En cas de groupement, la forme souhaitée est le groupement conjoint avec mandataire solidaire.

Critères d'attribution
- Valeur technique : 60 %
- Prix : 40 %

Date limite de remise des offres : 15 janvier 2027 à 12h00 (heure de Paris)
Date d'envoi du présent avis : 2 décembre 2026
"""

ENGLISH_NOTICE = """\
Contract notice
Contracting authority: Bordeaux Métropole
Title: Support and maintenance of the open-source GIS platform
CPV: 72267000
Lot 1: QGIS and PostGIS support
Bidders must hold ISO 9001 certification.
Lot 2: Training of GIS staff
The supplier must be Qualiopi certified.
Selection criteria
Minimum yearly turnover of EUR 250 000 over the last three years.
Bidders shall provide at least 2 references for similar contracts.
Award criteria: quality 70 %, price 30 %
Time limit for receipt of tenders: 3 March 2027, 17:00
"""


def requirement_kinds(lot):
    return [(r.kind, r.threshold, r.unit, r.subject) for r in lot.requirements]


def test_a_french_notice_gives_lots_cpv_requirements_and_the_deadline():
    notice = read_notice(FRENCH_NOTICE.encode(), "avis.txt")
    assert notice.source_format == "text"
    assert notice.kind is NoticeKind.CONTRACT
    assert notice.title == (
        "Hébergement, infogérance et maintenance de la plateforme de services numériques des "
        "collectivités adhérentes"
    )  # the wrapped line joined back
    assert notice.reference == "2026-DSI-014"
    assert notice.buyer.name == "Syndicat mixte du numérique de Charente"
    assert (notice.buyer.siret, notice.buyer.siren) == ("20007182700014", "200071827")
    assert notice.procedure == "open"
    assert (notice.cpv_main, notice.cpv_additional) == ("72000000", ["72415000", "72253000"])
    assert notice.nuts == ["FRI31"]
    paris = ZoneInfo("Europe/Paris")
    assert notice.submission_deadline == datetime(2027, 1, 15, 12, 0, tzinfo=paris)
    assert notice.publication_date == date(2026, 12, 2)

    hosting, maintenance = notice.lots
    assert (hosting.id, hosting.title) == ("1", "Hébergement souverain des applications")
    assert (maintenance.id, maintenance.title) == (
        "2",
        "Tierce maintenance applicative GLPI et Nextcloud",
    )
    assert hosting.cpv_main == "72415000"
    assert maintenance.cpv_main == "72000000"  # none of its own: the notice's
    assert (hosting.estimated_value, hosting.currency) == (Decimal(450000), "EUR")
    assert (maintenance.duration.value, maintenance.duration.unit) == (Decimal(24), "month")
    assert [(c.kind, c.weight, c.weight_unit) for c in hosting.award_criteria] == [
        (CriterionKind.QUALITY, Decimal(60), "%"),
        (CriterionKind.PRICE, Decimal(40), "%"),
    ]
    assert hosting.tenderer_legal_form.startswith("En cas de groupement, la forme souhaitée")

    assert requirement_kinds(hosting) == [
        (RequirementKind.CERTIFICATION, None, None, "SecNumCloud"),
        (RequirementKind.CERTIFICATION, None, None, "HDS"),
        (RequirementKind.MINIMUM_TURNOVER, Decimal(1500000), "EUR", None),
        (RequirementKind.STAFF, Decimal(10), "employees", None),
        (RequirementKind.CERTIFICATION, None, None, "ISO 27001"),
        (RequirementKind.CERTIFICATION, None, None, "Qualiopi"),
    ]
    assert requirement_kinds(maintenance) == [
        (RequirementKind.REFERENCES, Decimal(3), "references", None),
        (RequirementKind.MINIMUM_TURNOVER, Decimal(1500000), "EUR", None),
        (RequirementKind.MINIMUM_TURNOVER, Decimal(300000), "EUR", None),  # "pour le lot n° 2"
        (RequirementKind.STAFF, Decimal(10), "employees", None),
        (RequirementKind.CERTIFICATION, None, None, "ISO 27001"),
        (RequirementKind.CERTIFICATION, None, None, "Qualiopi"),
    ]


def test_every_requirement_keeps_the_sentence_and_line_it_came_from():
    notice = read_notice(FRENCH_NOTICE.encode(), "avis.txt")
    hosting = notice.lots[0]
    turnover = next(r for r in hosting.requirements if r.kind is RequirementKind.MINIMUM_TURNOVER)
    assert turnover.text == (
        "Capacité économique et financière : les candidats doivent justifier d'un chiffre "
        "d'affaires annuel minimum de 1,5 M€ HT sur les trois derniers exercices."
    )
    assert turnover.source == "avis.txt:line 24"
    assert turnover.mandatory
    qualiopi = next(r for r in hosting.requirements if r.subject == "Qualiopi")
    assert not qualiopi.mandatory  # "serait appréciée": a wish, not a condition
    secnumcloud = next(r for r in hosting.requirements if r.subject == "SecNumCloud")
    assert secnumcloud.source == "avis.txt:line 17"
    assert "SecNumCloud" not in [r.subject for r in notice.lots[1].requirements]


def test_an_english_notice():
    notice = parse_text(ENGLISH_NOTICE, "notice.txt")
    assert notice.buyer.name == "Bordeaux Métropole"
    assert notice.title == "Support and maintenance of the open-source GIS platform"
    assert [lot.title for lot in notice.lots] == [
        "QGIS and PostGIS support",
        "Training of GIS staff",
    ]
    assert {lot.cpv_main for lot in notice.lots} == {"72267000"}
    assert notice.submission_deadline == datetime(2027, 3, 3, 17, 0)  # no zone written: naive
    qgis, training = notice.lots
    assert requirement_kinds(qgis) == [
        (RequirementKind.CERTIFICATION, None, None, "ISO 9001"),
        (RequirementKind.MINIMUM_TURNOVER, Decimal(250000), "EUR", None),
        (RequirementKind.REFERENCES, Decimal(2), "references", None),
    ]
    assert (RequirementKind.CERTIFICATION, None, None, "Qualiopi") in requirement_kinds(training)
    assert [(c.name, c.kind, c.weight) for c in qgis.award_criteria] == [
        ("quality", CriterionKind.QUALITY, Decimal(70)),
        ("price", CriterionKind.PRICE, Decimal(30)),
    ]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("15 janvier 2027 à 12h00", datetime(2027, 1, 15, 12, 0)),
        ("lundi 1er février 2027 à 9h30", datetime(2027, 2, 1, 9, 30)),
        ("15/01/2027 à 12:00", datetime(2027, 1, 15, 12, 0)),
        ("le 03.02.2027", date(2027, 2, 3)),
        ("2027-01-15T16:30", datetime(2027, 1, 15, 16, 30)),
        ("12 août 2027 12 h", datetime(2027, 8, 12, 12, 0)),
        ("March 3, 2027", date(2027, 3, 3)),
        ("31 février 2027", None),
    ],
)
def test_dates_written_the_french_and_english_ways(written, expected):
    assert find_date(written) == expected


def test_text_that_is_not_a_notice_is_refused():
    with pytest.raises(NoticeError, match="does not read as a call for tenders"):
        read_notice(b"Bonjour,\nVoici le compte rendu de la reunion de mardi.\n", "mail.txt")
