"""Where an entry is: its commune from an INSEE code, a postcode (an ambiguous one resolved by
the commune's name) or a name, and the commune's centroid when no coordinates were given.

Coordinates typed by a curator always win; an entry whose place matches no known commune is
left where it is and reported, never placed at a guess.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from grappe.geo.models import Commune, name_key


@dataclass(frozen=True)
class Located:
    commune: Commune | None
    reason: str = ""  # why no commune was found, for the curators' list


def find_commune(*, insee_code: str = "", postcode: str = "", name: str = "") -> Located:
    if insee_code:
        commune = Commune.objects.filter(insee_code=insee_code).first()
        if commune:
            return Located(commune)
        return Located(None, f"no commune with INSEE code {insee_code}")
    key = name_key(name)
    if postcode:
        candidates = list(Commune.objects.filter(postcode_rows__postcode=postcode).distinct())
        if len(candidates) == 1 and (not key or candidates[0].name_key == key):
            return Located(candidates[0])
        named = [c for c in candidates if c.name_key == key]
        if len(named) == 1:
            return Located(named[0])
        if not candidates:
            return Located(None, f"no commune with postcode {postcode}")
        if not key:
            return Located(None, f"postcode {postcode} serves {len(candidates)} communes")
        return Located(None, f"no commune named “{name}” with postcode {postcode}")
    if key:
        named = list(Commune.objects.filter(name_key=key))
        if len(named) == 1:
            return Located(named[0])
        if named:
            return Located(None, f"{len(named)} communes are named “{name}”: give the postcode")
        return Located(None, f"no commune named “{name}”")
    return Located(None, "no place given")


def is_centroid(insee_code: str, latitude: Decimal | None, longitude: Decimal | None) -> bool:
    """Whether a point is exactly that commune's centroid: a point the gazetteer placed."""
    if not insee_code or latitude is None or longitude is None:
        return False
    return Commune.objects.filter(
        insee_code=insee_code, latitude=latitude, longitude=longitude
    ).exists()


def locate_organisation(organisation) -> str:
    """Fill an organisation's commune and coordinates from the gazetteer; "" when located,
    else the reason it could not be (the organisation is then left unchanged)."""
    found = find_commune(
        insee_code=organisation.commune_insee,
        postcode=organisation.postcode,
        name=organisation.commune_name,
    )
    if found.commune is None:
        return found.reason
    commune = found.commune
    organisation.commune_insee = commune.insee_code
    organisation.commune_name = organisation.commune_name or commune.name
    if organisation.latitude is None or organisation.longitude is None:
        organisation.latitude = Decimal(commune.latitude)
        organisation.longitude = Decimal(commune.longitude)
    return ""


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float
    label: str


_COORDINATES = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,;]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


def resolve_point(text: str) -> Point:
    """The point a visitor means by "near": "lat,lon", an INSEE code, a postcode or a commune
    name. Several communes under one postcode or name: the most populous is taken, and named.
    Raises LookupError with a reason a visitor can act on."""
    text = (text or "").strip()
    match = _COORDINATES.match(text)
    if match:
        latitude, longitude = float(match.group(1)), float(match.group(2))
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise LookupError(f"“{text}” is not a latitude and a longitude")
        return Point(latitude, longitude, f"{latitude:.4f}, {longitude:.4f}")
    if re.fullmatch(r"\d{5}|2[ABab]\d{3}", text):
        # People type postcodes far more often than INSEE codes: a code that is both is a postcode.
        candidates = list(Commune.objects.filter(postcode_rows__postcode=text))
        candidates = candidates or list(Commune.objects.filter(insee_code=text.upper()))
    else:
        candidates = list(Commune.objects.filter(name_key=name_key(text)))
    if not candidates:
        raise LookupError(f"no known commune, postcode or INSEE code is “{text}”")
    commune = max(candidates, key=lambda c: c.population or 0)
    return Point(
        float(commune.latitude), float(commune.longitude), f"{commune.name} ({commune.departement})"
    )
