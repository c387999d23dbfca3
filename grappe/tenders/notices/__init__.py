"""Notices in: calls for tenders and award notices read into one model, whatever their format.

Plain Python, no database and no Django: `read_notice(content, filename)` finds the format and
returns a Notice (lots, requirements, award criteria, and for an award notice who won), or a
list of AwardRecord for a DECP file. What cannot be read raises NoticeError with the reason.

Formats (one module each, each with `parse(content, source)`):
- eforms: EU eForms UBL XML (ContractNotice, ContractAwardNotice, PriorInformationNotice);
- boamp_xml: BOAMP's legacy XML (ANNONCE);
- boamp_json: BOAMP's JSON export records (the notice is in their `donnees` field);
- decp: DECP JSON, awarded contracts with their holders' SIRET;
- text: a notice pasted as text, French or English.
See docs/tenders-notices.md for what is read from each.
"""

from __future__ import annotations

import re

from grappe.tenders.notices import boamp_json, boamp_xml, decp, eforms, text
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
    to_jsonable,
)
from grappe.tenders.notices.reading import (
    MAX_NOTICE_BYTES,
    NoticeError,
    check_content,
    parse_json,
    parse_xml,
)

__all__ = [
    "MAX_NOTICE_BYTES",
    "AwardCriterion",
    "AwardRecord",
    "CriterionKind",
    "Duration",
    "Lot",
    "Notice",
    "NoticeError",
    "NoticeKind",
    "Organisation",
    "Requirement",
    "RequirementKind",
    "Winner",
    "WinnerRole",
    "detect_format",
    "read_notice",
    "to_jsonable",
]

_BOM = b"\xef\xbb\xbf"


def detect_format(content: bytes, filename: str | None = None) -> str:
    """'xml', 'json' or 'text', from the first character (and the file name to break ties)."""
    head = content[:1024].removeprefix(_BOM).lstrip()
    name = (filename or "").lower()
    if head.startswith(b"<") or name.endswith(".xml"):
        return "xml"
    if head[:1] in (b"{", b"[") or name.endswith(".json"):
        return "json"
    return "text"


def read_notice(content: bytes, filename: str | None = None) -> Notice | list[AwardRecord]:
    """The notice in `content`, whichever supported format it is in.

    XML is told apart by its root element (an eForms UBL namespace or BOAMP's ANNONCE), JSON
    by its keys (`marches` for DECP, `donnees` for a BOAMP record); anything else is read as
    pasted text.
    """
    source = filename or "notice"
    check_content(content, source)
    kind = detect_format(content, filename)
    if kind == "xml":
        root = parse_xml(content, source)
        if root.tag in eforms.ROOTS:
            return eforms.parse_root(root, source)
        if root.tag == "ANNONCE":
            return boamp_xml.parse_root(root, source)
        raise NoticeError(
            f"the XML root <{_local(root.tag)}> is not a notice format Grappe reads (eForms "
            "ContractNotice, ContractAwardNotice, PriorInformationNotice, or BOAMP ANNONCE)",
            code="unknown_format",
            source=source,
        )
    if kind == "json":
        document = parse_json(content, source)
        if decp.is_decp(document):
            return decp.parse_document(document, source)
        records = boamp_json.records_in(document)
        if records:
            notices = [
                boamp_json.read_record(record, f"{source}#{record.get('idweb') or index}")
                for index, record in enumerate(records, start=1)
            ]
            if len(notices) == 1:
                return notices[0]
            raise NoticeError(
                f"the file holds {len(notices)} BOAMP records; read them one by one with "
                "boamp_json.parse_all",
                code="several_records",
                source=source,
            )
        raise NoticeError(_json_reason(document), code="unknown_format", source=source)
    return text.parse(content, source)


def _json_reason(document: object) -> str:
    if isinstance(document, dict) and "$schema" in document:
        return "the JSON is a JSON Schema, not data: it describes a format but holds no notice"
    if isinstance(document, dict):
        keys = ", ".join(sorted(document)[:8])
        return (
            f"the JSON (keys: {keys}) is neither a DECP file (“marches”) nor a BOAMP export "
            "record (“donnees”)"
        )
    return "the JSON is neither a DECP file nor a BOAMP export"


def _local(tag: str) -> str:
    return re.sub(r"^\{[^}]*\}", "", tag)
