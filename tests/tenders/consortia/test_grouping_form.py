"""The form of the candidacy: the buyer's wording when it names one, else the usual practice."""

from __future__ import annotations

import pytest

from grappe.tenders.consortia import (
    GROUPING_FORMS,
    Role,
    Team,
    TeamMember,
    grouping_form,
)


def team(*roles: Role) -> Team:
    members = [TeamMember(key=i, name=f"Org {i}", role=r, answers=[]) for i, r in enumerate(roles)]
    return Team(
        members=members,
        objective=0.0,
        covered=[],
        missing=[],
        totals={},
        thresholds_met={},
        grouping_form="",
        method="exact",
    )


PAIR = team(Role.LEAD, Role.CO_CONTRACTOR)


@pytest.mark.parametrize(
    "buyer_form",
    [None, "Groupement solidaire exigé", "joint and several liability required", "joint"],
)
def test_one_member_answers_alone(buyer_form: str | None) -> None:
    assert grouping_form(team(Role.LEAD), buyer_form) == "sole"
    assert grouping_form(team(Role.CO_CONTRACTOR), buyer_form) == "sole"


def test_subcontractors_do_not_make_a_groupement() -> None:
    assert grouping_form(team(Role.LEAD, Role.SUBCONTRACTOR, Role.SUBCONTRACTOR)) == "sole"


def test_without_buyer_form_the_usual_practice_applies() -> None:
    assert grouping_form(PAIR) == "joint_lead_liable"
    assert grouping_form(PAIR, "") == "joint_lead_liable"
    assert grouping_form(PAIR, "Aucune forme de groupement n'est imposée.") == "joint_lead_liable"


@pytest.mark.parametrize(
    ("buyer_form", "expected"),
    [
        ("Groupement solidaire", "joint_and_several"),
        ("La forme du groupement exigée est : SOLIDAIRE", "joint_and_several"),
        ("Joint and several liability of all members", "joint_and_several"),
        ("The members shall be jointly and severally liable", "joint_and_several"),
        ("Groupement conjoint avec mandataire solidaire", "joint_lead_liable"),
        ("Le mandataire sera solidaire des autres membres", "joint_lead_liable"),
        ("Joint group, lead jointly liable", "joint_lead_liable"),
        ("Groupement conjoint", "joint"),
        ("Joint consortium", "joint"),
        ("joint_and_several", "joint_and_several"),
        ("joint_lead_liable", "joint_lead_liable"),
    ],
)
def test_buyer_form_is_read_in_french_and_english(buyer_form: str, expected: str) -> None:
    assert grouping_form(PAIR, buyer_form) == expected


def test_forms_are_stable_keys() -> None:
    assert GROUPING_FORMS == ("sole", "joint", "joint_lead_liable", "joint_and_several")
    assert grouping_form(team(Role.LEAD, Role.CO_CONTRACTOR, Role.CO_CONTRACTOR)) in GROUPING_FORMS
