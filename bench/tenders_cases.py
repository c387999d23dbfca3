"""The labelled evaluation set of the tenders benchmark: notices, and for each lot the demo
members a cluster expert would put forward.

bench/tenders/labels.yaml names, per case, a notice (a text file of bench/tenders/notices/, or
`shared:procurement/...` for a real notice of ../shared/data, never copied into the
repository) and, per lot id as the notice parser gives it ("1", "2" for pasted text,
"LOT-0001" for eForms), the expected members, a team when one member cannot answer alone,
and whether the cluster can answer at all. The labels were written from the members' profiles
(offerings, references, certifications valid at the deadline, turnover), not from what an
engine finds; `why` says what an expert would say.

    from bench.tenders_cases import load_cases, read_case_notice
    for case in load_cases():
        notice = read_case_notice(case)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
LABELS = HERE / "tenders" / "labels.yaml"
NOTICES = HERE / "tenders" / "notices"
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SHARED_PREFIX = "shared:"

_CASE_KEYS = {"name", "notice", "why", "lots"}
_LOT_KEYS = {"expected_members", "expected_team", "lead", "coverable"}


class LabelError(ValueError):
    """labels.yaml says something inconsistent; the message names the case and the lot."""


@dataclass(frozen=True)
class LotLabel:
    """What an expert expects for one lot."""

    expected_members: list[str] = field(default_factory=list)  # best first, 1 to 5 slugs
    expected_team: list[str] = field(default_factory=list)  # empty when one member suffices
    lead: str | None = None  # the mandataire of expected_team
    coverable: bool = True  # False: no member of the cluster can answer this lot


@dataclass(frozen=True)
class Case:
    name: str
    notice_path: Path
    lots: dict[str, LotLabel]
    why: str

    @property
    def is_shared(self) -> bool:
        """A real notice of ../shared/data (absent from a user's fresh clone)."""
        return self.notice_path.is_relative_to(SHARED_DATA)

    @property
    def coverable(self) -> bool:
        return any(label.coverable for label in self.lots.values())


def resolve_notice(reference: str) -> Path:
    """`shared:procurement/...` under ../shared/data, anything else under bench/tenders/notices."""
    if reference.startswith(SHARED_PREFIX):
        return SHARED_DATA / reference.removeprefix(SHARED_PREFIX)
    return NOTICES / reference


def load_cases(path: Path = LABELS) -> list[Case]:
    """Every case of labels.yaml, checked for consistency (not against the database)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or not isinstance(document.get("cases"), list):
        raise LabelError(f"{path.name}: expected a mapping with a list under “cases”")
    cases: list[Case] = []
    names: set[str] = set()
    for index, entry in enumerate(document["cases"]):
        case = _case(entry, f"{path.name}: cases[{index}]")
        if case.name in names:
            raise LabelError(f"{path.name}: cases[{index}]: the name “{case.name}” is used twice")
        names.add(case.name)
        cases.append(case)
    return cases


def read_case_notice(case: Case):
    """The case's notice read by the project's parser (grappe.tenders.notices)."""
    from grappe.tenders.notices import read_notice

    return read_notice(case.notice_path.read_bytes(), case.notice_path.name)


def _case(entry: Any, where: str) -> Case:
    if not isinstance(entry, dict):
        raise LabelError(f"{where}: expected a mapping")
    if unknown := set(entry) - _CASE_KEYS:
        raise LabelError(f"{where}: unknown keys {sorted(unknown)}")
    if missing := _CASE_KEYS - set(entry):
        raise LabelError(f"{where}: missing keys {sorted(missing)}")
    where = f"{where} ({entry['name']})"
    if not isinstance(entry["lots"], dict) or not entry["lots"]:
        raise LabelError(f"{where}: “lots” must map lot ids to labels")
    lots = {
        str(lot_id): _lot(label, f"{where}: lot {lot_id}")
        for lot_id, label in entry["lots"].items()
    }
    return Case(
        name=str(entry["name"]),
        notice_path=resolve_notice(str(entry["notice"])),
        lots=lots,
        why=str(entry["why"]).strip(),
    )


def _lot(entry: Any, where: str) -> LotLabel:
    if not isinstance(entry, dict):
        raise LabelError(f"{where}: expected a mapping")
    if unknown := set(entry) - _LOT_KEYS:
        raise LabelError(f"{where}: unknown keys {sorted(unknown)}")
    members = _slugs(entry.get("expected_members"), f"{where}: expected_members")
    team = _slugs(entry.get("expected_team"), f"{where}: expected_team")
    lead = entry.get("lead")
    coverable = entry.get("coverable", True)
    if not isinstance(coverable, bool):
        raise LabelError(f"{where}: coverable must be true or false")
    if coverable and not 1 <= len(members) <= 5:
        raise LabelError(f"{where}: a coverable lot names 1 to 5 expected members")
    if not coverable and (members or team or lead):
        raise LabelError(f"{where}: a lot nobody can answer names no member, team or lead")
    if team and (len(team) < 2 or lead not in team):
        raise LabelError(f"{where}: a team has at least two members, one of them the lead")
    if lead and not team:
        raise LabelError(f"{where}: a lead without a team")
    return LotLabel(members, team, lead, coverable)


def _slugs(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(slug, str) for slug in value):
        raise LabelError(f"{where}: expected a list of organisation slugs")
    if len(set(value)) != len(value):
        raise LabelError(f"{where}: a slug is listed twice")
    return list(value)
