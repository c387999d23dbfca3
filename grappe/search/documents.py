"""What the index knows of each entry: one pure function per kind, shared by both backends.

A document has weighted text fields (see FIELDS) and facet values. Labels of choices are
indexed in French and English, so "hébergement" and "hosting" both find a hosting offer.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch
from django.utils import translation

from grappe.directory import models as m
from grappe.directory.licences import normalise_licence
from grappe.directory.materials import material_key
from grappe.directory.places import DEPARTEMENTS, departement_of_commune
from grappe.directory.sovereignty import assess
from grappe.geo.gazetteer import epci_of_communes
from grappe.search.extensions import ENRICHERS

BATCH = 500  # entries read, and their EPCI looked up, at a time

# Text fields, from the most to the least telling; each backend weighs them in this order.
FIELDS = ("name", "tags", "alternatives", "categories", "related", "place", "description")
WEIGHTS = {
    "name": 10.0,
    "tags": 5.0,
    "alternatives": 5.0,
    "categories": 3.0,
    "related": 2.0,
    "place": 2.0,
    "description": 1.0,
}


@dataclass
class IndexedDocument:
    kind: str
    object_id: int
    slug: str
    name: str
    texts: dict[str, str]
    facets: dict[str, list[str]]
    summary_fr: str = ""
    summary_en: str = ""
    commune_name: str = ""
    commune_insee: str = ""  # its EPCI is looked up for a whole batch (see documents_for)
    organisation_id: int | None = None  # an offering's or a person's organisation
    departement: str = ""
    organisation_kind: str = ""
    offering_kind: str = ""
    licence: str = ""
    parent_name: str = ""
    is_member: bool = False
    is_example: bool = False
    updated_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    work_x_mm: int | None = None
    work_y_mm: int | None = None
    work_z_mm: int | None = None
    extra: dict = field(default_factory=dict)


def both_languages(label) -> str:
    """A lazy choice label in French and in English."""
    texts = []
    for language in ("fr", "en"):
        with translation.override(language):
            texts.append(str(label))
    return " ".join(dict.fromkeys(texts))


def place_text(commune: str, departement: str, postcode: str = "") -> str:
    name = DEPARTEMENTS.get(departement, "")
    return " ".join(part for part in (commune, postcode, name) if part)


def licence_ids(expression: str) -> list[str]:
    """ "MIT OR Apache-2.0" -> ["MIT", "Apache-2.0"]: each licence is a facet value."""
    if not expression:
        return []
    tokens = expression.replace("(", " ").replace(")", " ").split()
    ids = [t for t in tokens if t not in {"AND", "OR", "WITH"}]
    return list(dict.fromkeys(ids))


def _listed(entry, name: str) -> list:
    """A relation's rows: the list prefetched into `indexed_<name>` when the entry came from
    documents_for, else a query. Prefetching into a list (to_attr) spares Django a queryset
    clone per entry and relation, a third of the indexing time on a large import."""
    prefetched = getattr(entry, f"indexed_{name}", None)
    return prefetched if prefetched is not None else list(getattr(entry, name).all())


def valid_certifications(organisation: m.Organisation, today: date) -> list[str]:
    certifications = _listed(organisation, "certifications")
    return sorted({c.scheme.slug for c in certifications if c.is_valid_on(today)})


def _coordinates(organisation: m.Organisation) -> dict:
    if organisation.latitude is None or organisation.longitude is None:
        return {}
    return {"latitude": float(organisation.latitude), "longitude": float(organisation.longitude)}


def _machines(offerings: list[m.Offering]) -> dict[str, list[str]]:
    """The machine facets of one offering, or the union of an organisation's machines."""
    machines = [o for o in offerings if o.kind == m.OfferingKind.MACHINE]
    return {
        "machine_type": sorted({o.machine_type for o in machines if o.machine_type}),
        "material": sorted({material_key(x) for o in machines for x in o.materials}),
    }


def _member(organisation: m.Organisation | None) -> list[str]:
    if organisation is None:
        return []
    return ["yes" if organisation.is_member else "no"]


def organisation_document(organisation: m.Organisation, today: date) -> IndexedDocument:
    offerings = _listed(organisation, "offerings")
    relations = _listed(organisation, "software_relations")
    software = [relation.software for relation in relations]
    categories = {c for s in software for c in _listed(s, "categories")}
    related = [o.title for o in offerings] + [s.name for s in software]
    related += [c.scheme.name for c in _listed(organisation, "certifications")]
    return IndexedDocument(
        kind="organisation",
        object_id=organisation.pk,
        slug=organisation.slug,
        name=organisation.name,
        texts={
            "name": " ".join(filter(None, [organisation.name, organisation.legal_name])),
            "tags": " ".join(organisation.tags),
            "alternatives": "",
            "categories": " ".join(
                [both_languages(organisation.get_kind_display())]
                + [f"{c.name_fr} {c.name_en}" for c in categories]
                + [both_languages(o.get_kind_display()) for o in offerings]
            ),
            "related": " ".join(related),
            "place": place_text(
                organisation.commune_name, organisation.departement, organisation.postcode
            ),
            "description": " ".join([organisation.description_fr, organisation.description_en]),
        },
        facets={
            "kind": ["organisation"],
            "organisation_kind": [organisation.kind],
            "offering_kind": sorted({o.kind for o in offerings}),
            "category": sorted({c.slug for c in categories}),
            "departement": [organisation.departement] if organisation.departement else [],
            "certification": valid_certifications(organisation, today),
            "member": _member(organisation),
            **_machines(offerings),
        },
        summary_fr=organisation.description_fr,
        summary_en=organisation.description_en,
        commune_name=organisation.commune_name,
        commune_insee=organisation.commune_insee,
        departement=organisation.departement,
        organisation_kind=organisation.kind,
        is_member=organisation.is_member,
        is_example=organisation.is_example,
        updated_at=organisation.updated_at,
        **_coordinates(organisation),
    )


def software_document(software: m.Software, today: date) -> IndexedDocument:
    categories = _listed(software, "categories")
    relations = _listed(software, "relations")
    licences = licence_ids(software.licence)
    return IndexedDocument(
        kind="software",
        object_id=software.pk,
        slug=software.slug,
        name=software.name,
        texts={
            "name": software.name,
            "tags": " ".join(software.tags),
            "alternatives": " ".join(software.alternative_to),
            "categories": " ".join(f"{c.name_fr} {c.name_en}" for c in categories),
            "related": " ".join(r.organisation.name for r in relations),
            "place": "",
            "description": " ".join([software.description_fr, software.description_en]),
        },
        facets={
            "kind": ["software"],
            "category": sorted(c.slug for c in categories),
            "licence": licences,
        },
        summary_fr=software.description_fr,
        summary_en=software.description_en,
        licence=software.licence or normalise_licence(software.licence_raw).raw,
        is_example=software.is_example,
        updated_at=software.updated_at,
    )


def offering_document(offering: m.Offering, today: date) -> IndexedDocument:
    organisation = offering.organisation
    assessment = assess(offering, today)
    software = list(offering.software.all())
    categories = {c for s in software for c in s.categories.all()}
    labels = [both_languages(offering.get_kind_display())]
    for detail in ("service_kind", "hosting_kind", "machine_type", "machine_access"):
        if getattr(offering, detail):
            labels.append(both_languages(getattr(offering, f"get_{detail}_display")()))
    return IndexedDocument(
        kind="offering",
        object_id=offering.pk,
        slug=offering.slug,
        name=offering.title,
        texts={
            "name": offering.title,
            "tags": " ".join(offering.tags + offering.materials),
            "alternatives": "",
            "categories": " ".join(labels + [f"{c.name_fr} {c.name_en}" for c in categories]),
            "related": " ".join([organisation.name] + [s.name for s in software]),
            "place": place_text(
                organisation.commune_name, organisation.departement, organisation.postcode
            ),
            "description": " ".join([offering.description_fr, offering.description_en]),
        },
        facets={
            "kind": ["offering"],
            "organisation_kind": [organisation.kind],
            "offering_kind": [offering.kind],
            "category": sorted({c.slug for c in categories}),
            "departement": [organisation.departement] if organisation.departement else [],
            "certification": valid_certifications(organisation, today),
            "member": _member(organisation),
            "sovereign": ["yes" if assessment.sovereign else "no"] if assessment else [],
            **_machines([offering]),
        },
        summary_fr=offering.description_fr,
        summary_en=offering.description_en,
        commune_name=organisation.commune_name,
        commune_insee=organisation.commune_insee,
        departement=organisation.departement,
        organisation_kind=organisation.kind,
        offering_kind=offering.kind,
        parent_name=organisation.name,
        organisation_id=organisation.pk,
        is_member=organisation.is_member,
        is_example=offering.is_example or organisation.is_example,
        updated_at=offering.updated_at,
        work_x_mm=offering.work_x_mm,
        work_y_mm=offering.work_y_mm,
        work_z_mm=offering.work_z_mm,
        **_coordinates(organisation),
    )


def person_document(person: m.Person, today: date) -> IndexedDocument:
    organisation = person.organisation
    return IndexedDocument(
        kind="person",
        object_id=person.pk,
        slug=person.slug,
        name=person.name,
        texts={
            "name": person.name,
            "tags": " ".join(person.skills),
            "alternatives": "",
            "categories": " ".join(
                filter(None, [both_languages(person.get_role_display()), person.job_title])
            ),
            "related": organisation.name if organisation else "",
            "place": " ".join(place_text("", code) for code in person.territory),
            "description": " ".join([person.bio_fr, person.bio_en]),
        },
        facets={
            "kind": ["person"],
            "departement": list(person.territory),
            "member": _member(organisation),
        },
        summary_fr=person.bio_fr,
        summary_en=person.bio_en,
        departement=person.territory[0] if person.territory else "",
        parent_name=organisation.name if organisation else "",
        organisation_id=organisation.pk if organisation else None,
        is_member=bool(organisation and organisation.is_member),
        is_example=person.is_example,
        updated_at=person.updated_at,
    )


def event_document(event: m.Event, today: date) -> IndexedDocument:
    departement = departement_of_commune(event.commune_insee)
    organiser = event.organiser.name if event.organiser else event.organiser_name
    return IndexedDocument(
        kind="event",
        object_id=event.pk,
        slug=event.slug,
        name=event.title,
        texts={
            "name": event.title,
            "tags": "",
            "alternatives": "",
            "categories": "",
            "related": organiser,
            "place": " ".join(
                filter(None, [event.place, place_text(event.commune_name, departement)])
            ),
            "description": " ".join([event.description_fr, event.description_en]),
        },
        facets={"kind": ["event"], "departement": [departement] if departement else []},
        summary_fr=event.description_fr,
        summary_en=event.description_en,
        commune_name=event.commune_name,
        commune_insee=event.commune_insee,
        departement=departement,
        parent_name=organiser,
        is_example=event.is_example,
        updated_at=event.updated_at,
        extra={"starts_on": event.starts_on},
    )


BUILDERS = {
    "organisation": (
        m.Organisation,
        organisation_document,
        (
            Prefetch("offerings", to_attr="indexed_offerings"),
            # Through a queryset, not "software_relations__software__categories": Django
            # would join an OR per software, which SQLite refuses past 1,000 (Inria publishes
            # more than that on code.gouv.fr).
            Prefetch(
                "software_relations",
                queryset=m.SoftwareRelation.objects.select_related("software").prefetch_related(
                    Prefetch("software__categories", to_attr="indexed_categories")
                ),
                to_attr="indexed_software_relations",
            ),
            Prefetch(
                "certifications",
                queryset=m.Certification.objects.select_related("scheme"),
                to_attr="indexed_certifications",
            ),
        ),
    ),
    "software": (
        m.Software,
        software_document,
        (
            Prefetch("categories", to_attr="indexed_categories"),
            Prefetch(
                "relations",
                queryset=m.SoftwareRelation.objects.select_related("organisation"),
                to_attr="indexed_relations",
            ),
        ),
    ),
    "offering": (
        m.Offering,
        offering_document,
        (
            "software__categories",
            "organisation__certifications__scheme",
            "organisation__certifications__offerings",
        ),
    ),
    "person": (m.Person, person_document, ()),
    "event": (m.Event, event_document, ()),
}
SELECT_RELATED = {
    "offering": ("organisation",),
    "person": ("organisation",),
    "event": ("organiser",),
}


def documents_for(kind: str, ids: list[int] | None = None, today: date | None = None):
    """Build the documents of entries of one kind (all of them when ids is None), in batches."""
    model, builder, prefetch = BUILDERS[kind]
    today = today or date.today()
    queryset = model.objects.select_related(*SELECT_RELATED.get(kind, ())).prefetch_related(
        *prefetch
    )
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    batch: list[IndexedDocument] = []
    for entry in queryset.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(builder(entry, today))
        if len(batch) == BATCH:
            yield from _completed(batch)
            batch = []
    yield from _completed(batch)


def _completed(documents: list[IndexedDocument]) -> list[IndexedDocument]:
    """A batch with what is looked up for many documents at once: their intercommunality, and
    what the apps above search register (grappe.search.extensions)."""
    _with_epci(documents)
    for enricher in ENRICHERS:
        enricher(documents)
    return documents


def _with_epci(documents: list[IndexedDocument]) -> list[IndexedDocument]:
    """The intercommunality of each document's commune: a facet, and words of its place."""
    epcis = epci_of_communes({d.commune_insee for d in documents if d.commune_insee})
    for document in documents:
        epci = epcis.get(document.commune_insee)
        if epci is not None:
            document.facets["epci"] = [epci.code]
            document.texts["place"] = f"{document.texts['place']} {epci.name}".strip()
    return documents
