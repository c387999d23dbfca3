"""What the optimiser is asked: one lot's requirements, its thresholds and the cluster's members.

Plain data, no database: the caller (a view, a command, a test) turns lots, scores and
organisations into these objects, so the optimiser can be tested and benchmarked on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Candidate:
    """A cluster member that could join a team for the lot."""

    key: int  # organisation id
    name: str
    # requirement key -> how well this member covers it, 0..1 (absent or 0 = does not cover)
    scores: Mapping[str, float]
    turnover: Decimal | None = None  # latest annual turnover, EUR (None = unknown, counts 0)
    staff: int | None = None  # headcount, lower bound of its band (None = unknown, counts 0)
    references: int = 0  # relevant references it can show
    can_lead: bool = False  # may be the mandataire
    quality: float = 0.0  # overall lot score 0..1, breaks ties


@dataclass
class TeamProblem:
    """One lot: what every team must cover, the capacities it must add up to, who may join.

    `buyer_form` is the buyer's wording about the form of the groupement, when the notice has
    one ("groupement solidaire exigé"); `grouping_form` reads it.
    """

    mandatory: list[str]  # requirement keys every team must cover
    optional: list[str] = field(default_factory=list)  # nice to cover (bonus)
    labels: dict[str, str] = field(default_factory=dict)  # requirement key -> human text
    min_turnover: Decimal | None = None  # summed over the team's co-contractors and lead
    min_staff: int | None = None
    min_references: int | None = None
    max_members: int = 4
    conflicts: set[frozenset[int]] = field(default_factory=set)  # pairs that never team up
    candidates: list[Candidate] = field(default_factory=list)
    buyer_form: str | None = None

    def label(self, requirement: str) -> str:
        """The human text of a requirement, its key when it has none."""
        return self.labels.get(requirement) or requirement
