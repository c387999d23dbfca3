"""Seeded random lots and a brute-force solver, to check the optimiser against the truth."""

from __future__ import annotations

import itertools
import random
from decimal import Decimal

from grappe.tenders.consortia import Candidate, TeamProblem
from grappe.tenders.consortia.scoring import (
    W_MANDATORY,
    W_MEMBER,
    W_OPTIONAL,
    W_QUALITY,
    capacity,
)


def random_problem(
    seed: int,
    *,
    candidates: int = 8,
    mandatory: int = 4,
    optional: int = 2,
    max_members: int = 3,
    cover: float = 0.3,
    lead_share: float = 0.4,
    conflicts: int = 2,
    thresholds: bool = True,
) -> TeamProblem:
    """A lot like the cluster's: sparse skills, a few leads, a few conflicts, thresholds."""
    rng = random.Random(seed)
    m_keys = [f"m{j}" for j in range(mandatory)]
    o_keys = [f"o{j}" for j in range(optional)]
    people = []
    for key in range(1, candidates + 1):
        scores = {
            r: round(rng.uniform(0.2, 1.0), 2) for r in m_keys + o_keys if rng.random() < cover
        }
        people.append(
            Candidate(
                key=key,
                name=f"Member {key:03d}",
                scores=scores,
                turnover=Decimal(rng.randrange(50, 1500) * 1000) if rng.random() < 0.9 else None,
                staff=rng.randrange(1, 60) if rng.random() < 0.9 else None,
                references=rng.randrange(0, 4),
                can_lead=rng.random() < lead_share,
                quality=round(rng.random(), 3),
            )
        )
    pairs = set()
    while len(pairs) < min(conflicts, candidates * (candidates - 1) // 2):
        a, b = rng.sample(range(1, candidates + 1), 2)
        pairs.add(frozenset({a, b}))
    return TeamProblem(
        mandatory=m_keys,
        optional=o_keys,
        min_turnover=Decimal(rng.randrange(500, 2500) * 1000) if thresholds else None,
        min_staff=rng.randrange(10, 80) if thresholds else None,
        min_references=rng.randrange(1, 6) if thresholds else None,
        max_members=max_members,
        conflicts=pairs,
        candidates=people,
    )


def covers(problem: TeamProblem, key: int) -> bool:
    candidate = next(c for c in problem.candidates if c.key == key)
    return any(candidate.scores.get(r, 0.0) > 0 for r in [*problem.mandatory, *problem.optional])


def brute_force_value(problem: TeamProblem, keys: tuple[int, ...]) -> tuple[bool, float]:
    """(meets every rule, value) of a team, written again from the documented formula."""
    by_key = {c.key: c for c in problem.candidates}
    members = [by_key[k] for k in keys]
    everyone = problem.candidates

    def best(requirement: str, among: list[Candidate]) -> float:
        return max((float(c.scores.get(requirement, 0.0)) for c in among), default=0.0)

    mandatory = [r for r in problem.mandatory if best(r, everyone) > 0]
    optional = [r for r in problem.optional if best(r, everyone) > 0]
    value = (
        W_MANDATORY * sum(best(r, members) for r in mandatory)
        + W_OPTIONAL * sum(best(r, members) for r in optional)
        + W_QUALITY * sum(c.quality for c in members)
        - W_MEMBER * len(members)
    )
    missing = sum(1 for r in mandatory if best(r, members) == 0)
    no_lead = any(c.can_lead for c in everyone) and not any(c.can_lead for c in members)
    short = 0.0
    for name, need in (
        ("turnover", problem.min_turnover),
        ("staff", problem.min_staff),
        ("references", problem.min_references),
    ):
        if need:
            have = sum(min(float(capacity(c, name)) / float(need), 1.0) for c in members)
            short += max(0.0, 1.0 - have) if have < 1.0 - 1e-9 else 0.0
    big = 1 + len(mandatory) + len(optional) + problem.max_members
    ok = missing == 0 and not no_lead and short == 0.0
    return ok, value - big * (missing + int(no_lead) + short)


def brute_force_best(problem: TeamProblem) -> tuple[float, tuple[int, ...]]:
    """The best team over every team of at most max_members without a conflict.

    Teams meeting every rule win over the others, as in the exact method's two phases.
    """
    keys = sorted(c.key for c in problem.candidates)
    best: tuple[bool, float, tuple[int, ...]] = (False, float("-inf"), ())
    for size in range(1, problem.max_members + 1):
        for team in itertools.combinations(keys, size):
            if any(
                frozenset(pair) in problem.conflicts for pair in itertools.combinations(team, 2)
            ):
                continue
            ok, value = brute_force_value(problem, team)
            if (ok, value) > best[:2]:
                best = (ok, value, team)
    return best[1], best[2]
