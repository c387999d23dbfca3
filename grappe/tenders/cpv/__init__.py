"""CPV codes without a database: the tree, the official labels, and suggestions from free text.

`hierarchy` compares codes (does a member's 72212000 answer a lot's 72200000?), `labels` names
them in French and English, `suggest` finds the codes a text belongs to. Pure Python: no model,
no query, so matching can call it millions of times.

The package re-exports the tree and the labels; import suggestions from
`grappe.tenders.cpv.suggest`, which alone needs bm25s and numpy.
"""

from grappe.tenders.cpv.hierarchy import (
    Match,
    Relation,
    RelationKind,
    ancestors,
    best_match,
    level,
    normalise,
    parent,
    relation,
    significant,
    similarity,
)
from grappe.tenders.cpv.labels import all_codes, describe, label

__all__ = [
    "Match",
    "Relation",
    "RelationKind",
    "all_codes",
    "ancestors",
    "best_match",
    "describe",
    "label",
    "level",
    "normalise",
    "parent",
    "relation",
    "significant",
    "similarity",
]
