"""Where the work is, as a soft preference: never a reason to leave a member out.

Favouring local companies is illegal in public procurement; knowing that a member is in the
département where the work happens still helps a team plan travel and on-site days, so it adds
a small bonus to the score and says so.
"""

from __future__ import annotations

# NUTS 2021 level 3 codes of Nouvelle-Aquitaine and their départements.
NUTS3_DEPARTEMENTS = {
    "FRI11": "24", "FRI12": "33", "FRI13": "40", "FRI14": "47", "FRI15": "64",
    "FRI21": "19", "FRI22": "23", "FRI23": "87",
    "FRI31": "16", "FRI32": "17", "FRI33": "79", "FRI34": "86",
}  # fmt: skip
REGION_PREFIX = "FRI"  # Nouvelle-Aquitaine (NUTS 1 FRI, NUTS 2 FRI1, FRI2, FRI3)
SAME_DEPARTEMENT = 1.0
SAME_REGION = 0.5


def departements_of(nuts_codes: list[str]) -> set[str]:
    return {NUTS3_DEPARTEMENTS[code] for code in nuts_codes if code in NUTS3_DEPARTEMENTS}


def in_region(nuts_codes: list[str]) -> bool:
    return any(code.startswith(REGION_PREFIX) for code in nuts_codes)


def proximity(member_departement: str, nuts_codes: list[str]) -> float | None:
    """1 in the département of the work, 0.5 elsewhere in the region, 0 further; None when
    the notice names no place (or the member has none) and nothing can be said."""
    if not nuts_codes or not member_departement:
        return None
    if member_departement in departements_of(nuts_codes):
        return SAME_DEPARTEMENT
    if in_region(nuts_codes) and member_departement in NUTS3_DEPARTEMENTS.values():
        return SAME_REGION
    return 0.0
