"""Figures about the index, for the home page and the curators' dashboard."""

from dataclasses import dataclass

from django.db.models import Count

from grappe.directory.models import (
    Event,
    MembershipStatus,
    Offering,
    Organisation,
    OrganisationKind,
    Person,
    Software,
)


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    count: int


@dataclass(frozen=True)
class IndexSummary:
    organisations: int
    members: int
    software: int
    offerings: int
    people: int
    events: int
    departements: int
    by_kind: list[KindCount]


def index_summary() -> IndexSummary:
    by_kind = dict(Organisation.objects.values_list("kind").annotate(n=Count("id")).order_by())
    return IndexSummary(
        organisations=sum(by_kind.values()),
        members=Organisation.objects.filter(membership_status=MembershipStatus.MEMBER).count(),
        software=Software.objects.count(),
        offerings=Offering.objects.count(),
        people=Person.objects.count(),
        events=Event.objects.count(),
        departements=Organisation.objects.exclude(departement="")
        .values("departement")
        .distinct()
        .count(),
        by_kind=[
            KindCount(kind.value, kind.label, by_kind[kind.value])
            for kind in OrganisationKind
            if by_kind.get(kind.value)
        ],
    )
