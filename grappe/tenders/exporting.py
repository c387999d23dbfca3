"""Tenders, matches and teams as plain JSON values and CSV rows: one shape for the API, the
pages' downloads and the benchmark, so that what a page shows and what a program reads agree.

Evidence is given both structured (kind, source, codes, words, dates) and as a sentence in the
active language.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from grappe.tenders.consortia import Role
from grappe.tenders.matching import Evidence, LotMatches, MemberMatch, RequirementScore
from grappe.tenders.models import Lot, Requirement, Tender
from grappe.tenders.teaming import LotTeams, ProposedTeam


def role_label(role: str) -> str:
    return {
        Role.LEAD: pgettext("consortium role", "lead (mandataire)"),
        Role.CO_CONTRACTOR: pgettext("consortium role", "co-contractor"),
        Role.SUBCONTRACTOR: pgettext("consortium role", "subcontractor"),
    }.get(role, role)


def form_label(form: str) -> str:
    return {
        "sole": _("sole tenderer"),
        "joint": _("joint group (groupement conjoint)"),
        "joint_lead_liable": _("joint group, lead jointly liable (mandataire solidaire)"),
        "joint_and_several": _("jointly and severally liable group (groupement solidaire)"),
    }.get(form, form)


def tender_as_dict(tender: Tender) -> dict[str, Any]:
    return {
        "id": str(tender.public_id),
        "title": tender.title,
        "description": tender.description,
        "buyer": tender.buyer_name,
        "reference": tender.reference,
        "notice_id": tender.notice_id,
        "source_format": tender.source_format,
        "deadline": _moment(tender.deadline),
        "nuts": tender.nuts,
        "grouping_form": tender.grouping_form,
        "warnings": tender.warnings,
        "lots": [lot_as_dict(lot) for lot in tender.lots.all()],
    }


def lot_as_dict(lot: Lot) -> dict[str, Any]:
    return {
        "id": lot.lot_id,
        "title": lot.title,
        "description": lot.description,
        "cpv_main": lot.cpv_main or None,
        "cpv_additional": lot.cpv_additional,
        "nuts": lot.nuts,
        "estimated_value": _money(lot.estimated_value),
        "currency": lot.currency or None,
        "duration": lot.duration or None,
        "deadline": _moment(lot.deadline),
        "requirements": [requirement_as_dict(r) for r in lot.requirements.all()],
    }


def requirement_as_dict(requirement: Requirement) -> dict[str, Any]:
    return {
        "key": requirement.key,
        "kind": requirement.kind,
        "label": requirement.display_label,
        "text": requirement.text,
        "cpv_codes": requirement.cpv_codes,
        "keywords": requirement.keywords,
        "certification": requirement.scheme.slug if requirement.scheme_id else None,
        "threshold": _money(requirement.threshold),
        "mandatory": requirement.mandatory,
        "source": requirement.source,
    }


def evidence_as_dict(evidence: Evidence) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": evidence.kind, "text": evidence.describe()}
    for name in ("source", "title", "slug", "required", "offered", "relation"):
        if value := getattr(evidence, name):
            data[name] = value
    if evidence.suggested:
        data["suggested"] = True
    if evidence.matched:
        data["words"] = evidence.matched
    for name in ("valid_from", "valid_until", "deadline"):
        if value := getattr(evidence, name):
            data[name] = value.isoformat()
    if evidence.limited_to:
        data["limited_to"] = list(evidence.limited_to)
    return data


def score_as_dict(result: RequirementScore) -> dict[str, Any]:
    return {
        "requirement": result.key,
        "score": result.score,
        "covered": result.covered,
        "evidence": [evidence_as_dict(e) for e in result.evidence],
    }


def member_as_dict(match: MemberMatch) -> dict[str, Any]:
    member = match.member
    return {
        "organisation": member.slug,
        "name": member.name,
        "score": match.score,
        "can_lead": match.can_lead,
        "departement": member.departement or None,
        "turnover": _money(member.turnover),
        "turnover_year": member.turnover_year,
        "staff": member.staff,
        "references": match.references,
        "geography": evidence_as_dict(match.geography) if match.geography else None,
        "requirements": [score_as_dict(result) for result in match.scores.values()],
    }


def matches_as_dict(matches: LotMatches) -> dict[str, Any]:
    return {
        "lot": matches.lot.lot_id,
        "deadline": matches.deadline.isoformat(),
        "members_considered": matches.considered,
        "gaps": [r.key for r in matches.gaps],
        "members": [member_as_dict(match) for match in matches.members],
    }


def team_as_dict(proposed: ProposedTeam, rank: int) -> dict[str, Any]:
    team = proposed.team
    return {
        "rank": rank,
        "form": team.grouping_form,
        "form_label": form_label(team.grouping_form),
        "objective": round(team.objective, 4),
        "method": team.method,
        "covered": team.covered,
        "missing": team.missing,
        "totals": {key: _money(value) for key, value in team.totals.items()},
        "thresholds_met": team.thresholds_met,
        "shortfall": {key: _money(value) for key, value in team.shortfall.items()},
        "members": [
            {
                "organisation": match.member.slug,
                "name": match.member.name,
                "role": str(member.role),
                "role_label": role_label(member.role),
                "answers": member.answers,
            }
            for member, match in proposed.members
        ],
        "matrix": [
            {
                "requirement": requirement.key,
                "label": requirement.display_label,
                "members": [
                    {
                        "organisation": match.member.slug,
                        "answers": cell.answers,
                        "covered": bool(cell.result and cell.result.covered),
                        "score": cell.result.score if cell.result else 0.0,
                        "evidence": [evidence_as_dict(e) for e in cell.result.evidence]
                        if cell.result
                        else [],
                    }
                    for (_member, match), cell in zip(proposed.members, cells, strict=True)
                ],
            }
            for requirement, cells in proposed.rows
        ],
    }


def teams_as_dict(lot_teams: LotTeams) -> dict[str, Any]:
    result = lot_teams.result
    return {
        "lot": lot_teams.matches.lot.lot_id,
        "method": result.method,
        "seconds": round(result.seconds, 4),
        "candidates": result.candidates_considered,
        "gaps": [{"requirement": r.key, "label": r.display_label} for r in lot_teams.gaps],
        "notes": result.notes,
        "teams": [team_as_dict(team, rank) for rank, team in enumerate(lot_teams.teams, 1)],
    }


TEAM_COLUMNS = [
    "lot", "team", "form", "organisation", "name", "role", "answers", "requirement",
    "covered", "score", "evidence",
]  # fmt: skip


def teams_csv(tender: Tender, all_teams: list[LotTeams]) -> str:
    """One row per lot, team, member and requirement: the coverage matrix, flat."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEAM_COLUMNS)
    for lot_teams in all_teams:
        lot_id = lot_teams.matches.lot.lot_id
        for rank, proposed in enumerate(lot_teams.teams, 1):
            for requirement, cells in proposed.rows:
                for (member, match), cell in zip(proposed.members, cells, strict=True):
                    result = cell.result
                    writer.writerow(
                        [
                            lot_id,
                            rank,
                            proposed.team.grouping_form,
                            match.member.slug,
                            match.member.name,
                            str(member.role),
                            "yes" if cell.answers else "no",
                            requirement.display_label,
                            "yes" if result and result.covered else "no",
                            f"{result.score:.2f}" if result else "0.00",
                            " | ".join(e.describe() for e in result.evidence) if result else "",
                        ]
                    )
    return out.getvalue()


def _moment(value: datetime | None) -> str | None:
    """In the site's time zone: the same instant reads the same whether just stored (in the
    zone it was read in) or loaded back from the database (in UTC)."""
    return timezone.localtime(value).isoformat() if value else None


def _money(value: Decimal | int | None) -> str | int | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
