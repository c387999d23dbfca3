"""This instance's changes as pages of a feed, oldest first, for peers to pull.

Only local entries are published, never those pulled from a peer: every entry then has exactly
one publisher, its origin, so federations of any shape (two regions pulling each other, a
national view pulling the regions) never loop nor count an entry twice.
"""

import heapq
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from grappe.federation.cursor import TOMBSTONE, Position, encode
from grappe.federation.kinds import MODELS
from grappe.federation.models import Provenance, Tombstone
from grappe.federation.records import PREFETCH, record_of, vocabulary_for
from grappe.federation.timestamps import with_changed_at

PAGE_SIZE = 200
# An entry's change time is taken when it is saved, but peers see it when its transaction
# commits: a long import may commit entries older than some already served. The cursor a
# puller keeps for next time (resume_cursor) therefore steps back this far, and the last
# minutes are sent again; a pull sees them unchanged.
SETTLE = timedelta(minutes=15)
FORMAT = "grappe-federation"
VERSION = 1


def _after(position: Position | None, kind: str, time_field: str) -> Q:
    """The rows of one kind that come after the position in (time, kind, id) order."""
    if position is None:
        return Q()
    later = Q(**{f"{time_field}__gt": position.changed_at})
    if kind > position.kind:
        return later | Q(**{time_field: position.changed_at})
    if kind == position.kind:
        return later | Q(**{time_field: position.changed_at, "pk__gt": position.id})
    return later


def published(model: type[models.Model]) -> models.QuerySet:
    """The entries of a kind this instance publishes: all but those pulled from peers."""
    kind = next(k for k, m in MODELS.items() if m is model)
    pulled = Provenance.objects.filter(kind=kind, linked=False, entry_id__isnull=False)
    return model._default_manager.exclude(pk__in=pulled.values("entry_id"))


def _entries(kind: str, position: Position | None, size: int) -> Iterator[tuple]:
    model = MODELS[kind]
    queryset = with_changed_at(published(model)).filter(_after(position, kind, "changed_at"))
    queryset = queryset.order_by("changed_at", "pk").prefetch_related(*PREFETCH.get(model, ()))
    for entry in queryset[:size]:
        yield Position(entry.changed_at, kind, entry.pk), entry


def _tombstones(position: Position | None, size: int) -> Iterator[tuple]:
    queryset = Tombstone.objects.filter(_after(position, TOMBSTONE, "deleted_at"))
    for tombstone in queryset.order_by("deleted_at", "pk")[:size]:
        yield Position(tombstone.deleted_at, TOMBSTONE, tombstone.pk), tombstone


def feed_page(
    position: Position | None,
    *,
    instance: dict[str, str],
    size: int = PAGE_SIZE,
    settle: timedelta = SETTLE,
) -> dict[str, Any]:
    """The page after `position` (the start when None), as the JSON documented in
    docs/federation.md; `next_cursor` is None on the last page."""
    settled = Position(timezone.now() - settle, "", 0)
    sources = [_entries(kind, position, size + 1) for kind in sorted(MODELS)]
    sources.append(_tombstones(position, size + 1))
    merged = list(heapq.merge(*sources, key=lambda pair: pair[0]))
    page, more = merged[:size], len(merged) > size
    items = [_item(where, row, instance) for where, row in page]
    last = page[-1][0] if page else position
    resume = min(last, settled) if last else None
    return {
        "format": FORMAT,
        "version": VERSION,
        "instance": instance,
        "items": items,
        "vocabulary": vocabulary_for(row for _where, row in page),
        "next_cursor": encode(last) if more else None,
        "resume_cursor": encode(resume) if resume else None,
    }


def _item(position: Position, row: models.Model, instance: dict[str, str]) -> dict[str, Any]:
    if isinstance(row, Tombstone):
        return {
            "kind": row.kind,
            "slug": row.slug,
            "updated_at": position.changed_at.isoformat(),
            "deleted": True,
            "origin": instance,
        }
    return {
        "kind": position.kind,
        "slug": row.slug,
        "updated_at": position.changed_at.isoformat(),
        "origin": instance,
        "record": record_of(row),
    }
