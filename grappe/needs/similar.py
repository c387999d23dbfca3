"""Needs like a new one (to join rather than post twice), and the team that could answer one.

`similar_needs` ranks the open needs with BM25 (the `bm25s` library grappe/tenders uses) over
their titles and descriptions, analysed like every text of Grappe (grappe.search.text: French
stems, accents folded); the title counts twice, and a need must share at least two terms with
the text (or its only one) to be called similar. Needs of the same software come first.

`suggest_team` asks the tenders engine (grappe.tenders.matching and teaming) for the consortium
it would propose if the need were a one-lot call for tenders: the lot is made from the need
without being stored (`NeedLot`), with the requirement `grappe.tenders.storing` would derive
from a lot: the work, as a CPV code for the need's kind and the need's words (its software's
name included) as keywords. A separate requirement for the software would be covered by nobody:
one product name is too little text for the engine to call it evidence.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import bm25s
from django.urls import NoReverseMatch, reverse

from grappe.search.text import analyse
from grappe.tenders.consortia import Role
from grappe.tenders.cpv.suggest import suggest
from grappe.tenders.exporting import role_label
from grappe.tenders.matching.geography import NUTS3_DEPARTEMENTS
from grappe.tenders.models import Requirement, RequirementKind
from grappe.tenders.storing import KEYWORDS_LENGTH
from grappe.tenders.teaming import DEFAULT_MAX_MEMBERS, LotTeams, teams_for_lot

if TYPE_CHECKING:
    from grappe.directory.models import Software
    from grappe.needs.models import Need

# bm25s sets its logger to DEBUG when imported, which logs every index built.
logging.getLogger("bm25s").setLevel(logging.WARNING)

MIN_SHARED_TERMS = 2
# The work a need's kind stands for, as the CPV code a call for tenders would give it.
KIND_CPV = {
    "feature": "72212000",  # programming services of application software
    "module": "72212000",
    "maintenance": "72267000",  # software maintenance and repair services
    "hosting": "72415000",  # web site operation host services
    "training": "80533100",  # computer training services
    "hardware": "30200000",  # computer equipment and supplies
}


# Similar needs.


def _terms(need: Need) -> list[str]:
    return analyse(need.title) * 2 + analyse(need.description)


def similar_needs(
    text: str,
    software: Software | None = None,
    limit: int = 5,
    *,
    exclude: Need | None = None,
) -> list[Need]:
    """The open needs most like `text` (a draft's title and description), those of the same
    software first; [] when none shares enough words."""
    from grappe.needs.models import Need, NeedStatus

    query = list(dict.fromkeys(analyse(text or "")))
    if limit <= 0 or not query:
        return []
    candidates = Need.objects.filter(status=NeedStatus.OPEN).select_related("software")
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    needs = list(candidates)
    if not needs:
        return []
    documents = [_terms(need) or [""] for need in needs]
    index = bm25s.BM25()
    index.index(documents, show_progress=False)
    known = [term for term in query if term in index.vocab_dict]
    if not known:
        return []
    scores = index.get_scores(known)
    wanted = min(MIN_SHARED_TERMS, len(query))
    found: list[tuple[bool, float, int]] = []
    for position, need in enumerate(needs):
        shared = len(set(documents[position]) & set(query))
        if scores[position] <= 0 or shared < wanted:
            continue
        same_software = software is not None and need.software_id == software.pk
        found.append((not same_software, -float(scores[position]), position))
    found.sort()
    return [needs[position] for _other, _score, position in found[:limit]]


# The suggested team.


class _Requirements(list):
    """`lot.requirements` as match_lot reads it: already in order, with nothing to fetch."""

    def select_related(self, *fields: str) -> _Requirements:
        return self

    def order_by(self, *fields: str) -> _Requirements:
        return self

    def all(self) -> _Requirements:
        return self


@dataclass
class _NeedTender:
    nuts: list[str]
    grouping_form: str = ""
    deadline: datetime | None = None


@dataclass
class NeedLot:
    """A need read as a one-lot call for tenders, never stored: what matching reads of a Lot."""

    need: Need
    title: str
    description: str
    cpv_main: str
    nuts: list[str]
    requirements: _Requirements = field(default_factory=_Requirements)
    lot_id: str = "need"
    cpv_additional: list[str] = field(default_factory=list)
    deadline: datetime | None = None

    @property
    def tender(self) -> _NeedTender:
        return _NeedTender(nuts=self.nuts)

    @property
    def effective_deadline(self) -> datetime | None:
        return None  # certifications are checked on the day of asking

    def cpv_codes(self) -> list[str]:
        return [self.cpv_main] if self.cpv_main else []


def work_code(need: Need) -> str:
    """The CPV code of the work: from the kind, else suggested from the need's words."""
    if need.kind in KIND_CPV:
        return KIND_CPV[need.kind]
    found = suggest(f"{need.title} {need.description}", limit=1)
    return found[0].code if found else ""


def need_lot(need: Need) -> NeedLot:
    """The lot `grappe.tenders.storing.derive_requirements` would make of the need: one
    mandatory requirement, the work (its code and the need's words)."""
    software = need.software
    words = " ".join(
        part for part in (need.title, need.description, software.name if software else "") if part
    )[:KEYWORDS_LENGTH]
    code = work_code(need)
    nuts = [nuts for nuts, code_of in NUTS3_DEPARTEMENTS.items() if code_of == need.departement]
    lot = NeedLot(
        need=need, title=need.title, description=need.description, cpv_main=code, nuts=nuts
    )
    rows = [
        Requirement(
            kind=RequirementKind.CAPABILITY,
            label=need.title[:500],
            cpv_codes=[code] if code else [],
            keywords=words,
            mandatory=True,
            source="the need's kind, title and description",
        )
    ]
    for position, row in enumerate(rows, 1):
        # Never saved: a key for the optimiser (Requirement.key reads the primary key).
        row.pk = position
        row.position = position
    lot.requirements = _Requirements(rows)
    return lot


@dataclass
class SuggestedMember:
    organisation_id: int
    name: str
    slug: str
    role: str
    role_label: str
    answers: list[str]  # labels of the requirements this member answers for the team

    @property
    def url(self) -> str:
        try:
            return reverse("web:organisation", kwargs={"slug": self.slug})
        except NoReverseMatch:
            return ""


@dataclass
class TeamSuggestion:
    """The consortium the tenders engine proposes for a need, best first, with what no member
    covers; `teams` keeps the engine's whole answer (coverage matrix, evidence)."""

    members: list[SuggestedMember]
    requirements: list[str]
    gaps: list[str]
    teams: LotTeams

    @property
    def lead(self) -> SuggestedMember | None:
        return next((m for m in self.members if m.role == Role.LEAD), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "members": [
                {
                    "organisation": member.slug,
                    "name": member.name,
                    "role": member.role,
                    "role_label": member.role_label,
                    "answers": member.answers,
                    "url": member.url,
                }
                for member in self.members
            ],
            "requirements": self.requirements,
            "gaps": self.gaps,
        }


def suggest_team(need: Need, max_members: int = DEFAULT_MAX_MEMBERS) -> TeamSuggestion | None:
    """The best team of cluster members for the need, as the tenders engine builds one for a
    lot; None when no member covers any of it."""
    lot = need_lot(need)
    found = teams_for_lot(lot, count=1, max_members=max_members)  # type: ignore[arg-type]
    labels = {requirement.key: requirement.display_label for requirement in lot.requirements}
    if not found.teams:
        return None
    best = found.teams[0]
    members = [
        SuggestedMember(
            organisation_id=match.member.id,
            name=match.member.name,
            slug=match.member.slug,
            role=str(member.role),
            role_label=str(role_label(member.role)),
            answers=[labels.get(key, key) for key in member.answers],
        )
        for member, match in best.members
    ]
    return TeamSuggestion(
        members=members,
        requirements=list(labels.values()),
        gaps=[requirement.display_label for requirement in found.gaps],
        teams=found,
    )
