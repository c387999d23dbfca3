"""When an entry last changed, as the feed orders it and as a pull compares it.

`updated_at` alone misses changes that do not save the entry: an organisation's offerings and
references (they have their own `updated_at`), its certifications and relations, and
many-to-many relations (those are recorded as a Touch by the signals).
"""

from datetime import datetime

from django.db import models
from django.db.models import DateTimeField, F, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest

from grappe.directory.models import Offering, Organisation, Reference
from grappe.federation.kinds import kind_of
from grappe.federation.models import Touch


def _latest(queryset: models.QuerySet, field: str) -> Coalesce:
    newest = Subquery(
        queryset.order_by(f"-{field}").values(field)[:1], output_field=DateTimeField()
    )
    return Coalesce(newest, F("updated_at"), output_field=DateTimeField())


def with_changed_at(queryset: models.QuerySet) -> models.QuerySet:
    """The queryset annotated with `changed_at`, the latest of every change the entry shows."""
    model = queryset.model
    touched = Touch.objects.filter(kind=kind_of(model), entry_id=OuterRef("pk"))
    times = [F("updated_at"), _latest(touched, "touched_at")]
    if model is Organisation:
        times.append(_latest(Offering.objects.filter(organisation=OuterRef("pk")), "updated_at"))
        times.append(_latest(Reference.objects.filter(organisation=OuterRef("pk")), "updated_at"))
    return queryset.annotate(changed_at=Greatest(*times, output_field=DateTimeField()))


def changed_at(entry: models.Model) -> datetime:
    """The change time of one entry (see with_changed_at)."""
    one = type(entry)._default_manager.filter(pk=entry.pk)
    return with_changed_at(one).values_list("changed_at", flat=True).get()
