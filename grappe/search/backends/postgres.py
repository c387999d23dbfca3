"""PostgreSQL: a tsvector per document with the `grappe_french` configuration (unaccent, then
French Snowball stemming), weighted A (name) to D (description), ranked by ts_rank; typo
correction and prefix completion over the table of indexed lexemes with pg_trgm."""

from django.db import connection
from rapidfuzz.distance import Levenshtein

from grappe.search.backends.base import Group
from grappe.search.documents import IndexedDocument

# Four weight classes in PostgreSQL: fields share them in the order of documents.FIELDS.
FIELD_WEIGHTS = {
    "name": "A",
    "tags": "B",
    "alternatives": "B",
    "categories": "C",
    "related": "C",
    "place": "C",
    "description": "D",
}
VECTOR_SQL = " || ".join(
    f"setweight(to_tsvector('grappe_french', %s), '{weight}')" for weight in FIELD_WEIGHTS.values()
)


class PostgresBackend:
    vendor = "postgresql"

    def write(self, rows: list[tuple[int, IndexedDocument]]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE search_searchdocument SET search_vector = {VECTOR_SQL} WHERE id = %s",
                [
                    (*(document.texts.get(f, "") for f in FIELD_WEIGHTS), row_id)
                    for row_id, document in rows
                ],
            )
            cursor.execute(
                "INSERT INTO search_term (term) "
                "SELECT DISTINCT unnest(tsvector_to_array(search_vector)) "
                "FROM search_searchdocument WHERE id = ANY(%s) ON CONFLICT DO NOTHING",
                [[row_id for row_id, _d in rows]],
            )

    def remove(self, ids: list[int]) -> None:
        """The document rows go with their vectors; stale lexemes only cost a useless lookup."""

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE search_term")

    def forget_vocabulary(self) -> None:
        """Nothing cached: the vocabulary is read from search_term each time."""

    def analyse(self, text: str) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT lexeme FROM unnest(to_tsvector('grappe_french', %s)) ORDER BY positions[1]",
                [text],
            )
            return [row[0] for row in cursor.fetchall()]

    def known(self, term: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM search_term WHERE term = %s", [term])
            return cursor.fetchone() is not None

    def completions(self, prefix: str, limit: int = 5) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term FROM search_term WHERE term LIKE %s ORDER BY length(term), term "
                "LIMIT %s",
                [prefix.replace("%", "").replace("_", r"\_") + "%", limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def similar(self, term: str, max_distance: int, limit: int = 3) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term FROM search_term WHERE term %% %s "
                "ORDER BY similarity(term, %s) DESC LIMIT 20",
                [term, term],
            )
            candidates = [row[0] for row in cursor.fetchall()]
        close = [(Levenshtein.distance(term, c), c) for c in candidates]
        return [c for distance, c in sorted(close) if distance <= max_distance][:limit]

    def match_ids_sql(
        self, groups: list[Group], require_all: bool, filters: dict[str, str]
    ) -> tuple[str, list]:
        where, values = _where(groups, require_all, filters)
        return f"SELECT d.id AS id FROM search_searchdocument d WHERE {where}", values

    def ranked_sql(
        self,
        groups: list[Group],
        require_all: bool,
        filters: dict[str, str],
        limit: int,
        within: tuple[str, list] | None = None,
    ) -> tuple[str, list]:
        where, values = _where(groups, require_all, filters)
        within_sql, within_values = within or ("", [])
        restriction = f" AND d.id IN ({within_sql})" if within_sql else ""
        return (
            "SELECT d.id AS id, ts_rank(d.search_vector, to_tsquery('simple', %s), 1) AS score "
            f"FROM search_searchdocument d WHERE {where}{restriction} "
            "ORDER BY score DESC LIMIT %s",
            [_tsquery(groups, require_all), *values, *within_values, limit],
        )


def _where(groups: list[Group], require_all: bool, filters: dict[str, str]) -> tuple[str, list]:
    clauses, values = ["TRUE"], []
    if groups:
        clauses.append("d.search_vector @@ to_tsquery('simple', %s)")
        values.append(_tsquery(groups, require_all))
    for name, value in filters.items():
        clauses.append(
            "d.id IN (SELECT document_id FROM search_searchfacet WHERE facet = %s AND value = %s)"
        )
        values += [name, value]
    return " AND ".join(clauses), values


def _tsquery(groups: list[Group], require_all: bool) -> str:
    operator = " & " if require_all else " | "
    return operator.join(
        "(" + " | ".join(_tsquery_alternative(a.terms, a.prefix) for a in group) + ")"
        for group in groups
    )


def _tsquery_alternative(terms: tuple[str, ...], prefix: bool) -> str:
    quoted = [f"'{t.replace(chr(39), '')}'" for t in terms]
    if prefix:
        quoted[-1] += ":*"
    return "(" + " <-> ".join(quoted) + ")"
