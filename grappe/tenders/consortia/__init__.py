"""The consortium optimiser: for one lot, the best teams of cluster members that answer it.

Pure Python (no Django, no database): `propose_teams(TeamProblem) -> TeamsResult`.

Model. Binary x_i (member in team), l_i (member leads: l_i ≤ x_i, only for members that may
lead, Σ l_i = 1: exactly one mandataire), y_ir (member i answers requirement r: y_ir ≤ x_i,
only where i scores above 0 on r; Σ_i y_ir = 1 for each mandatory r some candidate covers,
≤ 1 for each optional r); Σ x_i ≤ max_members; x_i + x_j ≤ 1 for each conflicting pair;
Σ turnover_i x_i ≥ min_turnover, same for staff and references, each divided by its threshold
(and capped at 1 per member) so the coefficients stay in 0..1.
Objective (`scoring`): maximise Σ score_ir y_ir (mandatory) + 0.3 Σ score_ir y_ir (optional)
+ 0.01 Σ quality_i x_i - 0.1 Σ x_i: coverage first, and a member joins only when it adds
clearly to it (fewer members when coverage is close).

- Mandatory requirements no candidate covers are gaps: listed in `uncovered`, left out of the
  constraints, and in every team's `missing`; never shown as covered.
- When no team meets the thresholds, the lead rule and full coverage, the rules become
  penalised slacks and the closest teams come back, `thresholds_met` and the notes saying what
  is short and by how much. Conflicts and the size limit are never relaxed.
- When nobody may lead, the notes say so and the teams have no lead.
- Several teams: each leaves out at least one member of every earlier team; best first.
- Methods: "exact" (HiGHS, `exact.py`) up to `exact_limit` candidates, else "greedy"
  (`greedy.py`); both score teams with `objective()`, so their values compare.
- Roles and grouping forms: see `teams.py` and `scoring.build_team`.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Literal

from .exact import exact_teams
from .greedy import greedy_teams
from .problem import Candidate, TeamProblem
from .scoring import Prepared, build_team, objective, prepare
from .teams import (
    GROUPING_FORMS,
    JOINT,
    JOINT_AND_SEVERAL,
    JOINT_LEAD_LIABLE,
    SOLE,
    Method,
    Role,
    Team,
    TeamMember,
    TeamsResult,
    grouping_form,
)

__all__ = [
    "GROUPING_FORMS",
    "JOINT",
    "JOINT_AND_SEVERAL",
    "JOINT_LEAD_LIABLE",
    "SOLE",
    "Candidate",
    "Role",
    "Team",
    "TeamMember",
    "TeamProblem",
    "TeamsResult",
    "grouping_form",
    "objective",
    "propose_teams",
]


def propose_teams(
    problem: TeamProblem,
    *,
    count: int = 3,
    exact_limit: int = 200,
    time_limit: float = 10.0,
    method: Literal["auto", "exact", "greedy"] = "auto",
) -> TeamsResult:
    """Up to `count` different teams for the lot, best first, with what each lacks.

    "auto" solves exactly when at most `exact_limit` candidates can contribute anything,
    greedily above. `time_limit` (seconds) bounds the exact method; if it finds no team in
    time, the greedy method answers instead.
    """
    if method not in ("auto", "exact", "greedy"):
        raise ValueError(f"method must be 'auto', 'exact' or 'greedy', not {method!r}")
    if count < 1:
        raise ValueError(f"count must be at least 1, not {count}")
    started = time.perf_counter()
    prep = prepare(problem)
    notes = _problem_notes(prep)

    def result(teams: list[Team], used: Method) -> TeamsResult:
        return TeamsResult(
            teams=teams,
            uncovered=list(prep.gaps),
            method=used,
            seconds=time.perf_counter() - started,
            candidates_considered=prep.size,
            notes=notes,
        )

    if not prep.mandatory and not prep.optional:
        notes.append("No candidate covers any requirement of the lot: no team is proposed.")
        return result([], "exact" if method == "exact" else "greedy")

    use_exact = method == "exact" or (method == "auto" and prep.size <= exact_limit)
    used: Method = "exact" if use_exact else "greedy"
    if method == "auto" and not use_exact:
        notes.append(
            f"{prep.size} candidates are more than the exact method's limit ({exact_limit}): "
            "the teams come from the greedy method and may not be the best possible."
        )
    rows: list[tuple[int, ...]] = []
    if use_exact:
        outcome = exact_teams(prep, count=count, time_limit=time_limit)
        rows = outcome.teams
        if not rows and outcome.timed_out:
            notes.append(
                f"The exact method found no team within {time_limit:g} s: "
                "the teams come from the greedy method."
            )
            used = "greedy"
        elif outcome.timed_out:
            notes.append(
                f"The exact method stopped at the time limit ({time_limit:g} s): "
                "the last team may not be the best possible."
            )
    if used == "greedy":
        rows = greedy_teams(prep, count=count)

    teams = [build_team(prep, team, used) for team in rows]
    teams.sort(key=lambda t: (-t.objective, sorted(t.keys)))
    if teams and not _shortcomings(prep, teams[0]):
        kept = [t for t in teams if not _shortcomings(prep, t)]
        if len(kept) < len(teams):
            notes.append(
                f"{len(teams) - len(kept)} other team(s) the greedy method found break a rule "
                "of the lot and are not shown."
            )
        teams = kept
    elif teams and used == "exact":
        notes.append(
            "No team meets every condition of the lot: the teams below are the closest ones."
        )
    elif teams:
        notes.append(
            "The greedy method found no team meeting every condition of the lot (one may "
            "exist): the teams below are the closest it found."
        )
    if not teams:
        notes.append("No team could be formed under the size limit and the conflicts.")
    elif len(teams) < count:
        notes.append(
            f"Only {len(teams)} different team(s) could be formed (each team leaves out a "
            "member of every earlier team and brings in someone new)."
        )
    for number, team in enumerate(teams, start=1):
        notes.extend(f"Team {number}: {text}" for text in _shortcomings(prep, team))
    return result(teams, used)


def _quoted(prep: Prepared, requirements: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"'{prep.problem.label(r)}'" for r in requirements)


def _problem_notes(prep: Prepared) -> list[str]:
    notes = []
    if not prep.by_key:
        notes.append("There are no candidates.")
    if prep.gaps:
        notes.append(
            f"No candidate covers the mandatory requirement(s) {_quoted(prep, prep.gaps)}: "
            "every team lacks them; a partner from outside the cluster is needed."
        )
    if prep.optional_gaps:
        notes.append(
            f"No candidate covers the optional requirement(s) {_quoted(prep, prep.optional_gaps)}."
        )
    if prep.candidates and not prep.lead_required:
        notes.append(
            "No candidate may lead (be mandataire): the teams have no lead; one must be found."
        )
    if prep.left_out:
        notes.append(
            f"{prep.left_out} candidate(s) cover no requirement, may not lead and add no "
            "capacity the lot asks for: left out."
        )
    return notes


def _amount(threshold: str, value: Decimal | int) -> str:
    if threshold == "turnover":
        return f"{Decimal(value):,.0f} EUR"
    return f"{value:,}"


def _shortcomings(prep: Prepared, team: Team) -> list[str]:
    """What keeps a team from meeting the lot's conditions (gaps of the cluster aside)."""
    texts = []
    lacking = [r for r in team.missing if r not in prep.gaps]
    if lacking:
        texts.append(f"does not cover the mandatory requirement(s) {_quoted(prep, lacking)}.")
    if prep.lead_required and team.lead is None:
        texts.append("has no member who may lead (be mandataire).")
    for threshold, short in team.shortfall.items():
        text = (
            f"{threshold} {_amount(threshold, team.totals[threshold])} of the "
            f"{_amount(threshold, prep.required[threshold])} required, "
            f"short by {_amount(threshold, short)}"
        )
        unknown = [
            m.name
            for m in team.members
            if m.role is not Role.SUBCONTRACTOR and getattr(prep.by_key[m.key], threshold) is None
        ]
        if unknown:
            text += f" ({threshold} unknown for {', '.join(unknown)}, counted as 0)"
        texts.append(text + ".")
    return texts
