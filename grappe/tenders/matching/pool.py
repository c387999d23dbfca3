"""The members a lot is matched against, read once and kept while the index does not change.

Matching reads every member's offerings, references and certifications; at 10,000 members that
is tens of thousands of rows and a lexical index over their texts. Building it takes seconds,
matching a lot against it milliseconds, so the pool is cached in the process and rebuilt when
the data it was built from changes (its `version`: row counts and latest update times).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import bm25s
import numpy as np
from django.db.models import Count, Max

from grappe.directory.models import (
    Certification,
    Offering,
    Organisation,
    Reference,
)
from grappe.directory.models.organisations import MembershipStatus
from grappe.search.text import analyse

# bm25s sets its logger to DEBUG when imported, which logs every index built.
logging.getLogger("bm25s").setLevel(logging.WARNING)

# Members answer tenders; partners (a university, a public body of the network) may join one.
CANDIDATE_STATUSES = (MembershipStatus.MEMBER, MembershipStatus.PARTNER)
# The lower bound of each INSEE staff band: what a buyer may count on.
STAFF_OF_BAND = {
    "0": 0, "1-2": 1, "3-5": 3, "6-9": 6, "10-19": 10, "20-49": 20, "50-99": 50,
    "100-199": 100, "200-249": 200, "250-499": 250, "500-999": 500, "1000-1999": 1000,
    "2000-4999": 2000, "5000+": 5000,
}  # fmt: skip


@dataclass
class Unit:
    """One piece of evidence a member can show: an offering or a reference."""

    member: int  # index in Pool.members
    kind: str  # "offering" or "reference"
    id: int
    title: str
    slug: str = ""  # offerings only: their page
    cpv_codes: tuple[str, ...] = ()
    cpv_suggested: bool = False  # codes suggested from the text, not declared
    terms: frozenset[str] = frozenset()
    year: int | None = None
    amount: Decimal | None = None
    client: str = ""


@dataclass
class HeldCertification:
    scheme_id: int
    scheme: str
    valid_from: date | None
    valid_until: date | None
    offerings: tuple[str, ...] = ()  # titles of the offerings it is limited to; () = all

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


@dataclass
class Member:
    id: int
    slug: str
    name: str
    departement: str
    is_member: bool
    turnover: Decimal | None
    turnover_year: int | None
    staff: int | None
    units: list[int] = field(default_factory=list)
    certifications: list[HeldCertification] = field(default_factory=list)


@dataclass
class Pool:
    members: list[Member]
    units: list[Unit]
    version: tuple
    index: bm25s.BM25 | None
    document_frequency: dict[str, int]
    seconds: float = 0.0

    def idf(self, term: str) -> float:
        """BM25's idf; a term no member uses gets the highest (it still counts as missing)."""
        count = len(self.units)
        frequency = self.document_frequency.get(term, 0)
        return float(np.log(1 + (count - frequency + 0.5) / (frequency + 0.5)))

    def lexical_scores(self, terms: list[str]) -> np.ndarray:
        if self.index is None or not terms:
            return np.zeros(len(self.units))
        known = [term for term in terms if term in self.document_frequency]
        if not known:
            return np.zeros(len(self.units))
        return self.index.get_scores(known)


MEMBER_FIELDS = (
    "id", "slug", "name", "departement", "membership_status", "turnover_amount",
    "turnover_year", "headcount_band",
)  # fmt: skip

_lock = threading.Lock()
_cached: Pool | None = None


def member_pool(*, use_cache: bool = True) -> Pool:
    """The current pool, rebuilt when members, offerings, references or certifications changed."""
    global _cached
    version = _version()
    with _lock:
        if use_cache and _cached is not None and _cached.version == version:
            return _cached
        pool = build_pool(version)
        if use_cache:
            _cached = pool
        return pool


def _version() -> tuple:
    """Cheap to compute: an aggregate per table (a deletion changes a count, an edit the
    latest update time). Changes to an offering's software list alone are not seen."""
    # Hashed whole: a membership or turnover changed by a bulk update keeps its update time.
    organisations = hash(
        tuple(
            Organisation.objects.filter(membership_status__in=CANDIDATE_STATUSES)
            .order_by("id")
            .values_list(*MEMBER_FIELDS)
        )
    )
    offerings = Offering.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    references = Reference.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    # Certifications have no update time, and a changed validity date changes the answer.
    certifications = hash(
        tuple(
            Certification.objects.order_by("id").values_list(
                "id", "organisation_id", "scheme_id", "valid_from", "valid_until"
            )
        )
    )
    scopes = Certification.offerings.through.objects.count()
    return (
        organisations,
        *((block["n"], block["last"]) for block in (offerings, references)),
        certifications,
        scopes,
    )


def build_pool(version: tuple | None = None) -> Pool:
    import time

    started = time.perf_counter()
    members: list[Member] = []
    position: dict[int, int] = {}
    rows = Organisation.objects.filter(membership_status__in=CANDIDATE_STATUSES).values_list(
        *MEMBER_FIELDS
    )
    for pk, slug, name, departement, status, turnover, year, band in rows:
        position[pk] = len(members)
        members.append(
            Member(
                id=pk,
                slug=slug,
                name=name,
                departement=departement or "",
                is_member=status == MembershipStatus.MEMBER,
                turnover=turnover,
                turnover_year=year,
                staff=STAFF_OF_BAND.get(band),
            )
        )
    units: list[Unit] = []
    _add_offerings(units, members, position)
    _add_references(units, members, position)
    _add_certifications(members, position)
    frequency: dict[str, int] = {}
    for unit in units:
        for term in unit.terms:
            frequency[term] = frequency.get(term, 0) + 1
    index = None
    if units:
        index = bm25s.BM25()
        # An empty unit still needs a token so that positions line up with `units`.
        index.index([sorted(unit.terms) or [""] for unit in units], show_progress=False)
    return Pool(
        members=members,
        units=units,
        version=version or _version(),
        index=index,
        document_frequency=frequency,
        seconds=time.perf_counter() - started,
    )


def _add_offerings(units: list[Unit], members: list[Member], position: dict[int, int]) -> None:
    from grappe.tenders.cpv.suggest import suggest

    software: dict[int, list[str]] = {}
    through = Offering.software.through.objects.filter(
        offering__organisation_id__in=position
    ).values_list("offering_id", "software__name")
    for offering_id, name in through:
        software.setdefault(offering_id, []).append(name)
    rows = Offering.objects.filter(organisation_id__in=position).values_list(
        "id", "organisation_id", "slug", "title", "description_fr", "description_en",
        "cpv_codes", "tags",
    )  # fmt: skip
    for pk, organisation_id, slug, title, text_fr, text_en, cpv_codes, tags in rows:
        text = " ".join([title, text_fr, text_en, *software.get(pk, []), *(tags or [])])
        codes, suggested = tuple(cpv_codes or ()), False
        if not codes:
            codes = tuple(s.code for s in suggest(f"{title} {text_fr}", limit=2))
            suggested = bool(codes)
        member = position[organisation_id]
        members[member].units.append(len(units))
        units.append(
            Unit(
                member=member,
                kind="offering",
                id=pk,
                title=title,
                slug=slug,
                cpv_codes=codes,
                cpv_suggested=suggested,
                terms=frozenset(analyse(text)),
            )
        )


def _add_references(units: list[Unit], members: list[Member], position: dict[int, int]) -> None:
    rows = Reference.objects.filter(organisation_id__in=position).values_list(
        "id", "organisation_id", "title", "client_name", "description_fr", "description_en",
        "cpv_codes", "year", "amount",
    )  # fmt: skip
    for pk, organisation_id, title, client, text_fr, text_en, cpv_codes, year, amount in rows:
        member = position[organisation_id]
        members[member].units.append(len(units))
        units.append(
            Unit(
                member=member,
                kind="reference",
                id=pk,
                title=title,
                cpv_codes=tuple(cpv_codes or ()),
                terms=frozenset(analyse(" ".join([title, text_fr, text_en]))),
                year=year,
                amount=amount,
                client=client,
            )
        )


def _add_certifications(members: list[Member], position: dict[int, int]) -> None:
    limited: dict[int, list[str]] = {}
    for certification_id, title in Certification.offerings.through.objects.filter(
        certification__organisation_id__in=position
    ).values_list("certification_id", "offering__title"):
        limited.setdefault(certification_id, []).append(title)
    rows = Certification.objects.filter(organisation_id__in=position).values_list(
        "id", "organisation_id", "scheme_id", "scheme__name", "valid_from", "valid_until"
    )
    for pk, organisation_id, scheme_id, scheme, valid_from, valid_until in rows:
        members[position[organisation_id]].certifications.append(
            HeldCertification(
                scheme_id=scheme_id,
                scheme=scheme,
                valid_from=valid_from,
                valid_until=valid_until,
                offerings=tuple(sorted(limited.get(pk, ()))),
            )
        )
