"""Pulling a peer's feed into this instance, page by page, without harming local data.

Each page is applied in one transaction and the peer's cursor moves only with it, so a peer
failing half-way leaves the pages before applied and nothing of the failed one. Entries are
written through interop's loader (validation and history as for any import), and:

- an entry edited here since the last pull is never overwritten, nor deleted ("kept");
- a local entry is never written: when the peer's entry is recognised as one this instance
  already has (SIREN, website, Wikidata id...), the two are linked, else a slug taken here is
  prefixed with the peer's slug;
- an item referring to an entry not pulled yet waits, and is retried after each page and on
  the next pull.
"""

import copy
from collections.abc import Iterable
from typing import Any

import reversion
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.directory.models import Offering, Organisation
from grappe.federation.client import (
    FeedItem,
    FeedPage,
    Fetch,
    PeerError,
    http_fetch,
    item_from_json,
    page_url,
    parse_page,
)
from grappe.federation.identity import TwinFinder
from grappe.federation.kinds import MODELS, SECTIONS, Kind, kind_of
from grappe.federation.models import Peer, Provenance
from grappe.federation.report import PullReport
from grappe.federation.timestamps import changed_at
from grappe.interop.formats.grappe_yaml import DirectoryDocument, Record
from grappe.interop.loaders import CHILDREN, SPECS, Spec, load_directory

VOCABULARY = ("categories", "certification_schemes")


class Waiting(Exception):
    """The item refers to an entry of the peer that is not here yet."""


class ItemError(Exception):
    """The item cannot be applied; the message says why."""


def pull(peer: Peer, *, fetch: Fetch = http_fetch, timeout: float = 30.0) -> PullReport:
    """Fetch and apply the peer's pages until its feed ends; the report says what happened."""
    return _Puller(peer, fetch, timeout).run()


class _Puller:
    def __init__(self, peer: Peer, fetch: Fetch, timeout: float):
        self.peer = peer
        self.fetch = fetch
        self.timeout = timeout
        self.report = PullReport(peer.name, peer.base_url)
        self.twins = TwinFinder(peer)
        self.waiting: list[tuple[FeedItem, str]] = []
        self.partial: set[tuple[str, str]] = set()  # loaded without missing references
        self.outcomes: dict[tuple[str, str], str] = {}

    def run(self) -> PullReport:
        cursor, visited = self.peer.cursor, set()
        try:
            while True:
                url = page_url(self.peer.feed_url, cursor)
                page = parse_page(self.fetch(url, self.timeout), url)
                self.apply_page(page)
                self.report.pages += 1
                if page.next_cursor is None:
                    break
                visited.add(cursor)
                if page.next_cursor in visited:
                    raise PeerError(_("%(url)s sent a feed that does not advance.") % {"url": url})
                cursor = page.next_cursor
        except PeerError as error:
            self.report.failure = str(error)
        else:
            for item, reason in self.waiting:
                self.report.error(
                    _("%(item)s %(reason)s") % {"item": _name(item), "reason": reason}
                )
        self.peer.last_pull_at = timezone.now()
        self.peer.last_error = self.report.failure or "\n".join(self.report.errors[:20])
        self.peer.save(update_fields=["last_pull_at", "last_error"])
        return self.report

    def apply_page(self, page: FeedPage) -> None:
        with transaction.atomic():
            queue = [item_from_json(raw, "pending") for raw in self.peer.pending] + page.items
            self.load_vocabulary(page.vocabulary)
            self.waiting = self.apply_items(_latest_per_entry(queue))
            self.peer.pending = [item.as_json() for item, _reason in self.waiting]
            self.peer.cursor = page.resume_cursor or self.peer.cursor
            self.peer.save(update_fields=["pending", "cursor"])

    def load_vocabulary(self, vocabulary: dict[str, list[dict[str, Any]]]) -> None:
        """Create the categories and certification schemes missing here; never change ours."""
        document = DirectoryDocument()
        for section in VOCABULARY:
            model = SPECS[section].model
            for index, record in enumerate(vocabulary.get(section, [])):
                slug = record.get("slug")
                if isinstance(slug, str) and not model._default_manager.filter(slug=slug).exists():
                    document.sections[section].append(Record(f"{section}[{index}]", record))
        if any(document.sections[section] for section in VOCABULARY):
            loaded = load_directory(document, source=self.peer.name, partial=True)
            for rejection in loaded.rejections:
                self.report.error(f"{rejection.location}: {rejection.reason}")

    def apply_items(self, queue: list[FeedItem]) -> list[tuple[FeedItem, str]]:
        """Apply what can be, retrying the waiting items while that makes progress; when
        nothing moves (entries referring to each other), load the waiting items without their
        missing references, then try them whole again."""
        waiting = queue
        while waiting:
            still = [(item, reason) for item in waiting if (reason := self.apply(item))]
            if len(still) < len(waiting):
                waiting = [item for item, _reason in still]
                continue
            first_time = [item for item, _reason in still if _key(item) not in self.partial]
            if not first_time:
                return still
            for item in first_time:
                self.partial.add(_key(item))
                self.apply(item, partial=True)
            waiting = [item for item, _reason in still]
        return []

    def apply(self, item: FeedItem, *, partial: bool = False) -> str:
        """Apply one item in a savepoint; the reason it waits, or "" when done with it.
        `partial` loads it without the references it waits for (completed later)."""
        try:
            with transaction.atomic():
                if item.deleted:
                    self.apply_deletion(item)
                else:
                    self.apply_record(item, partial=partial)
        except Waiting as waiting:
            return str(waiting)
        except ItemError as error:
            self.report.error(f"{_name(item)}: {error}")
        except Exception as error:  # a record no check foresaw: reported, the others go on
            self.report.error(
                _("%(item)s could not be applied (%(error)s).")
                % {"item": _name(item), "error": f"{type(error).__name__}: {error}"}
            )
        return ""

    def tally(self, item: FeedItem, outcome: str, note: str = "") -> None:
        """Count each entry once per pull: one loaded in two steps was created, not updated."""
        previous = self.outcomes.get(_key(item))
        if previous is not None:
            if previous == "created" or outcome == previous:
                return
            self.report.counts[previous] -= 1
        self.outcomes[_key(item)] = outcome
        self.report.count(outcome, note)

    # Records ---------------------------------------------------------------------------------

    def apply_record(self, item: FeedItem, *, partial: bool = False) -> None:
        model = MODELS[item.kind]
        provenance = self.provenance(item)
        entry: models.Model | None = None
        renamed = False
        if provenance is not None:
            entry = self.entry_to_update(item, provenance)
            if entry is None:
                return
            local_slug = entry.slug
        else:
            twin = self.twins.find(item.kind, item.record)
            if twin is not None:
                self.link(item, twin.entry, twin.how)
                return
            local_slug = self.free_slug(model, item.slug)
            renamed = local_slug != item.slug
        record, complete = self.localise(item, local_slug, entry, partial=partial)
        outcome = self.load(item, record)
        entry = model._default_manager.get(slug=local_slug)
        if isinstance(entry, Organisation) and self.drop_missing_children(entry, record):
            outcome = "updated" if outcome == "unchanged" else outcome
        Provenance.objects.update_or_create(
            peer=self.peer,
            kind=item.kind,
            remote_slug=item.slug,
            defaults={
                "entry_id": entry.pk,
                "linked": False,
                "matched_by": "",
                "remote_updated_at": item.updated_at,
                "complete": complete,
                "local_updated_at": changed_at(entry),
            },
        )
        self.tally(item, outcome)
        if renamed:
            self.report.count(
                "renamed",
                _("%(item)s imported as “%(slug)s”: a local entry has its slug.")
                % {"item": _name(item), "slug": local_slug},
            )

    def provenance(self, item: FeedItem) -> Provenance | None:
        return Provenance.objects.filter(
            peer=self.peer, kind=item.kind, remote_slug=item.slug
        ).first()

    def entry_to_update(self, item: FeedItem, provenance: Provenance) -> models.Model | None:
        """The local entry the item updates, or None when it must be left alone."""
        if provenance.linked:
            provenance.remote_updated_at = item.updated_at
            provenance.save(update_fields=["remote_updated_at", "pulled_at"])
            self.tally(item, "unchanged")
            return None
        model = MODELS[item.kind]
        entry = None
        if provenance.entry_id is not None:
            entry = model._default_manager.filter(pk=provenance.entry_id).first()
        if entry is None:
            self.report.count(
                "kept", _("%(item)s was deleted here: not pulled again.") % {"item": _name(item)}
            )
            return None
        if changed_at(entry) != provenance.local_updated_at:
            self.report.count(
                "kept",
                _("%(item)s was edited here since the last pull: local edit kept.")
                % {"item": _name(item)},
            )
            return None
        if provenance.complete and provenance.remote_updated_at == item.updated_at:
            self.tally(item, "unchanged")
            return None
        return entry

    def link(self, item: FeedItem, entry: models.Model, how: str) -> None:
        Provenance.objects.create(
            peer=self.peer,
            kind=item.kind,
            remote_slug=item.slug,
            entry_id=entry.pk,
            linked=True,
            matched_by=how,
            remote_updated_at=item.updated_at,
            local_updated_at=changed_at(entry),
        )
        self.report.count(
            "linked",
            _("%(item)s is the local entry “%(slug)s” (same %(how)s): linked, left as it is.")
            % {"item": _name(item), "slug": entry.slug, "how": how},
        )

    def free_slug(self, model: type[models.Model], slug: str) -> str:
        """The peer's slug, or else the same prefixed with the peer's slug."""
        taken = model._default_manager.filter
        if not taken(slug=slug).exists():
            return slug
        prefixed = f"{self.peer.slug}-{slug}"[:120]
        if taken(slug=prefixed).exists():
            raise ItemError(
                _("both “%(slug)s” and “%(prefixed)s” are taken by local entries.")
                % {"slug": slug, "prefixed": prefixed}
            )
        return prefixed

    def load(self, item: FeedItem, record: dict[str, Any]) -> str:
        document = DirectoryDocument()
        section = SECTIONS[item.kind]
        document.sections[section].append(Record(f"{item.kind} {item.slug}", record))
        loaded = load_directory(
            document,
            source=self.peer.name,
            comment=_("Pulled from %(peer)s") % {"peer": self.peer.name},
        )
        if loaded.rejections:
            raise ItemError("; ".join(r.reason for r in loaded.rejections))
        label = str(SPECS[section].model._meta.verbose_name_plural)
        if loaded.counts[(label, "created")]:
            return "created"
        return "updated" if loaded.total("created") + loaded.total("updated") else "unchanged"

    # Slugs: the peer's names for entries, turned into this instance's --------------------------

    def localise(
        self, item: FeedItem, local_slug: str, entry: models.Model | None, *, partial: bool
    ) -> tuple[dict[str, Any], bool]:
        """The record with this instance's slugs: its own, its offerings', and those of the
        entries it refers to, and whether it is whole. An entry not pulled yet raises Waiting,
        or with `partial` is left out (with the nested entries that cannot be without it)."""
        record = copy.deepcopy(item.record)
        record["slug"] = local_slug
        names = _Names(self, (item.kind, item.slug, local_slug), partial)
        names.localise(record, SPECS[SECTIONS[item.kind]])
        if item.kind == Kind.ORGANISATION:
            names.offerings = {
                child["slug"]: self.offering_slug(child["slug"], entry)
                for child in _children(record, "offerings")
                if isinstance(child.get("slug"), str)
            }
            for name in CHILDREN:
                kept = []
                for child in _children(record, name):
                    if name == "offerings" and child.get("slug") in names.offerings:
                        child["slug"] = names.offerings[child["slug"]]
                    if names.localise(child, SPECS[name]):
                        kept.append(child)
                if name in record:
                    record[name] = kept
        return record, not names.left_out

    def local_slug_of(self, kind: str, remote_slug: Any) -> str | None:
        """This instance's slug for an entry of the peer; None when it was deleted here."""
        provenance = Provenance.objects.filter(
            peer=self.peer, kind=kind, remote_slug=str(remote_slug)
        ).first()
        if provenance is None:
            raise Waiting(
                _("waits for %(kind)s “%(slug)s”, not pulled yet.")
                % {"kind": Kind(kind).label, "slug": remote_slug}
            )
        if provenance.entry_id is None:
            return None
        entries = MODELS[kind]._default_manager.filter(pk=provenance.entry_id)
        return entries.values_list("slug", flat=True).first()

    def offering_slug(self, slug: str, organisation: models.Model | None) -> str:
        """An offering keeps its slug unless another organisation's offering has it here."""
        for candidate in (slug, f"{self.peer.slug}-{slug}"[:120]):
            holder = Offering.objects.filter(slug=candidate).values_list("organisation_id")
            owner = holder.first()
            if owner is None or (organisation is not None and owner[0] == organisation.pk):
                return candidate
        raise ItemError(
            _("the offering slug “%(slug)s” is taken here, prefixed or not.") % {"slug": slug}
        )

    def drop_missing_children(self, organisation: Organisation, record: dict[str, Any]) -> bool:
        """Delete the nested entries the peer no longer lists; True if any was deleted."""
        keep = {
            "offerings": {c.get("slug") for c in _children(record, "offerings")},
            "certifications": {
                (c.get("scheme"), _text(c.get("valid_from")))
                for c in _children(record, "certifications")
            },
            "software_relations": {
                (c.get("software"), c.get("role")) for c in _children(record, "software_relations")
            },
            "references": {
                (c.get("title"), c.get("year")) for c in _children(record, "references")
            },
        }
        keys = {
            "offerings": lambda o: o.slug,
            "certifications": lambda c: (c.scheme.slug, _text(c.valid_from)),
            "software_relations": lambda r: (r.software.slug, r.role),
            "references": lambda r: (r.title, r.year),
        }
        dropped = False
        for name in CHILDREN:
            for child in getattr(organisation, name).all():
                if keys[name](child) not in keep[name]:
                    child.delete()
                    dropped = True
        return dropped

    # Deletions -------------------------------------------------------------------------------

    def apply_deletion(self, item: FeedItem) -> None:
        provenance = self.provenance(item)
        if provenance is None:
            return  # never pulled here
        entry = None
        if provenance.entry_id is not None and not provenance.linked:
            entry = MODELS[item.kind]._default_manager.filter(pk=provenance.entry_id).first()
        if entry is None:  # linked to a local entry, or already deleted here
            provenance.delete()
            return
        if changed_at(entry) != provenance.local_updated_at:
            provenance.delete()  # the entry is now this instance's own
            self.report.count(
                "kept",
                _("%(item)s was deleted by the peer but edited here: kept as a local entry.")
                % {"item": _name(item)},
            )
            return
        with reversion.create_revision():  # its last state stays in the history
            reversion.add_to_revision(entry)
            reversion.set_comment(
                _("Last state before its deletion by %(peer)s") % {"peer": self.peer.name}
            )
        entry.delete()
        Provenance.objects.filter(pk=provenance.pk).delete()
        self.report.count("deleted")


class _Names:
    """Renames the references of one record (and its nested entries) to this instance's
    slugs; categories and certification schemes are shared vocabulary, kept as they are."""

    def __init__(self, puller: "_Puller", own: tuple[str, str, str], partial: bool):
        self.puller = puller
        self.own = own  # (kind, slug at the peer, slug here) of the record itself
        self.partial = partial
        self.offerings: dict[str, str] = {}
        self.left_out = False

    def localise(self, data: dict[str, Any], spec: Spec) -> bool:
        """Rename in place; False when the entry cannot be without a reference left out."""
        for name, target in spec.relations.items():
            value = data.get(name)
            if value is None:
                continue
            if target is Offering:
                data[name] = (
                    [self.offerings.get(v, v) for v in value] if isinstance(value, list) else value
                )
                continue
            kind = kind_of(target)
            if kind is None:
                continue
            if isinstance(value, list):
                data[name] = [slug for v in value if (slug := self.slug_of(kind, v))]
            else:
                data[name] = self.slug_of(kind, value)
                if data[name] is None and not spec.model._meta.get_field(name).null:
                    return False
        return True

    def slug_of(self, kind: str, remote_slug: Any) -> str | None:
        if (kind, remote_slug) == self.own[:2]:
            return self.own[2]
        try:
            return self.puller.local_slug_of(kind, remote_slug)
        except Waiting:
            if not self.partial:
                raise
            self.left_out = True
            return None


def _latest_per_entry(items: Iterable[FeedItem]) -> list[FeedItem]:
    """One item per entry, the latest: a waiting item superseded by a newer one is dropped."""
    latest: dict[tuple[str, str], FeedItem] = {}
    for item in items:
        key = (item.kind, item.slug)
        if key not in latest or item.updated_at >= latest[key].updated_at:
            latest.pop(key, None)
            latest[key] = item
    return list(latest.values())


def _children(record: dict[str, Any], name: str) -> list[dict[str, Any]]:
    children = record.get(name)
    return [c for c in children if isinstance(c, dict)] if isinstance(children, list) else []


def _text(value: Any) -> str:
    return "" if value is None else str(value)[:10]


def _key(item: FeedItem) -> tuple[str, str]:
    return (item.kind, item.slug)


def _name(item: FeedItem) -> str:
    return f"{Kind(item.kind).label} “{item.slug}”"
