"""Merging two entries that are one (two organisations, or two software): everything that
points to the absorbed entry is moved to the kept one, its empty fields are filled from the
absorbed one, and the absorbed entry is deleted, in one transaction and one history revision.

Written over Django's relation metadata rather than per relation, so that a relation added to
the models later is moved too (a test walks every relation of both models).
"""

from dataclasses import dataclass, field

import reversion
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from grappe.directory.models import DuplicateCandidate, Organisation, Software

# Fields a merge never copies: identity and bookkeeping.
_KEPT_AS_IS = {"id", "slug", "created_at", "updated_at", "is_example"}


class MergeError(ValueError):
    """Two entries that cannot be merged; the message says why."""


@dataclass
class MergeReport:
    moved: dict[str, int] = field(default_factory=dict)  # "directory.offering" -> rows moved
    dropped: dict[str, int] = field(default_factory=dict)  # already on the kept entry
    filled: list[str] = field(default_factory=list)  # fields the kept entry took


def merge(kept: models.Model, absorbed: models.Model, *, user=None) -> MergeReport:
    """Merge `absorbed` into `kept` (two organisations or two software)."""
    if type(kept) is not type(absorbed) or type(kept) not in (Organisation, Software):
        raise MergeError(_("Only two organisations, or two software, can be merged."))
    if kept.pk == absorbed.pk:
        raise MergeError(_("An entry cannot be merged into itself."))
    report = MergeReport()
    with transaction.atomic():
        _record_before_merge(kept, absorbed, user)
        _merge(kept, absorbed, user, report)
    return report


def merge_preview(kept, absorbed) -> list[tuple[str, str, str]]:
    """(field label, kept value, absorbed value) of the fields that differ, for the curator's
    confirmation page; an empty kept value will take the absorbed one."""
    rows = []
    for model_field in kept._meta.concrete_fields:
        if model_field.name in _KEPT_AS_IS or model_field.primary_key:
            continue
        mine, theirs = getattr(kept, model_field.name), getattr(absorbed, model_field.name)
        if mine != theirs:
            rows.append((str(model_field.verbose_name), str(mine or "—"), str(theirs or "—")))
    return rows


def _record_before_merge(kept, absorbed, user) -> None:
    """The absorbed entry's last state, in a revision of its own: it stays in the history and
    can be recovered (django-reversion keeps no version of an object deleted in its revision)."""
    with reversion.create_revision():
        reversion.add_to_revision(absorbed)
        reversion.set_comment(
            _("Last state before its merge into “%(name)s” (%(slug)s).")
            % {"name": str(kept), "slug": kept.slug}
        )
        if user is not None:
            reversion.set_user(user)


def _merge(kept, absorbed, user, report: MergeReport) -> None:
    with reversion.create_revision():
        for relation in absorbed._meta.related_objects:
            if relation.related_model is DuplicateCandidate:
                continue
            if relation.many_to_many:
                _move_many(relation, kept, absorbed, report)
            else:
                _move_rows(relation, kept, absorbed, report)
        for many in absorbed._meta.many_to_many:  # its own many-to-many fields
            targets = [t for t in getattr(absorbed, many.name).all() if t.pk != kept.pk]
            getattr(kept, many.name).add(*targets)
        _fill(kept, absorbed, report)
        kept.full_clean()
        kept.save()
        name, slug = str(absorbed), absorbed.slug
        _forget_pair(kept, absorbed)
        absorbed.delete()
        reversion.set_comment(
            _("Merged “%(name)s” (%(slug)s) into this entry.") % {"name": name, "slug": slug}
        )
        if user is not None:
            reversion.set_user(user)


def _move_rows(relation, kept, absorbed, report: MergeReport) -> None:
    """Rows pointing to the absorbed entry by a foreign key now point to the kept one; a row
    the kept entry already has (same relation, same role) is dropped rather than doubled."""
    label = relation.related_model._meta.label_lower
    name = relation.field.name
    for row in relation.related_model._default_manager.filter(**{name: absorbed}):
        setattr(row, name, kept)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            row.delete()
            report.dropped[label] = report.dropped.get(label, 0) + 1
        else:
            report.moved[label] = report.moved.get(label, 0) + 1


def _move_many(relation, kept, absorbed, report: MergeReport) -> None:
    """Entries that list the absorbed one (a reference's partners, an offering's software,
    similar software) list the kept one instead."""
    label = relation.related_model._meta.label_lower
    name = relation.field.name
    for row in relation.related_model._default_manager.filter(**{name: absorbed}):
        manager = getattr(row, name)
        manager.remove(absorbed)
        if not (type(row) is type(kept) and row.pk == kept.pk):  # never similar to itself
            manager.add(kept)
        report.moved[label] = report.moved.get(label, 0) + 1


def _fill(kept, absorbed, report: MergeReport) -> None:
    for model_field in kept._meta.concrete_fields:
        if model_field.name in _KEPT_AS_IS or model_field.primary_key:
            continue
        mine, theirs = getattr(kept, model_field.attname), getattr(absorbed, model_field.attname)
        if mine in (None, "", []) and theirs not in (None, "", []):
            if model_field.unique:  # a SIREN, a SILL id: free it on the absorbed entry first
                setattr(absorbed, model_field.attname, None if model_field.null else "")
                absorbed.save(update_fields=[model_field.attname])
            setattr(kept, model_field.attname, theirs)
            report.filled.append(model_field.name)


def _forget_pair(kept, absorbed) -> None:
    """The review list's pairs naming the absorbed entry now name the kept one; the pair of
    these two is settled (the merge is in the history)."""
    first, second = (
        ("organisation", "other_organisation")
        if isinstance(kept, Organisation)
        else ("software", "other_software")
    )
    pair = models.Q(**{first: kept, second: absorbed}) | models.Q(**{first: absorbed, second: kept})
    DuplicateCandidate.objects.filter(pair).delete()
    for name, other in ((first, second), (second, first)):
        for candidate in DuplicateCandidate.objects.filter(**{name: absorbed}):
            setattr(candidate, name, kept)
            if DuplicateCandidate.objects.filter(
                **{name: kept, other: getattr(candidate, other)}
            ).exists():
                candidate.delete()  # the kept entry is already paired with that one
            else:
                candidate.save()
