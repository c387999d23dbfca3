"""From a lot to the members who can answer it: scores per requirement, with their evidence.

`match_lot(lot)` ranks the members (see scoring.py for how); `member_pool()` is what they are
matched against, cached while the index does not change (pool.py).
"""

from grappe.tenders.matching.pool import Pool, build_pool, member_pool
from grappe.tenders.matching.scoring import (
    COVERED_FROM,
    Evidence,
    LotMatches,
    MemberMatch,
    RequirementScore,
    match_lot,
)

__all__ = [
    "COVERED_FROM",
    "Evidence",
    "LotMatches",
    "MemberMatch",
    "Pool",
    "RequirementScore",
    "build_pool",
    "match_lot",
    "member_pool",
]
