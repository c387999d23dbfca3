"""Where entries came from, for pages ("from cluster X") and search filters.

An entry pulled from a peer has that peer as origin; an entry created here, or a local entry
a peer's entry was recognised as (linked), has none: it is this instance's own.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models

from grappe.federation.kinds import MODELS, Kind
from grappe.federation.models import Peer, Provenance


def origins_of(kind: str, ids: Iterable[int]) -> dict[int, Peer]:
    """The peer each of these entries was pulled from; local entries are absent from the
    result. One query whatever the number of ids; `kind` is a Kind ("organisation", ...)."""
    rows = Provenance.objects.filter(
        kind=Kind(kind), entry_id__in=list(ids), linked=False
    ).select_related("peer")
    return {row.entry_id: row.peer for row in rows}


def pulled_ids(kind: str, peer: Peer | None = None) -> models.QuerySet:
    """The ids of the entries of a kind pulled from a peer (from any peer when None), as a
    subquery: `Organisation.objects.filter(pk__in=pulled_ids("organisation", peer))`."""
    rows = Provenance.objects.filter(kind=Kind(kind), linked=False, entry_id__isnull=False)
    if peer is not None:
        rows = rows.filter(peer=peer)
    return rows.values("entry_id")


def only_local(queryset: models.QuerySet) -> models.QuerySet:
    """The entries of the queryset created here (or linked), none pulled from a peer."""
    kind = next(k for k, model in MODELS.items() if model is queryset.model)
    return queryset.exclude(pk__in=pulled_ids(kind))


def from_peer(queryset: models.QuerySet, peer: Peer) -> models.QuerySet:
    """The entries of the queryset pulled from this peer."""
    kind = next(k for k, model in MODELS.items() if model is queryset.model)
    return queryset.filter(pk__in=pulled_ids(kind, peer))


@dataclass(frozen=True)
class Origin:
    peer: Peer
    url: str  # the entry's page on the peer's site


_PAGES = {"organisation": "organisations", "software": "software", "person": "people",
          "event": "events"}  # fmt: skip


def origin_of(kind: str, entry_id: int) -> Origin | None:
    """Where a pulled entry came from, with its page there; None for this cluster's own."""
    row = (
        Provenance.objects.filter(kind=Kind(kind), entry_id=entry_id, linked=False)
        .select_related("peer")
        .first()
    )
    if row is None:
        return None
    url = f"{row.peer.base_url.rstrip('/')}/{_PAGES[kind]}/{row.remote_slug}/"
    return Origin(row.peer, url)
