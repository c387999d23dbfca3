"""A notice read from a file or pasted text becomes a Tender with lots and requirements.

Each lot gets one capability requirement for its main CPV code (with the lot's own words as
keywords, mandatory) and one per additional CPV code (with the code's label as keywords,
optional but worth covering): a lot asking for development, hosting and training is three
things a team should cover, the first of which it must. The notice's selection criteria
follow: certifications (matched to a scheme of the index when its name is recognised), minimum
turnover, staff and references.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from grappe.directory.models import CertificationScheme
from grappe.search.text import fold
from grappe.tenders.cpv import label
from grappe.tenders.models import Lot, Requirement, RequirementKind, Tender
from grappe.tenders.notices import Lot as NoticeLot
from grappe.tenders.notices import Notice, NoticeError, NoticeKind, to_jsonable
from grappe.tenders.notices import Requirement as NoticeRequirement
from grappe.tenders.notices import RequirementKind as NoticeRequirementKind

KEYWORDS_LENGTH = 2000  # enough words to match on, short enough to edit in a form
# A deadline given as a day: certifications must still be valid that afternoon.
DAY_ONLY_DEADLINE = time(12, 0)

_KINDS = {
    NoticeRequirementKind.MINIMUM_TURNOVER: RequirementKind.TURNOVER,
    NoticeRequirementKind.CERTIFICATION: RequirementKind.CERTIFICATION,
    NoticeRequirementKind.REFERENCES: RequirementKind.REFERENCES,
    NoticeRequirementKind.STAFF: RequirementKind.STAFF,
    NoticeRequirementKind.OTHER: RequirementKind.OTHER,
}


def cpv_words(code: str) -> str:
    """The French and English labels of a code: the words a member's offer is matched on when
    the notice says nothing more about that code. An unlisted code gets none (an ancestor's
    label, "business services", would match anything)."""
    return " ".join(filter(None, (label(code, language) for language in ("fr", "en"))))


@transaction.atomic
def store_notice(notice: Notice, *, user=None) -> Tender:
    """The tender a call for tenders (or a prior information notice) describes."""
    if notice.kind == NoticeKind.AWARD:
        raise NoticeError(
            "this is an award notice: it says who won, not what to answer; import it as "
            "references with `grappe tender awards`",
            code="award_notice",
            source=notice.source,
        )
    lots = notice.lots or [NoticeLot(id="LOT-1", title=notice.title)]
    tender = Tender.objects.create(
        title=_clip(notice.title or lots[0].title or notice.source, 500),
        description=notice.description or "",
        buyer_name=_clip(notice.buyer.name if notice.buyer else "", 300),
        reference=_clip(notice.reference or "", 200),
        notice_id=_clip(notice.notice_id or "", 200),
        source_format=notice.source_format,
        source_name=_clip(notice.source, 300),
        procedure=_clip(notice.procedure or "", 100),
        publication_date=notice.publication_date,
        deadline=as_datetime(notice.submission_deadline or _earliest_deadline(lots)),
        nuts=_unique([*notice.nuts, *(code for lot in lots for code in lot.nuts)]),
        grouping_form=_clip(
            next((lot.tenderer_legal_form for lot in lots if lot.tenderer_legal_form), "") or "",
            300,
        ),
        notice=to_jsonable(notice),
        warnings=list(notice.warnings),
        created_by=user if user is not None and user.is_authenticated else None,
    )
    seen_ids: set[str] = set()
    schemes = list(CertificationScheme.objects.all())  # once for all the lots
    for position, notice_lot in enumerate(lots):
        lot_id = _unique_lot_id(notice_lot.id or f"LOT-{position + 1}", seen_ids)
        lot = Lot.objects.create(
            tender=tender,
            position=position,
            lot_id=lot_id,
            title=_clip(notice_lot.title or (notice.title if len(lots) == 1 else "") or "", 500),
            description=notice_lot.description
            or (notice.description if len(lots) == 1 else "")
            or "",
            cpv_main=notice_lot.cpv_main or (notice.cpv_main if len(lots) == 1 else "") or "",
            cpv_additional=_unique(notice_lot.cpv_additional or notice.cpv_additional),
            nuts=_unique(notice_lot.nuts),
            estimated_value=notice_lot.estimated_value,
            currency=(notice_lot.currency or "")[:3],
            duration=_clip(_duration(notice_lot), 50),
            deadline=as_datetime(notice_lot.submission_deadline),
        )
        derive_requirements(lot, notice_lot.requirements, schemes)
    return tender


def derive_requirements(
    lot: Lot,
    selection: list[NoticeRequirement] = (),
    schemes: list[CertificationScheme] | None = None,
) -> list[Requirement]:
    """The lot's requirements: what the work is (its CPV codes), then its selection criteria."""
    rows: list[Requirement] = []
    words = _clip(" ".join(part for part in (lot.title, lot.description) if part), KEYWORDS_LENGTH)
    if lot.cpv_main or words:
        rows.append(
            Requirement(
                kind=RequirementKind.CAPABILITY,
                label=_clip(lot.title, 500),
                cpv_codes=[lot.cpv_main] if lot.cpv_main else [],
                keywords=words,
                source="main CPV code and the lot's title and description",
            )
        )
    for code in lot.cpv_additional:
        if code == lot.cpv_main:
            continue
        rows.append(
            Requirement(
                kind=RequirementKind.CAPABILITY,
                label="",  # said in the reader's language from the code (display_label)
                cpv_codes=[code],
                keywords=cpv_words(code),
                # Additional codes classify the purchase more than they select candidates: a
                # team is better for covering them, not ruled out for missing one.
                mandatory=False,
                source="additional CPV code",
            )
        )
    if schemes is None:
        schemes = list(CertificationScheme.objects.all())
    for item in selection:
        kind = _KINDS.get(item.kind, RequirementKind.OTHER)
        scheme = find_scheme(" ".join(filter(None, (item.subject, item.text))), schemes)
        if kind == RequirementKind.CERTIFICATION and scheme is None:
            kind = RequirementKind.OTHER  # a certification no scheme names: checked by hand
        rows.append(
            Requirement(
                kind=kind,
                label=_clip(_requirement_label(item, scheme), 500),
                text=item.text or "",
                scheme=scheme if kind == RequirementKind.CERTIFICATION else None,
                threshold=item.threshold
                if kind
                in (RequirementKind.TURNOVER, RequirementKind.STAFF, RequirementKind.REFERENCES)
                else None,
                mandatory=item.mandatory,
                source=_clip(item.source, 300),
            )
        )
    for position, row in enumerate(rows):
        row.lot = lot
        row.position = position
    return Requirement.objects.bulk_create(rows)


def find_scheme(text: str, schemes: list[CertificationScheme]) -> CertificationScheme | None:
    """The scheme a requirement names, by its name, its slug or the acronym in its name.

    "ISO 27001", "ISO/IEC 27001:2022" and "certification HDS" all name a scheme of the index.
    The longest matching name wins, so that "ISO 27001" is not taken for "ISO 9001".
    """
    folded = _squash(text)
    if not folded:
        return None
    found: list[tuple[int, CertificationScheme]] = []
    for scheme in schemes:
        names = {_squash(scheme.name), _squash(scheme.slug)}
        names.update(_squash(acronym) for acronym in re.findall(r"\(([^)]{2,20})\)", scheme.name))
        names.update(
            _squash(part)
            for part in re.findall(r"\b[A-Z]{2,}[\w-]*\b", scheme.name)
            if len(part) > 2
        )
        for name in names:
            if len(name) >= 3 and re.search(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", folded):
                found.append((len(name), scheme))
    return max(found, key=lambda pair: (pair[0], -pair[1].pk))[1] if found else None


def _squash(text: str) -> str:
    """Folded, with "ISO/IEC 27001" and "iso-27001" both reading "iso 27001"."""
    folded = fold(text or "")
    folded = re.sub(r"\biso\s*/\s*iec\b", "iso", folded)
    return re.sub(r"[^a-z0-9]+", " ", folded).strip()


def _requirement_label(item: NoticeRequirement, scheme: CertificationScheme | None) -> str:
    """The buyer's words where they name something; empty where a wording is made from the
    kind and the threshold in the reader's language (Requirement.display_label)."""
    if item.kind == NoticeRequirementKind.CERTIFICATION and scheme is not None:
        return ""
    if item.threshold is not None and item.kind in (
        NoticeRequirementKind.MINIMUM_TURNOVER,
        NoticeRequirementKind.STAFF,
        NoticeRequirementKind.REFERENCES,
    ):
        return ""
    return item.subject or item.text or str(item.kind)


def as_datetime(value: datetime | date | None) -> datetime | None:
    """An aware datetime: a naive one is read in the site's time zone, a day alone at noon."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, DAY_ONLY_DEADLINE)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _earliest_deadline(lots: list[NoticeLot]) -> datetime | date | None:
    deadlines = [as_datetime(lot.submission_deadline) for lot in lots if lot.submission_deadline]
    return min(deadlines) if deadlines else None


def _duration(lot: NoticeLot) -> str:
    if lot.duration is None:
        return ""
    return f"{lot.duration.value.normalize():f} {lot.duration.unit}"


def _unique_lot_id(lot_id: str, seen: set[str]) -> str:
    """Unique in the tender, and usable in an address (a "/" would break the lot's URL)."""
    lot_id = re.sub(r"[/\\?#%\s]+", "-", lot_id.strip()).strip("-") or "LOT"
    candidate, counter = _clip(lot_id, 50), 2
    while candidate in seen:
        candidate, counter = f"{_clip(lot_id, 45)}-{counter}", counter + 1
    seen.add(candidate)
    return candidate


def _unique(values) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
