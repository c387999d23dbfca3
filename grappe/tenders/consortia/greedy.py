"""The greedy method, for lots with too many candidates for the exact one (or on request).

For each start, a possible lead among the few that cover the most mandatory requirements (or an
empty team when nobody may lead):
1. add members one at a time, taking the candidate that covers the most mandatory requirements
   not yet covered, then the one that raises the objective most (score gain, and the threshold
   shortfall, which the objective penalises); conflicts and the size limit are never broken;
   stop when nobody adds anything;
2. improve locally: the best move among adding an outsider, dropping a member, or swapping a
   member for an outsider, repeated while it raises the objective.
The best team over the starts is kept. It is scored with the objective of `scoring`, so its
value compares with the exact method's.

Several teams: the exact method's diversity rule. Each new team leaves out at least one member
of every earlier team and brings in at least one candidate outside it that covers a
requirement; the search above runs again under that rule (a team that breaks it is worth
nothing to the local improvement).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .scoring import TOLERANCE, Prepared, set_value, values_adding

STARTS = 8  # leads tried as starting points
MAX_MOVES = 50  # local improvement stops after this many moves, a guard against cycling

Teams = list[tuple[int, ...]]


def greedy_teams(prep: Prepared, *, count: int) -> Teams:
    """Up to `count` teams (candidate rows), in the order found."""
    teams: Teams = []
    for _ in range(count):
        team = _best_team(prep, teams)
        if not team:
            break
        teams.append(team)
    return teams


def _joinable(prep: Prepared, rows: Sequence[int], earlier: Teams) -> np.ndarray:
    """Who may join `rows`: not in it, no conflict with a member, no earlier team rebuilt."""
    joinable = np.ones(prep.size, dtype=bool)
    for i in rows:
        joinable[i] = False
        for j in prep.neighbours[i]:
            joinable[j] = False
    inside = set(rows)
    for team in earlier:
        outside = [i for i in team if i not in inside]
        if len(outside) == 1:
            joinable[outside[0]] = False
        elif not outside:  # rows already hold an earlier team: nobody may join
            joinable[:] = False
    return joinable


def _within_earlier(prep: Prepared, rows: Sequence[int], earlier: Teams) -> np.ndarray:
    """Who, joining `rows`, would leave it inside an earlier team (no new member)."""
    within = np.zeros(prep.size, dtype=bool)
    inside = set(rows)
    for team in earlier:
        if inside.issubset(team):
            within[list(team)] = True
    return within


def _valid(prep: Prepared, rows: Sequence[int], earlier: Teams) -> bool:
    """A new team: for every earlier team, it leaves out one of its members and brings in a
    member that covers a requirement (the exact method's cuts)."""
    inside = set(rows)
    return bool(inside) and all(
        set(team) - inside and any(prep.covers_any[i] for i in inside - set(team))
        for team in earlier
    )


def _value(prep: Prepared, rows: Sequence[int], earlier: Teams) -> float:
    return set_value(prep, rows) if _valid(prep, rows, earlier) else -np.inf


def _starts(prep: Prepared, earlier: Teams) -> list[list[int]]:
    if not prep.lead_required:
        return [[]]
    candidates = np.flatnonzero(_joinable(prep, (), earlier) & prep.can_lead)
    if not len(candidates):
        return [[]]
    coverage = (prep.s_mandatory[candidates] > 0).sum(axis=1)
    alone = values_adding(prep, ())[candidates]
    order = sorted(range(len(candidates)), key=lambda k: (-coverage[k], -alone[k], candidates[k]))
    return [[int(candidates[k])] for k in order[:STARTS]]


def _best_team(prep: Prepared, earlier: Teams) -> tuple[int, ...]:
    best: tuple[int, ...] = ()
    best_value = -np.inf
    for start in _starts(prep, earlier):
        team = _improve(prep, _grow(prep, start, earlier), earlier)
        value = _value(prep, team, earlier)
        if value > best_value + TOLERANCE:
            best, best_value = tuple(sorted(team)), value
    return best


def _grow(prep: Prepared, rows: list[int], earlier: Teams) -> list[int]:
    while len(rows) < prep.problem.max_members:
        joinable = _joinable(prep, rows, earlier)
        if not joinable.any():
            break
        current = set_value(prep, rows) if rows else -np.inf
        covered = (
            prep.s_mandatory[rows].max(axis=0) > 0
            if rows
            else np.zeros(len(prep.mandatory), dtype=bool)
        )
        new_coverage = ((prep.s_mandatory > 0) & ~covered).sum(axis=1)
        values = values_adding(prep, rows)
        pick = max(np.flatnonzero(joinable), key=lambda j: (new_coverage[j], values[j], -j))
        if new_coverage[pick] == 0 and values[pick] <= current + TOLERANCE:
            break
        rows.append(int(pick))
    return rows


def _improve(prep: Prepared, rows: list[int], earlier: Teams) -> list[int]:
    """Best-improvement local search over add, drop and swap moves."""
    limit = prep.problem.max_members

    def best_joining(base: list[int], also_excluded: int | None = None) -> tuple[int, float]:
        joinable = _joinable(prep, base, earlier) & ~_within_earlier(prep, base, earlier)
        if also_excluded is not None:
            joinable[also_excluded] = False
        if not joinable.any():
            return -1, -np.inf
        values = np.where(joinable, values_adding(prep, base), -np.inf)
        j = int(np.argmax(values))
        return j, float(values[j])

    for _ in range(MAX_MOVES):
        best_rows: list[int] | None = None
        best_value = _value(prep, rows, earlier) + TOLERANCE
        if len(rows) < limit:
            j, value = best_joining(rows)
            if value > best_value:
                best_rows, best_value = [*rows, j], value
        for a in rows:
            rest = [i for i in rows if i != a]
            value = _value(prep, rest, earlier)
            if value > best_value:
                best_rows, best_value = rest, value
            j, value = best_joining(rest, also_excluded=a)
            if value > best_value:
                best_rows, best_value = [*rest, j], value
        if best_rows is None:
            return rows
        rows = best_rows
    return rows
