"""SQLite FTS5: the embedded default.

Text is analysed in Python (grappe.search.text: French stemming, then accent folding) before it
reaches FTS5, whose unicode61 tokenizer folds what is left. Ranking is FTS5's bm25 with one
weight per field. Facet values are indexed too, as opaque tokens in a column of their own
(weight 0), so that filtering, counting and ranking all run inside FTS5 on its doclists.
Typo correction compares the query word with the index vocabulary (fts5vocab) held in memory,
by edit distance (rapidfuzz).
"""

import bisect
import hashlib
import re
import time
from dataclasses import dataclass, field

from django.db import connection
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from grappe.search.backends.base import Group
from grappe.search.documents import FIELDS, WEIGHTS, IndexedDocument
from grappe.search.text import analyse, analysed_text

VOCABULARY_TTL_SECONDS = 60.0
COLUMNS = (*FIELDS, "facets")
FACET_TOKEN = re.compile(r"^z[0-9a-f]{16}$")
TEXT_COLUMNS = "{" + " ".join(FIELDS) + "}"
BM25 = "bm25(search_fts, " + ", ".join([str(WEIGHTS[f]) for f in FIELDS] + ["0.0"]) + ")"


def facet_token(facet: str, value: str) -> str:
    """An opaque word for one facet value: no tokenizer or stemmer can split or merge it."""
    return "z" + hashlib.blake2s(f"{facet}={value}".encode(), digest_size=8).hexdigest()


@dataclass
class _Vocabulary:
    terms: list[str] = field(default_factory=list)  # sorted
    term_set: frozenset[str] = frozenset()
    loaded_at: float = 0.0


class SqliteFts5Backend:
    vendor = "sqlite"

    def __init__(self) -> None:
        self._vocabulary = _Vocabulary()

    # Writing -----------------------------------------------------------------------------
    def write(self, rows: list[tuple[int, IndexedDocument]]) -> None:
        if not rows:
            return
        placeholders = ", ".join(["%s"] * (len(COLUMNS) + 1))
        with connection.cursor() as cursor:
            cursor.executemany(
                "DELETE FROM search_fts WHERE rowid = %s", [(row_id,) for row_id, _d in rows]
            )
            cursor.executemany(
                f"INSERT INTO search_fts (rowid, {', '.join(COLUMNS)}) VALUES ({placeholders})",
                [
                    (
                        row_id,
                        *(analysed_text(document.texts.get(f, "")) for f in FIELDS),
                        facet_text(document.facets),
                    )
                    for row_id, document in rows
                ],
            )
        self.forget_vocabulary()

    def remove(self, ids: list[int]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(i,) for i in ids])
        self.forget_vocabulary()

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")
        self.forget_vocabulary()

    # Vocabulary --------------------------------------------------------------------------
    def forget_vocabulary(self) -> None:
        self._vocabulary = _Vocabulary()

    def _terms(self) -> _Vocabulary:
        vocabulary = self._vocabulary
        if time.monotonic() - vocabulary.loaded_at > VOCABULARY_TTL_SECONDS:
            with connection.cursor() as cursor:
                cursor.execute("SELECT term FROM search_fts_vocab ORDER BY term")
                terms = [row[0] for row in cursor.fetchall() if not FACET_TOKEN.match(row[0])]
            vocabulary = _Vocabulary(terms, frozenset(terms), time.monotonic())
            self._vocabulary = vocabulary
        return vocabulary

    def analyse(self, text: str) -> list[str]:
        return analyse(text)

    def known(self, term: str) -> bool:
        return term in self._terms().term_set

    def completions(self, prefix: str, limit: int = 5) -> list[str]:
        terms = self._terms().terms
        start = bisect.bisect_left(terms, prefix)
        found = []
        for candidate in terms[start : start + 200]:
            if not candidate.startswith(prefix):
                break
            found.append(candidate)
        return sorted(found, key=len)[:limit]

    def similar(self, term: str, max_distance: int, limit: int = 3) -> list[str]:
        matches = process.extract(
            term,
            self._terms().terms,
            scorer=Levenshtein.distance,
            score_cutoff=max_distance,
            limit=limit,
        )
        return [candidate for candidate, _distance, _index in sorted(matches, key=lambda m: m[1])]

    # Matching ----------------------------------------------------------------------------
    def match_ids_sql(
        self, groups: list[Group], require_all: bool, filters: dict[str, str]
    ) -> tuple[str, list]:
        expression = _expression(groups, require_all, filters)
        if not expression:
            return "SELECT id FROM search_searchdocument", []
        return "SELECT rowid AS id FROM search_fts WHERE search_fts MATCH %s", [expression]

    def ranked_sql(
        self,
        groups: list[Group],
        require_all: bool,
        filters: dict[str, str],
        limit: int,
        within: tuple[str, list] | None = None,
    ) -> tuple[str, list]:
        expression = _expression(groups, require_all, filters)
        if within is None:
            return (
                f"SELECT rowid AS id, -{BM25} AS score FROM search_fts WHERE search_fts MATCH %s "
                f"ORDER BY {BM25} LIMIT %s",
                [expression, limit],
            )
        # Both sides computed once, then joined: a rowid restriction inside the MATCH query
        # makes SQLite run the full-text query again for every candidate.
        within_sql, within_values = within
        return (
            f"WITH ranked AS MATERIALIZED (SELECT rowid AS id, -{BM25} AS score FROM search_fts "
            f"WHERE search_fts MATCH %s), near AS MATERIALIZED ({within_sql}) "
            "SELECT ranked.id, ranked.score FROM ranked JOIN near ON near.id = ranked.id "
            "ORDER BY ranked.score DESC LIMIT %s",
            [expression, *within_values, limit],
        )


def facet_text(facets: dict[str, list[str]]) -> str:
    return " ".join(facet_token(name, value) for name, values in facets.items() for value in values)


def _expression(groups: list[Group], require_all: bool, filters: dict[str, str]) -> str:
    parts = []
    if groups:
        operator = " AND " if require_all else " OR "
        text = operator.join(
            "(" + " OR ".join(_fts_alternative(a.terms, a.prefix) for a in group) + ")"
            for group in groups
        )
        parts.append(f"{TEXT_COLUMNS} : ({text})")
    parts += [f'facets : "{facet_token(name, value)}"' for name, value in filters.items()]
    return " AND ".join(parts)


def _fts_alternative(terms: tuple[str, ...], prefix: bool) -> str:
    phrase = '"' + " ".join(t.replace('"', "") for t in terms) + '"'
    return phrase + ("*" if prefix else "")
