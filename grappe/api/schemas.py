"""What the API answers, one schema per shape, read from the models in the request's language.

Conventions a client can rely on: `url` is always the address of the entry's page on the site
(in the response's language) and `website` the entry's own web page; every choice comes as its
value (`kind`) and its label (`kind_label`); lists answer `{count, page, page_size, results}`.
Only what the site shows publicly is here: no contact details without consent, no reference
kept for curators.
"""

from datetime import date, datetime
from typing import Annotated, Any, Protocol
from uuid import UUID

from django.db import models
from django.utils import timezone
from ninja import Field, Schema

from grappe.directory import models as m
from grappe.directory.models.relations import SoftwareRole
from grappe.directory.sovereignty import Assessment, assess


def label(instance: models.Model, field: str) -> str:
    """The display label of a choice field, as a plain string in the active language."""
    return str(getattr(instance, f"get_{field}_display")())


class HasPage(Protocol):
    def get_absolute_url(self) -> str: ...


class Entry(Schema):
    """An entry with its own page on the site."""

    id: int
    slug: str
    url: str

    @staticmethod
    def resolve_url(obj: HasPage) -> str:
        return obj.get_absolute_url()


# Short references to an entry, used inside other entries.


class OrganisationRef(Entry):
    name: str


class SoftwareRef(Entry):
    name: str


class OfferingRef(Entry):
    title: str
    kind: str
    kind_label: str

    @staticmethod
    def resolve_kind_label(obj: m.Offering) -> str:
        return label(obj, "kind")


class PersonRef(Entry):
    name: str
    role: str
    role_label: str

    @staticmethod
    def resolve_role_label(obj: m.Person) -> str:
        return label(obj, "role")


class CategoryOut(Schema):
    slug: str
    name: str


# Organisations.


class OrganisationSummary(Entry):
    name: str
    kind: str
    kind_label: str
    description: str
    membership_status: str
    is_member: bool
    is_example: bool
    commune_name: str
    departement: str
    website: str

    @staticmethod
    def resolve_kind_label(obj: m.Organisation) -> str:
        return label(obj, "kind")


class CertificationSchemeOut(Schema):
    slug: str
    name: str
    issuer: str
    url: str


class CertificationOut(Schema):
    scheme: CertificationSchemeOut
    scope: str
    certified_by: str
    valid_from: date | None
    valid_until: date | None
    is_valid_today: bool
    evidence_url: str

    @staticmethod
    def resolve_certified_by(obj: m.Certification) -> str:
        return obj.issuer

    @staticmethod
    def resolve_is_valid_today(obj: m.Certification) -> bool:
        return obj.is_valid_on(timezone.localdate())


class ReferenceOut(Schema):
    title: str
    role: str
    role_label: str
    client_name: str
    client: OrganisationRef | None
    year: int
    amount: float | None
    description: str
    cpv_codes: list[str]
    software: list[SoftwareRef]
    partners: list[OrganisationRef]
    source_url: str
    is_example: bool

    @staticmethod
    def resolve_role_label(obj: m.Reference) -> str:
        return label(obj, "role")


class RelationToSoftware(Schema):
    """How the organisation stands to one software."""

    software: SoftwareRef
    testimony: str
    since_year: int | None
    source_url: str


class SoftwareRelationsByRole(Schema):
    """Keyed by SoftwareRole value: publisher, services (provider), host, user."""

    publisher: list[RelationToSoftware]
    services: list[RelationToSoftware]
    host: list[RelationToSoftware]
    user: list[RelationToSoftware]


def by_role(relations: list[m.SoftwareRelation]) -> dict[str, list[m.SoftwareRelation]]:
    grouped: dict[str, list[m.SoftwareRelation]] = {role: [] for role in SoftwareRole.values}
    for relation in relations:
        grouped[relation.role].append(relation)
    return grouped


class OrganisationDetail(OrganisationSummary):
    legal_name: str
    siren: str | None
    siret: str
    naf_code: str
    wikidata_id: str
    email: str
    phone: str
    address: str
    postcode: str
    commune_insee: str
    latitude: float | None
    longitude: float | None
    headcount_band: str
    headcount_label: str
    founded_year: int | None
    turnover_year: int | None
    turnover_amount: int | None
    member_since: date | None
    logo_url: str
    tags: list[str]
    offerings: list[OfferingRef]
    certifications: list[CertificationOut]
    references: list[ReferenceOut]
    software_relations: SoftwareRelationsByRole
    people: list[PersonRef]

    @staticmethod
    def resolve_siren(obj: m.Organisation) -> str | None:
        return obj.siren or None

    @staticmethod
    def resolve_headcount_label(obj: m.Organisation) -> str:
        return label(obj, "headcount_band")

    @staticmethod
    def resolve_references(obj: m.Organisation) -> list[m.Reference]:
        # Prefetched with is_public=True (queries.organisation); filtered again in case a
        # caller forgot: a private reference must never leave the back office.
        return [reference for reference in obj.references.all() if reference.is_public]

    @staticmethod
    def resolve_software_relations(obj: m.Organisation) -> dict[str, list[m.SoftwareRelation]]:
        return by_role(list(obj.software_relations.all()))


# Software.


class SoftwareSummary(Entry):
    name: str
    description: str
    licence: str
    categories: list[CategoryOut]
    website: str
    logo_url: str
    is_example: bool


class RelationToOrganisation(Schema):
    """How one organisation stands to the software."""

    organisation: OrganisationRef
    testimony: str
    since_year: int | None
    source_url: str


class SoftwareDetail(SoftwareSummary):
    licence_raw: str
    repository_url: str
    wikidata_id: str
    alternative_to: list[str]
    tags: list[str]
    software_type: str
    software_type_label: str
    development_status: str
    development_status_label: str
    maintenance_type: str
    maintenance_type_label: str
    platforms: list[str]
    latest_version: str
    release_date: date | None
    sill_id: str
    comptoir_id: str
    similar: list[SoftwareRef]
    publishers: list[RelationToOrganisation]
    service_providers: list[RelationToOrganisation]
    hosts: list[RelationToOrganisation]
    users: list[RelationToOrganisation]
    offerings: list["OfferingSummary"]

    @staticmethod
    def resolve_software_type_label(obj: m.Software) -> str:
        return label(obj, "software_type")

    @staticmethod
    def resolve_development_status_label(obj: m.Software) -> str:
        return label(obj, "development_status")

    @staticmethod
    def resolve_maintenance_type_label(obj: m.Software) -> str:
        return label(obj, "maintenance_type")

    @staticmethod
    def resolve_publishers(obj: m.Software) -> list[m.SoftwareRelation]:
        return by_role(list(obj.relations.all()))[SoftwareRole.PUBLISHER]

    @staticmethod
    def resolve_service_providers(obj: m.Software) -> list[m.SoftwareRelation]:
        return by_role(list(obj.relations.all()))[SoftwareRole.SERVICE_PROVIDER]

    @staticmethod
    def resolve_hosts(obj: m.Software) -> list[m.SoftwareRelation]:
        return by_role(list(obj.relations.all()))[SoftwareRole.HOST]

    @staticmethod
    def resolve_users(obj: m.Software) -> list[m.SoftwareRelation]:
        return by_role(list(obj.relations.all()))[SoftwareRole.USER]


# Offerings.


class OfferingSummary(Entry):
    title: str
    kind: str
    kind_label: str
    description: str
    organisation: OrganisationRef
    price_indication: str
    price_from: float | None
    is_example: bool

    @staticmethod
    def resolve_kind_label(obj: m.Offering) -> str:
        return label(obj, "kind")


class ServiceFields(Schema):
    service_kind: str
    service_kind_label: str
    delivery_mode: str
    delivery_mode_label: str
    duration_hours: int | None

    @staticmethod
    def resolve_service_kind_label(obj: m.Offering) -> str:
        return label(obj, "service_kind")

    @staticmethod
    def resolve_delivery_mode_label(obj: m.Offering) -> str:
        return label(obj, "delivery_mode")


class SovereigntyReason(Schema):
    criterion: str = Field(description="location, ownership, exposure or qualification")
    met: bool
    text: str


class Sovereignty(Schema):
    sovereign: bool = Field(description="Passes the sovereign hosting filter today.")
    reasons: list[SovereigntyReason]


class HostingFields(Schema):
    hosting_kind: str
    hosting_kind_label: str
    datacenter_country: str = Field(description="ISO 3166 two-letter code.")
    datacenter_region: str
    datacenter_city: str
    operator_eu_owned: str = Field(description="“yes”, “no”, or “” when not declared.")
    extraterritorial_exposure: str = Field(
        description="“none” or “exposed” as the operator declares it, “” when not declared."
    )
    reversibility_formats: list[str]
    sla_availability: float | None = Field(description="Guaranteed availability, in percent.")
    pricing_model: str
    pricing_model_label: str
    sovereignty: Sovereignty

    @staticmethod
    def resolve_hosting_kind_label(obj: m.Offering) -> str:
        return label(obj, "hosting_kind")

    @staticmethod
    def resolve_pricing_model_label(obj: m.Offering) -> str:
        return label(obj, "pricing_model")

    @staticmethod
    def resolve_sovereignty(obj: m.Offering) -> Assessment | None:
        return assess(obj, timezone.localdate())


class MachineFields(Schema):
    machine_type: str
    machine_type_label: str
    materials: list[str]
    work_x_mm: int | None
    work_y_mm: int | None
    work_z_mm: int | None
    machine_access: str
    machine_access_label: str

    @staticmethod
    def resolve_machine_type_label(obj: m.Offering) -> str:
        return label(obj, "machine_type")

    @staticmethod
    def resolve_machine_access_label(obj: m.Offering) -> str:
        return label(obj, "machine_access")


class OfferingDetail(OfferingSummary):
    """`service`, `hosting` and `machine` hold the fields of that kind; the others are null."""

    website: str
    cpv_codes: list[str]
    tags: list[str]
    software: list[SoftwareRef]
    service: ServiceFields | None
    hosting: HostingFields | None
    machine: MachineFields | None

    @staticmethod
    def resolve_website(obj: m.Offering) -> str:
        return obj.url

    @staticmethod
    def resolve_service(obj: m.Offering) -> m.Offering | None:
        return obj if obj.kind == m.OfferingKind.SERVICE else None

    @staticmethod
    def resolve_hosting(obj: m.Offering) -> m.Offering | None:
        return obj if obj.kind == m.OfferingKind.HOSTING else None

    @staticmethod
    def resolve_machine(obj: m.Offering) -> m.Offering | None:
        return obj if obj.kind == m.OfferingKind.MACHINE else None


SoftwareDetail.model_rebuild()


# People.


class PersonSummary(PersonRef):
    """`email` and `phone` are null unless the person consented to show them."""

    job_title: str
    organisation: OrganisationRef | None
    skills: list[str]
    territory: list[str]
    email: str | None
    phone: str | None
    is_example: bool

    @staticmethod
    def resolve_email(obj: m.Person) -> str | None:
        return obj.public_email or None

    @staticmethod
    def resolve_phone(obj: m.Person) -> str | None:
        return obj.public_phone or None


class PersonDetail(PersonSummary):
    bio: str


# Events.


class EventOut(Entry):
    title: str
    description: str
    starts_on: date
    ends_on: date | None
    place: str
    commune_name: str
    commune_insee: str
    is_online: bool
    organiser: OrganisationRef | None
    organiser_name: str
    website: str
    is_example: bool

    @staticmethod
    def resolve_organiser_name(obj: m.Event) -> str:
        return obj.organiser.name if obj.organiser else obj.organiser_name

    @staticmethod
    def resolve_website(obj: m.Event) -> str:
        return obj.url


# Pages of results.


class Page(Schema):
    count: int
    page: int
    page_size: int


class OrganisationPage(Page):
    results: list[OrganisationSummary]


class SoftwarePage(Page):
    results: list[SoftwareSummary]


class OfferingPage(Page):
    results: list[OfferingSummary]


class PersonPage(Page):
    results: list[PersonSummary]


class EventPage(Page):
    results: list[EventOut]


# Search.


class SearchHitOut(Schema):
    id: int
    kind: str
    slug: str
    name: str
    url: str
    score: float
    snippet: str
    subtitle: str
    is_example: bool
    is_member: bool
    departement: str
    distance_km: float | None = Field(None, description="Kilometres from `near`, if given.")
    latitude: float | None = None
    longitude: float | None = None
    sovereign: bool | None = Field(
        None, description="Hosting offers: whether they pass the sovereign hosting filter today."
    )
    reasons: list[SovereigntyReason] = Field(
        default_factory=list, description="Hosting offers: why they pass it or not."
    )


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchOut(Page):
    results: list[SearchHitOut]
    facets: dict[str, list[FacetValueOut]]
    corrections: dict[str, str]
    facets_approximate: bool = False
    near: str = Field("", description="The place `near` was read as, such as “Bayonne (64)”.")


class ErrorOut(Schema):
    detail: str
    parameter: str


class NotFoundOut(Schema):
    detail: str


class DeniedOut(Schema):
    """401: no credentials, or wrong ones; 403: not allowed (or no CSRF token with a session)."""

    detail: str


class NoticeErrorOut(ErrorOut):
    """A notice refused: `code` says why for a program (`malformed_xml`, `award_notice`, ...)."""

    code: str = ""


# Calls for tenders: the shapes of grappe.tenders.exporting, which the site's downloads share.
# Amounts are decimal strings, exact ("300000", "1234.5"); counts are integers. Evidence items
# are objects with `kind`, `text` (a sentence in the response's language) and the structured
# fields behind the sentence (see docs/api.md).

Amount = Annotated[str, Field(description="A decimal amount as a string, exact: “300000”.")]
EvidenceOut = dict[str, Any]


class RequirementOut(Schema):
    key: str = Field(description="How matches and teams name this requirement (“r12”).")
    kind: str = Field(
        description="capability, certification, turnover, staff, references or other."
    )
    label: str
    text: str = Field(description="The sentence of the notice it was read from.")
    cpv_codes: list[str]
    keywords: str
    certification: str | None = Field(description="The certification scheme's slug.")
    threshold: Amount | None
    mandatory: bool
    source: str = Field(description="Where in the notice it was read.")


class LotOut(Schema):
    id: str = Field(description="The lot as the notice numbers it (“1”, “LOT-0001”).")
    title: str
    description: str
    cpv_main: str | None
    cpv_additional: list[str]
    nuts: list[str]
    estimated_value: Amount | None
    currency: str | None
    duration: str | None = Field(description="As the notice gives it: “36 MONTH”.")
    deadline: datetime | None
    requirements: list[RequirementOut]


class TenderOut(Schema):
    id: UUID
    title: str
    description: str
    buyer: str
    reference: str = Field(description="The buyer's reference for the procedure.")
    notice_id: str
    source_format: str = Field(description="eforms, boamp-xml, boamp-json or text.")
    deadline: datetime | None = Field(description="Submission deadline, in the site's zone.")
    nuts: list[str]
    grouping_form: str = Field(description="What the notice says about groups, as written.")
    warnings: list[str] = Field(description="What the reader noticed and could not use.")
    lots: list[LotOut]


class RequirementScoreOut(Schema):
    requirement: str
    score: float = Field(description="0 to 1.")
    covered: bool
    evidence: list[EvidenceOut]


class MemberMatchOut(Schema):
    organisation: str = Field(description="The organisation's slug.")
    name: str
    score: float = Field(description="0 to 1: the mean over the requirements, plus geography.")
    can_lead: bool
    departement: str | None
    turnover: Amount | None
    turnover_year: int | None
    staff: int | None
    references: int = Field(description="Recent references in the lot's CPV branches.")
    geography: EvidenceOut | None
    requirements: list[RequirementScoreOut]


class LotMatchesOut(Schema):
    lot: str
    deadline: date = Field(description="Certifications must be valid on this day.")
    members_considered: int
    gaps: list[str] = Field(description="Mandatory requirements no member covers.")
    members: list[MemberMatchOut]


class TenderMatchesOut(Schema):
    tender: UUID
    lots: list[LotMatchesOut]


class TeamMemberOut(Schema):
    organisation: str
    name: str
    role: str = Field(description="lead, co_contractor or subcontractor.")
    role_label: str
    answers: list[str] = Field(description="The requirements this member answers for the team.")


class MatrixCellOut(Schema):
    organisation: str
    answers: bool
    covered: bool
    score: float
    evidence: list[EvidenceOut]


class MatrixRowOut(Schema):
    requirement: str
    label: str
    members: list[MatrixCellOut]


class TeamOut(Schema):
    rank: int
    form: str = Field(description="sole, joint, joint_lead_liable or joint_and_several.")
    form_label: str
    objective: float
    method: str
    covered: list[str]
    missing: list[str]
    totals: dict[str, Amount | int]
    thresholds_met: dict[str, bool]
    shortfall: dict[str, Amount | int]
    members: list[TeamMemberOut]
    matrix: list[MatrixRowOut] = Field(description="Requirement × member coverage.")


class GapOut(Schema):
    requirement: str
    label: str


class LotTeamsOut(Schema):
    lot: str
    method: str = Field(description="exact or greedy.")
    seconds: float
    candidates: int
    gaps: list[GapOut]
    notes: list[str] = Field(description="What the optimiser could not do, in English.")
    teams: list[TeamOut]


class TenderTeamsOut(Schema):
    tender: UUID
    lots: list[LotTeamsOut]
