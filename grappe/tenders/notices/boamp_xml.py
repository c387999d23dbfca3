"""BOAMP's legacy XML (`<ANNONCE>`, schema Boamp_v230, notices up to 2023): calls for tenders
(nature APPEL_OFFRE) and award notices (ATTRIBUTION).

An ANNONCE has GESTION (the bulletin's own bookkeeping: id, type, dates) and DONNEES (what the
buyer wrote: IDENTITE, OBJET with its LOTS, PROCEDURE, CONDITION_PARTICIPATION, ATTRIBUTION).
Flags are empty elements (`<CAP_ECO_MARCHE_OUI/>`); text fields are prose, often with their
line breaks lost, which phrases.split_items cuts back into items.

BOAMP's JSON export carries the same DONNEES as JSON: boamp_json turns it back into elements
and calls `read_annonce`, so both read the same way.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from grappe.tenders.notices import phrases
from grappe.tenders.notices.model import (
    AwardCriterion,
    AwardRecord,
    CriterionKind,
    Duration,
    Lot,
    Notice,
    NoticeKind,
    Organisation,
    Requirement,
    Winner,
    WinnerRole,
)
from grappe.tenders.notices.reading import (
    NoticeError,
    element_text,
    normalise_cpv,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_xml,
    read_company_identifier,
    unique,
)

_NATURES = {
    "APPEL_OFFRE": NoticeKind.CONTRACT,
    "ATTRIBUTION": NoticeKind.AWARD,
    "PRE_INFORMATION": NoticeKind.PRIOR_INFORMATION,
    "PREINFORMATION": NoticeKind.PRIOR_INFORMATION,
    "AVIS_PREINFORMATION": NoticeKind.PRIOR_INFORMATION,
}
_PROCEDURES = {
    "OUVERT": "open",
    "RESTREINT": "restricted",
    "DIALOGUE_COMPETITIF": "comp-dial",
    "PROCEDURE_ADAPTE": "adapted",
    "PROCEDURE_ADAPTEE": "adapted",
}
# CONDITION_PARTICIPATION fields that say what a candidate must show, read item by item.
_PARTICIPATION_FIELDS = (
    "SITUATION_JURIDIQUE",
    "CAP_ECO",
    "CAP_ECO_NIVEAU_MINI",
    "CAP_TECH",
    "CAP_TECH_NIVEAU_MINI",
    "CRITERE_SELECTION",
    "JUSTIFICATIFS_CANDIDAT",
    "PRESTATION_RESERVEE_OUI",
)
# Text fields there that are not about the candidate (execution clauses, e-procurement).
_NOT_REQUIREMENTS = {"CONDITION_PARTICULIERE_EXECUTION", "ELIGIBLE_MPS"}
# "Critères de sélection tels que mentionnés dans les documents de la consultation".
_CRITERIA_IN_DOCUMENTS = {"CAP_ECO_MARCHE_OUI", "CAP_TECH_OFFRE_OUI", "CAP_TECH_MARCHE_OUI"}
_ROLE_MARKER = re.compile(
    r"\s*\(\s*(?P<role>mandataire|co-?\s*traitant|membre|sous-?\s*traitant)\s*\)\s*", re.I
)
_ROLES = {"mandataire": WinnerRole.GROUP_LEADER, "membre": WinnerRole.MEMBER}
_PRICE = re.compile(r"\bprix\b|\bprice\b", re.IGNORECASE)
_COST = re.compile(r"\bco[uû]ts?\b|\bcost\b", re.IGNORECASE)


def parse(content: bytes, source: str) -> Notice:
    """A BOAMP notice from its XML bytes."""
    return parse_root(parse_xml(content, source), source)


def parse_root(root: Element, source: str) -> Notice:
    if root.tag != "ANNONCE":
        raise NoticeError(
            f"the XML root <{root.tag}> is not a BOAMP notice (ANNONCE)",
            code="unknown_format",
            source=source,
        )
    donnees = root.find("DONNEES")
    if donnees is None:
        raise NoticeError("the BOAMP notice has no DONNEES part", code="no_content", source=source)
    return read_annonce(root.find("GESTION"), donnees, source, source_format="boamp-xml")


def read_annonce(
    gestion: Element | None,
    donnees: Element,
    source: str,
    *,
    source_format: str,
    nature: str | None = None,
) -> Notice:
    """The notice from its GESTION (may be missing in an export) and DONNEES parts."""
    nature = _first_tag(gestion, "REFERENCE/TYPE_AVIS/NATURE") or nature
    if nature is None:
        nature = "ATTRIBUTION" if donnees.find("ATTRIBUTION") is not None else "APPEL_OFFRE"
    kind = _NATURES.get(nature.upper())
    if kind is None:
        raise NoticeError(
            f"the BOAMP notice is of nature {nature}; only calls for tenders (APPEL_OFFRE), "
            "award notices (ATTRIBUTION) and prior information notices are read",
            code="unsupported_notice",
            source=source,
        )
    family = _first_tag(gestion, "REFERENCE/TYPE_AVIS/FAMILLE")
    title = (
        element_text(donnees.find("OBJET/TITRE_MARCHE"))
        or _text(gestion, "INDEXATION/RESUME_OBJET")
        or element_text(donnees.find("OBJET/OBJET_COMPLET"))
    )
    notice = Notice(
        source_format=source_format,
        source=source,
        kind=kind,
        notice_id=_text(gestion, "REFERENCE/IDWEB"),
        notice_type="/".join(part for part in (family, nature) if part),
        reference=element_text(donnees.find("OBJET/REF_MARCHE"))
        or element_text(donnees.find("CONDITION_ADMINISTRATIVE/REFERENCE_MARCHE")),
        title=title,
        description=element_text(donnees.find("OBJET/OBJET_COMPLET"))
        or element_text(donnees.find("OBJET/CARACTERISTIQUES/PRINCIPALES")),
        buyer=_buyer(donnees.find("IDENTITE"), donnees),
        publication_date=parse_date(_text(gestion, "INDEXATION/DATE_PUBLICATION")),
        submission_deadline=parse_datetime(
            element_text(donnees.find("CONDITION_DELAI/RECEPT_OFFRES"))
            or _text(gestion, "INDEXATION/DATE_LIMITE_REPONSE")
        ),
        procedure=_procedure(donnees),
    )
    notice.cpv_main, notice.cpv_additional = _cpv_codes(donnees.find("OBJET"), "CPV")
    notice.lots = _lots(donnees, notice)
    requirements = _requirements(donnees, notice)
    for lot in notice.lots:
        lot.requirements = [
            requirement
            for requirement, numbers in requirements
            if not numbers or phrases.lot_matches(lot.id, numbers)
        ]
    notice.nuts = unique([code for lot in notice.lots for code in lot.nuts])
    if kind is NoticeKind.AWARD:
        notice.awards = _awards(donnees, notice)
    return notice


# -- parts of the notice ---------------------------------------------------------------------


def _buyer(identity: Element | None, donnees: Element) -> Organisation | None:
    if identity is None:
        return None
    raw_identifier = (
        element_text(identity.find("CODE_IDENT_NATIONAL"))
        or element_text(identity.find("TYPE_IDENT_NATIONAL/SIRET"))
        or element_text(identity.find("SIRET"))
        or element_text(identity.find("TYPE_IDENT_NATIONAL/SIREN"))
    )
    identifier, siren, siret = read_company_identifier(raw_identifier)
    nuts = element_text(identity.find("ADJUDICATEUR_NUTS"))
    return Organisation(
        name=element_text(identity.find("DENOMINATION")),
        identifier=identifier,
        siren=siren,
        siret=siret,
        nuts=nuts.upper() if nuts else None,
        city=element_text(identity.find("VILLE")),
    )


def _procedure(donnees: Element) -> str | None:
    tag = _first_tag(donnees, "PROCEDURE/TYPE_PROCEDURE")
    return _PROCEDURES.get(tag, tag) if tag else None


def _lots(donnees: Element, notice: Notice) -> list[Lot]:
    objet = donnees.find("OBJET")
    elements = objet.findall("LOTS/LOT") if objet is not None else []
    default_nuts = _nuts(objet.find("LIEU_EXEC_LIVR")) if objet is not None else []
    procedure_criteria = donnees.find("PROCEDURE/CRITERES_ATTRIBUTION")
    in_documents = [
        "epo-procurement-document"
        for tag in _CRITERIA_IN_DOCUMENTS
        if donnees.find(f"CONDITION_PARTICIPATION/{tag}") is not None
    ][:1]
    legal_form = element_text(donnees.find("CONDITION_RELATIVE_MARCHE/FORME_JURIDIQUE"))
    lots: list[Lot] = []
    for index, element in enumerate(elements or [objet], start=1):
        if element is None:
            break
        single = not elements
        path = "OBJET" if single else f"OBJET/LOTS/LOT[{index}]"
        lot = Lot(
            id=element_text(element.find("NUM")) or str(index),
            title=element_text(element.find("INTITULE"))
            or (notice.title if single or len(elements) == 1 else None),
            description=element_text(element.find("DESCRIPTION"))
            or (notice.description if single else None),
            submission_deadline=notice.submission_deadline,
            selection_criteria_sources=list(in_documents),
            tenderer_legal_form=legal_form,
        )
        lot.cpv_main, lot.cpv_additional = _cpv_codes(element, "CPV")
        if lot.cpv_main is None:
            lot.cpv_main, lot.cpv_additional = notice.cpv_main, list(notice.cpv_additional)
        lot.nuts = _nuts(element) or list(default_nuts)
        value = element.find("VALEUR")
        if value is not None:
            lot.estimated_value = parse_decimal(element_text(value))
            lot.currency = _attribute(value, "DEVISE")
        lot.duration = _duration(element.find("DUREE_DELAI") if single else element, path)
        criteria = element.find("CRITERES_ATTRIBUTION")
        lot.award_criteria = _award_criteria(
            criteria if criteria is not None else procedure_criteria,
            f"{path}/CRITERES_ATTRIBUTION"
            if criteria is not None
            else "PROCEDURE/CRITERES_ATTRIBUTION",
        )
        lots.append(lot)
    if not lots:
        raise NoticeError(
            "the BOAMP notice has no OBJET part", code="no_content", source=notice.source
        )
    return lots


def _requirements(donnees: Element, notice: Notice) -> list[tuple[Requirement, list[str]]]:
    """Every item of the participation conditions, with the lots it names (none: all lots)."""
    found: list[tuple[Requirement, list[str]]] = []
    conditions = donnees.find("CONDITION_PARTICIPATION")
    sections: list[tuple[str, Element, bool]] = []
    if conditions is not None:
        for child in conditions:
            if child.tag in _PARTICIPATION_FIELDS:
                sections.append((f"CONDITION_PARTICIPATION/{child.tag}", child, True))
            elif child.tag not in _NOT_REQUIREMENTS and element_text(child):
                notice.warnings.append(f"CONDITION_PARTICIPATION/{child.tag} was not read")
    limitation = donnees.find("PROCEDURE/NB_CANDIDATS/LIMITATION_CANDIDATS")
    if limitation is not None:  # criteria ranking candidates, not conditions to take part
        sections.append(("PROCEDURE/NB_CANDIDATS/LIMITATION_CANDIDATS", limitation, False))
    for source, element, mandatory in sections:
        paragraphs = element.findall("P") or [element]
        items = [
            item
            for paragraph in paragraphs
            for item in phrases.split_items(element_text(paragraph), lost_breaks=True)
        ]
        for item in items:
            numbers = phrases.lots_mentioned(item)
            for finding in phrases.findings_or_other(item):
                requirement = Requirement(
                    kind=finding.kind,
                    text=finding.sentence,
                    source=source,
                    threshold=finding.threshold,
                    unit=finding.unit,
                    mandatory=mandatory and finding.mandatory,
                    subject=finding.subject,
                )
                found.append((requirement, numbers))
    return found


def _award_criteria(block: Element | None, source: str) -> list[AwardCriterion]:
    """CRITERES_PONDERES / CRITERES_QUALITE / CRITERES_PRIX / CRITERES_LIBRE."""
    if block is None:
        return []
    criteria: list[AwardCriterion] = []
    for group in block:
        path = f"{source}/{group.tag}"
        if group.tag == "CRITERES_PRIX":
            criteria.append(
                AwardCriterion(
                    name="Prix",
                    kind=CriterionKind.PRICE,
                    weight=parse_decimal(_attribute(group, "POIDS")),
                    source=path,
                )
            )
            continue
        elements = group.findall("CRITERE")
        for criterion in elements:
            name = element_text(criterion)
            if group.tag == "CRITERES_QUALITE":
                kind = CriterionKind.QUALITY
            elif group.tag == "CRITERES_COUT":
                kind = CriterionKind.COST
            else:
                kind = _criterion_kind(name)
            criteria.append(
                AwardCriterion(
                    name=name,
                    kind=kind,
                    weight=parse_decimal(_attribute(criterion, "POIDS")),
                    source=f"{path}/CRITERE",
                )
            )
        if not elements and group.tag == "CRITERES_LIBRE":  # free text: one per item
            for item in phrases.split_items(element_text(group), lost_breaks=True):
                criteria.append(AwardCriterion(name=item, kind=CriterionKind.OTHER, source=path))
    weights = [criterion.weight for criterion in criteria if criterion.weight is not None]
    if weights and len(weights) == len(criteria) and sum(weights) == 100:
        for criterion in criteria:
            criterion.weight_unit = "%"
    return criteria


def _criterion_kind(name: str | None) -> CriterionKind:
    if name and _PRICE.search(name):
        return CriterionKind.PRICE
    if name and _COST.search(name):
        return CriterionKind.COST
    return CriterionKind.QUALITY


def _awards(donnees: Element, notice: Notice) -> list[AwardRecord]:
    """ATTRIBUTION/DECISION: each TITULAIRE is followed by its RENSEIGNEMENT."""
    attribution = donnees.find("ATTRIBUTION")
    if attribution is None:
        notice.warnings.append("the award notice has no ATTRIBUTION part")
        return []
    decisions = attribution.findall("DECISION")
    decision_date = parse_date(element_text(attribution.find("DATE_DECISION")))
    total = attribution.find("VALEUR_TOTALE")
    records: list[AwardRecord] = []
    for index, decision in enumerate(decisions, start=1):
        if decision.find("NON_ATTRIBUE") is not None:
            continue
        lot_id = element_text(decision.find("NUM_LOT"))
        lot = next((lot for lot in notice.lots if lot.id == lot_id), None)
        if lot is None and len(notice.lots) == 1 and len(decisions) == 1:
            lot = notice.lots[0]
        record = AwardRecord(
            source=f"{notice.source}#DECISION[{index}]",
            lot_id=lot_id or (lot.id if lot else None),
            title=element_text(decision.find("DESCRIPTION")) or (lot.title if lot else None),
            buyer=notice.buyer,
            award_date=decision_date,
            cpv_main=lot.cpv_main if lot else notice.cpv_main,
            procedure=notice.procedure,
        )
        if total is not None and len(decisions) == 1:
            record.amount = parse_decimal(element_text(total))
            record.currency = _attribute(total, "DEVISE")
        record.winners = _winners(decision, record)
        if record.award_date is None:
            dates = [winner.award_date for winner in record.winners if winner.award_date]
            record.award_date = min(dates) if dates else None
        if not record.winners:
            record.notes.append("the decision names no holder")
        records.append(record)
    if attribution.find("SANS_SUITE") is not None:
        notice.warnings.append("the award notice says part of the procedure was discontinued")
    return records


def _winners(decision: Element, record: AwardRecord) -> list[Winner]:
    """Each TITULAIRE with the RENSEIGNEMENT that follows it.

    The XML interleaves them; the JSON export groups them ({"TITULAIRE": [...],
    "RENSEIGNEMENT": [...]}), so when there are as many of each they pair by position.
    """
    holders = decision.findall("TITULAIRE")
    details = decision.findall("RENSEIGNEMENT")
    if holders and len(holders) == len(details):
        sequence = [element for pair in zip(holders, details, strict=True) for element in pair]
    else:
        sequence = list(decision)
    winners: list[Winner] = []
    marked: list[bool] = []
    for child in sequence:
        if child.tag == "TITULAIRE":
            raw_name = element_text(child.find("DENOMINATION")) or ""
            marker = _ROLE_MARKER.search(raw_name)
            role = WinnerRole.UNKNOWN
            if marker:
                word = re.sub(r"[\s-]", "", marker.group("role").lower())
                role = _ROLES.get(word, WinnerRole.MEMBER)
                if word == "soustraitant":
                    role = WinnerRole.SUBCONTRACTOR
            identifier, siren, siret = read_company_identifier(
                element_text(child.find("SIRET")) or element_text(child.find("CODE_IDENT_NATIONAL"))
            )
            winners.append(
                Winner(
                    name=_ROLE_MARKER.sub(" ", raw_name).strip() or None,
                    role=role,
                    identifier=identifier,
                    siren=siren,
                    siret=siret,
                )
            )
            marked.append(bool(marker))
        elif child.tag == "RENSEIGNEMENT" and winners:
            _details(child, winners[-1], record)
    if any(marked):
        for winner, has_marker in zip(winners, marked, strict=True):
            if not has_marker:
                winner.role = WinnerRole.MEMBER
    elif len(winners) == 1:
        winners[0].role = WinnerRole.SOLE
    return winners


def _details(details: Element, winner: Winner, record: AwardRecord) -> None:
    """RENSEIGNEMENT: DATE_ATTRIBUTION, MONTANT (or MONTANT_MINI/MAXI, MONTANT_INDEFINI)."""
    winner.award_date = parse_date(element_text(details.find("DATE_ATTRIBUTION")))
    amount = details.find("MONTANT")
    if amount is not None:
        winner.amount = parse_decimal(element_text(amount))
        winner.currency = _attribute(amount, "DEVISE")
    low, high = details.find("MONTANT_MINI"), details.find("MONTANT_MAXI")
    if low is not None or high is not None:
        currency = _attribute(high if high is not None else low, "DEVISE") or ""
        record.notes.append(
            f"{winner.name}: amount between {element_text(low) or '?'} and "
            f"{element_text(high) or '?'} {currency}".strip()
        )


# -- small readers ---------------------------------------------------------------------------


def _text(parent: Element | None, path: str) -> str | None:
    return element_text(parent.find(path)) if parent is not None else None


def _first_tag(parent: Element | None, path: str) -> str | None:
    """The flag chosen inside a choice element: <NATURE><APPEL_OFFRE/></NATURE>."""
    if parent is None:
        return None
    element = parent.find(path)
    if element is None:
        return None
    children = list(element)
    return children[0].tag if children else element_text(element)


def _attribute(element: Element | None, name: str) -> str | None:
    """An attribute; the JSON export may have turned it into a child element."""
    if element is None:
        return None
    return element.get(name) or element_text(element.find(name))


def _cpv_codes(parent: Element | None, tag: str) -> tuple[str | None, list[str]]:
    """The first CPV/PRINCIPAL is the main code; every other code given is additional."""
    if parent is None:
        return None, []
    codes = [normalise_cpv(element_text(code)) for block in parent.findall(tag) for code in block]
    codes = unique([code for code in codes if code])
    return (codes[0], codes[1:]) if codes else (None, [])


def _nuts(parent: Element | None) -> list[str]:
    if parent is None:
        return []
    return unique([(element_text(code) or "").upper() for code in parent.findall("CODE_NUTS")])


def _duration(parent: Element | None, path: str) -> Duration | None:
    if parent is None:
        return None
    for tag, unit in (("DUREE_MOIS", "month"), ("DUREE_JOUR", "day"), ("DUREE_JOURS", "day")):
        value = parse_decimal(element_text(parent.find(tag)))
        if value is not None:
            return Duration(value=value, unit=unit, source=f"{path}/{tag}")
    return None
