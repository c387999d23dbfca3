"""Calls for tenders as Grappe keeps them, and what members say about teaming up."""

from grappe.tenders.models.conflicts import TeamConflict
from grappe.tenders.models.tenders import Lot, Requirement, RequirementKind, Tender
from grappe.tenders.models.watches import Watch

__all__ = ["Lot", "Requirement", "RequirementKind", "TeamConflict", "Tender", "Watch"]
