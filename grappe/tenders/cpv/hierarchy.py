"""The CPV tree as arithmetic on codes: an ancestor is a shorter significant prefix.

A CPV code has 8 digits (Grappe drops the check digit, see `directory.validators.normalise_cpv`).
Trailing zeros mean "everything below": 72000000 is the division 72, 72200000 the group 722,
72210000 the class 7221, 72212000 the category 72212, and the last three digits refine further
(72212100, 72212110, 72212111). Comparing significant prefixes therefore tells whether an
offered code answers a required one, with no table to load.

Matching calls these functions for every (requirement, offered code) pair, millions of times in
the benchmark, so each is a small pure function; what they derive from one code, and the
relation of a pair, are kept in bounded `lru_cache`s.

Similarity of an offered code to a required one (`similarity`):

| relation                                                      | similarity |
|---------------------------------------------------------------|-----------:|
| same code                                                     | 1.0        |
| offered narrower (inside the required branch), any depth      | 0.95       |
| offered broader by 1, 2, 3, 4, 5+ steps up the tree           | 0.8, 0.6, 0.4, 0.25, 0.15 |
| siblings sharing 7, 6, 5, 4, 3 significant digits            | 0.65, 0.55, 0.45, 0.3, 0.15 |
| siblings sharing only a division (2)                          | 0.0        |
| different divisions                                           | 0.0        |

Why: a member whose offer is 72212000 (application software) fully answers a call for 72200000
(software services), hence narrower ≈ same; a member who only declares the division 72000000
may do what 72212000 asks, but that is weaker evidence the further apart the two codes are.
Siblings count from the class (4 digits) down: 72253000 (helpdesk) and 72254000 (testing)
are related trades; a shared group (3 digits) is a weak hint only (72230000 custom software
development and 72212000 application programming are both software work, 72250000 and
72310000 hardly), which the words of the offer must confirm before a requirement counts as
covered; a shared division alone (72250000 and 72310000) counts for nothing.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

DIVISION, GROUP, CLASS, CATEGORY = 2, 3, 4, 5

SAME_SIMILARITY = 1.0
NARROWER_SIMILARITY = 0.95
# Index d - 1 for an offered code d steps above the required one; the last value goes on.
BROADER_SIMILARITY = (0.8, 0.6, 0.4, 0.25, 0.15)
# Shared significant digits -> similarity; a division alone (2 digits) counts for nothing.
SIBLING_SIMILARITY = {3: 0.15, 4: 0.3, 5: 0.45, 6: 0.55, 7: 0.65}

_CODE = re.compile(r"(\d{8})(?:-\d)?")
# Per code: a few thousand codes exist. Per pair of codes: bounded, as a cached relation costs
# about 200 bytes and a benchmark can meet hundreds of thousands of pairs.
_CODES_CACHE = 1 << 16
_PAIRS_CACHE = 1 << 16


class RelationKind(StrEnum):
    SAME = "same"
    NARROWER = "narrower"  # the offered code lies inside the required branch
    BROADER = "broader"  # the offered code is an ancestor of the required one
    SIBLINGS = "siblings"  # same division, neither contains the other
    UNRELATED = "unrelated"  # different divisions


@dataclass(frozen=True, slots=True)
class Relation:
    """How an offered code stands to a required one.

    `shared` is the number of significant digits both codes share; `distance` the number of
    steps between them along the tree when one contains the other (0 otherwise).
    """

    kind: RelationKind
    shared: int
    distance: int = 0


class Match(NamedTuple):
    code: str
    similarity: float
    relation: Relation


@lru_cache(maxsize=_CODES_CACHE)
def normalise(code: str) -> str:
    """The 8 digits of a CPV code: "72212000-4" and " 72212000 " give "72212000".

    Raises ValueError for anything else, naming the value, so a bad code never passes silently
    as "unrelated".
    """
    match = _CODE.fullmatch(code.strip().replace(" ", "")) if isinstance(code, str) else None
    if match is None:
        raise ValueError(
            f"{code!r} is not a CPV code: expected 8 digits, optionally followed by a dash and "
            "a check digit, such as 72212000-4."
        )
    return match.group(1)


@lru_cache(maxsize=_CODES_CACHE)
def significant(code: str) -> str:
    """The code without its trailing zeros, at least the 2 digits of the division.

    "72212000" -> "72212", "72000000" -> "72", "03000000" -> "03".
    """
    digits = normalise(code)
    stripped = digits.rstrip("0")
    return stripped if len(stripped) >= DIVISION else digits[:DIVISION]


def level(code: str) -> int:
    """2 division, 3 group, 4 class, 5 category, 6 to 8 finer subdivisions."""
    return len(significant(code))


@lru_cache(maxsize=_CODES_CACHE)
def parent(code: str) -> str | None:
    """The code one step up the tree, None for a division.

    The last significant digit goes, then any zeros it leaves at the end: 72212100 -> 72212000,
    72212000 -> 72210000, 72200000 -> 72000000.
    """
    digits = significant(code)
    if len(digits) == DIVISION:
        return None
    shorter = digits[:-1].rstrip("0")
    if len(shorter) < DIVISION:
        shorter = digits[:DIVISION]
    return shorter.ljust(8, "0")


@lru_cache(maxsize=_CODES_CACHE)
def _ancestors(code: str) -> tuple[str, ...]:
    up = parent(code)
    return () if up is None else (up, *_ancestors(up))


def ancestors(code: str) -> list[str]:
    """Every code above this one, nearest first: 72212100 -> [72212000, 72210000, 72200000, 72]."""
    return list(_ancestors(code))


def depth(code: str) -> int:
    """Steps from the division down to this code: 0 for a division."""
    return len(_ancestors(code))


def _common_prefix(a: str, b: str) -> int:
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    return shared


@lru_cache(maxsize=_PAIRS_CACHE)
def relation(required: str, offered: str) -> Relation:
    """How `offered` (a member's code) stands to `required` (a lot's code)."""
    want, have = significant(required), significant(offered)
    if want == have:
        return Relation(RelationKind.SAME, len(want))
    if have.startswith(want):
        return Relation(RelationKind.NARROWER, len(want), depth(offered) - depth(required))
    if want.startswith(have):
        return Relation(RelationKind.BROADER, len(have), depth(required) - depth(offered))
    shared = _common_prefix(want, have)
    if shared >= DIVISION:
        return Relation(RelationKind.SIBLINGS, shared)
    return Relation(RelationKind.UNRELATED, shared)


def similarity_of(found: Relation) -> float:
    """The similarity table of the module docstring, applied to a relation."""
    if found.kind is RelationKind.SAME:
        return SAME_SIMILARITY
    if found.kind is RelationKind.NARROWER:
        return NARROWER_SIMILARITY
    if found.kind is RelationKind.BROADER:
        return BROADER_SIMILARITY[min(found.distance, len(BROADER_SIMILARITY)) - 1]
    if found.kind is RelationKind.SIBLINGS:
        return SIBLING_SIMILARITY.get(found.shared, 0.0)
    return 0.0


def similarity(required: str, offered: str) -> float:
    """How well an offered code answers a required one, in 0..1 (see the module's table)."""
    return similarity_of(relation(required, offered))


def best_match(required: str, offered_codes: Iterable[str]) -> Match | None:
    """The offered code that best answers `required`, or None when none is related enough.

    Ties go to the code nearest to the required one (fewest steps), then to the smallest code,
    so the answer never depends on the order of `offered_codes`.
    """
    best: Match | None = None
    best_key: tuple[float, int, str] | None = None
    for offered in offered_codes:
        found = relation(required, offered)
        score = similarity_of(found)
        if score <= 0.0:
            continue
        code = normalise(offered)
        key = (-score, found.distance, code)
        if best_key is None or key < best_key:
            best, best_key = Match(code, score, found), key
    return best
