"""The one objective both methods maximise, and how a chosen set of members becomes a Team.

The value of a team is

    Σ score of the member answering each mandatory requirement          (weight W_MANDATORY)
  + Σ score of the member answering each optional requirement           (weight W_OPTIONAL)
  + W_QUALITY · Σ quality of the members                                (breaks ties)
  - W_MEMBER · number of members                                        (fewer is better)
  - big · (mandatory requirements not covered + 1 if no lead + Σ fraction short per threshold)

where each requirement goes to the member scoring best on it, and `big` outweighs every gain,
so the penalties only decide between teams that all break a rule. W_QUALITY < W_MEMBER: a
member never joins for its quality alone. Requirements no candidate covers (the gaps) and the
lead when nobody may lead are left out of the value: no team can change them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from .problem import Candidate, TeamProblem
from .teams import Method, Role, Team, TeamMember, grouping_form

W_MANDATORY = 1.0
W_OPTIONAL = 0.3
W_QUALITY = 0.01
# Each member costs coordination: a member joins when it raises the coverage by more than 0.1
# (a clearly better answer to a mandatory requirement, or an optional one answered above 0.33).
W_MEMBER = 0.1
TOLERANCE = 1e-9  # float slack when comparing normalised capacities and values

THRESHOLDS = ("turnover", "staff", "references")
ROLE_ORDER = {Role.LEAD: 0, Role.CO_CONTRACTOR: 1, Role.SUBCONTRACTOR: 2}


def capacity(candidate: Candidate, threshold: str) -> Decimal | int:
    """A candidate's turnover, staff or references; unknown counts 0."""
    value = getattr(candidate, threshold)
    return value if value is not None else 0


@dataclass(frozen=True, eq=False)
class Prepared:
    """A problem checked and turned into arrays, shared by the exact and the greedy methods.

    Rows are the candidates that can contribute, sorted by key so that results do not depend on
    the order of the input; columns are the requirements some candidate covers.
    """

    problem: TeamProblem
    candidates: tuple[Candidate, ...]
    by_key: dict[int, Candidate]  # every candidate, kept or not
    mandatory: tuple[str, ...]  # mandatory requirements some candidate covers, lot order
    optional: tuple[str, ...]  # same for optional ones
    gaps: tuple[str, ...]  # mandatory requirements no candidate covers
    optional_gaps: tuple[str, ...]
    s_mandatory: np.ndarray  # candidates × mandatory scores
    s_optional: np.ndarray
    thresholds: tuple[str, ...]  # thresholds the lot sets
    required: dict[str, Decimal | int]
    capacity: np.ndarray  # candidates × thresholds: min(value / required, 1)
    can_lead: np.ndarray
    quality: np.ndarray
    conflicts: tuple[tuple[int, int], ...]  # row index pairs
    neighbours: tuple[frozenset[int], ...]  # row index -> conflicting row indices
    lead_required: bool  # some candidate may lead, so a team needs one
    big: float
    left_out: int  # candidates that can contribute nothing

    @property
    def size(self) -> int:
        return len(self.candidates)

    @property
    def covers_any(self) -> np.ndarray:
        """Per row: covers some requirement, so it can carry out part of the work."""
        return (self.s_mandatory > 0).any(axis=1) | (self.s_optional > 0).any(axis=1)


def _unique(keys: Iterable[str], skip: set[str] | frozenset[str] = frozenset()) -> list[str]:
    seen = set(skip)
    out = []
    for key in keys:
        if key not in seen:
            seen.add(key)
            out.append(key)
    return out


def _check(problem: TeamProblem) -> None:
    """Refuse input that would make a silently wrong team: say which candidate and field."""
    if problem.max_members < 1:
        raise ValueError(f"max_members must be at least 1, not {problem.max_members}")
    keys = [c.key for c in problem.candidates]
    if len(keys) != len(set(keys)):
        twice = sorted({k for k in keys if keys.count(k) > 1})
        raise ValueError(f"candidate keys must be unique; repeated: {twice}")
    for c in problem.candidates:
        for requirement, score in c.scores.items():
            if not 0.0 <= float(score) <= 1.0:  # also refuses NaN
                raise ValueError(
                    f"candidate {c.key}: score of {requirement!r} is {score}, not 0..1"
                )
        if not 0.0 <= float(c.quality) <= 1.0:
            raise ValueError(f"candidate {c.key}: quality is {c.quality}, not 0..1")
        for threshold in THRESHOLDS:
            if capacity(c, threshold) < 0:
                raise ValueError(f"candidate {c.key}: {threshold} is negative")


def prepare(problem: TeamProblem) -> Prepared:
    """Check the problem, find the gaps, drop candidates that can add nothing, build arrays."""
    _check(problem)
    mandatory_all = _unique(problem.mandatory)
    optional_all = _unique(problem.optional, skip=set(mandatory_all))
    required: dict[str, Decimal | int] = {}
    for threshold, value in zip(
        THRESHOLDS,
        (problem.min_turnover, problem.min_staff, problem.min_references),
        strict=True,
    ):
        if value is not None and value > 0:
            required[threshold] = value
    thresholds = tuple(required)

    def covers(c: Candidate, requirement: str) -> bool:
        return float(c.scores.get(requirement, 0.0)) > 0.0

    everyone = sorted(problem.candidates, key=lambda c: c.key)
    mandatory = tuple(r for r in mandatory_all if any(covers(c, r) for c in everyone))
    optional = tuple(r for r in optional_all if any(covers(c, r) for c in everyone))
    requirements = mandatory + optional

    def useful(c: Candidate) -> bool:
        return (
            c.can_lead
            or any(covers(c, r) for r in requirements)
            or any(capacity(c, t) > 0 for t in thresholds)
        )

    kept = tuple(c for c in everyone if useful(c))
    n = len(kept)

    def scores(reqs: tuple[str, ...]) -> np.ndarray:
        matrix = np.zeros((n, len(reqs)))
        for i, c in enumerate(kept):
            for j, r in enumerate(reqs):
                matrix[i, j] = float(c.scores.get(r, 0.0))
        return matrix

    cap = np.zeros((n, len(thresholds)))
    for i, c in enumerate(kept):
        for j, t in enumerate(thresholds):
            cap[i, j] = min(float(capacity(c, t)) / float(required[t]), 1.0)

    row = {c.key: i for i, c in enumerate(kept)}
    pairs = set()
    for pair in problem.conflicts:
        if len(pair) == 2:
            a, b = sorted(pair)
            if a in row and b in row:
                pairs.add((row[a], row[b]))
    neighbours: list[set[int]] = [set() for _ in range(n)]
    for a, b in pairs:
        neighbours[a].add(b)
        neighbours[b].add(a)

    can_lead = np.array([c.can_lead for c in kept], dtype=bool)
    return Prepared(
        problem=problem,
        candidates=kept,
        by_key={c.key: c for c in everyone},
        mandatory=mandatory,
        optional=optional,
        gaps=tuple(r for r in mandatory_all if r not in mandatory),
        optional_gaps=tuple(r for r in optional_all if r not in optional),
        s_mandatory=scores(mandatory),
        s_optional=scores(optional),
        thresholds=thresholds,
        required=required,
        capacity=cap,
        can_lead=can_lead,
        quality=np.array([float(c.quality) for c in kept]),
        conflicts=tuple(sorted(pairs)),
        neighbours=tuple(frozenset(s) for s in neighbours),
        lead_required=bool(can_lead.any()),
        big=float(1 + len(mandatory) + len(optional) + problem.max_members),
        left_out=len(everyone) - n,
    )


def _shortfall(fractions: np.ndarray) -> np.ndarray:
    """1 - normalised capacity, floored at 0, with float noise counted as met."""
    short = np.clip(1.0 - fractions, 0.0, None)
    short[short < TOLERANCE] = 0.0
    return short


def set_value(prep: Prepared, rows: Sequence[int]) -> float:
    """The objective of the team made of these candidate rows, each requirement to its best."""
    rows = list(rows)
    best_m = prep.s_mandatory[rows].max(axis=0) if rows else np.zeros(len(prep.mandatory))
    best_o = prep.s_optional[rows].max(axis=0) if rows else np.zeros(len(prep.optional))
    cap = prep.capacity[rows].sum(axis=0) if rows else np.zeros(len(prep.thresholds))
    penalty = float((best_m <= 0).sum()) + float(_shortfall(cap).sum())
    if prep.lead_required and not prep.can_lead[rows].any():
        penalty += 1.0
    gain = (
        W_MANDATORY * float(best_m.sum())
        + W_OPTIONAL * float(best_o.sum())
        + W_QUALITY * float(prep.quality[rows].sum())
        - W_MEMBER * len(rows)
    )
    return gain - prep.big * penalty


def values_adding(prep: Prepared, rows: Sequence[int]) -> np.ndarray:
    """The objective of `rows` plus one more candidate, for every candidate at once.

    Entries of candidates already in `rows` are meaningless; callers mask them.
    """
    rows = list(rows)
    if rows:
        best_m = prep.s_mandatory[rows].max(axis=0)
        best_o = prep.s_optional[rows].max(axis=0)
        cap = prep.capacity[rows].sum(axis=0)
        quality = float(prep.quality[rows].sum())
        has_lead = bool(prep.can_lead[rows].any())
    else:
        best_m = np.zeros(len(prep.mandatory))
        best_o = np.zeros(len(prep.optional))
        cap = np.zeros(len(prep.thresholds))
        quality, has_lead = 0.0, False
    mandatory = np.maximum(prep.s_mandatory, best_m)
    penalty = (mandatory <= 0).sum(axis=1) + _shortfall(prep.capacity + cap).sum(axis=1)
    if prep.lead_required and not has_lead:
        penalty = penalty + (~prep.can_lead)
    gain = (
        W_MANDATORY * mandatory.sum(axis=1)
        + W_OPTIONAL * np.maximum(prep.s_optional, best_o).sum(axis=1)
        + W_QUALITY * (quality + prep.quality)
        - W_MEMBER * (len(rows) + 1)
    )
    return gain - prep.big * penalty


def assignment_value(
    prep: Prepared, answers: Mapping[int, Iterable[str]], lead: int | None
) -> float:
    """The objective of an explicit team: who is in it, who answers what, who leads.

    The same formula as `set_value`, read from the candidates themselves so that any
    assignment can be scored, even a poor one: an answer from a member scoring 0 on it does
    not count, and a requirement answered twice counts its best answer once.
    """
    unknown = sorted(k for k in answers if k not in prep.by_key)
    if unknown:
        raise ValueError(f"not candidates of this problem: {unknown}")
    members = [prep.by_key[k] for k in answers]
    best: dict[str, float] = {}
    for member in members:
        for requirement in answers[member.key]:
            score = float(member.scores.get(requirement, 0.0))
            if score > 0:
                best[requirement] = max(best.get(requirement, 0.0), score)
    breaches = sum(1 for r in prep.mandatory if r not in best)  # mandatory left uncovered
    short = 0.0
    for threshold in prep.thresholds:
        need = float(prep.required[threshold])
        fraction = sum(min(float(capacity(m, threshold)) / need, 1.0) for m in members)
        short += float(_shortfall(np.array([fraction]))[0])
    if prep.lead_required and not (lead in answers and prep.by_key[lead].can_lead):
        breaches += 1
    gain = (
        W_MANDATORY * sum(best.get(r, 0.0) for r in prep.mandatory)
        + W_OPTIONAL * sum(best.get(r, 0.0) for r in prep.optional)
        + W_QUALITY * sum(float(m.quality) for m in members)
        - W_MEMBER * len(members)
    )
    return gain - prep.big * (breaches + short)


def objective(
    problem: TeamProblem,
    team: Team | Mapping[int, Iterable[str]],
    *,
    lead: int | None = None,
) -> float:
    """Score any team the way both methods do, so their teams compare.

    `team` is a Team, or a mapping member key -> requirement keys it answers, with `lead` the
    mandataire's key. Conflicts and the size limit are rules, not scores: they are not checked.
    """
    if isinstance(team, Team):
        lead = team.lead.key if team.lead else None
        team = team.assignment
    return assignment_value(prepare(problem), team, lead)


def build_team(prep: Prepared, rows: Iterable[int], method: Method) -> Team:
    """Turn chosen rows into a Team: answers, lead, roles, totals and thresholds.

    Each requirement goes to the member scoring best on it (the lower key on a tie). The lead
    is the member that may lead and answers the most mandatory requirements (then the best
    scores, quality, lower key). Members answering a mandatory requirement are co-contractors.
    Members answering only optional requirements stay subcontractors unless the lead and
    co-contractors fall short of a threshold the whole team reaches (or of as much of it as
    the whole team has): then they become co-contractors, biggest help first, until the
    counted capacities match the whole team's.
    """
    rows = sorted(set(rows))
    answers: dict[int, list[str]] = {i: [] for i in rows}
    mandatory_score = dict.fromkeys(rows, 0.0)
    mandatory_count = dict.fromkeys(rows, 0)
    for reqs, matrix, is_mandatory in (
        (prep.mandatory, prep.s_mandatory, True),
        (prep.optional, prep.s_optional, False),
    ):
        for j, requirement in enumerate(reqs):
            column = matrix[rows, j]
            if column.size and column.max() > 0:
                winner = rows[int(np.argmax(column))]
                answers[winner].append(requirement)
                if is_mandatory:
                    mandatory_count[winner] += 1
                    mandatory_score[winner] += float(column.max())

    lead: int | None = None
    eligible = [i for i in rows if prep.can_lead[i]]
    if eligible:
        lead = max(
            eligible,
            key=lambda i: (
                mandatory_count[i],
                mandatory_score[i],
                prep.quality[i],
                -prep.candidates[i].key,
            ),
        )
    roles = {i: Role.SUBCONTRACTOR for i in rows}
    for i in rows:
        if mandatory_count[i]:
            roles[i] = Role.CO_CONTRACTOR
    if lead is not None:
        roles[lead] = Role.LEAD
    _promote_for_capacity(prep, rows, roles)

    counted = [prep.candidates[i] for i in rows if roles[i] is not Role.SUBCONTRACTOR]
    totals: dict[str, Decimal | int] = {
        "turnover": sum((Decimal(capacity(c, "turnover")) for c in counted), Decimal(0)),
        "staff": sum(int(capacity(c, "staff")) for c in counted),
        "references": sum(int(capacity(c, "references")) for c in counted),
    }
    met = {t: totals[t] >= prep.required[t] for t in prep.thresholds}
    shortfall = {t: prep.required[t] - totals[t] for t in prep.thresholds if not met[t]}

    members = [
        TeamMember(
            key=prep.candidates[i].key,
            name=prep.candidates[i].name,
            role=roles[i],
            answers=answers[i],
        )
        for i in rows
    ]
    members.sort(key=lambda m: (ROLE_ORDER[m.role], m.name.casefold(), m.key))
    answered = {r for i in rows for r in answers[i]}
    covered = [
        r for r in _unique([*prep.problem.mandatory, *prep.problem.optional]) if r in answered
    ]
    missing = [r for r in _unique(prep.problem.mandatory) if r not in answered]
    lead_key = prep.candidates[lead].key if lead is not None else None
    value = assignment_value(prep, {m.key: m.answers for m in members}, lead_key)
    return Team(
        members=members,
        objective=round(value, 9),
        covered=covered,
        missing=missing,
        totals=totals,
        thresholds_met=met,
        grouping_form=grouping_form(members, prep.problem.buyer_form),
        method=method,
        shortfall=shortfall,
    )


def _promote_for_capacity(prep: Prepared, rows: list[int], roles: dict[int, Role]) -> None:
    """Make co-contractors of the optional-only members whose capacities a threshold needs."""
    if not prep.thresholds:
        return
    members = {i: prep.candidates[i] for i in rows}

    def total(which: Iterable[int], threshold: str) -> Decimal:
        return sum((Decimal(capacity(members[i], threshold)) for i in which), Decimal(0))

    def help_of(i: int, need: dict[str, Decimal]) -> Decimal:
        """How much of what is missing member i brings, as a share of each threshold."""
        shares = (
            min(Decimal(capacity(members[i], t)), v) / Decimal(prep.required[t])
            for t, v in need.items()
        )
        return sum(shares, Decimal(0))

    target = {t: min(total(rows, t), Decimal(prep.required[t])) for t in prep.thresholds}
    while True:
        counted = [i for i in rows if roles[i] is not Role.SUBCONTRACTOR]
        need = {t: target[t] - total(counted, t) for t in prep.thresholds}
        need = {t: v for t, v in need.items() if v > 0}
        others = [i for i in rows if roles[i] is Role.SUBCONTRACTOR]
        if not need or not others:
            return
        best = max(others, key=lambda i: (help_of(i, need), -members[i].key))
        if help_of(best, need) <= 0:
            return
        roles[best] = Role.CO_CONTRACTOR
