"""Intercommunalities (EPCI with their own taxation) as the `decoupage-administratif` package
publishes them (`epci.json`, or a regional extract such as `epci-nouvelle-aquitaine.json`):
a list of {code (SIREN), nom, type, populationTotale, membres: [{code (INSEE), nom, ...}]}.
A pure parser.

An EPCI whose SIREN, name, type or member list cannot be read is rejected; so is one that
claims a commune already listed by another EPCI of the file (a commune belongs to one EPCI).
A population that is not a number is only dropped, with a warning.

This module only parses: bytes in, records, located errors and warnings out, no database.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from grappe.directory.validators import validate_siren
from grappe.geo.models import EpciKind
from grappe.interop.formats.trees import json_tree, unread

INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


@dataclass(frozen=True)
class EpciRecord:
    code: str  # SIREN
    name: str
    kind: str  # an EpciKind value
    population: int | None
    members: tuple[tuple[str, str], ...]  # (INSEE code, name) of each member commune


@dataclass
class EpciDocument:
    epcis: list[EpciRecord] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (location, reason): rejected
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (location, what was dropped)


def parse(content: bytes, source: str = "epci.json") -> EpciDocument:
    """Read a list of EPCI; every problem is reported with where it is, never raised."""
    document = EpciDocument()
    tree = json_tree(content, source, document.errors)
    if unread(tree):
        return document
    if not isinstance(tree, list):
        document.errors.append(
            (source, "expected a list of EPCI (objects with code, nom, type, membres) at the top")
        )
        return document
    codes: dict[str, str] = {}  # SIREN -> location of the entry that gave it
    communes: dict[str, str] = {}  # INSEE code -> location of the EPCI that lists it
    for number, item in enumerate(tree, start=1):
        name = _text(item.get("nom")) if isinstance(item, dict) else ""
        location = f"{source}: entry {number}" + (f" ({name})" if name else "")
        try:
            record = _record(item, name, location, document.warnings)
        except ValueError as error:
            document.errors.append((location, str(error)))
            continue
        if record.code in codes:
            document.errors.append((location, f"code: {record.code} is also {codes[record.code]}"))
            continue
        claimed = [code for code, _name in record.members if code in communes]
        if claimed:
            document.errors.append(
                (
                    location,
                    f"membres: commune {claimed[0]} is also a member of {communes[claimed[0]]}",
                )
            )
            continue
        codes[record.code] = location
        communes.update((code, location) for code, _name in record.members)
        document.epcis.append(record)
    return document


def _record(item: Any, name: str, location: str, warnings: list) -> EpciRecord:
    if not isinstance(item, dict):
        raise ValueError("expected an object with code, nom, type and membres")
    code = _text(item.get("code"))
    if not code:
        raise ValueError("no SIREN (key “code”)")
    try:
        validate_siren(code)
    except ValidationError as error:
        raise ValueError(f"code: {' '.join(error.messages)}") from error
    if not name:
        raise ValueError("no name (key “nom”)")
    if len(name) > 200:
        raise ValueError("nom: longer than 200 characters")
    kind = _text(item.get("type")).upper()
    if kind not in EpciKind.values:
        known = ", ".join(EpciKind.values)
        raise ValueError(f"type: “{kind}” is not a kind of EPCI (expected one of {known})")
    population = item.get("populationTotale")
    if population is not None and (type(population) is not int or population < 0):
        warnings.append((location, f"populationTotale: “{population}” is not a number, left out"))
        population = None
    return EpciRecord(code, name, kind, population, _members(item.get("membres")))


def _members(members: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(members, list) or not members:
        raise ValueError("membres: expected a list of member communes")
    result: dict[str, str] = {}
    for index, member in enumerate(members):
        code = _text(member.get("code")).upper() if isinstance(member, dict) else ""
        if not INSEE.match(code):
            raise ValueError(f"membres[{index}]: “{code}” is not an INSEE commune code")
        result[code] = _text(member.get("nom"))
    return tuple(result.items())


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, (str, int)) else ""
