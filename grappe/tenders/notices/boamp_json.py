"""BOAMP's JSON export (the DILA open data: one record per notice, as the site's JSON export
or its API gives them): top-level fields (`idweb`, `objet`, `dateparution`,
`datelimitereponse`, `nomacheteur`, `nature`...) and, in `donnees`, the whole notice as a JSON
string.

What `donnees` holds depends on the notice's age:
- legacy notices: BOAMP's XML DONNEES as JSON (IDENTITE, OBJET, CONDITION_PARTICIPATION...),
  with `gestion` beside it holding GESTION;
- notices since 2023: `{"EFORMS": {"ContractNotice": {...}}}`, the eForms XML as JSON
  ("cbc:ID", "@currencyID", "#text").
Both are turned back into XML elements and read by the BOAMP and eForms parsers, so a notice
reads the same from the XML and from the export. BOAMP's own post-2019 formats (FNSimple,
MAPA, DSP...) are refused with that reason: no sample of them was at hand to read them right.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element

from grappe.tenders.notices import boamp_xml, eforms
from grappe.tenders.notices.model import Notice, Organisation
from grappe.tenders.notices.reading import (
    NoticeError,
    clean,
    parse_date,
    parse_datetime,
    parse_json,
)

_MAX_DEPTH = 200
_EFORMS_ROOTS = ("ContractNotice", "ContractAwardNotice", "PriorInformationNotice")
_LEGACY_PARTS = {"IDENTITE", "OBJET", "PROCEDURE", "ATTRIBUTION", "CONDITION_PARTICIPATION"}
_OWN_FORMATS = ("FNSimple", "MAPA", "DSP", "DIVERS", "JOUE")


def parse(content: bytes, source: str) -> Notice:
    """The notice of a file holding one BOAMP record."""
    notices = parse_all(content, source)
    if len(notices) != 1:
        raise NoticeError(
            f"the file holds {len(notices)} BOAMP records; read an export with parse_all",
            code="several_records",
            source=source,
        )
    return notices[0]


def parse_all(content: bytes, source: str) -> list[Notice]:
    """Every notice of a BOAMP JSON export (one record, a list, or an API response)."""
    records = records_in(parse_json(content, source))
    if records is None:
        raise NoticeError(
            "the JSON holds no BOAMP record (an object with a “donnees” field)",
            code="unknown_format",
            source=source,
        )
    if not records:
        raise NoticeError("the BOAMP export holds no record", code="no_content", source=source)
    return [
        read_record(record, f"{source}#{record.get('idweb') or index}")
        for index, record in enumerate(records, start=1)
    ]


def records_in(document: Any) -> list[dict] | None:
    """The records of an export: one record, a list of them, or {"results": [...]} from the
    API; each record either flat or wrapped as {"fields": {...}} / {"record": {"fields"...}}.
    None when the document is not a BOAMP export at all."""
    if isinstance(document, dict):
        for key in ("results", "records"):
            if isinstance(document.get(key), list):
                return records_in(document[key])
        record = _unwrap(document)
        return [record] if record is not None else None
    if isinstance(document, list):
        records = [_unwrap(item) for item in document]
        if records and all(record is not None for record in records):
            return records  # type: ignore[return-value]
        return None if document else []
    return None


def _unwrap(item: Any) -> dict | None:
    if not isinstance(item, dict):
        return None
    for candidate in (item, item.get("fields"), (item.get("record") or {}).get("fields")):
        if isinstance(candidate, dict) and "donnees" in candidate:
            return candidate
    return None


def read_record(record: dict, source: str) -> Notice:
    donnees = _json_field(record, "donnees", source)
    if not isinstance(donnees, dict) or not donnees:
        raise NoticeError("the record’s “donnees” is empty", code="no_content", source=source)
    if isinstance(donnees.get("EFORMS"), dict):
        notice = _read_eforms(donnees["EFORMS"], source)
    elif _LEGACY_PARTS & set(donnees) or isinstance(donnees.get("DONNEES"), dict):
        notice = _read_legacy(record, donnees.get("DONNEES", donnees), source)
    else:
        own = next((name for name in _OWN_FORMATS if name in donnees), None)
        parts = ", ".join(sorted(donnees))[:200]
        reason = (
            f"the record is in BOAMP’s {own} format, which Grappe does not read yet"
            if own
            else f"the record’s “donnees” has none of the known parts ({parts})"
        )
        raise NoticeError(reason, code="unsupported_notice", source=source)
    notice.source_format = "boamp-json"
    _fill_from_record(notice, record)
    return notice


def _read_eforms(document: dict, source: str) -> Notice:
    name = next((name for name in _EFORMS_ROOTS if isinstance(document.get(name), dict)), None)
    if name is None:
        raise NoticeError(
            f"the record’s EFORMS part holds none of {', '.join(_EFORMS_ROOTS)}",
            code="unsupported_notice",
            source=source,
        )
    namespace = f"urn:oasis:names:specification:ubl:schema:xsd:{name}-2"
    root = to_element(f"{{{namespace}}}{name}", document[name], source)
    return eforms.parse_root(root, source)


def _read_legacy(record: dict, donnees: dict, source: str) -> Notice:
    gestion_value = _json_field(record, "gestion", source)
    gestion = (
        to_element("GESTION", gestion_value.get("GESTION", gestion_value), source)
        if isinstance(gestion_value, dict)
        else None
    )
    # The record's `nature` ("APPEL_OFFRE", "ATTRIBUTION"...) stands in for a missing GESTION;
    # read_annonce refuses the natures it does not read (corrections, cancellations).
    nature = clean(_scalar(record.get("nature")))
    return boamp_xml.read_annonce(
        gestion,
        to_element("DONNEES", donnees, source),
        source,
        source_format="boamp-json",
        nature=nature if nature and re.fullmatch(r"[A-Z_]+", nature) else None,
    )


def _fill_from_record(notice: Notice, record: dict) -> None:
    """The record's own fields fill what the notice left empty, never the other way."""
    notice.notice_id = notice.notice_id or clean(_scalar(record.get("idweb")))
    notice.title = notice.title or clean(_scalar(record.get("objet")))
    notice.publication_date = notice.publication_date or parse_date(
        _scalar(record.get("dateparution"))
    )
    if notice.submission_deadline is None:
        notice.submission_deadline = parse_datetime(_scalar(record.get("datelimitereponse")))
        for lot in notice.lots:
            lot.submission_deadline = lot.submission_deadline or notice.submission_deadline
    buyer_name = clean(_scalar(record.get("nomacheteur")))
    if buyer_name and notice.buyer is None:
        notice.buyer = Organisation(name=buyer_name)
    elif buyer_name and notice.buyer.name is None:
        notice.buyer.name = buyer_name


def _json_field(record: dict, key: str, source: str) -> Any:
    """`donnees` and `gestion` are JSON written inside a string."""
    value = record.get(key)
    if isinstance(value, str):
        try:
            return json.loads(value, parse_float=Decimal)
        except json.JSONDecodeError as error:
            raise NoticeError(
                f"the record’s “{key}” is not valid JSON (line {error.lineno}, column "
                f"{error.colno}: {error.msg})",
                code="malformed_json",
                source=source,
            ) from error
        except RecursionError as error:
            raise NoticeError(
                f"the record’s “{key}” is nested too deeply", code="malformed_json", source=source
            ) from error
    return value


def to_element(tag: str, value: Any, source: str, depth: int = 0) -> Element:
    """JSON back into XML: keys are child elements (a list repeats them), "@name" keys are
    attributes, "#text" is the text; "cbc:ID" takes the eForms namespace of its prefix."""
    if depth > _MAX_DEPTH:
        raise NoticeError("the record is nested too deeply", code="malformed_json", source=source)
    element = Element(tag)
    if isinstance(value, dict):
        for key, item in value.items():
            if key.startswith("@xmlns"):
                continue
            if key.startswith("@"):
                element.set(_qualified(key[1:]), _scalar(item) or "")
            elif key == "#text":
                element.text = _scalar(item)
            else:
                for member in item if isinstance(item, list) else [item]:
                    element.append(to_element(_qualified(key), member, source, depth + 1))
    elif isinstance(value, list):  # a list inside a list: keep its members in order
        for member in value:
            element.append(to_element(tag, member, source, depth + 1))
    else:
        element.text = _scalar(value)
    return element


def _qualified(key: str) -> str:
    prefix, _, name = key.partition(":")
    if name and prefix in eforms.NS:
        return f"{{{eforms.NS[prefix]}}}{name}"
    return key


def _scalar(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
