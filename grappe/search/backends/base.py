from dataclasses import dataclass
from typing import Protocol

from grappe.search.documents import IndexedDocument


@dataclass(frozen=True)
class Alternative:
    """One way to match a query word: a term (or a phrase of terms), exact or as a prefix."""

    terms: tuple[str, ...]
    prefix: bool = False


# A query is a list of groups; a document matches a group if it matches any of its alternatives.
Group = tuple[Alternative, ...]


class Backend(Protocol):
    vendor: str

    def write(self, rows: list[tuple[int, IndexedDocument]]) -> None:
        """Index (or re-index) the full text of these documents, keyed by SearchDocument id."""

    def remove(self, ids: list[int]) -> None: ...

    def clear(self) -> None: ...

    def forget_vocabulary(self) -> None:
        """Drop any cached vocabulary (after a rollback, for instance)."""

    def analyse(self, text: str) -> list[str]:
        """The index terms of a query word or phrase, as this backend indexes them."""

    def known(self, term: str) -> bool: ...

    def completions(self, prefix: str, limit: int = 5) -> list[str]: ...

    def similar(self, term: str, max_distance: int, limit: int = 3) -> list[str]:
        """Indexed terms within `max_distance` edits of `term`, closest first."""

    def match_ids_sql(
        self, groups: list[Group], require_all: bool, filters: dict[str, str]
    ) -> tuple[str, list]:
        """SQL selecting the ids of the documents matching the words and the filters; no
        groups means every document (that passes the filters)."""

    def ranked_sql(
        self,
        groups: list[Group],
        require_all: bool,
        filters: dict[str, str],
        limit: int,
        within: tuple[str, list] | None = None,
    ) -> tuple[str, list]:
        """SQL selecting (id, score) of the `limit` best text matches passing the filters (and
        among the ids `within` selects, when given), best first (groups is never empty)."""
