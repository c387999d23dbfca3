"""What every notice parser shares: the refusal, the size limit, safe XML, and the small readers
of dates, amounts, CPV codes and company identifiers.

Notices arrive from outside (a buyer's platform, a pasted text, an upload), so the XML is read
with defusedxml and any DTD is refused: a notice never needs one, and a DTD is how entity
expansion ("billion laughs") and external entities get in.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml import ElementTree as SafeElementTree
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

MAX_NOTICE_BYTES = 20 * 1024 * 1024
_OFFSET = re.compile(r"(Z|[+-]\d{2}:\d{2})$")
_CPV = re.compile(r"(\d{8})(?:-\d)?")
_SPACES = re.compile(r"\s+")


class NoticeError(ValueError):
    """A notice that cannot be read; `reason` says why in words a curator can act on."""

    def __init__(self, reason: str, *, code: str = "unreadable", source: str | None = None):
        self.reason = reason
        self.code = code
        self.source = source
        super().__init__(f"{source}: {reason}" if source else reason)


def check_content(content: bytes, source: str) -> None:
    """Refuse what no parser should even look at: nothing at all, or too much."""
    if not isinstance(content, bytes | bytearray):
        raise NoticeError("the content must be bytes", code="not_bytes", source=source)
    if not content.removeprefix(b"\xef\xbb\xbf").strip():  # a byte order mark alone is empty
        raise NoticeError("the file is empty", code="empty", source=source)
    if len(content) > MAX_NOTICE_BYTES:
        size = len(content) / (1024 * 1024)
        limit = MAX_NOTICE_BYTES // (1024 * 1024)
        raise NoticeError(
            f"the file is {size:.1f} MB; notices larger than {limit} MB are refused",
            code="too_large",
            source=source,
        )


def parse_xml(content: bytes, source: str) -> Element:
    """The root element, through defusedxml; every refusal names what was wrong."""
    check_content(content, source)
    try:
        return SafeElementTree.fromstring(content, forbid_dtd=True)
    except DTDForbidden as error:
        raise NoticeError(
            "the XML declares a DTD (<!DOCTYPE ...>); notices never need one and it can carry "
            "entity expansion or external entities, so the file is refused",
            code="unsafe_xml",
            source=source,
        ) from error
    except EntitiesForbidden as error:
        raise NoticeError(
            f"the XML declares the entity “{error.name}”; entities are refused for safety",
            code="unsafe_xml",
            source=source,
        ) from error
    except ExternalReferenceForbidden as error:
        raise NoticeError(
            "the XML refers to an external resource; external references are refused for safety",
            code="unsafe_xml",
            source=source,
        ) from error
    except ParseError as error:
        raise NoticeError(
            f"the XML is not well-formed: {error}", code="malformed_xml", source=source
        ) from error


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without a byte order mark), UTF-16 with its byte order mark (as Windows
    editors save), else Windows-1252 as old exports use."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def parse_json(content: bytes, source: str) -> Any:
    """The JSON document, numbers with a fraction read as Decimal so amounts stay exact."""
    check_content(content, source)
    try:
        return json.loads(decode_text(content), parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise NoticeError(
            f"the JSON is malformed at line {error.lineno}, column {error.colno}: {error.msg}",
            code="malformed_json",
            source=source,
        ) from error
    except RecursionError as error:
        raise NoticeError(
            "the JSON is nested too deeply to be a notice", code="malformed_json", source=source
        ) from error


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str | None) -> str | None:
    """Whitespace collapsed; None for nothing.

    BOAMP's legacy exports carry Windows-1252 apostrophes decoded as the control character
    U+0092 ("d\x92affaires"): they become the apostrophe they always were.
    """
    if text is None:
        return None
    text = _CONTROL.sub("", str(text).replace("\u0092", "’"))  # no database stores a NUL
    collapsed = _SPACES.sub(" ", text).strip()
    return collapsed or None


def element_text(element: Element | None) -> str | None:
    """All the text inside an element (BOAMP puts paragraphs in <P>), collapsed."""
    if element is None:
        return None
    return clean(" ".join(element.itertext()))


def parse_decimal(value: Any) -> Decimal | None:
    """'9999999.99', '1 083 333', '159691.6' or a JSON number as Decimal; None if not a number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal | int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    text = re.sub(r"[\s\u00a0\u202f]", "", str(value)).replace(",", ".")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _split_offset(text: str) -> tuple[str, str | None]:
    match = _OFFSET.search(text)
    if not match:
        return text, None
    return text[: match.start()], match.group(1)


def _timezone(offset: str | None) -> timezone | None:
    if offset is None:
        return None
    if offset == "Z":
        return UTC
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_date(value: Any) -> date | None:
    """'2019-05-10+01:00', '2019-06-24Z', '2017-01-01' or '2017-02-07T12:00:00+01:00'."""
    text = clean(value if value is None else str(value))
    if not text:
        return None
    body, _offset = _split_offset(text)
    try:
        return date.fromisoformat(body[:10])
    except ValueError:
        return None


def parse_datetime(value: Any) -> datetime | date | None:
    """An ISO date-time as written ('2017-02-07T12:00:00+01:00'); a bare day stays a date."""
    text = clean(value if value is None else str(value))
    if not text:
        return None
    if "T" not in text and " " not in text.strip():
        return parse_date(text)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return parse_date(text)


def combine_date_time(day: str | None, moment: str | None) -> datetime | date | None:
    """eForms writes a deadline as a date ('2019-06-24Z') and a time ('16:00:00Z')."""
    parsed_day = parse_date(day)
    if parsed_day is None:
        return None
    moment = clean(moment)
    if not moment:
        return parsed_day
    body, offset = _split_offset(moment)
    if offset is None and day:
        _body, offset = _split_offset(day.strip())
    try:
        parsed_time = time.fromisoformat(body)
    except ValueError:
        return parsed_day
    return datetime.combine(parsed_day, parsed_time, tzinfo=_timezone(offset))


def normalise_cpv(value: Any) -> str | None:
    """The 8 significant digits of a CPV code ('72000000-5' gives '72000000'); None if not one."""
    text = re.sub(r"\s", "", str(value or ""))
    match = _CPV.fullmatch(text)
    return match.group(1) if match else None


def read_company_identifier(raw: Any) -> tuple[str | None, str | None, str | None]:
    """(identifier as written, SIREN, SIRET): SIREN/SIRET only when the checksum holds.

    Accepts "123 456 789", "12345678900012" and a French VAT number "FR32123456789" (whose
    last 9 digits are the SIREN).
    """
    identifier = clean(None if raw is None else str(raw))
    if not identifier:
        return None, None, None
    compact = re.sub(r"[\s.\-]", "", identifier).upper()
    if compact.isdigit() and len(compact) == 14 and stdnum_siret.is_valid(compact):
        return identifier, compact[:9], compact
    if compact.isdigit() and len(compact) == 9 and stdnum_siren.is_valid(compact):
        return identifier, compact, None
    vat = re.fullmatch(r"FR[0-9A-Z]{2}(\d{9})", compact)
    if vat and stdnum_siren.is_valid(vat.group(1)):
        return identifier, vat.group(1), None
    return identifier, None, None


def unique(values: list[str]) -> list[str]:
    """The values in their first order, each once."""
    seen: dict[str, None] = {}
    for value in values:
        if value and value not in seen:
            seen[value] = None
    return list(seen)
