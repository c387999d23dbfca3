"""What a search asks and what it answers: the contract between the search engine and the
pages and API that deliver it. Plain dataclasses, no database."""

from dataclasses import dataclass, field, replace

from django.utils.safestring import SafeString

KINDS = ("organisation", "software", "offering", "person", "event")
SORTS = ("relevance", "name", "newest", "distance")
MAX_RADIUS_KM = 1000
# Facet names, in the order pages show them; each is also a filter parameter of SearchParams.
FACETS = (
    "kind",
    "organisation_kind",
    "offering_kind",
    "category",
    "departement",
    "licence",
    "certification",
    "member",
)
MAX_PAGE_SIZE = 100


class InvalidSearch(ValueError):
    """A parameter a user can fix; `parameter` names it."""

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        self.message = message
        super().__init__(f"{parameter}: {message}")


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    kind: str | None = None  # one of KINDS
    organisation_kind: str | None = None  # OrganisationKind value
    offering_kind: str | None = None  # OfferingKind value
    category: str | None = None  # Category slug
    departement: str | None = None  # "33", "2A", "974"
    licence: str | None = None  # an SPDX licence id, such as "AGPL-3.0-or-later"
    certification: str | None = None  # CertificationScheme slug
    member: bool | None = None  # True: cluster members only
    sort: str = "relevance"  # one of SORTS
    page: int = 1
    page_size: int = 20
    language: str = "fr"
    near: str = ""  # a commune name, a postcode, an INSEE code or "lat,lon"
    radius_km: float | None = None  # with `near`: only entries within this distance

    def filters(self) -> dict[str, str]:
        """The facet filters that are set, as strings ("member": "yes")."""
        chosen = {}
        for name in FACETS:
            value = getattr(self, name)
            if value is None or value == "":
                continue
            chosen[name] = ("yes" if value else "no") if name == "member" else str(value)
        return chosen

    def with_(self, **changes) -> "SearchParams":
        return replace(self, **changes)


@dataclass(frozen=True)
class Hit:
    kind: str  # one of KINDS
    id: int  # primary key of the entry in its model
    slug: str
    name: str
    url: str  # path of the entry's page in the current language, "/organisations/ekylibre/"
    score: float  # higher is better; 0 when sorted by name or date
    snippet: str  # plain text around the matched words
    snippet_html: SafeString  # the same, escaped, with <mark> around matched words
    subtitle: str  # "Company · Pessac", "AGPL-3.0-or-later", "Hosting offer · Hébergeur X"
    is_example: bool
    is_member: bool
    departement: str
    distance_km: float | None = None  # from the `near` point, when one was given


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class SearchResults:
    params: SearchParams
    count: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)  # keyed by FACETS names
    # Typed word -> the word searched instead: "nextclud" -> "nextcloud"; "" when nothing in
    # the index resembles the word, which was then left out.
    corrections: dict[str, str] = field(default_factory=dict)
    # True when there were so many matches that facet counts were estimated from a sample.
    facets_approximate: bool = False
    # The place `near` was read as ("Bayonne (64)"), when one was given.
    near_label: str = ""

    @property
    def page_count(self) -> int:
        return max(1, -(-self.count // self.params.page_size))
