"""Which existing entry a peer's entry is, when it is one this instance already has.

Only sure signs count: for an organisation, those of interop's OrganisationMatcher (SIREN,
Wikidata id, a website domain of its own, the name in the same commune); for software, the
Wikidata id, the SILL id or the source repository; for an event, the same title on the same
day. People carry no identifier: a person is never recognised, only imported.
"""

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models.functions import Lower

from grappe.directory.models import Event, Organisation, Software
from grappe.federation.kinds import MODELS, Kind
from grappe.federation.models import Peer, Provenance
from grappe.interop.matching import OrganisationMatcher


@dataclass(frozen=True)
class Twin:
    entry: models.Model
    how: str  # "siren", "wikidata", "website", "repository", ...


def _text(record: dict[str, Any], name: str) -> str:
    value = record.get(name)
    return str(value).strip() if value not in (None, "") else ""


def _repository_key(url: str) -> str:
    return url.strip().lower().removesuffix("/").removesuffix(".git").split("://")[-1]


class TwinFinder:
    """Finds twins among the entries that did not come from this peer (its own entries are
    matched through their provenance instead); built once per pull."""

    def __init__(self, peer: Peer):
        self.peer = peer
        self._organisations: OrganisationMatcher | None = None
        self._repositories: dict[str, int] | None = None

    def candidates(self, kind: str) -> models.QuerySet:
        from_peer = Provenance.objects.filter(peer=self.peer, kind=kind, entry_id__isnull=False)
        model = MODELS[kind]
        return model._default_manager.exclude(pk__in=from_peer.values("entry_id"))

    def find(self, kind: str, record: dict[str, Any]) -> Twin | None:
        if kind == Kind.ORGANISATION:
            return self._organisation(record)
        if kind == Kind.SOFTWARE:
            return self._software(record)
        if kind == Kind.EVENT:
            return self._event(record)
        return None

    def _organisation(self, record: dict[str, Any]) -> Twin | None:
        if self._organisations is None:
            self._organisations = OrganisationMatcher(self.candidates(Kind.ORGANISATION))
        match = self._organisations.match(
            name=_text(record, "name"),
            siren=_text(record, "siren"),
            wikidata_id=_text(record, "wikidata_id"),
            website=_text(record, "website"),
            commune_insee=_text(record, "commune_insee"),
            postcode=_text(record, "postcode"),
        )
        if isinstance(match.organisation, Organisation):
            return Twin(match.organisation, match.how)
        return None

    def _software(self, record: dict[str, Any]) -> Twin | None:
        candidates = self.candidates(Kind.SOFTWARE)
        for field in ("wikidata_id", "sill_id"):
            if value := _text(record, field):
                found = candidates.filter(**{field: value}).first()
                if isinstance(found, Software):
                    return Twin(found, field.removesuffix("_id"))
        if repository := _text(record, "repository_url"):
            if self._repositories is None:
                rows = candidates.exclude(repository_url="").values_list("repository_url", "pk")
                self._repositories = {_repository_key(url): pk for url, pk in rows}
            pk = self._repositories.get(_repository_key(repository))
            found = candidates.filter(pk=pk).first() if pk else None
            if isinstance(found, Software):
                return Twin(found, "repository")
        return None

    def _event(self, record: dict[str, Any]) -> Twin | None:
        title, starts_on = _text(record, "title"), _text(record, "starts_on")
        if not (title and starts_on):
            return None
        candidates = self.candidates(Kind.EVENT).annotate(lower_title=Lower("title"))
        found = candidates.filter(lower_title=title.lower(), starts_on=starts_on[:10]).first()
        return Twin(found, "title and date") if isinstance(found, Event) else None
