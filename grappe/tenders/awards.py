"""Award notices and DECP records become references of the members they name.

A winner is recognised by its SIRET, else by its SIREN (the first 9 digits of the SIRET): names
are never trusted, since "ACME" and "Acme SAS" are not evidence of being the same company.
Each reference remembers the record it came from (`source_key`), so a second import updates it
instead of adding it again, and a curator's later edits are overwritten only where the record
says something.
"""

from __future__ import annotations

from decimal import Decimal

from grappe.directory.models import Organisation, Reference
from grappe.directory.models.references import ContractRole
from grappe.interop.importers.common import stored_in_transaction
from grappe.interop.report import ImportReport
from grappe.tenders.notices import AwardRecord, Notice, Winner, WinnerRole

_ROLES = {
    WinnerRole.SOLE: ContractRole.SOLE,
    WinnerRole.GROUP_LEADER: ContractRole.LEAD,
    WinnerRole.MEMBER: ContractRole.CO_CONTRACTOR,
    WinnerRole.SUBCONTRACTOR: ContractRole.SUBCONTRACTOR,
}
LABEL = "references"


def records_of(result: Notice | list[AwardRecord]) -> list[AwardRecord]:
    return result.awards if isinstance(result, Notice) else list(result)


def import_awards(
    records: list[AwardRecord], source: str, *, dry_run: bool = False
) -> ImportReport:
    """Store the references these records give the index's organisations; report the rest."""
    report = ImportReport(source=source, dry_run=dry_run)
    stored_in_transaction(report, dry_run, lambda: _store(records, report))
    return report


def _store(records: list[AwardRecord], report: ImportReport) -> None:
    by_siret, by_siren = _organisations_named(records)
    for index, record in enumerate(records, start=1):
        location = f"{record.source} award {record.contract_id or record.lot_id or index}"
        year = record.award_date or _first_date(record.winners) or None
        if not record.winners:
            report.warn(location, "no winner named")
            continue
        found = [(winner, _find(winner, by_siret, by_siren)) for winner in record.winners]
        for winner, organisation in found:
            if organisation is None:
                report.count("winners not in the index", "unchanged")
                continue
            if year is None:
                report.reject(location, f"{winner.name or winner.siret}: no award date, no year")
                continue
            partners = [other for w, other in found if other is not None and w is not winner]
            _store_reference(record, winner, organisation, partners, year.year, report)


def _store_reference(
    record: AwardRecord,
    winner: Winner,
    organisation: Organisation,
    partners: list[Organisation],
    year: int,
    report: ImportReport,
) -> None:
    buyer = record.buyer
    values = {
        "title": _clip(record.title or f"Contract {record.contract_id or record.lot_id}", 200),
        "client_name": _clip((buyer.name or buyer.identifier) if buyer else "", 200) or "?",
        "year": year,
        "amount": _amount(winner, record),
        "cpv_codes": [record.cpv_main] if record.cpv_main else [],
        "role": _role(winner, record),
    }
    key = _source_key(record, winner)
    reference = Reference.objects.filter(organisation=organisation, source_key=key).first()
    if reference is None:
        reference = Reference.objects.create(organisation=organisation, source_key=key, **values)
        outcome = "created"
    else:
        changed = {
            name: value for name, value in values.items() if getattr(reference, name) != value
        }
        for name, value in changed.items():
            setattr(reference, name, value)
        if changed:
            reference.save()
        outcome = "updated" if changed else "unchanged"
    client = _client(buyer)
    if client is not None and client.pk != organisation.pk and reference.client_id != client.pk:
        reference.client = client
        reference.save(update_fields=["client"])
    if partners:
        reference.partners.add(*partners)
    report.count(LABEL, outcome)


def _organisations_named(records: list[AwardRecord]):
    sirets = {w.siret for r in records for w in r.winners if w.siret}
    sirens = {w.siren or (w.siret or "")[:9] for r in records for w in r.winners} - {""}
    sirets |= {r.buyer.siret for r in records if r.buyer and r.buyer.siret}
    by_siret = {o.siret: o for o in Organisation.objects.filter(siret__in=sirets)}
    by_siren = {o.siren: o for o in Organisation.objects.filter(siren__in=sirens)}
    return by_siret, by_siren


def _find(winner: Winner, by_siret, by_siren) -> Organisation | None:
    if winner.siret and winner.siret in by_siret:
        return by_siret[winner.siret]
    siren = winner.siren or (winner.siret or "")[:9]
    return by_siren.get(siren) if siren else None


def _client(buyer) -> Organisation | None:
    if buyer is None:
        return None
    if buyer.siret:
        return Organisation.objects.filter(siret=buyer.siret).first() or (
            Organisation.objects.filter(siren=buyer.siret[:9]).first()
        )
    if buyer.siren:
        return Organisation.objects.filter(siren=buyer.siren).first()
    return None


def _role(winner: Winner, record: AwardRecord) -> str:
    if winner.role in _ROLES:
        return _ROLES[winner.role]
    # Several holders with nothing saying how they are grouped: each did part of the work.
    return ContractRole.SOLE if len(record.winners) == 1 else ContractRole.CO_CONTRACTOR


def _amount(winner: Winner, record: AwardRecord) -> Decimal | None:
    amount = winner.amount if winner.amount is not None else record.amount
    if amount is None or (winner.currency or record.currency or "EUR") != "EUR":
        return None  # references are in euros; another currency is not converted
    return amount


def _source_key(record: AwardRecord, winner: Winner) -> str:
    buyer = record.buyer
    buyer_id = (buyer.siret or buyer.identifier or buyer.name or "") if buyer else ""
    contract = record.contract_id or record.lot_id or record.title or ""
    return _clip(f"{buyer_id}|{contract}|{record.lot_id or ''}", 200)


def _first_date(winners: list[Winner]):
    return next((w.award_date for w in winners if w.award_date), None)


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
