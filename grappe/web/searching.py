"""The search page's plumbing: GET parameters in, SearchParams out, and back to links.

Everything a visitor does on the search page is a plain link or a GET form (no JavaScript), so
each facet, sort order and page is a URL built from the current SearchParams; parsing and link
building are pure functions, tested without a database.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grappe.directory.materials import material_key, material_label
from grappe.directory.places import departement_label
from grappe.search.query import (
    FACETS,
    RANGES,
    SORTS,
    YES_NO_FACETS,
    InvalidSearch,
    SearchParams,
    SearchResults,
)
from grappe.search.service import validate

MAX_PAGE = 1000
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,120}$")
_LICENCE_ID = re.compile(r"^[A-Za-z0-9.+-]{1,100}$")

KIND_LABELS = {
    "organisation": gettext_lazy("Organisation"),
    "software": gettext_lazy("Software"),
    "offering": gettext_lazy("Offering"),
    "person": gettext_lazy("Person"),
    "event": gettext_lazy("Event"),
}
FACET_TITLES = {
    "kind": gettext_lazy("Type of entry"),
    "organisation_kind": gettext_lazy("Kind of organisation"),
    "offering_kind": gettext_lazy("Kind of offering"),
    "category": gettext_lazy("Category"),
    "departement": gettext_lazy("Département"),
    "licence": gettext_lazy("Licence"),
    "certification": gettext_lazy("Certification"),
    "member": gettext_lazy("Cluster membership"),
    "sovereign": gettext_lazy("Sovereign hosting"),
    "machine_type": gettext_lazy("Machine"),
    "material": gettext_lazy("Material"),
    "epci": gettext_lazy("Intercommunality (EPCI)"),
    "origin": gettext_lazy("Source"),
}
RANGE_LABELS = {
    "min_x_mm": gettext_lazy("Width (X) at least, mm"),
    "min_y_mm": gettext_lazy("Depth (Y) at least, mm"),
    "min_z_mm": gettext_lazy("Height (Z) at least, mm"),
}
SORT_LABELS = {
    "relevance": gettext_lazy("Relevance"),
    "name": gettext_lazy("Name"),
    "newest": gettext_lazy("Newest"),
    "distance": gettext_lazy("Distance"),
}
PLACE_PARAMETERS = ("near", "radius_km")


def _choice(name: str, value: str, choices: tuple[str, ...] | list[str]) -> str:
    if value not in choices:
        raise InvalidSearch(
            name,
            _("“%(value)s” is not one of %(choices)s.")
            % {"value": value, "choices": ", ".join(choices)},
        )
    return value


def _pattern(name: str, value: str, pattern: re.Pattern) -> str:
    if not pattern.match(value):
        raise InvalidSearch(name, _("“%(value)s” is not a valid value.") % {"value": value})
    return value


def parse_search_params(query: Mapping[str, str], language: str = "fr") -> SearchParams:
    """SearchParams from a query string; an empty value means "not set", as a GET form sends it.

    Only what a query string needs is done here (types, the form's own fields); the values are
    checked by the search service's `validate`. Raises InvalidSearch naming the parameter.
    """

    def get(name: str) -> str:
        return (query.get(name) or "").strip()

    values: dict[str, object] = {"q": " ".join(get("q").split()), "language": language[:2]}
    for name in (
        "kind", "organisation_kind", "offering_kind", "machine_type", "epci", "origin", "sort",
    ):  # fmt: skip
        if value := get(name):
            values[name] = value
    if material := get("material"):
        values["material"] = material_key(material)
    if category := get("category"):
        values["category"] = _pattern("category", category, _SLUG)
    if departement := get("departement").upper():
        values["departement"] = departement
    if licence := get("licence"):
        values["licence"] = _pattern("licence", licence, _LICENCE_ID)
    if certification := get("certification"):
        values["certification"] = _pattern("certification", certification, _SLUG)
    for name in YES_NO_FACETS:
        if answer := get(name).lower():
            values[name] = _choice(name, answer, ("yes", "no")) == "yes"
    for name in RANGES:
        if size := get(name):
            if not size.isdigit():
                raise InvalidSearch(name, _("A size is a whole number of millimetres."))
            values[name] = int(size)
    if near := " ".join(get("near").split()):
        values["near"] = near
    if radius := get("radius_km").replace(",", "."):
        try:
            values["radius_km"] = float(radius)
        except ValueError:
            raise InvalidSearch(
                "radius_km", _("The radius must be a number of kilometres.")
            ) from None
    if page := get("page"):
        if not page.isdigit() or not 1 <= int(page) <= MAX_PAGE:
            raise InvalidSearch(
                "page", _("The page must be a whole number from 1 to %(max)s.") % {"max": MAX_PAGE}
            )
        values["page"] = int(page)
    params = SearchParams(**values)
    validate(params)  # the service's own rules: kinds, sort, département, lengths
    return params


def query_of(params: SearchParams) -> dict[str, str]:
    """The GET parameters that give `params` back, defaults left out so that URLs stay short."""
    query = {"q": params.q} if params.q else {}
    query.update(params.filters())
    if params.near:
        query["near"] = params.near
    if params.radius_km is not None:
        query["radius_km"] = f"{params.radius_km:g}"
    query.update({name: str(size) for name, size in params.ranges().items()})
    if params.sort != SearchParams.sort:
        query["sort"] = params.sort
    if params.page > 1:
        query["page"] = str(params.page)
    return query


def search_url(query: Mapping[str, str], route: str = "web:search") -> str:
    """The search page's URL for this query, or the map's (route "web:map")."""
    url = reverse(route)
    return f"{url}?{urlencode(query)}" if query else url


@dataclass(frozen=True)
class FacetLink:
    label: str
    count: int
    url: str
    selected: bool


@dataclass(frozen=True)
class FacetBlock:
    name: str
    title: str
    links: list[FacetLink]


@dataclass(frozen=True)
class ActiveFilter:
    name: str
    title: str
    label: str
    remove_url: str


@dataclass(frozen=True)
class SortLink:
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: a gap ("…") between page numbers
    url: str
    current: bool


@dataclass(frozen=True)
class Pagination:
    previous_url: str
    next_url: str
    pages: list[PageLink]


def _first_page(params: SearchParams) -> dict[str, str]:
    return query_of(params.with_(page=1))


def facet_blocks(results: SearchResults, route: str = "web:search") -> list[FacetBlock]:
    """Each facet value is a link that toggles its filter and goes back to the first page."""
    base = _first_page(results.params)
    blocks = []
    for name in FACETS:
        if name == "epci" and not (results.params.departement or results.params.epci):
            continue  # intercommunalities are a drill-down from a département
        links = []
        for value in results.facets.get(name) or []:
            selected = value.selected or base.get(name) == value.value
            query = dict(base)
            if selected:
                query.pop(name, None)
            else:
                query[name] = value.value
            links.append(FacetLink(value.label, value.count, search_url(query, route), selected))
        if name == "origin" and len(links) < 2 and not any(link.selected for link in links):
            continue  # every entry is this cluster's own: nothing to choose
        if links:
            blocks.append(FacetBlock(name, str(FACET_TITLES[name]), links))
    return blocks


def filter_label(results: SearchResults, name: str, value: str) -> str:
    for facet_value in results.facets.get(name) or []:
        if facet_value.value == value:
            return facet_value.label
    if name == "departement":
        return departement_label(value)
    if name == "member":
        return _("Cluster members") if value == "yes" else _("Not members")
    if name == "sovereign":
        return _("Sovereign hosting") if value == "yes" else _("Not sovereign")
    if name == "material":
        return material_label(value)
    if name == "kind" and value in KIND_LABELS:
        return str(KIND_LABELS[value])
    return value


def active_filters(results: SearchResults, route: str = "web:search") -> list[ActiveFilter]:
    """The filters in force, each with a link that removes it."""
    base = _first_page(results.params)
    chosen = []
    in_force = [
        (name, str(FACET_TITLES[name]), filter_label(results, name, value))
        for name, value in results.params.filters().items()
    ] + [
        (name, str(RANGE_LABELS[name]), str(size)) for name, size in results.params.ranges().items()
    ]
    for name, title, label in in_force:
        rest = {key: item for key, item in base.items() if key != name}
        chosen.append(ActiveFilter(name, title, label, search_url(rest, route)))
    return chosen


def clear_filters_url(params: SearchParams, route: str = "web:search") -> str:
    return search_url(query_of(SearchParams(q=params.q, sort=params.sort)), route)


def sort_links(params: SearchParams, route: str = "web:search") -> list[SortLink]:
    return [
        SortLink(
            str(SORT_LABELS[sort]),
            search_url(_first_page(params.with_(sort=sort)), route),
            sort == params.sort,
        )
        for sort in SORTS
        if sort != "distance" or params.near
    ]


def page_numbers(current: int, last: int, radius: int = 2) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: the first, the last and a window around the current page."""
    numbers = sorted({1, last, *range(max(1, current - radius), min(last, current + radius) + 1)})
    shown: list[int | None] = []
    previous = 0
    for number in numbers:
        if number - previous == 2:
            shown.append(previous + 1)  # an ellipsis would hide no more than one page
        elif number - previous > 2:
            shown.append(None)
        shown.append(number)
        previous = number
    return shown


def pagination(results: SearchResults, route: str = "web:search") -> Pagination | None:
    params, last = results.params, results.page_count
    if last <= 1 and params.page <= 1:
        return None

    def url(number: int) -> str:
        return search_url(query_of(params.with_(page=number)), route)

    pages = [
        PageLink(number, url(number) if number else "", number == params.page)
        for number in page_numbers(min(params.page, last), last)
    ]
    return Pagination(
        previous_url=url(min(params.page - 1, last)) if params.page > 1 else "",
        next_url=url(params.page + 1) if params.page < last else "",
        pages=pages,
    )


def corrected_query(q: str, corrections: Mapping[str, str]) -> str:
    """The query as searched once misspelt words are corrected: "nextclud" -> "nextcloud"."""
    if not corrections:
        return q
    lowered = {word.casefold(): fix for word, fix in corrections.items()}

    def fix(match: re.Match) -> str:
        word = match.group(0)
        return corrections.get(word) or lowered.get(word.casefold()) or word

    corrected = re.sub(r"\w+", fix, q)
    return corrected if corrected != q else " ".join(corrections.values())


def shows_sizes(results: SearchResults) -> bool:
    """The machine size fields are offered when machines are in sight."""
    params = results.params
    machines = any(v.value == "machine" for v in results.facets.get("offering_kind") or [])
    return bool(machines or params.ranges() or params.machine_type or params.material)


def page_context(results: SearchResults, route: str = "web:search") -> dict[str, object]:
    """What the search page (or the map) shows besides the hits: every link already built."""
    params = results.params
    sizes = shows_sizes(results)
    form_fields = set(PLACE_PARAMETERS) | (set(RANGES) if sizes else set())
    return {
        "params": params,
        "q": params.q,
        "results": results,
        "hits": [(hit, KIND_LABELS.get(hit.kind, hit.kind)) for hit in results.hits],
        "first_position": (params.page - 1) * params.page_size + 1,
        "hidden_filters": [
            (name, value)
            for name, value in _first_page(params).items()
            if name != "q" and name not in form_fields
        ],
        "size_fields": [(name, RANGE_LABELS[name], getattr(params, name) or "") for name in RANGES]
        if sizes
        else [],
        "form_action": reverse(route),
        "on_map": route == "web:map",
        "map_url": search_url(_first_page(params), "web:map"),
        "list_url": search_url(_first_page(params), "web:search"),
        "near": params.near,
        "radius_km": f"{params.radius_km:g}" if params.radius_km is not None else "",
        "corrected_query": corrected_query(params.q, results.corrections),
        "facets": facet_blocks(results, route),
        "active_filters": active_filters(results, route),
        "clear_filters_url": clear_filters_url(params, route),
        "sort_links": sort_links(params, route),
        "pagination": pagination(results, route),
    }
