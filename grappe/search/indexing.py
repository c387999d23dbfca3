"""Keeping the index in step with the directory.

Saving or deleting an entry (or something shown in an entry's document, such as a
certification) marks the documents it affects; they are rebuilt once, when the transaction
commits, so an import of a thousand rows reindexes each touched entry once.
"""

import threading
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

from grappe.directory import models as m
from grappe.search.backends import get_backend
from grappe.search.documents import BUILDERS, IndexedDocument, documents_for
from grappe.search.models import SearchDocument, SearchFacet
from grappe.search.text import name_key

_pending = threading.local()
BATCH = 500
# Sent after documents were written or removed (a flush, a full rebuild): every change that
# matters to the public pages goes through here, bulk imports included (the page cache
# listens).
index_changed = Signal()


def index_entries(kind: str, ids: Iterable[int]) -> None:
    """(Re)build the documents of these entries; entries that no longer exist leave the index."""
    ids = list(ids)
    found: set[int] = set()
    batch: list[IndexedDocument] = []
    for document in documents_for(kind, ids):
        found.add(document.object_id)
        batch.append(document)
        if len(batch) >= BATCH:
            _store(batch)
            batch = []
    _store(batch)
    gone = set(ids) - found
    if gone:
        remove_entries(kind, gone)


def remove_entries(kind: str, ids: Iterable[int]) -> None:
    documents = SearchDocument.objects.filter(kind=kind, object_id__in=list(ids))
    document_ids = list(documents.values_list("id", flat=True))
    if document_ids:
        get_backend().remove(document_ids)
        SearchDocument.objects.filter(id__in=document_ids).delete()


def reindex_all() -> dict[str, int]:
    """Rebuild the whole index; returns the number of documents of each kind."""
    backend = get_backend()
    with transaction.atomic():
        backend.clear()
        SearchFacet.objects.all().delete()
        SearchDocument.objects.all().delete()
        counts = {}
        today = date.today()
        for kind in BUILDERS:
            batch: list[IndexedDocument] = []
            counts[kind] = 0
            for document in documents_for(kind, today=today):
                batch.append(document)
                counts[kind] += 1
                if len(batch) >= BATCH:
                    _store(batch)
                    batch = []
            _store(batch)
    index_changed.send(sender=reindex_all)
    return counts


def _row_values(document: IndexedDocument) -> dict:
    return {
        "slug": document.slug,
        "name": document.name[:300],
        "name_key": name_key(document.name)[:300],
        "summary_fr": document.summary_fr,
        "summary_en": document.summary_en,
        "commune_name": document.commune_name,
        "departement": document.departement,
        "organisation_kind": document.organisation_kind,
        "offering_kind": document.offering_kind,
        "licence": document.licence[:200],
        "parent_name": document.parent_name[:200],
        "is_member": document.is_member,
        "is_example": document.is_example,
        "updated_at": document.updated_at,
        "starts_on": document.extra.get("starts_on"),
        "latitude": document.latitude,
        "longitude": document.longitude,
        "work_x_mm": document.work_x_mm,
        "work_y_mm": document.work_y_mm,
        "work_z_mm": document.work_z_mm,
    }


def _update_rows(rows: list[SearchDocument], names: list[str]) -> None:
    """One prepared UPDATE run for every row (executemany): Django's bulk_update writes a CASE
    per field and row, which spent 85 % of re-indexing 8,600 software in building it."""
    if not rows:
        return
    fields = [SearchDocument._meta.get_field(name) for name in names]
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    table = connection.ops.quote_name(SearchDocument._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {assignments} WHERE id = %s",
            [
                [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk]
                for row in rows
            ],
        )


def _insert_rows(rows: list[SearchDocument], names: list[str]) -> None:
    """New rows through one prepared INSERT (executemany), for the reason _update_rows gives;
    their ids are read back by (kind, object_id), which is unique."""
    if not rows:
        return
    fields = [SearchDocument._meta.get_field(name) for name in ["kind", "object_id", *names]]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(SearchDocument._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",
            [
                [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields]
                for row in rows
            ],
        )
    created = {
        (kind, object_id): pk
        for pk, kind, object_id in SearchDocument.objects.filter(
            kind__in={row.kind for row in rows}, object_id__in=[row.object_id for row in rows]
        ).values_list("id", "kind", "object_id")
    }
    for row in rows:
        row.pk = created[(row.kind, row.object_id)]


def _store(documents: list[IndexedDocument]) -> None:
    if not documents:
        return
    existing = {
        (kind, object_id): pk
        for pk, kind, object_id in SearchDocument.objects.filter(
            kind__in={d.kind for d in documents},
            object_id__in=[d.object_id for d in documents],
        ).values_list("id", "kind", "object_id")
    }
    pairs = [
        (
            SearchDocument(
                pk=existing.get((document.kind, document.object_id)),
                kind=document.kind,
                object_id=document.object_id,
                **_row_values(document),
            ),
            document,
        )
        for document in documents
    ]
    names = list(_row_values(documents[0]))
    _update_rows([row for row, _d in pairs if row.pk], names)
    _insert_rows([row for row, _d in pairs if row.pk is None], names)
    rows = [(row.pk, document) for row, document in pairs]
    ids = [pk for pk, _document in rows]
    SearchFacet.objects.filter(document_id__in=ids).delete()
    # Plain rows of three columns, about ten per document: one prepared INSERT (executemany)
    # rather than bulk_create's compiled statements, which cost more than the writing.
    table = connection.ops.quote_name(SearchFacet._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (document_id, facet, value) VALUES (%s, %s, %s)",
            [
                (pk, facet, value[:120])
                for pk, document in rows
                for facet, values in document.facets.items()
                for value in values
            ],
        )
    get_backend().write(rows)


# Keeping in step ---------------------------------------------------------------------------


def mark(kind: str, ids: Iterable[int]) -> None:
    """Reindex these entries when the current transaction commits (at once outside one)."""
    pending = getattr(_pending, "entries", None)
    if pending is None:
        pending = _pending.entries = defaultdict(set)
    pending[kind].update(i for i in ids if i is not None)
    # One callback per mark: the first to run takes the whole set, the others find it empty.
    # (Registering once per transaction would be lost with a rolled-back savepoint.)
    transaction.on_commit(flush)


def flush() -> None:
    pending = getattr(_pending, "entries", None)
    _pending.entries = None
    if not pending:
        return
    with transaction.atomic():
        for kind, ids in pending.items():
            index_entries(kind, ids)
    index_changed.send(sender=flush)


def _affected_by_organisation(organisation: m.Organisation) -> None:
    mark("organisation", [organisation.pk])
    mark("offering", organisation.offerings.values_list("pk", flat=True))
    mark("person", organisation.people.values_list("pk", flat=True))


def _on_save(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    if isinstance(instance, m.Organisation):
        _affected_by_organisation(instance)
    elif isinstance(instance, m.Software):
        mark("software", [instance.pk])
        mark("organisation", instance.relations.values_list("organisation_id", flat=True))
        mark("offering", instance.offerings.values_list("pk", flat=True))
    elif isinstance(instance, m.Offering):
        mark("offering", [instance.pk])
        mark("organisation", [instance.organisation_id])
    elif isinstance(instance, m.SoftwareRelation):
        mark("organisation", [instance.organisation_id])
        mark("software", [instance.software_id])
    elif isinstance(instance, m.Certification):
        mark("organisation", [instance.organisation_id])
        mark(
            "offering",
            m.Offering.objects.filter(organisation_id=instance.organisation_id).values_list(
                "pk", flat=True
            ),
        )
    elif isinstance(instance, m.CertificationScheme):  # its name, or whether it is sovereign
        holders = instance.certifications.values_list("organisation_id", flat=True)
        mark("organisation", holders)
        mark(
            "offering",
            m.Offering.objects.filter(organisation_id__in=holders).values_list("pk", flat=True),
        )
    elif isinstance(instance, m.Category):
        mark("software", instance.software.values_list("pk", flat=True))
    elif isinstance(instance, m.Person):
        mark("person", [instance.pk])
    elif isinstance(instance, m.Event):
        mark("event", [instance.pk])


def _on_m2m(sender, instance, action, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        _on_save(type(instance), instance)


def connect_signals() -> None:
    for model in (
        m.Organisation, m.Software, m.Offering, m.SoftwareRelation, m.Certification,
        m.CertificationScheme, m.Category, m.Person, m.Event,
    ):  # fmt: skip
        post_save.connect(_on_save, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(_on_save, sender=model, dispatch_uid=f"search-delete-{model.__name__}")
    for through in (
        m.Software.categories.through,
        m.Offering.software.through,
        m.Certification.offerings.through,
    ):
        m2m_changed.connect(_on_m2m, sender=through, dispatch_uid=f"search-m2m-{through.__name__}")
