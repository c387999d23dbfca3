"""Lists and entries of the directory: organisations, software, offerings, people, events."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from grappe.api import queries
from grappe.api.params import (
    EventFilters,
    OfferingFilters,
    OrganisationFilters,
    Parameters,
    PersonFilters,
    SoftwareFilters,
)
from grappe.api.schemas import (
    ErrorOut,
    EventOut,
    EventPage,
    NotFoundOut,
    OfferingDetail,
    OfferingPage,
    OrganisationDetail,
    OrganisationPage,
    PersonDetail,
    PersonPage,
    SoftwareDetail,
    SoftwarePage,
)
from grappe.directory.models import Event, Offering, Organisation, Person, Software

router = Router()


def page_of(schema: type, tag: str) -> dict[str, Any]:
    return {"response": {200: schema, 400: ErrorOut}, "tags": [tag]}


def entry(schema: type, tag: str) -> dict[str, Any]:
    return {"response": {200: schema, 400: ErrorOut, 404: NotFoundOut}, "tags": [tag]}


@router.get("/organisations", **page_of(OrganisationPage, "organisations"))
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilters]) -> dict:
    """Organisations by name, filtered by kind, département and cluster membership."""
    queryset = queries.organisations(
        kind=filters.kind, departement=filters.departement, member=filters.member
    )
    return queries.paginate(queryset, page=filters.page, page_size=filters.page_size)


@router.get("/organisations/{slug}", **entry(OrganisationDetail, "organisations"))
def get_organisation(request: HttpRequest, slug: str, params: Query[Parameters]) -> Organisation:
    """An organisation with its offerings, certifications, public references, software and
    people."""
    return queries.organisation(slug)


@router.get("/software", **page_of(SoftwarePage, "software"))
def list_software(request: HttpRequest, filters: Query[SoftwareFilters]) -> dict:
    """Software by name, filtered by category (sub-categories included) and licence."""
    queryset = queries.software_list(category=filters.category, licence=filters.licence)
    return queries.paginate(queryset, page=filters.page, page_size=filters.page_size)


@router.get("/software/{slug}", **entry(SoftwareDetail, "software"))
def get_software(request: HttpRequest, slug: str, params: Query[Parameters]) -> Software:
    """A software with its licence, categories, the organisations around it by role, similar
    software and the offerings built on it."""
    return queries.software(slug)


@router.get("/offerings", **page_of(OfferingPage, "offerings"))
def list_offerings(request: HttpRequest, filters: Query[OfferingFilters]) -> dict:
    """Offerings by organisation and title, filtered by kind, organisation and software."""
    queryset = queries.offerings(
        kind=filters.kind, organisation=filters.organisation, software=filters.software
    )
    return queries.paginate(queryset, page=filters.page, page_size=filters.page_size)


@router.get("/offerings/{slug}", **entry(OfferingDetail, "offerings"))
def get_offering(request: HttpRequest, slug: str, params: Query[Parameters]) -> Offering:
    """An offering with the fields of its kind, CPV codes, software and organisation."""
    return queries.offering(slug)


@router.get("/people", **page_of(PersonPage, "people"))
def list_people(request: HttpRequest, filters: Query[PersonFilters]) -> dict:
    """People by name, filtered by role and by a département of their territory."""
    queryset = queries.people(role=filters.role, departement=filters.departement)
    return queries.paginate(queryset, page=filters.page, page_size=filters.page_size)


@router.get("/people/{slug}", **entry(PersonDetail, "people"))
def get_person(request: HttpRequest, slug: str, params: Query[Parameters]) -> Person:
    """A person; e-mail and phone only when they consented to show them."""
    return queries.person(slug)


@router.get("/events", **page_of(EventPage, "events"))
def list_events(request: HttpRequest, filters: Query[EventFilters]) -> dict:
    """Events, latest first; with `from`, those not over on that day, soonest first."""
    queryset = queries.events(starting_from=filters.starting_from)
    return queries.paginate(queryset, page=filters.page, page_size=filters.page_size)


@router.get("/events/{slug}", **entry(EventOut, "events"))
def get_event(request: HttpRequest, slug: str, params: Query[Parameters]) -> Event:
    """An event."""
    return queries.event(slug)
