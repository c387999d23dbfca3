"""Where entries come from, in search: an "origin" facet ("local", or a peer's slug) on every
document, so a national view can show or leave out each cluster's entries."""

from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext as _

from grappe.federation.kinds import Kind
from grappe.federation.models import Peer
from grappe.federation.provenance import origins_of

LOCAL = "local"


def mark_origins(documents: list) -> None:
    """An offering comes from where its organisation comes from (it travels inside it)."""
    entries: dict[str, list[tuple[object, int]]] = defaultdict(list)
    for document in documents:
        if document.kind == "offering" and document.organisation_id:
            entries[Kind.ORGANISATION].append((document, document.organisation_id))
        elif document.kind in Kind.values:
            entries[Kind(document.kind)].append((document, document.object_id))
        else:
            document.facets["origin"] = [LOCAL]
    for kind, pairs in entries.items():
        origins = origins_of(kind, [entry_id for _document, entry_id in pairs])
        for document, entry_id in pairs:
            peer = origins.get(entry_id)
            document.facets["origin"] = [peer.slug if peer else LOCAL]


def origin_labels(values: Iterable[str]) -> dict[str, str]:
    labels = dict(Peer.objects.filter(slug__in=list(values)).values_list("slug", "name"))
    labels[LOCAL] = _("This cluster")
    return labels
