"""What the optimiser answers: teams with roles, what each member answers, and what is short.

Roles (the rule both methods share, see `scoring.build_team`):
- `lead`: the mandataire, one per team, a member that may lead;
- `co_contractor`: answers at least one mandatory requirement, or its turnover, staff or
  references are needed to reach a threshold the team reaches (or gets closest to);
- `subcontractor`: answers only optional requirements and is not needed for a threshold.

The grouping form and roles are returned as stable keys so that the interface translates them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Literal

Method = Literal["exact", "greedy"]


class Role(StrEnum):
    LEAD = "lead"  # mandataire
    CO_CONTRACTOR = "co_contractor"  # co-traitant
    SUBCONTRACTOR = "subcontractor"  # sous-traitant


@dataclass(frozen=True)
class TeamMember:
    key: int
    name: str
    role: Role
    answers: list[str]  # requirement keys this member answers for the team, in lot order


@dataclass(frozen=True)
class Team:
    """One proposed team; `objective` compares teams of the same problem, whatever the method.

    `covered` lists the requirements (mandatory and optional) someone in the team answers;
    `missing` the mandatory ones nobody in it answers, gaps of the whole cluster included.
    `totals` add up the lead and the co-contractors (subcontractors do not count);
    `thresholds_met` and `shortfall` only have the thresholds the lot sets.
    """

    members: list[TeamMember]
    objective: float
    covered: list[str]
    missing: list[str]
    totals: dict[str, Decimal | int]
    thresholds_met: dict[str, bool]
    grouping_form: str
    method: Method
    shortfall: dict[str, Decimal | int] = field(default_factory=dict)

    @property
    def lead(self) -> TeamMember | None:
        return next((m for m in self.members if m.role is Role.LEAD), None)

    @property
    def keys(self) -> frozenset[int]:
        return frozenset(m.key for m in self.members)

    @property
    def assignment(self) -> dict[int, list[str]]:
        """Member key -> requirements it answers, the shape `objective()` scores."""
        return {m.key: list(m.answers) for m in self.members}

    @property
    def feasible(self) -> bool:
        """True when the team meets every condition the optimiser can check."""
        return not self.missing and all(self.thresholds_met.values())


@dataclass(frozen=True)
class TeamsResult:
    teams: list[Team]  # best first
    uncovered: list[str]  # mandatory requirements no candidate covers at all: the gaps
    method: Method
    seconds: float
    candidates_considered: int
    notes: list[str]


# Stable keys of the forms of a candidacy, for the interface to translate.
SOLE = "sole"  # candidat seul (possibly with subcontractors)
JOINT = "joint"  # groupement conjoint
JOINT_LEAD_LIABLE = "joint_lead_liable"  # groupement conjoint, mandataire solidaire
JOINT_AND_SEVERAL = "joint_and_several"  # groupement solidaire
GROUPING_FORMS = (SOLE, JOINT, JOINT_LEAD_LIABLE, JOINT_AND_SEVERAL)


def grouping_form(team: Team | list[TeamMember], buyer_form: str | None = None) -> str:
    """The form of the candidacy: what the buyer asks for, else the usual French practice.

    Subcontractors are not part of a groupement, so a lead with only subcontractors answers
    alone ("sole"). Unreadable buyer wording falls back to the usual practice, a joint
    groupement whose mandataire is jointly liable (conjoint avec mandataire solidaire).
    """
    members = team.members if isinstance(team, Team) else team
    contractors = [m for m in members if m.role is not Role.SUBCONTRACTOR]
    if len(contractors) <= 1:
        return SOLE
    return _read_buyer_form(buyer_form) or JOINT_LEAD_LIABLE


def _read_buyer_form(text: str | None) -> str | None:
    """The form named in a buyer's wording (French or English), None when it names none."""
    if not text:
        return None
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    plain = " ".join(plain.replace("_", " ").replace("-", " ").split())
    if (key := plain.replace(" ", "_")) in (JOINT, JOINT_LEAD_LIABLE, JOINT_AND_SEVERAL):
        return key
    lead_liable = (
        "mandataire solidaire",
        "mandataire est solidaire",
        "mandataire sera solidaire",
        "lead jointly liable",
        "lead is jointly",
        "lead member jointly",
        "representative jointly",
    )
    if any(words in plain for words in lead_liable):
        return JOINT_LEAD_LIABLE
    several = ("solidaire", "joint and several", "jointly and severally")
    if any(words in plain for words in several):
        return JOINT_AND_SEVERAL
    if "conjoint" in plain or "joint" in plain:
        return JOINT
    return None
