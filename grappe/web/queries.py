"""The database reads of the public pages: one function per page, a bounded number of queries.

Views stay thin and templates never query: each function fetches an entry together with
everything its page shows (select_related / prefetch_related), so a page costs the same few
queries whether an organisation has two offerings or two hundred.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q

from grappe.directory.models import (
    Category,
    Certification,
    Event,
    Offering,
    OfferingKind,
    Organisation,
    Person,
    Reference,
    Software,
    SoftwareRelation,
    SoftwareRole,
)
from grappe.directory.sovereignty import Assessment, assess


@dataclass(frozen=True)
class OfferingGroup:
    kind: str
    label: str
    offerings: list[Offering]


@dataclass(frozen=True)
class CertificationRow:
    """A certification and where it stands today: "valid", "expired" or "upcoming"."""

    certification: Certification
    status: str

    @property
    def is_expired(self) -> bool:
        return self.status == "expired"


@dataclass
class SoftwareByRole:
    """Software relations split by role, in the order pages show them."""

    publishes: list[SoftwareRelation] = field(default_factory=list)
    services: list[SoftwareRelation] = field(default_factory=list)
    hosts: list[SoftwareRelation] = field(default_factory=list)
    uses: list[SoftwareRelation] = field(default_factory=list)

    ROLE_FIELDS = {
        SoftwareRole.PUBLISHER: "publishes",
        SoftwareRole.SERVICE_PROVIDER: "services",
        SoftwareRole.HOST: "hosts",
        SoftwareRole.USER: "uses",
    }

    @classmethod
    def split(cls, relations: list[SoftwareRelation]) -> "SoftwareByRole":
        grouped = cls()
        for relation in relations:
            name = cls.ROLE_FIELDS.get(relation.role)
            if name:
                getattr(grouped, name).append(relation)
        return grouped

    def __bool__(self) -> bool:
        return bool(self.publishes or self.services or self.hosts or self.uses)


@dataclass
class OrganisationPage:
    organisation: Organisation
    offering_groups: list[OfferingGroup]
    certifications: list[CertificationRow]
    references: list[Reference]
    software: SoftwareByRole
    people: list[Person]
    events: list[Event]


@dataclass
class SoftwarePage:
    software: Software
    categories: list[Category]
    relations: SoftwareByRole
    hosting_offerings: list[Offering]
    other_hosts: list[SoftwareRelation]  # host relations with no hosting offering listed
    other_offerings: list[Offering]
    similar: list[Software]


@dataclass
class OfferingPage:
    offering: Offering
    software: list[Software]
    sibling_offerings: list[Offering]  # the organisation's other offerings
    certifications: list["CertificationRow"] = field(default_factory=list)  # covering it
    sovereignty: Assessment | None = None  # hosting offers only

    @property
    def is_example(self) -> bool:
        return self.offering.is_example or self.offering.organisation.is_example


def certification_status(certification: Certification, today: date) -> str:
    if certification.valid_until and certification.valid_until < today:
        return "expired"
    if certification.valid_from and certification.valid_from > today:
        return "upcoming"
    return "valid"


def group_offerings(offerings: list[Offering]) -> list[OfferingGroup]:
    """Offerings by kind, kinds in their declared order (products first, machines last)."""
    groups = []
    for kind in OfferingKind:
        of_kind = [offering for offering in offerings if offering.kind == kind.value]
        if of_kind:
            groups.append(OfferingGroup(kind.value, kind.label, of_kind))
    return groups


def organisation_page(slug: str, today: date) -> OrganisationPage | None:
    """Nine queries: the organisation, then one per kind of related rows."""
    organisation = (
        Organisation.objects.filter(slug=slug)
        .prefetch_related(
            Prefetch("offerings", queryset=Offering.objects.order_by("title")),
            Prefetch(
                "certifications",
                queryset=Certification.objects.select_related("scheme").order_by(
                    "scheme__name", "-valid_from"
                ),
            ),
            Prefetch(
                "references",
                queryset=Reference.objects.filter(is_public=True)
                .select_related("client")
                .prefetch_related(
                    Prefetch("software", queryset=Software.objects.order_by("name")),
                    Prefetch("partners", queryset=Organisation.objects.order_by("name")),
                ),
            ),
            Prefetch(
                "software_relations",
                queryset=SoftwareRelation.objects.select_related("software").order_by(
                    "software__name"
                ),
            ),
            Prefetch("people", queryset=Person.objects.order_by("name")),
            Prefetch("events", queryset=Event.objects.order_by("-starts_on")),
        )
        .first()
    )
    if organisation is None:
        return None
    return OrganisationPage(
        organisation=organisation,
        offering_groups=group_offerings(list(organisation.offerings.all())),
        certifications=[
            CertificationRow(c, certification_status(c, today))
            for c in organisation.certifications.all()
        ],
        references=list(organisation.references.all()),
        software=SoftwareByRole.split(list(organisation.software_relations.all())),
        people=list(organisation.people.all()),
        events=list(organisation.events.all()),
    )


def software_page(slug: str) -> SoftwarePage | None:
    """Five queries: the software, its categories, similar software, relations, offerings."""
    software = (
        Software.objects.filter(slug=slug)
        .prefetch_related(
            Prefetch("categories", queryset=Category.objects.order_by("slug")),
            Prefetch("similar", queryset=Software.objects.order_by("name")),
            Prefetch(
                "relations",
                queryset=SoftwareRelation.objects.select_related("organisation").order_by(
                    "organisation__name"
                ),
            ),
            Prefetch(
                "offerings",
                queryset=Offering.objects.select_related("organisation").order_by(
                    "organisation__name", "title"
                ),
            ),
        )
        .first()
    )
    if software is None:
        return None
    relations = SoftwareByRole.split(list(software.relations.all()))
    offerings = list(software.offerings.all())
    hosting = [o for o in offerings if o.kind == OfferingKind.HOSTING]
    hosting_organisations = {o.organisation_id for o in hosting}
    return SoftwarePage(
        software=software,
        categories=sorted(software.categories.all(), key=lambda c: c.name.casefold()),
        relations=relations,
        hosting_offerings=hosting,
        other_hosts=[r for r in relations.hosts if r.organisation_id not in hosting_organisations],
        other_offerings=[o for o in offerings if o.kind != OfferingKind.HOSTING],
        similar=list(software.similar.all()),
    )


def offering_page(slug: str, today: date) -> OfferingPage | None:
    """Six queries: the offering with its organisation, its software, the organisation's
    certifications (with their schemes and the offerings they cover), the sibling offerings."""
    offering = (
        Offering.objects.filter(slug=slug)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("software", queryset=Software.objects.order_by("name")),
            Prefetch(
                "organisation__certifications",
                queryset=Certification.objects.select_related("scheme").prefetch_related(
                    "offerings"
                ),
            ),
        )
        .first()
    )
    if offering is None:
        return None
    siblings = list(
        Offering.objects.filter(organisation_id=offering.organisation_id)
        .exclude(pk=offering.pk)
        .select_related("organisation")
        .order_by("title")
    )
    return OfferingPage(
        offering=offering,
        software=list(offering.software.all()),
        sibling_offerings=siblings,
        certifications=[
            CertificationRow(c, certification_status(c, today))
            for c in offering.organisation.certifications.all()
            if c.covers(offering)
        ],
        sovereignty=assess(offering, today),
    )


def person(slug: str) -> Person | None:
    return Person.objects.filter(slug=slug).select_related("organisation").first()


def event(slug: str) -> Event | None:
    return Event.objects.filter(slug=slug).select_related("organiser").first()


def home_entries(today: date) -> dict[str, list]:
    """The newest entries and the next events (under way or to come), for the home page."""
    upcoming = Event.objects.filter(
        Q(ends_on__gte=today) | Q(ends_on__isnull=True, starts_on__gte=today)
    )
    return {
        "latest_organisations": list(Organisation.objects.order_by("-created_at", "name")[:6]),
        "latest_software": list(Software.objects.order_by("-created_at", "name")[:6]),
        "upcoming_events": list(upcoming.order_by("starts_on", "title")[:4]),
    }
