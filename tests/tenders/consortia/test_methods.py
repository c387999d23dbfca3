"""The exact method against brute force, and the greedy method against the exact one."""

from __future__ import annotations

import itertools

import pytest

from grappe.tenders.consortia import TeamProblem, objective, propose_teams

from .instances import brute_force_best, brute_force_value, covers, random_problem

TINY = range(20)


def tiny(seed: int) -> TeamProblem:
    """Seven to nine candidates, every rule in play; some lots have no team meeting them all."""
    return random_problem(
        seed, candidates=7 + seed % 3, mandatory=3 + seed % 2, optional=2, max_members=3
    )


def respects_rules(problem: TeamProblem, keys: frozenset[int]) -> bool:
    pairs = (frozenset(p) for p in itertools.combinations(keys, 2))
    return len(keys) <= problem.max_members and not any(p in problem.conflicts for p in pairs)


@pytest.mark.parametrize("seed", TINY)
def test_exact_finds_the_brute_force_optimum(seed: int) -> None:
    problem = tiny(seed)
    best_value, best_team = brute_force_best(problem)

    result = propose_teams(problem, method="exact", count=1)

    team = result.teams[0]
    assert team.objective == pytest.approx(best_value, abs=1e-6), (best_team, team.keys)
    assert brute_force_value(problem, tuple(sorted(team.keys)))[1] == pytest.approx(best_value)
    assert respects_rules(problem, team.keys)


def test_the_tiny_instances_include_lots_no_team_can_fully_answer() -> None:
    """Otherwise the brute-force check above would not test the relaxed model."""
    ok = [brute_force_value(p, brute_force_best(p)[1])[0] for p in map(tiny, TINY)]

    assert any(ok)
    assert not all(ok)


@pytest.mark.parametrize("seed", range(8))
def test_exact_later_teams_are_the_best_of_the_remaining_ones(seed: int) -> None:
    """Team k is the brute-force best among teams that differ from every earlier one: each
    leaves out a member of every earlier team and brings in a newcomer who covers something."""
    problem = tiny(seed)
    result = propose_teams(problem, method="exact", count=3)
    keys = sorted(c.key for c in problem.candidates)
    first_ok = brute_force_value(problem, tuple(sorted(result.teams[0].keys)))[0]

    for k, team in enumerate(result.teams[1:], start=1):
        earlier = [t.keys for t in result.teams[:k]]
        values = [
            brute_force_value(problem, combo)[1]
            for size in range(1, problem.max_members + 1)
            for combo in itertools.combinations(keys, size)
            if respects_rules(problem, frozenset(combo))
            and all(
                e - set(combo) and any(covers(problem, k) for k in set(combo) - e) for e in earlier
            )
            and (brute_force_value(problem, combo)[0] or not first_ok)
        ]
        assert team.objective == pytest.approx(max(values), abs=1e-6)


@pytest.mark.parametrize("seed", range(20))
def test_greedy_equals_exact_on_small_easy_lots(seed: int) -> None:
    problem = random_problem(
        seed,
        candidates=10,
        mandatory=4,
        optional=1,
        max_members=4,
        cover=0.4,
        lead_share=0.5,
        conflicts=1,
        thresholds=False,
    )

    result = propose_teams(problem, method="exact", count=1)
    exact = result.teams[0]
    greedy = propose_teams(problem, method="greedy", count=1).teams[0]

    assert greedy.objective == pytest.approx(exact.objective, abs=1e-9)
    assert greedy.missing == exact.missing == result.uncovered  # the gaps only


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("method", ["exact", "greedy"])
def test_no_method_breaks_conflicts_or_the_size_limit(seed: int, method: str) -> None:
    problem = random_problem(
        100 + seed, candidates=60, mandatory=6, optional=2, max_members=3, cover=0.1, conflicts=300
    )

    result = propose_teams(problem, method=method, count=3)

    assert result.teams
    for team in result.teams:
        assert respects_rules(problem, team.keys)
        assert objective(problem, team) == pytest.approx(team.objective)
        assert team.objective == pytest.approx(
            brute_force_value(problem, tuple(sorted(team.keys)))[1]
        )


@pytest.mark.parametrize("seed", range(5))
def test_greedy_is_never_better_than_exact(seed: int) -> None:
    """The exact method is optimal: a greedy team scoring higher would reveal a bug in one."""
    problem = random_problem(200 + seed, candidates=40, mandatory=6, optional=2, max_members=4)

    exact = propose_teams(problem, method="exact", count=1).teams[0]
    greedy = propose_teams(problem, method="greedy", count=1).teams[0]

    assert greedy.objective <= exact.objective + 1e-9
