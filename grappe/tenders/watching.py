"""Members' watches: which stored calls for tenders each one catches, and why.

A watch's CPV code catches its whole branch (72000000 catches 72212000); a keyword catches a
notice whose title, description or lots use the word in any inflection ("hébergement" and
"héberger" meet, as in search). Only calls whose deadline has not passed are shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone

from grappe.search.text import analyse
from grappe.tenders.cpv import significant
from grappe.tenders.models import Lot, Tender, Watch


@dataclass
class Caught:
    tender: Tender
    watches: list[Watch] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # the notice's codes a watch caught
    words: list[str] = field(default_factory=list)  # the watch keywords found


def caught_by(watches: list[Watch], *, include_closed: bool = False) -> list[Caught]:
    """The open calls for tenders these watches catch, soonest deadline first."""
    if not watches:
        return []
    tenders = Tender.objects.prefetch_related(Prefetch("lots", queryset=Lot.objects.all()))
    if not include_closed:
        tenders = tenders.filter(Q(deadline__isnull=True) | Q(deadline__gte=timezone.now()))
    found: dict[int, Caught] = {}
    for tender in tenders.order_by("deadline", "-created_at"):
        codes = tender.cpv_codes()
        terms = set(analyse(_text(tender)))
        for watch in watches:
            branches = [significant(code) for code in watch.cpv_codes]
            code_hits = sorted(c for c in codes if any(c.startswith(b) for b in branches))
            word_hits = [w for w in watch.keywords if _all_in(analyse(w), terms)]
            if not code_hits and not word_hits:
                continue
            caught = found.setdefault(tender.pk, Caught(tender=tender))
            caught.watches.append(watch)
            caught.codes = sorted(set(caught.codes) | set(code_hits))
            caught.words = list(dict.fromkeys([*caught.words, *word_hits]))
    return list(found.values())


def _text(tender: Tender) -> str:
    parts = [tender.title, tender.description]
    for lot in tender.lots.all():
        parts += [lot.title, lot.description]
    return " ".join(part for part in parts if part)


def _all_in(terms: list[str], text_terms: set[str]) -> bool:
    """A keyword of several words matches when all of them are there."""
    return bool(terms) and all(term in text_terms for term in terms)
