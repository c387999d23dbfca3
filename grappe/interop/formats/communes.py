"""The official communes CSV (INSEE code, name, département, postcodes, population,
latitude, longitude), as published with the COG and the IGN centroids: a pure parser.

Columns are found by name, so extra columns are ignored; postcodes may be separated by spaces,
commas or semicolons.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

REQUIRED = ("code_insee", "nom", "code_departement", "latitude", "longitude")
INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


@dataclass(frozen=True)
class CommuneRecord:
    insee_code: str
    name: str
    departement: str
    postcodes: tuple[str, ...]
    population: int | None
    latitude: Decimal
    longitude: Decimal


@dataclass
class CommunesDocument:
    communes: list[CommuneRecord] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (location, reason)


def parse(content: bytes, source: str = "communes.csv") -> CommunesDocument:
    document = CommunesDocument()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        document.errors.append((source, f"not UTF-8 text ({error.reason} at byte {error.start})"))
        return document
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        document.errors.append((f"{source}: line 1", f"missing column(s): {', '.join(missing)}"))
        return document
    for line, row in enumerate(reader, start=2):
        location = f"{source}: line {line}"
        try:
            document.communes.append(_record(row))
        except ValueError as error:
            document.errors.append((location, str(error)))
    return document


def _record(row: dict[str, str]) -> CommuneRecord:
    insee = (row.get("code_insee") or "").strip().upper()
    if not INSEE.match(insee):
        raise ValueError(f"code_insee: “{insee}” is not an INSEE commune code")
    name = (row.get("nom") or "").strip()
    if not name:
        raise ValueError("nom: empty")
    try:
        latitude = Decimal(row["latitude"].strip())
        longitude = Decimal(row["longitude"].strip())
    except (InvalidOperation, AttributeError) as error:
        raise ValueError("latitude/longitude: not numbers") from error
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError("latitude/longitude: out of range")
    postcodes = tuple(p for p in re.split(r"[\s,;|]+", row.get("codes_postaux") or "") if p)
    bad = [p for p in postcodes if not re.fullmatch(r"\d{5}", p)]
    if bad:
        raise ValueError(f"codes_postaux: “{bad[0]}” is not a postcode")
    population = (row.get("population") or "").strip()
    return CommuneRecord(
        insee_code=insee,
        name=name,
        departement=(row.get("code_departement") or "").strip().upper(),
        postcodes=postcodes,
        population=int(population) if population.isdigit() else None,
        latitude=latitude.quantize(Decimal("0.000001")),
        longitude=longitude.quantize(Decimal("0.000001")),
    )
