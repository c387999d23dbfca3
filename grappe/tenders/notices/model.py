"""The one shape every notice format is read into, whatever it came from.

A Notice has lots; a lot has requirements and award criteria; an award notice (or a DECP
file) also has award records naming who won what. Everything a format does not say stays
None or empty: nothing here is ever guessed to fill a gap.

Conventions, the same for every format:
- CPV codes are the 8 significant digits: "72000000-5" becomes "72000000" (the check digit is
  dropped, not verified; codes are matched by their 8-digit prefix hierarchy).
- NUTS codes are kept as written, upper case ("FRI12", "FR101", "FR").
- Money is a Decimal with its ISO currency code beside it; JSON output writes it as a string so
  that no precision is lost.
- A duration keeps its value and its unit ("month", "day" or "year") as the notice states it.
- A deadline is a datetime, aware when the source gives an offset, naive when it does not; a
  deadline given as a day without a time stays a date.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class NoticeKind(StrEnum):
    CONTRACT = "contract"
    AWARD = "award"
    PRIOR_INFORMATION = "prior_information"


class RequirementKind(StrEnum):
    MINIMUM_TURNOVER = "minimum_turnover"
    CERTIFICATION = "certification"
    REFERENCES = "references"
    STAFF = "staff"
    OTHER = "other"


class CriterionKind(StrEnum):
    PRICE = "price"
    QUALITY = "quality"
    COST = "cost"
    OTHER = "other"


class WinnerRole(StrEnum):
    SOLE = "sole"
    GROUP_LEADER = "group_leader"
    MEMBER = "member"
    SUBCONTRACTOR = "subcontractor"
    # Several holders and nothing saying whether they form a group (a multi-supplier framework
    # agreement looks the same as a consortium in BOAMP and DECP).
    UNKNOWN = "unknown"


@dataclass
class Organisation:
    """A buyer or a company. `identifier` is kept as written; `siren`/`siret` only when valid."""

    name: str | None = None
    identifier: str | None = None
    siren: str | None = None
    siret: str | None = None
    country: str | None = None
    nuts: str | None = None
    city: str | None = None


@dataclass
class Duration:
    value: Decimal
    unit: str  # "day", "month" or "year"
    source: str = ""


@dataclass
class Requirement:
    """One thing a candidate must (or should) show, with the words it was written in."""

    kind: RequirementKind
    text: str | None
    source: str  # the XML path, BOAMP field, JSON key or text line it came from
    threshold: Decimal | None = None
    unit: str | None = None  # "EUR", "references", "employees", "score"...
    mandatory: bool = True
    code: str | None = None  # the coded value when the source has one (eForms BT-809)
    subject: str | None = None  # the certification named, such as "ISO 27001"


@dataclass
class AwardCriterion:
    name: str | None
    kind: CriterionKind
    weight: Decimal | None = None
    weight_unit: str | None = None  # "%" for a percentage; else the source's own code
    description: str | None = None
    source: str = ""


@dataclass
class Lot:
    id: str
    title: str | None = None
    description: str | None = None
    reference: str | None = None  # the buyer's own identifier of the lot
    cpv_main: str | None = None
    cpv_additional: list[str] = field(default_factory=list)
    nuts: list[str] = field(default_factory=list)
    estimated_value: Decimal | None = None
    currency: str | None = None
    duration: Duration | None = None
    start_date: date | None = None
    end_date: date | None = None
    submission_deadline: datetime | date | None = None
    requirements: list[Requirement] = field(default_factory=list)
    award_criteria: list[AwardCriterion] = field(default_factory=list)
    # Where the selection criteria are: "epo-notice", "epo-procurement-document"...
    selection_criteria_sources: list[str] = field(default_factory=list)
    tenderer_legal_form: str | None = None  # what form a group of tenderers must take


@dataclass
class Winner:
    name: str | None
    role: WinnerRole
    identifier: str | None = None
    siren: str | None = None
    siret: str | None = None
    country: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    award_date: date | None = None
    main_contractor: str | None = None  # for a subcontractor: whom it works for


@dataclass
class AwardRecord:
    """Who won one lot (or one contract): from an award notice or a DECP record."""

    source: str
    lot_id: str | None = None
    contract_id: str | None = None
    title: str | None = None
    buyer: Organisation | None = None
    winners: list[Winner] = field(default_factory=list)
    amount: Decimal | None = None
    currency: str | None = None
    award_date: date | None = None
    cpv_main: str | None = None
    procedure: str | None = None
    group_type: str | None = None  # DECP's typeGroupementOperateurs, as written
    duration: Duration | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Notice:
    source_format: str  # "eforms", "boamp-xml", "boamp-json", "text"
    source: str
    kind: NoticeKind
    notice_id: str | None = None
    notice_type: str | None = None  # the source's own type code, such as "cn-standard"
    reference: str | None = None
    title: str | None = None
    description: str | None = None
    buyer: Organisation | None = None
    publication_date: date | None = None
    submission_deadline: datetime | date | None = None
    procedure: str | None = None
    cpv_main: str | None = None
    cpv_additional: list[str] = field(default_factory=list)
    nuts: list[str] = field(default_factory=list)
    lots: list[Lot] = field(default_factory=list)
    awards: list[AwardRecord] = field(default_factory=list)
    # What was read but not understood, so that a curator sees what was left aside.
    warnings: list[str] = field(default_factory=list)


def to_jsonable(value: Any) -> Any:
    """Dataclasses, enums, decimals and dates as plain JSON values (decimals as strings)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, Decimal):
        return format(value, "f")  # "500000", never "5E+5"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: to_jsonable(item) for key, item in value.items()}
    return value
