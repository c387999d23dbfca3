"""How well each member answers each requirement of a lot, and the evidence for it.

Per requirement and member, a score in 0..1:
- capability (what the work is): the CPV hierarchy between the codes the lot asks for and the
  codes of the member's offerings and references (same code, narrower, broader, siblings), and
  a lexical match of the lot's words against the member's texts (BM25 over offerings and
  references, relative to the best match in the cluster, and scaled down below a minimum of
  matched information so that a weak match stays weak).
  55 % CPV and 45 % words when the requirement has both; covered from 0.4;
- certification: a certificate of the scheme valid on the lot's submission deadline (1 or 0;
  an expired or not-yet-valid one is shown as such);
- turnover, staff and references add up across a team: each member's figures are reported,
  and the consortium builder sums them;
- anything else is checked by hand and never scored.
A member's score for the lot is the mean over its mandatory scored requirements, plus a soft
geography bonus (5 %) that never excludes anyone. Every number comes with the rows behind it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from grappe.search.text import analyse, words
from grappe.tenders.cpv import relation, similarity
from grappe.tenders.matching import geography
from grappe.tenders.matching.pool import Member, Pool, Unit, member_pool
from grappe.tenders.models import Lot, Requirement, RequirementKind

CPV_WEIGHT = 0.55
TEXT_WEIGHT = 0.45
COVERED_FROM = 0.4
# Words score relative to the unit that matches the lot's words best, once a unit matches this
# much BM25 (about two rare words, or four common ones): below it, a unit's words are a hint,
# not evidence, so a lot nobody in the cluster does gets no strong match by chance.
TEXT_EVIDENCE = 8.0
QUERY_TERMS = 60  # the most informative words of a long description are enough
SUGGESTED_CPV_DISCOUNT = 0.85  # codes suggested from a text are weaker than declared ones
REFERENCE_DISCOUNT = 0.95  # done once for someone is as good as offered, almost
GEOGRAPHY_WEIGHT = 0.05
REFERENCE_YEARS = 3  # buyers usually ask for the references of the last three years
RELEVANT_REFERENCE = 0.5


@dataclass
class Evidence:
    """One reason behind a score, kept structured so pages say it in the reader's language."""

    kind: str  # cpv, words, certification, certification_invalid, geography
    source: str = ""  # offering, reference, certification
    title: str = ""
    slug: str = ""
    required: str = ""
    offered: str = ""
    relation: str = ""
    suggested: bool = False
    matched: list[str] = field(default_factory=list)
    valid_until: date | None = None
    valid_from: date | None = None
    deadline: date | None = None
    limited_to: tuple[str, ...] = ()
    score: float = 0.0

    def describe(self) -> str:
        if self.kind == "cpv":
            what = _("offering") if self.source == "offering" else _("reference")
            text = _("%(what)s “%(title)s”: CPV %(offered)s (%(relation)s %(required)s)") % {
                "what": what,
                "title": self.title,
                "offered": self.offered,
                "relation": RELATION_LABELS().get(self.relation, self.relation),
                "required": self.required,
            }
            return text + (" " + _("(suggested from its text)") if self.suggested else "")
        if self.kind == "words":
            what = _("offering") if self.source == "offering" else _("reference")
            return _("%(what)s “%(title)s” mentions: %(words)s") % {
                "what": what,
                "title": self.title,
                "words": ", ".join(self.matched),
            }
        if self.kind == "certification":
            text = _("%(scheme)s valid on the deadline") % {"scheme": self.title}
            if self.valid_until:
                text += " " + _("(until %(date)s)") % {"date": _day(self.valid_until)}
            if self.limited_to:
                text += " " + _("for: %(offerings)s") % {"offerings": ", ".join(self.limited_to)}
            return text
        if self.kind == "certification_invalid":
            if self.valid_until and self.deadline and self.valid_until < self.deadline:
                return _("%(scheme)s expires on %(date)s, before the deadline") % {
                    "scheme": self.title,
                    "date": _day(self.valid_until),
                }
            return _("%(scheme)s not yet valid on the deadline (from %(date)s)") % {
                "scheme": self.title,
                "date": _day(self.valid_from) if self.valid_from else "?",
            }
        if self.kind == "geography":
            if self.score >= geography.SAME_DEPARTEMENT:
                return _("in the département where the work is (small bonus, never a condition)")
            if self.score > 0:
                return _("in the region where the work is (small bonus, never a condition)")
            return _("outside the region of the work (no bonus, never an exclusion)")
        return self.title


def _day(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


def RELATION_LABELS() -> dict[str, str]:
    return {
        "same": _("the code asked:"),
        "narrower": _("within"),
        "broader": _("broader than"),
        "siblings": _("next to"),
    }


@dataclass
class RequirementScore:
    requirement: Requirement
    score: float
    covered: bool
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.requirement.key


@dataclass
class MemberMatch:
    member: Member
    score: float
    scores: dict[str, RequirementScore]
    references: int  # relevant and recent: what a "minimum references" criterion counts
    geography: Evidence | None
    can_lead: bool

    @property
    def covered(self) -> list[str]:
        return [key for key, result in self.scores.items() if result.covered]

    @property
    def organisation_id(self) -> int:
        return self.member.id


@dataclass
class LotMatches:
    lot: Lot
    requirements: list[Requirement]
    members: list[MemberMatch]
    considered: int
    deadline: date
    seconds: float
    pool_seconds: float = 0.0

    @property
    def scored(self) -> list[Requirement]:
        return [r for r in self.requirements if r.covered_by_one]

    @property
    def gaps(self) -> list[Requirement]:
        """Mandatory requirements that no member covers: what the cluster cannot answer."""
        return [
            r
            for r in self.scored
            if r.mandatory and not any(m.scores[r.key].covered for m in self.members)
        ]

    def get(self, organisation_id: int) -> MemberMatch | None:
        return next((m for m in self.members if m.member.id == organisation_id), None)


def match_lot(lot: Lot, *, pool: Pool | None = None, limit: int | None = 50) -> LotMatches:
    """The members ranked for one lot, best first, each with its evidence."""
    pool = pool or member_pool()
    started = time.perf_counter()
    requirements = list(lot.requirements.select_related("scheme").order_by("position", "id"))
    deadline = _deadline_day(lot)
    nuts = lot.nuts or lot.tender.nuts
    scored = [r for r in requirements if r.covered_by_one]
    count = len(pool.members)
    table = np.zeros((len(scored), count))
    parts: list[_Parts | None] = []
    for row, requirement in enumerate(scored):
        if requirement.kind == RequirementKind.CERTIFICATION:
            table[row] = _certified(pool, requirement, deadline)
            parts.append(None)
        else:
            table[row], found = _capability(pool, requirement)
            parts.append(found)
    weights = np.array([1.0 if r.mandatory else 0.5 for r in scored]) if scored else None
    base = (weights @ table) / weights.sum() if scored else np.zeros(count)
    near_by_departement = {
        code: geography.proximity(code, nuts) or 0.0 for code in set(_arrays(pool).departements)
    }
    proximity = np.array([near_by_departement[code] for code in _arrays(pool).departements])
    total = base * (1 - GEOGRAPHY_WEIGHT) + proximity * GEOGRAPHY_WEIGHT * (base > 0)
    order = [i for i in np.argsort(-total, kind="stable") if base[i] > 0]
    if limit is not None:
        order = order[:limit]
    main = next((row for row, r in enumerate(scored) if r.kind == RequirementKind.CAPABILITY), None)
    relevant_codes = lot.cpv_codes()
    members = []
    for index in order:
        member = pool.members[index]
        results = {
            requirement.key: _explain(
                member,
                requirement,
                table[row, index],
                parts[row].best(pool, member) if parts[row] and table[row, index] > 0 else None,
                deadline,
            )
            for row, requirement in enumerate(scored)
        }
        covers_main = main is None or bool(table[main, index] >= COVERED_FROM)
        near = geography.proximity(member.departement, nuts)
        members.append(
            MemberMatch(
                member=member,
                score=round(float(total[index]), 4),
                scores=results,
                references=_recent_references(pool, member, relevant_codes, deadline),
                geography=Evidence(kind="geography", score=near) if near is not None else None,
                can_lead=member.is_member and covers_main,
            )
        )
    return LotMatches(
        lot=lot,
        requirements=requirements,
        members=members,
        considered=count,
        deadline=deadline,
        seconds=time.perf_counter() - started,
        pool_seconds=pool.seconds,
    )


def _deadline_day(lot: Lot) -> date:
    deadline = lot.effective_deadline
    return timezone.localdate(deadline) if deadline else timezone.localdate()


@dataclass
class _Parts:
    """What a capability score was made of, per unit: kept so that the evidence is looked up
    for the members shown only, not for every member of a 10,000-member pool."""

    required: list[str]
    cpv_unit: np.ndarray
    text_unit: np.ndarray
    terms: list[str]
    words_of: dict[str, str]

    def best(self, pool: Pool, member: Member) -> tuple | None:
        """The unit best on each part (the other part breaking ties), for the evidence."""
        units = member.units
        if not units:
            return None
        cpv_best = max(units, key=lambda u: (self.cpv_unit[u], self.text_unit[u]))
        text_best = max(units, key=lambda u: (self.text_unit[u], self.cpv_unit[u]))
        cpv = None
        if self.cpv_unit[cpv_best] > 0:
            unit = pool.units[cpv_best]
            value, wanted, code = max(
                (similarity(wanted, code), wanted, code)
                for code in unit.cpv_codes
                for wanted in self.required
            )
            match = (wanted, value, relation(wanted, code).kind.value, code)
            cpv = (unit, match, self.cpv_unit[cpv_best])
        text = None
        if self.text_unit[text_best] > 0:
            unit = pool.units[text_best]
            text = (unit, _matched_words(unit, self.terms, self.words_of))
        return cpv, text


def _capability(pool: Pool, requirement: Requirement) -> tuple[np.ndarray, _Parts]:
    """Per member: the score; and its parts per unit, for the evidence."""
    count = len(pool.members)
    arrays = _arrays(pool)
    cpv_unit = np.zeros(len(pool.units))
    if requirement.cpv_codes and len(arrays.pair_unit):
        similarities = np.array(
            [max(similarity(w, code) for w in requirement.cpv_codes) for code in arrays.codes]
        )
        weighted = similarities[arrays.pair_code] * arrays.pair_factor
        np.maximum.at(cpv_unit, arrays.pair_unit, weighted)
    terms, words_of = _query(requirement, pool)
    text_unit = np.zeros(len(pool.units))
    if terms:
        raw = pool.lexical_scores(terms)
        best = float(raw.max()) if len(raw) else 0.0
        if best > 0:
            # Relative to the best unit (a long description is never matched whole), and
            # scaled down until a unit matches enough information to be evidence at all.
            text_unit = (raw / best) * np.minimum(1.0, raw / TEXT_EVIDENCE)
    cpv_member = np.zeros(count)
    text_member = np.zeros(count)
    np.maximum.at(cpv_member, arrays.owners, cpv_unit)
    np.maximum.at(text_member, arrays.owners, text_unit)
    if requirement.cpv_codes and terms:
        score = CPV_WEIGHT * cpv_member + TEXT_WEIGHT * text_member
    elif requirement.cpv_codes:
        score = cpv_member
    else:
        score = text_member
    return score, _Parts(list(requirement.cpv_codes), cpv_unit, text_unit, terms, words_of)


@dataclass
class _Arrays:
    """The pool as arrays, built once per pool: who owns each unit, each (unit, code) pair with
    the weight of its code (suggested codes and references count a little less), and the
    holders of each certification scheme."""

    owners: np.ndarray
    codes: list[str]
    pair_unit: np.ndarray
    pair_code: np.ndarray
    pair_factor: np.ndarray
    holders: dict[int, list[tuple[int, date | None, date | None]]]
    departements: list[str]


def _arrays(pool: Pool) -> _Arrays:
    found = getattr(pool, "_arrays", None)
    if found is not None:
        return found
    codes: dict[str, int] = {}
    pair_unit, pair_code, pair_factor = [], [], []
    for position, unit in enumerate(pool.units):
        factor = SUGGESTED_CPV_DISCOUNT if unit.cpv_suggested else 1.0
        if unit.kind == "reference":
            factor *= REFERENCE_DISCOUNT
        for code in unit.cpv_codes:
            pair_unit.append(position)
            pair_code.append(codes.setdefault(code, len(codes)))
            pair_factor.append(factor)
    holders: dict[int, list[tuple[int, date | None, date | None]]] = {}
    for index, member in enumerate(pool.members):
        for held in member.certifications:
            holders.setdefault(held.scheme_id, []).append(
                (index, held.valid_from, held.valid_until)
            )
    found = _Arrays(
        owners=np.array([unit.member for unit in pool.units], dtype=np.int64),
        codes=list(codes),
        pair_unit=np.array(pair_unit, dtype=np.int64),
        pair_code=np.array(pair_code, dtype=np.int64),
        pair_factor=np.array(pair_factor),
        holders=holders,
        departements=[member.departement for member in pool.members],
    )
    pool._arrays = found  # type: ignore[attr-defined]
    return found


def _query(requirement: Requirement, pool: Pool) -> tuple[list[str], dict[str, str]]:
    """The requirement's distinct terms, the most informative first, and a word for each."""
    text = requirement.keywords or (
        requirement.label if requirement.kind == RequirementKind.CAPABILITY else ""
    )
    words_of: dict[str, str] = {}
    for word in words(text):
        for term in analyse(word):
            words_of.setdefault(term, word.lower())
    # Words no member uses cannot match: the most informative of the others are the query.
    known = [term for term in words_of if term in pool.document_frequency]
    terms = sorted(known, key=lambda term: (-pool.idf(term), term))[:QUERY_TERMS]
    return terms, words_of


def _matched_words(unit: Unit, terms: list[str], words_of: dict[str, str]) -> list[str]:
    return [words_of[term] for term in terms if term in unit.terms][:8]


def _certified(pool: Pool, requirement: Requirement, deadline: date) -> np.ndarray:
    scores = np.zeros(len(pool.members))
    for index, valid_from, valid_until in _arrays(pool).holders.get(requirement.scheme_id, ()):
        if (valid_from is None or valid_from <= deadline) and (
            valid_until is None or deadline <= valid_until
        ):
            scores[index] = 1.0
    return scores


def _explain(
    member: Member,
    requirement: Requirement,
    score: float,
    best: tuple | None,
    deadline: date,
) -> RequirementScore:
    evidence: list[Evidence] = []
    if requirement.kind == RequirementKind.CERTIFICATION:
        for held in member.certifications:
            if held.scheme_id != requirement.scheme_id:
                continue
            valid = held.valid_on(deadline)
            evidence.append(
                Evidence(
                    kind="certification" if valid else "certification_invalid",
                    source="certification",
                    title=held.scheme,
                    valid_from=held.valid_from,
                    valid_until=held.valid_until,
                    deadline=deadline,
                    limited_to=held.offerings,
                    score=1.0 if valid else 0.0,
                )
            )
    elif best is not None:
        cpv, text = best
        if cpv is not None:
            unit, (wanted, _value, relation, code), unit_score = cpv
            evidence.append(
                Evidence(
                    kind="cpv",
                    source=unit.kind,
                    title=unit.title,
                    slug=unit.slug,
                    required=wanted,
                    offered=code,
                    relation=relation,
                    suggested=unit.cpv_suggested,
                    score=round(float(unit_score), 3),
                )
            )
        if text is not None:
            unit, matched = text
            evidence.append(
                Evidence(
                    kind="words",
                    source=unit.kind,
                    title=unit.title,
                    slug=unit.slug,
                    matched=matched,
                )
            )
    score = round(float(score), 4)
    return RequirementScore(
        requirement=requirement, score=score, covered=score >= COVERED_FROM, evidence=evidence
    )


def _recent_references(pool: Pool, member: Member, codes: list[str], deadline: date) -> int:
    """References of the last years in the lot's CPV branches: what a buyer would accept."""
    first_year = deadline.year - REFERENCE_YEARS
    count = 0
    for position in member.units:
        unit = pool.units[position]
        if unit.kind != "reference" or (unit.year or 0) < first_year:
            continue
        if not codes or any(
            similarity(wanted, code) >= RELEVANT_REFERENCE
            for wanted in codes
            for code in unit.cpv_codes
        ):
            count += 1
    return count


def member_totals(match: MemberMatch) -> dict[str, Decimal | int | None]:
    member = match.member
    return {"turnover": member.turnover, "staff": member.staff, "references": match.references}
