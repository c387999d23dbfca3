"""Query parameters of the API, validated before any query runs.

Each type refuses what the database or the search engine would choke on (control characters,
huge pages, unknown codes), so that bad input becomes a 400 naming the parameter, never a 500.
An empty value (`?kind=`) means "no filter", as an HTML form sends it.
"""

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, model_validator

from grappe.directory.models import MachineType, OfferingKind, OrganisationKind, PersonRole
from grappe.directory.places import DEPARTEMENTS
from grappe.search.query import KINDS, MAX_PAGE_SIZE, MAX_RADIUS_KM, MAX_SIZE_MM, SORTS

# Far beyond any real index; keeps OFFSET within what every database accepts.
MAX_PAGE = 10_000
SLUG_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
# SPDX identifiers: letters, digits, ".", "-" and "+" ("GPL-2.0+", "LGPL-2.1-or-later").
LICENCE_CHARACTERS = (SLUG_CHARACTERS | frozenset(".+")) - frozenset("_")


def printable(value: str) -> str:
    """Refuse control characters: PostgreSQL rejects NUL, and none has a meaning in a search."""
    if any(ord(character) < 32 or ord(character) == 127 for character in value):
        raise ValueError("must not contain control characters")
    return value


def slug(value: str) -> str:
    if len(value) > 120 or not set(value) <= SLUG_CHARACTERS:
        raise ValueError(f"“{value[:120]}” is not a slug (letters, digits, “-” and “_”)")
    return value


def departement(value: str) -> str:
    code = value.upper()
    if code not in DEPARTEMENTS:
        raise ValueError(f"“{value[:20]}” is not a département code, such as 33, 2A or 974")
    return code


def licence(value: str) -> str:
    if len(value) > 100 or not set(value) <= LICENCE_CHARACTERS:
        raise ValueError(f"“{value[:100]}” is not an SPDX licence id, such as AGPL-3.0-or-later")
    return value


Slug = Annotated[str, AfterValidator(slug)]
Departement = Annotated[str, AfterValidator(departement)]
Licence = Annotated[str, AfterValidator(licence)]
Language = Literal["fr", "en"]
SearchKind = Literal[KINDS]  # type: ignore[valid-type]
Sort = Literal[SORTS]  # type: ignore[valid-type]
OrganisationKindValue = Literal[tuple(OrganisationKind.values)]  # type: ignore[valid-type]
OfferingKindValue = Literal[tuple(OfferingKind.values)]  # type: ignore[valid-type]
MachineTypeValue = Literal[tuple(MachineType.values)]  # type: ignore[valid-type]
PersonRoleValue = Literal[tuple(PersonRole.values)]  # type: ignore[valid-type]


class Parameters(BaseModel):
    """What every operation accepts: the language (else Accept-Language, else French).

    Plain pydantic rather than ninja.Schema: a Schema wraps its input for attribute access
    before `empty_means_unset` could see the raw values.
    """

    lang: Language | None = Field(None, description="fr or en; else Accept-Language, else fr.")

    @model_validator(mode="before")
    @classmethod
    def empty_means_unset(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value != ""}
        return data


class PageParameters(Parameters):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="Results per page, 1 to 100.")


class SearchParameters(PageParameters):
    # Its length is the search service's to limit (InvalidSearch), like every search rule.
    q: Annotated[str, AfterValidator(printable)] = Field(
        "", description="Words to look for; empty lists everything."
    )
    kind: SearchKind | None = None
    organisation_kind: OrganisationKindValue | None = None
    offering_kind: OfferingKindValue | None = None
    departement: Departement | None = Field(None, description="Département code: 33, 2A, 974.")
    category: Slug | None = Field(None, description="Category slug.")
    licence: Licence | None = Field(None, description="SPDX licence id.")
    certification: Slug | None = Field(None, description="Certification scheme slug.")
    member: bool | None = Field(None, description="true: cluster members only.")
    sovereign: bool | None = Field(
        None,
        description="true: hosting offers in the EU, by an EU-owned operator declaring no "
        "exposure to non-EU laws, with a valid SecNumCloud-like qualification.",
    )
    machine_type: MachineTypeValue | None = None
    material: str | None = Field(
        None, max_length=60, description="A machine material, such as PETG or plywood."
    )
    epci: str | None = Field(
        None, pattern=r"^\d{9}$", description="SIREN of an intercommunality (EPCI)."
    )
    origin: str | None = Field(
        None,
        max_length=40,
        description="“local”: this cluster's own entries; a federation peer's slug: its entries.",
    )
    min_x_mm: int | None = Field(
        None, ge=1, le=MAX_SIZE_MM, description="Machines at least this wide (mm)."
    )
    min_y_mm: int | None = Field(
        None, ge=1, le=MAX_SIZE_MM, description="Machines at least this deep (mm)."
    )
    min_z_mm: int | None = Field(
        None, ge=1, le=MAX_SIZE_MM, description="Machines at least this high (mm): build height."
    )
    near: Annotated[str, AfterValidator(printable)] = Field(
        "", description="A commune name, a postcode, an INSEE code or “lat,lon”."
    )
    radius_km: float | None = Field(
        None, gt=0, le=MAX_RADIUS_KM, description="With `near`: entries within this distance."
    )
    sort: Sort = "relevance"


class OrganisationFilters(PageParameters):
    kind: OrganisationKindValue | None = None
    departement: Departement | None = Field(None, description="Département code: 33, 2A, 974.")
    member: bool | None = Field(None, description="true: members only; false: non-members.")


class SoftwareFilters(PageParameters):
    category: Slug | None = Field(None, description="Category slug; includes sub-categories.")
    licence: Licence | None = Field(
        None, description="SPDX licence id, matched as a whole id inside licence expressions."
    )


class OfferingFilters(PageParameters):
    kind: OfferingKindValue | None = None
    organisation: Slug | None = Field(None, description="Slug of the offering organisation.")
    software: Slug | None = Field(None, description="Slug of a related software.")


class PersonFilters(PageParameters):
    role: PersonRoleValue | None = None
    departement: Departement | None = Field(None, description="A département of their territory.")


class EventFilters(PageParameters):
    starting_from: date | None = Field(
        None,
        alias="from",
        description="Events not over on that day (YYYY-MM-DD), soonest first.",
    )
