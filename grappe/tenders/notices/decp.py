"""DECP (données essentielles de la commande publique): the awarded contracts French buyers
publish, as JSON per schema v2.0.3 — `{"marches": {"marche": [...], "contrat-concession":
[...]}}` — or the older v1 list `{"marches": [...]}`.

A DECP record is an award, not a call: each becomes an AwardRecord with its holders by SIRET
(`titulaires`, `concessionnaires`) and the subcontractors of its `actesSousTraitance`. DECP
never says which holder of a group is the mandataire, so group members stay "member"; the
modifications published later are counted in the notes, not applied.
"""

from __future__ import annotations

from typing import Any

from grappe.tenders.notices.model import AwardRecord, Duration, Organisation, Winner, WinnerRole
from grappe.tenders.notices.reading import (
    NoticeError,
    clean,
    normalise_cpv,
    parse_date,
    parse_decimal,
    parse_json,
    read_company_identifier,
)

_NO_GROUP = "pas de groupement"


def parse(content: bytes, source: str) -> list[AwardRecord]:
    """Every contract of a DECP JSON file, as award records."""
    return parse_document(parse_json(content, source), source)


def is_decp(document: Any) -> bool:
    return isinstance(document, dict) and isinstance(document.get("marches"), dict | list)


def parse_document(document: Any, source: str) -> list[AwardRecord]:
    if not is_decp(document):
        raise NoticeError(
            "the JSON has no “marches” key: it is not a DECP file",
            code="unknown_format",
            source=source,
        )
    contracts = document["marches"]
    records: list[AwardRecord] = []
    if isinstance(contracts, list):  # schema v1: one flat list
        entries = [("marche", entry) for entry in contracts]
    else:
        entries = [
            (key, entry)
            for key in ("marche", "contrat-concession")
            for entry in _as_list(contracts.get(key))
        ]
        unknown = sorted(set(contracts) - {"marche", "contrat-concession"})
        if unknown:
            raise NoticeError(
                f"the DECP file holds “{', '.join(unknown)}”, which is neither “marche” nor "
                "“contrat-concession”",
                code="unknown_format",
                source=source,
            )
    positions: dict[str, int] = {}
    for key, entry in entries:
        index = positions[key] = positions.get(key, 0) + 1
        where = f"{source}#marches.{key}[{index}]"
        if not isinstance(entry, dict):
            raise NoticeError(
                f"entry {index} of “{key}” is not an object",
                code="malformed_record",
                source=source,
            )
        records.append(
            _concession(entry, where) if key == "contrat-concession" else _contract(entry, where)
        )
    if not records:
        raise NoticeError("the DECP file lists no contract", code="no_content", source=source)
    return records


def _contract(entry: dict, where: str) -> AwardRecord:
    """A marché: acheteur, titulaires, montant, codeCPV, dateNotification, procedure."""
    record = AwardRecord(
        source=where,
        contract_id=_string(entry.get("id")),
        title=clean(_string(entry.get("objet"))),
        amount=parse_decimal(entry.get("montant")),
        currency="EUR" if entry.get("montant") is not None else None,
        award_date=parse_date(entry.get("dateNotification")),
        cpv_main=normalise_cpv(entry.get("codeCPV")),
        procedure=clean(_string(entry.get("procedure"))),
        group_type=clean(_string(entry.get("typeGroupementOperateurs"))),
        duration=_months(entry.get("dureeMois")),
    )
    record.buyer = _organisation(entry.get("acheteur"), record)
    holders = [_holder(item, "titulaire") for item in _as_list(entry.get("titulaires"))]
    record.winners = _with_roles(holders, record.group_type, record)
    for act in _as_list(entry.get("actesSousTraitance")):
        act = act.get("acteSousTraitance", act) if isinstance(act, dict) else {}
        subcontractor = _identified(act.get("sousTraitant"), WinnerRole.SUBCONTRACTOR, record)
        subcontractor.amount = parse_decimal(act.get("montant"))
        subcontractor.currency = "EUR" if subcontractor.amount is not None else None
        subcontractor.award_date = parse_date(act.get("dateNotification"))
        record.winners.append(subcontractor)
    for winner in record.winners:
        if winner.role is not WinnerRole.SUBCONTRACTOR:
            winner.award_date = record.award_date
    _note_modifications(entry, record)
    if entry.get("montant") is not None and record.amount is None:
        record.notes.append(f"montant “{entry.get('montant')}” is not a number")
    return record


def _concession(entry: dict, where: str) -> AwardRecord:
    """A contrat de concession: autoriteConcedante, concessionnaires, valeurGlobale."""
    record = AwardRecord(
        source=where,
        contract_id=_string(entry.get("id")),
        title=clean(_string(entry.get("objet"))),
        amount=parse_decimal(entry.get("valeurGlobale")),
        currency="EUR" if entry.get("valeurGlobale") is not None else None,
        award_date=parse_date(entry.get("dateSignature")),
        procedure=clean(_string(entry.get("procedure"))),
        duration=_months(entry.get("dureeMois")),
    )
    record.buyer = _organisation(entry.get("autoriteConcedante"), record)
    holders = [_holder(item, "concessionnaire") for item in _as_list(entry.get("concessionnaires"))]
    record.winners = _with_roles(holders, None, record)
    for winner in record.winners:
        winner.award_date = record.award_date
    _note_modifications(entry, record)
    return record


def _holder(item: Any, key: str) -> Any:
    """v2 wraps each holder: {"titulaire": {...}}; v1 does not."""
    return item.get(key, item) if isinstance(item, dict) else item


def _with_roles(holders: list[Any], group_type: str | None, record: AwardRecord) -> list[Winner]:
    if len(holders) == 1 and (group_type is None or group_type.lower() == _NO_GROUP):
        role = WinnerRole.SOLE
    elif group_type and group_type.lower() != _NO_GROUP:
        role = WinnerRole.MEMBER  # a groupement conjoint or solidaire; its mandataire unnamed
    else:
        role = WinnerRole.UNKNOWN  # several holders, no group: a multi-supplier agreement?
    return [_identified(holder, role, record) for holder in holders]


def _identified(holder: Any, role: WinnerRole, record: AwardRecord) -> Winner:
    holder = holder if isinstance(holder, dict) else {}
    kind = clean(_string(holder.get("typeIdentifiant"))) or ""
    identifier, siren, siret = read_company_identifier(_string(holder.get("id")))
    if kind.upper() == "SIRET" and identifier and siret is None:
        record.notes.append(f"“{identifier}” is given as a SIRET but is not a valid one")
        siren = None
    return Winner(
        name=clean(_string(holder.get("denominationSociale") or holder.get("nom"))),
        role=role,
        identifier=identifier,
        siren=siren,
        siret=siret,
    )


def _organisation(value: Any, record: AwardRecord) -> Organisation | None:
    """The buyer: its SIRET (DECP requires 14 digits), kept as written when not valid."""
    if not isinstance(value, dict):
        return None
    identifier, siren, siret = read_company_identifier(_string(value.get("id")))
    if identifier and siret is None:
        record.notes.append(f"the buyer’s “{identifier}” is not a valid SIRET")
    return Organisation(
        name=clean(_string(value.get("nom"))), identifier=identifier, siren=siren, siret=siret
    )


def _months(value: Any) -> Duration | None:
    number = parse_decimal(value)
    return Duration(value=number, unit="month", source="dureeMois") if number is not None else None


def _note_modifications(entry: dict, record: AwardRecord) -> None:
    count = len(_as_list(entry.get("modifications")))
    if count:
        record.notes.append(
            f"{count} modification(s) published later are not applied: the amounts, dates and "
            "holders are those of the initial award"
        )


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _string(value: Any) -> str | None:
    return None if value is None or isinstance(value, dict | list) else str(value)
