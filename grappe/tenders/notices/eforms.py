"""eForms notices: the EU's UBL XML (ContractNotice, ContractAwardNotice,
PriorInformationNotice) as TED and the French platforms publish them since 2023.

Every lookup is namespace-aware; the eForms-only data lives in the extension
`ext:UBLExtensions/.../efext:EformsExtension` (organisations, selection criteria, results).
The business terms read (BT-xx) are named beside each path and listed in
docs/tenders-notices.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
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
    RequirementKind,
    Winner,
    WinnerRole,
)
from grappe.tenders.notices.reading import (
    NoticeError,
    clean,
    combine_date_time,
    normalise_cpv,
    parse_date,
    parse_decimal,
    parse_xml,
    read_company_identifier,
    unique,
)

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
}
ROOTS = {
    f"{{urn:oasis:names:specification:ubl:schema:xsd:{name}-2}}{name}": kind
    for name, kind in (
        ("ContractNotice", NoticeKind.CONTRACT),
        ("ContractAwardNotice", NoticeKind.AWARD),
        ("PriorInformationNotice", NoticeKind.PRIOR_INFORMATION),
    )
}
EXTENSION = "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension"

# BT-809 selection-criterion codes, by the kind of requirement they are.
_SELECTION_KINDS = {
    "slc-stand-to-gen": RequirementKind.MINIMUM_TURNOVER,
    "slc-stand-to-avg": RequirementKind.MINIMUM_TURNOVER,
    "slc-stand-to-spec": RequirementKind.MINIMUM_TURNOVER,
    "slc-stand-to-spec-avg": RequirementKind.MINIMUM_TURNOVER,
    "slc-sche-qu-cert-indep": RequirementKind.CERTIFICATION,
    "slc-sche-env-cert-indep": RequirementKind.CERTIFICATION,
    "slc-abil-ref-work": RequirementKind.REFERENCES,
    "slc-abil-ref-supply": RequirementKind.REFERENCES,
    "slc-abil-ref-services": RequirementKind.REFERENCES,
    "slc-abil-staff-yrly-avg-mp": RequirementKind.STAFF,
    "slc-abil-staff-yrly-no-mgmt": RequirementKind.STAFF,
    "slc-abil-staff-qual": RequirementKind.STAFF,
    "slc-abil-staff-tech-work": RequirementKind.STAFF,
    "slc-abil-staff-tech-ctrl": RequirementKind.STAFF,
}
# Codes too broad to say what is asked: the description's words decide.
_BROAD_SELECTION_CODES = {"slc-stand-other", "other", "ef-stand", "tp-abil", "sui-act"}
_CRITERION_KINDS = {
    "price": CriterionKind.PRICE,
    "quality": CriterionKind.QUALITY,
    "cost": CriterionKind.COST,
}
_WEIGHT_UNITS = {
    "per-exa": "%",
    "per-ran": "% (range)",
    "poi-exa": "points",
    "poi-ran": "points (range)",
    "ord-imp": "rank",
    "dec-exa": "decimal",
}
_DURATION_UNITS = {"DAY": "day", "WEEK": "week", "MONTH": "month", "YEAR": "year"}


def parse(content: bytes, source: str) -> Notice:
    """An eForms notice from its XML bytes."""
    return parse_root(parse_xml(content, source), source)


def parse_root(root: Element, source: str) -> Notice:
    kind = ROOTS.get(root.tag)
    if kind is None:
        raise NoticeError(
            f"the XML root <{_local(root.tag)}> is not an eForms notice (ContractNotice, "
            "ContractAwardNotice or PriorInformationNotice)",
            code="unknown_format",
            source=source,
        )
    return _EformsReader(root, source, kind).notice()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _EformsReader:
    """One notice being read: keeps the organisations and the language it is written in."""

    def __init__(self, root: Element, source: str, kind: NoticeKind):
        self.root = root
        self.source = source
        self.kind = kind
        self.language = _text(root.find("cbc:NoticeLanguageCode", NS))  # BT-702
        self.organisations = self._organisations()
        self.warnings: list[str] = []

    # -- the notice ---------------------------------------------------------------------------

    def notice(self) -> Notice:
        root = self.root
        project = root.find("cac:ProcurementProject", NS)
        notice = Notice(
            source_format="eforms",
            source=self.source,
            kind=self.kind,
            notice_id=_text(root.find("cbc:ID", NS)),  # BT-701
            notice_type=_text(root.find("cbc:NoticeTypeCode", NS)),  # BT-02
            reference=_text(root.find("cac:ProcurementProject/cbc:ID", NS)),  # BT-22
            title=self._localised(project, "cbc:Name"),  # BT-21
            description=self._localised(project, "cbc:Description"),  # BT-24
            buyer=self._buyer(),
            publication_date=self._publication_date(),
            procedure=_text(root.find("cac:TenderingProcess/cbc:ProcedureCode", NS)),  # BT-105
        )
        if project is not None:
            notice.cpv_main, notice.cpv_additional = _classifications(project)
            notice.nuts = _nuts(project)
        legal_form = self._localised(root.find("cac:TenderingTerms", NS), _LEGAL_FORM)
        for element in root.findall("cac:ProcurementProjectLot", NS):
            lot_id = element.find("cbc:ID", NS)
            if lot_id is not None and (lot_id.get("schemeName") or "").lower() == "lotsgroup":
                continue  # a group of lots (BT-330) is not a lot
            notice.lots.append(self._lot(element, notice, legal_form))
        if not notice.lots:
            raise NoticeError(
                "the eForms notice has no lot (cac:ProcurementProjectLot)",
                code="no_lot",
                source=self.source,
            )
        notice.nuts = unique(notice.nuts + [code for lot in notice.lots for code in lot.nuts])
        deadlines = [lot.submission_deadline for lot in notice.lots if lot.submission_deadline]
        notice.submission_deadline = _earliest(deadlines)
        if self.kind is NoticeKind.AWARD:
            notice.awards = self._awards(notice)
        notice.warnings = self.warnings
        return notice

    def _publication_date(self) -> date | None:
        published = self.root.find(f"{EXTENSION}/efac:Publication/efbc:PublicationDate", NS)
        if published is not None:  # OPP-012, added by TED on publication
            return parse_date(published.text)
        return parse_date(_text(self.root.find("cbc:IssueDate", NS)))  # BT-05, dispatch date

    def _buyer(self) -> Organisation | None:
        parties = self.root.findall(
            "cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID", NS
        )
        for party in parties:
            if organisation := self.organisations.get(_text(party) or ""):
                return organisation
        return None

    def _organisations(self) -> dict[str, Organisation]:
        """ORG-0001 and friends (BT-500 name, BT-501 identifier, BT-514 country, BT-507)."""
        found: dict[str, Organisation] = {}
        path = f"{EXTENSION}/efac:Organizations/efac:Organization/efac:Company"
        for company in self.root.findall(path, NS):
            key = _text(company.find("cac:PartyIdentification/cbc:ID", NS))
            if not key:
                continue
            identifier, siren, siret = read_company_identifier(
                _text(company.find("cac:PartyLegalEntity/cbc:CompanyID", NS))
            )
            address = company.find("cac:PostalAddress", NS)
            found[key] = Organisation(
                name=self._localised(company, "cac:PartyName/cbc:Name"),
                identifier=identifier,
                siren=siren,
                siret=siret,
                country=_find_text(address, "cac:Country/cbc:IdentificationCode"),
                nuts=_find_text(address, "cbc:CountrySubentityCode"),
                city=_find_text(address, "cbc:CityName"),
            )
        return found

    # -- lots ---------------------------------------------------------------------------------

    def _lot(self, element: Element, notice: Notice, legal_form: str | None) -> Lot:
        lot_id = _text(element.find("cbc:ID", NS)) or str(len(notice.lots) + 1)
        project = element.find("cac:ProcurementProject", NS)
        terms = element.find("cac:TenderingTerms", NS)
        process = element.find("cac:TenderingProcess", NS)
        lot = Lot(id=lot_id)
        if project is not None:
            lot.title = self._localised(project, "cbc:Name")  # BT-21-Lot
            lot.description = self._localised(project, "cbc:Description")  # BT-24-Lot
            lot.reference = _text(project.find("cbc:ID", NS))  # BT-22-Lot
            lot.cpv_main, lot.cpv_additional = _classifications(project)  # BT-262, BT-263
            lot.nuts = _nuts(project)  # BT-5071-Lot
            amount = project.find("cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount", NS)
            if amount is not None:  # BT-27-Lot
                lot.estimated_value = parse_decimal(amount.text)
                lot.currency = amount.get("currencyID")
            lot.duration = _duration(project.find("cac:PlannedPeriod/cbc:DurationMeasure", NS))
            lot.start_date = parse_date(_text(project.find("cac:PlannedPeriod/cbc:StartDate", NS)))
            lot.end_date = parse_date(_text(project.find("cac:PlannedPeriod/cbc:EndDate", NS)))
        if lot.cpv_main is None:  # a lot without its own classification takes the procedure's
            lot.cpv_main, lot.cpv_additional = notice.cpv_main, list(notice.cpv_additional)
        if not lot.nuts:
            lot.nuts = list(notice.nuts)
        if process is not None:
            lot.submission_deadline = _deadline(process)
        if terms is not None:
            base = f"ProcurementProjectLot[{lot_id}]/cac:TenderingTerms"
            lot.requirements = self._selection_criteria(terms, base)
            lot.selection_criteria_sources = _codes(terms, "selection-criteria-source")  # BT-821
            lot.award_criteria = self._award_criteria(terms, base)
            lot.tenderer_legal_form = self._localised(terms, _LEGAL_FORM) or legal_form
        return lot

    def _selection_criteria(self, terms: Element, base: str) -> list[Requirement]:
        """BT-809 criterion, BT-750 description, BT-40 second stage, BT-7532/BT-752 thresholds."""
        requirements: list[Requirement] = []
        for index, criterion in enumerate(
            terms.findall(f"{EXTENSION}/efac:SelectionCriteria", NS), start=1
        ):
            source = f"{base}/{EXTENSION}/efac:SelectionCriteria[{index}]"
            code = _text(criterion.find("cbc:TendererRequirementTypeCode", NS))
            text = self._localised(criterion, "cbc:Description")
            second_stage = _text(criterion.find("efbc:SecondStageIndicator", NS)) == "true"
            requirement = Requirement(
                kind=_SELECTION_KINDS.get(code or "", RequirementKind.OTHER),
                text=text,
                source=source,
                mandatory=not second_stage,  # a second-stage criterion ranks, it does not bar
                code=code,
            )
            findings = [f for item in phrases.split_items(text) for f in phrases.findings_in(item)]
            _refine(requirement, findings, broad=(code or "") in _BROAD_SELECTION_CODES)
            if requirement.threshold is None:
                for parameter in criterion.findall("efac:CriterionParameter", NS):
                    if _text(parameter.find("efbc:ParameterCode", NS)) == "min-score":
                        requirement.threshold = parse_decimal(
                            _text(parameter.find("efbc:ParameterNumeric", NS))
                        )
                        requirement.unit = "score"
            requirements.append(requirement)
            # Certifications named in the description become requirements of their own, once
            # each even when the description names them twice.
            named = {requirement.subject}
            for finding in findings:
                if finding.kind is RequirementKind.CERTIFICATION and finding.subject not in named:
                    named.add(finding.subject)
                    requirements.append(
                        Requirement(
                            kind=RequirementKind.CERTIFICATION,
                            text=finding.sentence,
                            source=f"{source}/cbc:Description",
                            mandatory=finding.mandatory and not second_stage,
                            subject=finding.subject,
                        )
                    )
        return requirements

    def _award_criteria(self, terms: Element, base: str) -> list[AwardCriterion]:
        """BT-539 type, BT-734 name, BT-540 description, BT-5421 weight code, BT-541 weight."""
        criteria: list[AwardCriterion] = []
        path = "cac:AwardingTerms/cac:AwardingCriterion/cac:SubordinateAwardingCriterion"
        for index, element in enumerate(terms.findall(path, NS), start=1):
            weight, unit = None, None
            for parameter in element.findall(f"{EXTENSION}/efac:AwardCriterionParameter", NS):
                code_element = parameter.find("efbc:ParameterCode", NS)
                if code_element is not None and code_element.get("listName") == "number-weight":
                    weight = parse_decimal(_text(parameter.find("efbc:ParameterNumeric", NS)))
                    unit = _WEIGHT_UNITS.get(_text(code_element) or "", _text(code_element))
            type_code = _text(element.find("cbc:AwardingCriterionTypeCode", NS))
            criteria.append(
                AwardCriterion(
                    name=self._localised(element, "cbc:Name"),
                    kind=_CRITERION_KINDS.get(type_code or "", CriterionKind.OTHER),
                    weight=weight,
                    weight_unit=unit,
                    description=self._localised(element, "cbc:Description"),
                    source=f"{base}/{path}[{index}]",
                )
            )
        return criteria

    # -- results ------------------------------------------------------------------------------

    def _awards(self, notice: Notice) -> list[AwardRecord]:
        """Who won each lot, from efac:NoticeResult (BT-13713, BT-142, BT-720, BT-1451...)."""
        result = self.root.find(f"{EXTENSION}/efac:NoticeResult", NS)
        if result is None:
            self.warnings.append("the award notice has no result (efac:NoticeResult)")
            return []
        tenders = {_text(t.find("cbc:ID", NS)): t for t in result.findall("efac:LotTender", NS)}
        parties = {
            _text(p.find("cbc:ID", NS)): p for p in result.findall("efac:TenderingParty", NS)
        }
        contracts_by_tender: dict[str, Element] = {}
        for contract in result.findall("efac:SettledContract", NS):
            for reference in contract.findall("efac:LotTender/cbc:ID", NS):
                contracts_by_tender[_text(reference) or ""] = contract
        records: list[AwardRecord] = []
        for lot_result in result.findall("efac:LotResult", NS):
            status = _text(lot_result.find("cbc:TenderResultCode", NS))  # BT-142
            if status and status != "selec-w":
                continue  # no winner chosen (open-nw, clos-nw)
            lot_id = _text(lot_result.find("efac:TenderLot/cbc:ID", NS))  # BT-13713
            tender_ids = [_text(t) for t in lot_result.findall("efac:LotTender/cbc:ID", NS)]
            settled = [t for t in tender_ids if t in contracts_by_tender]
            for tender_id in settled or tender_ids:
                tender = tenders.get(tender_id)
                if tender is None:
                    self.warnings.append(f"lot {lot_id}: tender {tender_id} is not described")
                    continue
                records.append(
                    self._award(tender, contracts_by_tender.get(tender_id or ""), lot_id, parties)
                )
        for record in records:
            record.buyer = notice.buyer
            record.procedure = notice.procedure
            lot = next((lot for lot in notice.lots if lot.id == record.lot_id), None)
            record.cpv_main = lot.cpv_main if lot else notice.cpv_main
            if record.title is None and lot:
                record.title = lot.title
        return records

    def _award(
        self,
        tender: Element,
        contract: Element | None,
        lot_id: str | None,
        parties: dict[str | None, Element],
    ) -> AwardRecord:
        tender_id = _text(tender.find("cbc:ID", NS))
        record = AwardRecord(source=f"{self.source}#{tender_id}", lot_id=lot_id)
        payable = tender.find("cac:LegalMonetaryTotal/cbc:PayableAmount", NS)  # BT-720
        if payable is not None:
            record.amount = parse_decimal(payable.text)
            record.currency = payable.get("currencyID")
        if contract is not None:
            record.contract_id = _text(contract.find("efac:ContractReference/cbc:ID", NS))  # BT-150
            record.title = self._localised(contract, "cbc:Title")  # BT-721
            record.award_date = parse_date(_text(contract.find("cbc:AwardDate", NS))) or parse_date(
                _text(contract.find("cbc:IssueDate", NS))
            )  # BT-1451 winner decision date, else BT-145 conclusion date
        party_id = _text(tender.find("efac:TenderingParty/cbc:ID", NS))
        party = parties.get(party_id)
        if party is None:
            record.notes.append(f"tendering party {party_id} is not described")
            return record
        record.winners = self._winners(party, record)
        return record

    def _winners(self, party: Element, record: AwardRecord) -> list[Winner]:
        """OPT-300 tenderers with OPT-170 group leader; OPT-301 subcontractors."""
        tenderers = party.findall("efac:Tenderer", NS)
        group = len(tenderers) > 1
        winners: list[Winner] = []
        for tenderer in tenderers:
            leader = _text(tenderer.find("efbc:GroupLeadIndicator", NS)) == "true"
            role = WinnerRole.SOLE
            if group or leader:
                role = WinnerRole.GROUP_LEADER if leader else WinnerRole.MEMBER
            winners.append(self._winner(_text(tenderer.find("cbc:ID", NS)), role, record))
        if len(winners) == 1 and winners[0].role is WinnerRole.SOLE:
            winners[0].amount, winners[0].currency = record.amount, record.currency
        for subcontractor in party.findall("efac:SubContractor", NS):
            winner = self._winner(
                _text(subcontractor.find("cbc:ID", NS)), WinnerRole.SUBCONTRACTOR, record
            )
            main = self.organisations.get(
                _text(subcontractor.find("efac:MainContractor/cbc:ID", NS)) or ""
            )
            winner.main_contractor = main.name if main else None
            winners.append(winner)
        return winners

    def _winner(self, organisation_id: str | None, role: WinnerRole, record: AwardRecord):
        organisation = self.organisations.get(organisation_id or "")
        if organisation is None:
            record.notes.append(f"organisation {organisation_id} is not described")
            organisation = Organisation(identifier=organisation_id)
        return Winner(
            name=organisation.name,
            role=role,
            identifier=organisation.identifier,
            siren=organisation.siren,
            siret=organisation.siret,
            country=organisation.country,
            award_date=record.award_date,
        )

    # -- text in the notice's language -------------------------------------------------------

    def _localised(self, parent: Element | None, path: str) -> str | None:
        """The text in the notice's own language (BT-702) when several are given."""
        if parent is None:
            return None
        elements = parent.findall(path, NS)
        for element in elements:
            if self.language and element.get("languageID") == self.language:
                return _text(element)
        return _text(elements[0]) if elements else None


_LEGAL_FORM = "cac:TendererQualificationRequest/cbc:CompanyLegalForm"  # BT-76


def _refine(requirement: Requirement, findings: list[phrases.Finding], *, broad: bool) -> None:
    """Let the description's words say what a broad code does not, and give the threshold."""
    if broad and requirement.kind is RequirementKind.OTHER:
        stated = [f for f in findings if f.kind is not RequirementKind.CERTIFICATION]
        if stated:
            requirement.kind = stated[0].kind
    same_kind = [f for f in findings if f.kind is requirement.kind]
    if not same_kind:
        return
    with_threshold = next((f for f in same_kind if f.threshold is not None), None)
    if with_threshold:
        requirement.threshold, requirement.unit = with_threshold.threshold, with_threshold.unit
    if requirement.kind is RequirementKind.CERTIFICATION:
        requirement.subject = next((f.subject for f in same_kind if f.subject), None)


def _text(element: Element | None) -> str | None:
    return clean(element.text) if element is not None and element.text else None


def _find_text(parent: Element | None, path: str) -> str | None:
    return _text(parent.find(path, NS)) if parent is not None else None


def _classifications(project: Element) -> tuple[str | None, list[str]]:
    """BT-262 main CPV and BT-263 additional ones (only the cpv list, other lists aside)."""
    main = [
        normalise_cpv(e.text)
        for e in project.findall("cac:MainCommodityClassification/cbc:ItemClassificationCode", NS)
        if (e.get("listName") or "cpv") == "cpv"
    ]
    additional = [
        normalise_cpv(e.text)
        for e in project.findall(
            "cac:AdditionalCommodityClassification/cbc:ItemClassificationCode", NS
        )
        if (e.get("listName") or "cpv") == "cpv"
    ]
    main_code = next((code for code in main if code), None)
    return main_code, [code for code in unique([c for c in additional if c]) if code != main_code]


def _nuts(project: Element) -> list[str]:
    codes = project.findall("cac:RealizedLocation/cac:Address/cbc:CountrySubentityCode", NS)
    return unique([(_text(code) or "").upper() for code in codes])


def _duration(element: Element | None) -> Duration | None:
    """BT-36 duration with its unit (DAY, MONTH, YEAR)."""
    if element is None:
        return None
    value = parse_decimal(element.text)
    unit_code = (element.get("unitCode") or "").upper()
    if value is None:
        return None
    unit = _DURATION_UNITS.get(unit_code, unit_code.lower() or "unknown")
    return Duration(value=value, unit=unit, source="cac:PlannedPeriod/cbc:DurationMeasure")


def _deadline(process: Element) -> datetime | date | None:
    """BT-131 tender deadline; else BT-1311 requests to participate; else E1 answers."""
    for path in (
        "cac:TenderSubmissionDeadlinePeriod",
        "cac:ParticipationRequestReceptionPeriod",
        f"{EXTENSION}/efac:AnswerReceptionPeriod",
    ):
        period = process.find(path, NS)
        if period is not None:
            moment = combine_date_time(
                _text(period.find("cbc:EndDate", NS)), _text(period.find("cbc:EndTime", NS))
            )
            if moment is not None:
                return moment
    return None


def _codes(terms: Element, list_name: str) -> list[str]:
    path = "cac:TendererQualificationRequest/cac:SpecificTendererRequirement/"
    path += "cbc:TendererRequirementTypeCode"
    return unique(
        [_text(code) or "" for code in terms.findall(path, NS) if code.get("listName") == list_name]
    )


def _earliest(moments: Iterable[datetime | date]) -> datetime | date | None:
    """The earliest deadline; dates and aware/naive datetimes compared on their day if mixed."""
    moments = list(moments)
    if not moments:
        return None
    try:
        return min(moments)
    except TypeError:
        return min(moments, key=lambda m: m.isoformat())
