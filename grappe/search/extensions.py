"""What rooms above search add to its documents without search knowing them: an app that
knows more about entries (federation: where an entry came from) registers a function that
completes each batch of documents, and one that names its facet's values. Dependencies keep
pointing down: search calls what was registered, it imports nothing of theirs."""

from collections.abc import Callable, Iterable

# Called with each batch of documents before they are stored; may add facets and texts.
Enricher = Callable[[list], None]
# Called with a facet's values and the page's language; returns value -> label.
Labeller = Callable[[Iterable[str]], dict[str, str]]

ENRICHERS: list[Enricher] = []
LABELLERS: dict[str, Labeller] = {}


def register_enricher(enricher: Enricher) -> None:
    if enricher not in ENRICHERS:
        ENRICHERS.append(enricher)


def register_labeller(facet: str, labeller: Labeller) -> None:
    LABELLERS[facet] = labeller
