"""The API's reads, one small function per list or entry.

Each list fetches its page and what the page shows in a fixed number of queries, whatever the
page size (select_related for one-to-one links, prefetch_related for lists); each entry fetches
what its detail shows the same way. Orders end on the primary key, so that pages never overlap.
"""

import re
from datetime import date
from typing import Any, TypeVar

from django.db.models import Model, Prefetch, Q, QuerySet

from grappe.api.errors import BadParameter, EntryNotFound
from grappe.api.params import SLUG_CHARACTERS
from grappe.directory.models import (
    Category,
    Certification,
    Event,
    MembershipStatus,
    Offering,
    Organisation,
    Person,
    Reference,
    Software,
    SoftwareRelation,
)

M = TypeVar("M", bound=Model)


def paginate(queryset: QuerySet, *, page: int, page_size: int) -> dict[str, Any]:
    """One page of a list and the size of the whole list; past the end, an empty page."""
    start = (page - 1) * page_size
    return {
        "count": queryset.count(),
        "page": page,
        "page_size": page_size,
        "results": list(queryset[start : start + page_size]),
    }


def get(queryset: QuerySet[M], slug: str, kind: str) -> M:
    """The entry with that slug, or EntryNotFound (also for what cannot be a slug at all)."""
    if not slug or len(slug) > 120 or not set(slug) <= SLUG_CHARACTERS:
        raise EntryNotFound(kind, slug[:120])
    try:
        return queryset.get(slug=slug)
    except queryset.model.DoesNotExist:
        raise EntryNotFound(kind, slug) from None


def pk_of(model: type[Model], slug: str, parameter: str) -> int:
    """The primary key behind a slug given as a filter; an unknown one is the client's error."""
    pk = model._default_manager.filter(slug=slug).values_list("pk", flat=True).first()
    if pk is None:
        raise BadParameter(parameter, f"no {model._meta.model_name} has the slug “{slug}”")
    return pk


# Organisations.


def organisations(
    *, kind: str | None = None, departement: str | None = None, member: bool | None = None
) -> QuerySet[Organisation]:
    queryset = Organisation.objects.all()
    if kind:
        queryset = queryset.filter(kind=kind)
    if departement:
        queryset = queryset.filter(departement=departement)
    if member is True:
        queryset = queryset.filter(membership_status=MembershipStatus.MEMBER)
    elif member is False:
        queryset = queryset.exclude(membership_status=MembershipStatus.MEMBER)
    return queryset.order_by("name", "pk")


def organisation(slug: str) -> Organisation:
    """An organisation with what its detail shows; only its public references."""
    public_references = (
        Reference.objects.filter(is_public=True)
        .select_related("client")
        .prefetch_related(
            Prefetch("software", queryset=Software.objects.order_by("name")),
            Prefetch("partners", queryset=Organisation.objects.order_by("name")),
        )
        .order_by("-year", "title", "pk")
    )
    queryset = Organisation.objects.prefetch_related(
        Prefetch("offerings", queryset=Offering.objects.order_by("title", "pk")),
        Prefetch("certifications", queryset=Certification.objects.select_related("scheme")),
        Prefetch("references", queryset=public_references),
        Prefetch(
            "software_relations",
            queryset=SoftwareRelation.objects.select_related("software").order_by(
                "software__name", "role", "pk"
            ),
        ),
        Prefetch("people", queryset=Person.objects.order_by("name", "pk")),
    )
    return get(queryset, slug, "organisation")


# Software.


def category_and_descendants(slug: str) -> list[int]:
    """A category's id and its sub-categories' ids, at any depth, in one query."""
    rows = list(Category.objects.values_list("pk", "slug", "parent_id"))
    chosen = [pk for pk, category_slug, _parent in rows if category_slug == slug]
    if not chosen:
        raise BadParameter("category", f"no category has the slug “{slug}”")
    children: dict[int, list[int]] = {}
    for pk, _slug, parent in rows:
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    found: list[int] = []
    while chosen:
        pk = chosen.pop()
        if pk not in found:  # a cycle of parents must not loop forever
            found.append(pk)
            chosen.extend(children.get(pk, []))
    return found


def licence_pattern(licence: str) -> str:
    """Matches an SPDX id as a whole word of an expression: MIT in "(MIT OR Apache-2.0)".

    The id is already restricted to letters, digits, ".", "-" and "+" (params.licence), whose
    backslash escapes mean the same in Python's and PostgreSQL's regular expressions.
    """
    return rf"(^|[\s(]){re.escape(licence)}($|[\s)])"


def software_list(*, category: str | None = None, licence: str | None = None) -> QuerySet[Software]:
    queryset = Software.objects.prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("name_fr", "pk"))
    )
    if category:
        in_categories = Software.categories.through.objects.filter(
            category_id__in=category_and_descendants(category)
        ).values("software_id")
        queryset = queryset.filter(pk__in=in_categories)
    if licence:
        queryset = queryset.filter(licence__iregex=licence_pattern(licence))
    return queryset.order_by("name", "pk")


def software(slug: str) -> Software:
    queryset = Software.objects.prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("name_fr", "pk")),
        Prefetch("similar", queryset=Software.objects.order_by("name", "pk")),
        Prefetch(
            "relations",
            queryset=SoftwareRelation.objects.select_related("organisation").order_by(
                "organisation__name", "pk"
            ),
        ),
        Prefetch(
            "offerings",
            queryset=Offering.objects.select_related("organisation").order_by(
                "organisation__name", "title", "pk"
            ),
        ),
    )
    return get(queryset, slug, "software")


# Offerings.


def offerings(
    *, kind: str | None = None, organisation: str | None = None, software: str | None = None
) -> QuerySet[Offering]:
    queryset = Offering.objects.select_related("organisation")
    if kind:
        queryset = queryset.filter(kind=kind)
    if organisation:
        queryset = queryset.filter(
            organisation_id=pk_of(Organisation, organisation, "organisation")
        )
    if software:
        queryset = queryset.filter(software=pk_of(Software, software, "software"))
    return queryset.order_by("organisation__name", "title", "pk")


def offering(slug: str) -> Offering:
    queryset = Offering.objects.select_related("organisation").prefetch_related(
        Prefetch("software", queryset=Software.objects.order_by("name", "pk")),
        Prefetch(  # what the sovereign hosting assessment reads
            "organisation__certifications",
            queryset=Certification.objects.select_related("scheme").prefetch_related("offerings"),
        ),
    )
    return get(queryset, slug, "offering")


# People.


def people(*, role: str | None = None, departement: str | None = None) -> QuerySet[Person]:
    queryset = Person.objects.select_related("organisation")
    if role:
        queryset = queryset.filter(role=role)
    if departement:
        # The territory is a JSON list of codes: look for the quoted code in its text, which
        # works on SQLite and PostgreSQL alike ("33" cannot match "330", codes are quoted).
        queryset = queryset.filter(territory__icontains=f'"{departement}"')
    return queryset.order_by("name", "pk")


def person(slug: str) -> Person:
    return get(Person.objects.select_related("organisation"), slug, "person")


# Events.


def events(*, starting_from: date | None = None) -> QuerySet[Event]:
    """All events, latest first; from a day on, those not over yet, soonest first."""
    queryset = Event.objects.select_related("organiser")
    if starting_from is None:
        return queryset.order_by("-starts_on", "title", "pk")
    not_over = Q(ends_on__gte=starting_from) | Q(ends_on__isnull=True, starts_on__gte=starting_from)
    return queryset.filter(not_over).order_by("starts_on", "title", "pk")


def event(slug: str) -> Event:
    return get(Event.objects.select_related("organiser"), slug, "event")
