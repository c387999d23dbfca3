"""The rules a user relies on, checked with both methods on lots small enough to reason about."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from grappe.tenders.consortia import (
    Candidate,
    Role,
    Team,
    TeamProblem,
    TeamsResult,
    objective,
    propose_teams,
)

METHODS = ["exact", "greedy"]


def member(key: int, scores: dict[str, float], **fields) -> Candidate:
    return Candidate(key=key, name=f"Org {key}", scores=scores, **fields)


def roles(team: Team) -> dict[int, Role]:
    return {m.key: m.role for m in team.members}


def answers(team: Team) -> dict[int, list[str]]:
    return {m.key: m.answers for m in team.members}


def three_skills() -> TeamProblem:
    """Three mandatory skills spread over five members, two of whom may lead."""
    return TeamProblem(
        mandatory=["dev", "hosting", "training"],
        labels={"dev": "Développement", "hosting": "Hébergement", "training": "Formation"},
        candidates=[
            member(1, {"dev": 0.9}, can_lead=True, quality=0.8),
            member(2, {"hosting": 0.8}),
            member(3, {"training": 0.7, "dev": 0.3}),
            member(4, {"hosting": 0.5, "training": 0.4}, can_lead=True),
            member(5, {"dev": 0.2}),
        ],
    )


@pytest.mark.parametrize("method", METHODS)
def test_every_team_covers_every_mandatory_requirement(method: str) -> None:
    result = propose_teams(three_skills(), method=method)

    assert result.teams
    for team in result.teams:
        assert team.missing == []
        assert set(team.covered) == {"dev", "hosting", "training"}
        answered = [r for m in team.members for r in m.answers]
        assert sorted(answered) == sorted(set(answered))  # each requirement answered once
    assert result.uncovered == []


@pytest.mark.parametrize("method", METHODS)
def test_best_team_takes_the_best_scores(method: str) -> None:
    best = propose_teams(three_skills(), method=method).teams[0]

    assert best.keys == {1, 2, 3}
    assert answers(best) == {1: ["dev"], 2: ["hosting"], 3: ["training"]}
    assert best.objective == pytest.approx(0.9 + 0.8 + 0.7 + 0.01 * 0.8 - 3 * 0.1)


@pytest.mark.parametrize("method", METHODS)
def test_exactly_one_lead_and_it_may_lead(method: str) -> None:
    result = propose_teams(three_skills(), method=method)

    for team in result.teams:
        leads = [m for m in team.members if m.role is Role.LEAD]
        assert len(leads) == 1
        assert leads[0] is team.lead
        assert team.lead.key in {1, 4}


@pytest.mark.parametrize("method", METHODS)
def test_a_lead_is_brought_in_when_the_best_coverers_cannot_lead(method: str) -> None:
    problem = TeamProblem(
        mandatory=["dev", "hosting"],
        candidates=[
            member(1, {"dev": 1.0, "hosting": 1.0}),
            member(2, {"dev": 0.5}, can_lead=True),
        ],
    )

    team = propose_teams(problem, method=method).teams[0]

    assert team.lead is not None and team.lead.key == 2
    assert answers(team) == {1: ["dev", "hosting"], 2: []}


@pytest.mark.parametrize("method", METHODS)
def test_conflicting_members_never_share_a_team(method: str) -> None:
    problem = three_skills()
    problem.conflicts = {frozenset({1, 3}), frozenset({2, 4})}

    result = propose_teams(problem, method=method, count=5)

    assert result.teams
    for team in result.teams:
        assert not {1, 3} <= team.keys
        assert not {2, 4} <= team.keys
        assert team.missing == []


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("limit", [1, 2, 3])
def test_teams_never_exceed_the_size_limit(method: str, limit: int) -> None:
    problem = three_skills()
    problem.max_members = limit

    result = propose_teams(problem, method=method, count=4)

    assert result.teams
    assert all(len(team.members) <= limit for team in result.teams)


@pytest.mark.parametrize("method", METHODS)
def test_turnover_adds_up_over_the_members(method: str) -> None:
    """Neither reaches 1 M€ alone; only the pair does, though 1 alone scores better."""
    problem = TeamProblem(
        mandatory=["dev"],
        min_turnover=Decimal("1000000"),
        max_members=2,
        candidates=[
            member(1, {"dev": 1.0}, can_lead=True, turnover=Decimal("300000")),
            member(2, {"dev": 0.6}, can_lead=True, turnover=Decimal("600000")),
            member(3, {"dev": 0.1}, turnover=Decimal("400000")),
        ],
    )

    result = propose_teams(problem, method=method, count=1)
    team = result.teams[0]

    assert team.keys == {2, 3}
    assert team.totals["turnover"] == Decimal("1000000")
    assert team.thresholds_met == {"turnover": True}
    assert roles(team) == {2: Role.LEAD, 3: Role.CO_CONTRACTOR}  # 3 counts for its turnover
    assert not any("short" in note for note in result.notes)


@pytest.mark.parametrize("method", METHODS)
def test_staff_and_references_add_up_and_unknown_counts_zero(method: str) -> None:
    problem = TeamProblem(
        mandatory=["dev"],
        min_staff=30,
        min_references=3,
        candidates=[
            member(1, {"dev": 1.0}, can_lead=True, staff=20, references=1),
            member(2, {"dev": 0.9}, staff=None, references=5),
            member(3, {"dev": 0.1}, staff=10, references=2),
        ],
    )

    team = propose_teams(problem, method=method, count=1).teams[0]

    assert team.keys == {1, 3}
    assert team.totals["staff"] == 30
    assert team.totals["references"] == 3
    assert team.thresholds_met == {"staff": True, "references": True}


@pytest.mark.parametrize("method", METHODS)
def test_requirements_nobody_covers_are_reported_as_gaps(method: str) -> None:
    problem = three_skills()
    problem.mandatory.append("secnumcloud")
    problem.optional = ["hds"]
    problem.labels["secnumcloud"] = "Qualification SecNumCloud"

    result = propose_teams(problem, method=method)

    assert result.uncovered == ["secnumcloud"]
    assert any("'Qualification SecNumCloud'" in note for note in result.notes)
    assert any("optional" in note and "'hds'" in note for note in result.notes)
    for team in result.teams:
        assert team.missing == ["secnumcloud"]
        assert "secnumcloud" not in team.covered
        assert all("secnumcloud" not in m.answers for m in team.members)
        assert set(team.covered) == {"dev", "hosting", "training"}


@pytest.mark.parametrize("method", METHODS)
def test_unreachable_threshold_gives_the_closest_team_and_says_the_shortfall(method: str) -> None:
    problem = TeamProblem(
        mandatory=["dev"],
        labels={"dev": "Développement"},
        min_turnover=Decimal("5000000"),
        max_members=2,
        candidates=[
            member(1, {"dev": 1.0}, can_lead=True, turnover=Decimal("1000000")),
            member(2, {"dev": 0.5}, turnover=Decimal("3000000")),
            member(3, {"dev": 0.5}, turnover=Decimal("2500000")),
        ],
    )

    result = propose_teams(problem, method=method, count=1)

    team = result.teams[0]
    assert team.keys == {1, 2}
    assert team.thresholds_met == {"turnover": False}
    assert team.shortfall == {"turnover": Decimal("1000000")}
    assert team.totals["turnover"] == Decimal("4000000")
    assert any("closest" in note for note in result.notes)
    assert "Team 1: turnover 4,000,000 EUR of the 5,000,000 EUR required, short by " in "\n".join(
        result.notes
    )
    assert any("short by 1,000,000 EUR" in note for note in result.notes)


@pytest.mark.parametrize("method", METHODS)
def test_unknown_turnover_is_named_when_a_team_falls_short(method: str) -> None:
    problem = TeamProblem(
        mandatory=["dev"],
        min_turnover=Decimal("1000000"),
        candidates=[member(1, {"dev": 1.0}, can_lead=True, turnover=None)],
    )

    result = propose_teams(problem, method=method)

    assert result.teams[0].thresholds_met == {"turnover": False}
    assert any("turnover unknown for Org 1, counted as 0" in note for note in result.notes)


@pytest.mark.parametrize("method", METHODS)
def test_a_requirement_out_of_reach_under_the_size_limit_is_reported(method: str) -> None:
    problem = three_skills()
    problem.max_members = 1  # nobody covers the three skills alone

    result = propose_teams(problem, method=method, count=1)

    team = result.teams[0]
    assert team.missing  # never faked as covered
    assert set(team.missing) | set(team.covered) == {"dev", "hosting", "training"}
    assert any(note.startswith("Team 1: does not cover") for note in result.notes)
    assert result.uncovered == []  # the cluster covers them; this team does not


@pytest.mark.parametrize("method", METHODS)
def test_no_candidate_may_lead_is_said_and_teams_have_no_lead(method: str) -> None:
    problem = three_skills()
    problem.candidates = [
        Candidate(c.key, c.name, c.scores, quality=c.quality) for c in problem.candidates
    ]

    result = propose_teams(problem, method=method)

    assert result.teams
    assert any("No candidate may lead" in note for note in result.notes)
    for team in result.teams:
        assert team.lead is None
        assert team.missing == []
        assert all(m.role is Role.CO_CONTRACTOR for m in team.members)


@pytest.mark.parametrize("method", METHODS)
def test_a_lead_ruled_out_by_conflicts_is_reported(method: str) -> None:
    problem = TeamProblem(
        mandatory=["dev"],
        conflicts={frozenset({1, 2})},
        max_members=2,
        candidates=[member(1, {"dev": 1.0}), member(2, {}, can_lead=True)],
    )

    result = propose_teams(problem, method=method)

    assert result.teams[0].keys == {1}
    assert result.teams[0].lead is None
    assert any("Team 1: has no member who may lead" in note for note in result.notes)


@pytest.mark.parametrize("method", METHODS)
def test_top_teams_are_different_and_best_first(method: str) -> None:
    result = propose_teams(three_skills(), method=method, count=3)

    assert len(result.teams) == 3
    values = [team.objective for team in result.teams]
    assert values == sorted(values, reverse=True)
    for earlier, later in itertools.combinations(result.teams, 2):
        assert earlier.keys != later.keys
        # each later team leaves out someone of the earlier one and brings someone new
        assert earlier.keys - later.keys
        assert later.keys - earlier.keys


@pytest.mark.parametrize("method", METHODS)
def test_fewer_teams_than_asked_are_explained(method: str) -> None:
    problem = TeamProblem(mandatory=["dev"], candidates=[member(1, {"dev": 1.0}, can_lead=True)])

    result = propose_teams(problem, method=method, count=3)

    assert [team.keys for team in result.teams] == [{1}]
    assert any(note.startswith("Only 1 different team") for note in result.notes)


@pytest.mark.parametrize("method", METHODS)
def test_members_answering_only_optional_requirements_are_subcontractors(method: str) -> None:
    problem = TeamProblem(
        mandatory=["dev", "hosting"],
        optional=["accessibility"],
        candidates=[
            member(1, {"dev": 0.9}, can_lead=True),
            member(2, {"hosting": 0.8}),
            member(3, {"accessibility": 0.9}),
        ],
    )

    team = propose_teams(problem, method=method, count=1).teams[0]

    assert roles(team) == {1: Role.LEAD, 2: Role.CO_CONTRACTOR, 3: Role.SUBCONTRACTOR}
    assert team.covered == ["dev", "hosting", "accessibility"]
    assert [m.key for m in team.members] == [1, 2, 3]  # lead, co-contractors, subcontractors
    assert team.grouping_form == "joint_lead_liable"


@pytest.mark.parametrize("method", METHODS)
def test_subcontractors_do_not_count_towards_thresholds_unless_needed(method: str) -> None:
    problem = TeamProblem(
        mandatory=["dev"],
        optional=["accessibility", "design"],
        min_turnover=Decimal("1000000"),
        candidates=[
            member(1, {"dev": 0.9}, can_lead=True, turnover=Decimal("700000")),
            member(2, {"accessibility": 0.9}, turnover=Decimal("500000")),
            member(3, {"design": 0.9}, turnover=Decimal("100000")),
        ],
    )

    team = propose_teams(problem, method=method, count=1).teams[0]

    assert roles(team) == {1: Role.LEAD, 2: Role.CO_CONTRACTOR, 3: Role.SUBCONTRACTOR}
    assert team.totals["turnover"] == Decimal("1200000")
    assert team.thresholds_met == {"turnover": True}
    assert team.grouping_form == "joint_lead_liable"


@pytest.mark.parametrize("method", METHODS)
def test_a_lead_with_only_subcontractors_answers_alone(method: str) -> None:
    problem = TeamProblem(
        mandatory=["dev"],
        optional=["design"],
        buyer_form="Groupement solidaire exigé",
        candidates=[member(1, {"dev": 0.9}, can_lead=True), member(2, {"design": 0.9})],
    )

    team = propose_teams(problem, method=method, count=1).teams[0]

    assert roles(team) == {1: Role.LEAD, 2: Role.SUBCONTRACTOR}
    assert team.grouping_form == "sole"


@pytest.mark.parametrize("method", METHODS)
def test_buyer_form_is_followed(method: str) -> None:
    problem = three_skills()
    problem.buyer_form = "En cas de groupement, la forme exigée est le groupement solidaire."

    team = propose_teams(problem, method=method, count=1).teams[0]

    assert team.grouping_form == "joint_and_several"


@pytest.mark.parametrize("method", METHODS)
def test_objective_scores_the_returned_teams_the_same_way(method: str) -> None:
    problem = three_skills()
    problem.optional = ["accessibility"]
    problem.candidates.append(member(6, {"accessibility": 0.7}, quality=0.2))

    for team in propose_teams(problem, method=method).teams:
        assert objective(problem, team) == pytest.approx(team.objective)
        lead = team.lead.key if team.lead else None
        assert objective(problem, team.assignment, lead=lead) == pytest.approx(team.objective)


def test_objective_does_not_count_answers_a_member_cannot_give() -> None:
    problem = three_skills()

    honest = objective(problem, {1: ["dev"], 2: ["hosting"], 3: ["training"]}, lead=1)
    faked = objective(problem, {1: ["dev", "hosting", "training"]}, lead=1)

    assert faked < honest
    assert objective(problem, {1: ["dev"], 2: ["hosting"], 3: ["training"]}) < honest  # no lead


def summary(result: TeamsResult) -> list:
    return [
        (t.objective, [(m.key, m.role, m.answers) for m in t.members], t.totals)
        for t in result.teams
    ]


@pytest.mark.parametrize("method", METHODS)
def test_same_input_same_output(method: str) -> None:
    from .instances import random_problem

    problem = random_problem(7, candidates=40, mandatory=5, optional=2, max_members=4)

    first = propose_teams(problem, method=method)
    again = propose_teams(problem, method=method)
    shuffled = random_problem(7, candidates=40, mandatory=5, optional=2, max_members=4)
    shuffled.candidates.reverse()

    assert summary(first) == summary(again)
    assert first.notes == again.notes
    assert summary(propose_teams(shuffled, method=method)) == summary(first)


def test_candidates_that_add_nothing_are_left_out_and_counted() -> None:
    problem = three_skills()
    problem.candidates.append(member(9, {"unrelated": 1.0}))

    result = propose_teams(problem)

    assert result.candidates_considered == 5
    assert any(note.startswith("1 candidate(s) cover no requirement") for note in result.notes)


def test_no_candidates_gives_no_team_and_says_why() -> None:
    result = propose_teams(TeamProblem(mandatory=["dev"]))

    assert result.teams == []
    assert result.uncovered == ["dev"]
    assert "There are no candidates." in result.notes


def test_auto_switches_to_greedy_above_the_exact_limit() -> None:
    result = propose_teams(three_skills(), exact_limit=3)

    assert result.method == "greedy"
    assert all(team.method == "greedy" for team in result.teams)
    assert any("exact method's limit (3)" in note for note in result.notes)
    assert propose_teams(three_skills()).method == "exact"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"max_members": 0}, "max_members"),
        ({"candidates": [member(1, {"dev": 1.5})]}, "score of 'dev'"),
        ({"candidates": [member(1, {"dev": float("nan")})]}, "score of 'dev'"),
        ({"candidates": [member(1, {}), member(1, {})]}, "unique"),
        ({"candidates": [member(1, {}, staff=-1)]}, "staff is negative"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_it(change: dict, message: str) -> None:
    problem = TeamProblem(mandatory=["dev"], **change)

    with pytest.raises(ValueError, match=message):
        propose_teams(problem)


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="method"):
        propose_teams(three_skills(), method="clever")  # type: ignore[arg-type]
