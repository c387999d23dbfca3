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
    "sovereign",
    "machine_type",
    "material",
    "epci",
    "origin",
)
# Yes/no facets: the filter parameter is a bool, its facet values "yes" and "no".
YES_NO_FACETS = ("member", "sovereign")
# Range filters over a machine's work area: parameter -> document column.
RANGES = {"min_x_mm": "work_x_mm", "min_y_mm": "work_y_mm", "min_z_mm": "work_z_mm"}
MAX_SIZE_MM = 100_000
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
    sovereign: bool | None = None  # True: sovereign hosting offers only (see directory.sovereignty)
    machine_type: str | None = None  # MachineType value
    material: str | None = None  # a material key, such as "petg" (directory.materials)
    epci: str | None = None  # SIREN of an intercommunality
    origin: str | None = None  # where entries come from: "local", or a federation peer's slug
    min_x_mm: int | None = None  # machines whose work area is at least this wide...
    min_y_mm: int | None = None  # ...this deep...
    min_z_mm: int | None = None  # ...and this high ("build height ≥ 250 mm")
    located: bool = False  # only entries with coordinates (the map)
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
            chosen[name] = ("yes" if value else "no") if name in YES_NO_FACETS else str(value)
        return chosen

    def ranges(self) -> dict[str, int]:
        """The range filters that are set: {"min_z_mm": 250}."""
        return {name: getattr(self, name) for name in RANGES if getattr(self, name) is not None}

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
    latitude: float | None = None
    longitude: float | None = None
    # A hosting offer: whether it passes the sovereign hosting filter today, and why.
    sovereign: bool | None = None
    reasons: tuple = ()  # directory.sovereignty.Reason


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
