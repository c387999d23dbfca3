"""Keep federation's bookkeeping in step with the directory.

- A local entry deleted, or whose slug changes, leaves a Tombstone, so peers drop it.
- An entry pulled from a peer and deleted here keeps its provenance, emptied, so the next pull
  does not bring it back (a deletion is a local edit).
- A change an entry's own `updated_at` misses (its nested lists, a many-to-many relation) is
  recorded as a Touch, so the feed publishes the entry again.
"""

from collections.abc import Iterable

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from grappe.directory.models import (
    Certification,
    Offering,
    Reference,
    Software,
    SoftwareRelation,
)
from grappe.federation.kinds import MODELS, Kind, kind_of
from grappe.federation.models import Provenance, Tombstone, Touch

# The lists nested in an organisation's record: a change to one is a change of the organisation.
NESTED = (Offering, Certification, SoftwareRelation, Reference)
_M2M_CHANGES = {"post_add", "post_remove", "post_clear"}


def touch(kind: str, entry_ids: Iterable[int]) -> None:
    now = timezone.now()
    for entry_id in set(entry_ids):
        Touch.objects.update_or_create(kind=kind, entry_id=entry_id, defaults={"touched_at": now})


def _is_pulled(kind: str, entry_id: int) -> bool:
    return Provenance.objects.filter(kind=kind, entry_id=entry_id, linked=False).exists()


def entry_deleted(sender: type[models.Model], instance: models.Model, **kwargs) -> None:
    kind = kind_of(sender)
    if not _is_pulled(kind, instance.pk):
        Tombstone.objects.create(kind=kind, slug=instance.slug)
    Provenance.objects.filter(kind=kind, entry_id=instance.pk).update(entry_id=None)
    Touch.objects.filter(kind=kind, entry_id=instance.pk).delete()


def slug_about_to_change(sender: type[models.Model], instance: models.Model, **kwargs) -> None:
    """Peers know the entry by its slug: the old one is published as deleted."""
    if kwargs.get("raw") or instance.pk is None:
        return
    kind = kind_of(sender)
    old = sender._default_manager.filter(pk=instance.pk).values_list("slug", flat=True).first()
    if old and old != instance.slug and not _is_pulled(kind, instance.pk):
        Tombstone.objects.create(kind=kind, slug=old)


def nested_changed(sender: type[models.Model], instance: models.Model, **kwargs) -> None:
    if not kwargs.get("raw") and instance.organisation_id is not None:
        touch(Kind.ORGANISATION, [instance.organisation_id])


def relation_changed(sender, instance, action: str, reverse: bool, model, pk_set, **kwargs):
    """A many-to-many relation set from either side: touch the entries whose records show it."""
    if action not in _M2M_CHANGES:
        return
    owner = model if reverse else type(instance)
    ids = (pk_set or set()) if reverse else {instance.pk}
    if owner is Software:
        touch(Kind.SOFTWARE, ids)
    elif owner in NESTED:
        organisations = owner._default_manager.filter(pk__in=ids)
        touch(Kind.ORGANISATION, organisations.values_list("organisation_id", flat=True))


def connect_signals() -> None:
    for kind, model in MODELS.items():
        uid = f"federation-{kind}"
        post_delete.connect(entry_deleted, sender=model, dispatch_uid=f"{uid}-deleted")
        pre_save.connect(slug_about_to_change, sender=model, dispatch_uid=f"{uid}-slug")
    for model in NESTED:
        uid = f"federation-nested-{model.__name__}"
        post_delete.connect(nested_changed, sender=model, dispatch_uid=f"{uid}-deleted")
        if model in (Certification, SoftwareRelation):  # the others have their own updated_at
            post_save.connect(nested_changed, sender=model, dispatch_uid=f"{uid}-saved")
    relations = [Software.categories, Software.similar, Offering.software]
    relations += [Certification.offerings, Reference.software, Reference.partners]
    for relation in relations:
        through = relation.through
        uid = f"federation-m2m-{through._meta.label}"
        m2m_changed.connect(relation_changed, sender=through, dispatch_uid=uid)
