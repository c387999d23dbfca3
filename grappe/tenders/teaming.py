"""From a lot's ranked members to proposed consortia, with the coverage matrix behind each team.

The glue between matching (scores and evidence, from the database) and the optimiser (plain
data): a member counts as covering a requirement only when its score reaches the covered
threshold, so the optimiser never builds a team on a weak hint.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from grappe.tenders.consortia import Candidate, Team, TeamMember, TeamProblem, TeamsResult
from grappe.tenders.consortia import propose_teams as optimise
from grappe.tenders.matching import LotMatches, MemberMatch, RequirementScore, match_lot
from grappe.tenders.models import Lot, Requirement, RequirementKind, TeamConflict

DEFAULT_TEAMS = 3
DEFAULT_MAX_MEMBERS = 4


@dataclass
class Cell:
    """One square of the coverage matrix: how a team member answers one requirement."""

    result: RequirementScore | None
    answers: bool  # the optimiser assigned it this requirement


@dataclass
class ProposedTeam:
    team: Team
    members: list[tuple[TeamMember, MemberMatch]]
    rows: list[tuple[Requirement, list[Cell]]]  # requirement × member

    @property
    def lead(self) -> MemberMatch | None:
        return next((match for member, match in self.members if member.role == "lead"), None)


@dataclass
class LotTeams:
    matches: LotMatches
    result: TeamsResult
    teams: list[ProposedTeam]
    problem: TeamProblem

    @property
    def gaps(self) -> list[Requirement]:
        keys = set(self.result.uncovered)
        return [r for r in self.matches.scored if r.key in keys]


def teams_for_lot(
    lot: Lot,
    *,
    matches: LotMatches | None = None,
    count: int = DEFAULT_TEAMS,
    max_members: int = DEFAULT_MAX_MEMBERS,
    method: str = "auto",
) -> LotTeams:
    matches = matches or match_lot(lot, limit=None)
    problem = team_problem(matches, max_members=max_members)
    result = optimise(problem, count=count, method=method)
    by_key = {match.member.id: match for match in matches.members}
    teams = [_proposed(team, by_key, matches) for team in result.teams]
    return LotTeams(matches=matches, result=result, teams=teams, problem=problem)


def team_problem(matches: LotMatches, *, max_members: int = DEFAULT_MAX_MEMBERS) -> TeamProblem:
    scored = matches.scored
    candidates = [
        Candidate(
            key=match.member.id,
            name=match.member.name,
            scores={key: result.score for key, result in match.scores.items() if result.covered},
            turnover=match.member.turnover,
            staff=match.member.staff,
            references=match.references,
            can_lead=match.can_lead,
            quality=match.score,
        )
        for match in matches.members
        if any(result.covered for result in match.scores.values())
    ]
    thresholds = _thresholds(matches.requirements)
    return TeamProblem(
        mandatory=[r.key for r in scored if r.mandatory],
        optional=[r.key for r in scored if not r.mandatory],
        labels={r.key: r.display_label for r in scored},
        min_turnover=thresholds.get(RequirementKind.TURNOVER),
        min_staff=_as_int(thresholds.get(RequirementKind.STAFF)),
        min_references=_as_int(thresholds.get(RequirementKind.REFERENCES)),
        max_members=max_members,
        conflicts=TeamConflict.pairs([c.key for c in candidates]),
        candidates=candidates,
        buyer_form=matches.lot.tender.grouping_form or None,
    )


def _thresholds(requirements: list[Requirement]) -> dict[str, Decimal]:
    """The highest mandatory threshold of each summed kind (a lot rarely states two)."""
    found: dict[str, Decimal] = {}
    for requirement in requirements:
        if requirement.summed and requirement.mandatory and requirement.threshold is not None:
            kind = requirement.kind
            found[kind] = max(found.get(kind, requirement.threshold), requirement.threshold)
    return found


def _as_int(value: Decimal | None) -> int | None:
    return int(value) if value is not None else None


def _proposed(team: Team, by_key: dict[int, MemberMatch], matches: LotMatches) -> ProposedTeam:
    members = [(member, by_key[member.key]) for member in team.members]
    rows = [
        (
            requirement,
            [
                Cell(
                    result=match.scores.get(requirement.key),
                    answers=requirement.key in member.answers,
                )
                for member, match in members
            ],
        )
        for requirement in matches.scored
    ]
    return ProposedTeam(team=team, members=members, rows=rows)
