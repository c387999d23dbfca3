"""Fab labs and third places as GeoJSON points, as #MapLabBZH publishes them
(`map_bzh_fablab.geojson`, CC BY 4.0 Guillaume Rouan): one Point feature per place, with the
properties name, structure, adresse, cp, ville, web, email, tel (and organisation, twitter,
mastodon, instagram, facebook, rss, which the directory has no field for). A pure parser.

Each feature becomes an organisation of kind "fablab" in Grappe YAML's field names. A feature
without a name, or whose geometry is not a point in longitude and latitude, is rejected; a
field that cannot be read (a web address, e-mail, phone number or postcode) is dropped with a
warning, so one bad cell never costs a whole place. See docs/formats/fablabs.md.

This module only parses: bytes in, records, located errors and warnings out, no database.
"""

import html
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from grappe.directory.models import OrganisationKind
from grappe.directory.validators import normalise_phone, validate_phone, validate_postcode
from grappe.interop.formats.departements import (
    check_feature,
    feature_location,
    feature_properties,
    read_features,
)
from grappe.interop.formats.grappe_yaml import Record

# The `structure` codes of #MapLabBZH (its map legend) and the tags they become.
STRUCTURE_TAGS = {
    "fablab": ["fab lab"],
    "fablabMIT": ["fab lab", "charte des fab labs du MIT"],
    "makerspace": ["makerspace"],
    "hakerspace": ["hackerspace"],  # sic in the data
    "hackerspace": ["hackerspace"],
    "tierslieu": ["tiers-lieu"],
    "cantine": ["cantine numérique", "coworking"],
    "usages": ["médiation numérique"],
    "formation": ["formation"],
    "frenchtech": ["French Tech"],
}
# Model limits, checked here so that a long value is a dropped field, not a rejected place.
MAX_LENGTHS = {"website": 300, "address": 300, "commune_name": 100, "email": 254}

_url_validator = URLValidator(schemes=["http", "https"])
_email_validator = EmailValidator()
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_NOTE = re.compile(r"\[[^\]]*\]")  # "[online]", "[Projet en cours]": notes, not addresses
_MICRODEGREE = Decimal("0.000001")


@dataclass
class FablabsDocument:
    """Organisation records (only the fields with a value), with the places' locations."""

    organisations: list[Record] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (location, reason): rejected
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (location, what was dropped)


def parse(content: bytes, source: str = "fablabs.geojson") -> FablabsDocument:
    """Read a FeatureCollection of fab labs; every problem is reported, never raised."""
    document = FablabsDocument()
    for number, feature in enumerate(read_features(content, source, document.errors), start=1):
        properties = feature_properties(feature)
        name = _text(properties.get("name"))
        location = feature_location(source, number, name)

        def warn(message: str, location: str = location) -> None:
            document.warnings.append((location, message))

        try:
            check_feature(feature)
            if not name:
                raise ValueError("no name (property “name”)")
            data = {"kind": OrganisationKind.FABLAB.value, "name": name}
            data.update(_point(feature.get("geometry"), warn))
        except ValueError as error:
            document.errors.append((location, str(error)))
            continue
        data.update(_fields(properties, warn))
        document.organisations.append(Record(location, data))
    return document


def _point(geometry: Any, warn) -> dict[str, Decimal]:
    """Latitude and longitude of a Point geometry; none (with a warning) without a geometry."""
    if geometry is None:
        warn("no geometry: placed by its commune when the gazetteer knows it")
        return {}
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        found = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        raise ValueError(f"geometry: expected a Point, found {found}")
    coordinates = geometry.get("coordinates")
    if (
        not isinstance(coordinates, list)
        or len(coordinates) < 2
        or not all(type(c) in (int, float) for c in coordinates[:2])
    ):
        raise ValueError(f"geometry: coordinates {coordinates!r} are not [longitude, latitude]")
    try:
        longitude = Decimal(str(coordinates[0])).quantize(_MICRODEGREE)
        latitude = Decimal(str(coordinates[1])).quantize(_MICRODEGREE)
    except InvalidOperation as error:
        raise ValueError(f"geometry: coordinates {coordinates!r} are not numbers") from error
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        raise ValueError(
            f"geometry: coordinates {coordinates!r} are out of range "
            "(expected longitude, latitude in degrees)"
        )
    return {"latitude": latitude, "longitude": longitude}


def _fields(properties: dict[str, Any], warn) -> dict[str, Any]:
    data = {
        "website": _website(_text(properties.get("web")), warn),
        "email": _email(_text(properties.get("email")), warn),
        "phone": _phone(_text(properties.get("tel")), warn),
        "address": _address(properties.get("adresse"), warn),
        "postcode": _postcode(_text(properties.get("cp")), warn),
        "commune_name": _text(properties.get("ville")),
        "tags": _tags(_text(properties.get("structure")), warn),
    }
    for name, limit in MAX_LENGTHS.items():
        if len(data[name]) > limit:
            warn(f"{name}: longer than {limit} characters, left out")
            data[name] = ""
    return {name: value for name, value in data.items() if value}


def _website(value: str, warn) -> str:
    if not value:
        return ""
    url = value if _SCHEME.match(value) else f"https://{value}"
    try:
        _url_validator(url)
    except ValidationError:
        warn(f"web: “{value}” is not a web address, left out")
        return ""
    return url


def _checked(value: str, validate, prop: str, expected: str, warn, normalise=str.strip) -> str:
    """The value (normalised) if the validator accepts it, else "" and a warning naming the
    property and what it should have been."""
    if not value:
        return ""
    checked = normalise(value)
    try:
        validate(checked)
    except ValidationError:
        warn(f"{prop}: “{value}” is not {expected}, left out")
        return ""
    return checked


def _email(value: str, warn) -> str:
    return _checked(value, _email_validator, "email", "an e-mail address", warn)


def _phone(value: str, warn) -> str:
    return _checked(value, validate_phone, "tel", "a phone number", warn, normalise_phone)


def _postcode(value: str, warn) -> str:
    return _checked(value, validate_postcode, "cp", "a postcode", warn)


def _address(value: Any, warn) -> str:
    """One line: line breaks become ", ", other tags and editorial notes go."""
    if not isinstance(value, str):
        return ""
    text = re.sub(r"<br\s*/?>", ", ", value, flags=re.IGNORECASE)
    text = html.unescape(re.sub(r"<[^>]*>", " ", text))
    notes = _NOTE.findall(text)
    if notes:
        warn(f"adresse: note {', '.join(notes)} left out")
        text = _NOTE.sub(" ", text)
    parts = [" ".join(part.split()) for part in text.split(", ")]
    return ", ".join(part for part in parts if part.strip(" ,"))


def _tags(code: str, warn) -> list[str]:
    if not code:
        return []
    if code in STRUCTURE_TAGS:
        return list(STRUCTURE_TAGS[code])
    warn(f"structure: unknown code “{code}”, kept as a tag")
    return [code]


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return ""
    return " ".join(str(value).split())
