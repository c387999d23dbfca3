"""search(params) -> results: the one entry point pages and the API call.

The query is read word by word: a word the index knows is matched as is; an unknown word is
completed as a prefix ("nextc" -> nextcloud) or corrected to the nearest indexed word
("nextclud" -> nextcloud); synonyms add alternatives ("visio" also searches
"visioconférence"). All words must match; when that finds nothing, any word may.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from math import cos, radians

from django.db import connection
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from grappe.directory import models as m
from grappe.directory.materials import material_label, material_name
from grappe.directory.places import DEPARTEMENTS, departement_label
from grappe.directory.sovereignty import assess
from grappe.directory.validators import DEPARTEMENT_PATTERN
from grappe.geo.distance import KM_PER_DEGREE, bounding_box, distance_km
from grappe.geo.geocoding import Point, resolve_point
from grappe.geo.models import Epci
from grappe.search.backends import get_backend
from grappe.search.backends.base import Alternative, Backend, Group
from grappe.search.extensions import LABELLERS
from grappe.search.models import SearchDocument
from grappe.search.query import (
    FACETS,
    KINDS,
    MAX_PAGE_SIZE,
    MAX_RADIUS_KM,
    MAX_SIZE_MM,
    RANGES,
    SORTS,
    FacetValue,
    Hit,
    InvalidSearch,
    SearchParams,
    SearchResults,
)
from grappe.search.synonyms import synonym_index
from grappe.search.text import STOP_WORDS, fold, name_key, term, words

MAX_QUERY_LENGTH = 200
FACET_VALUES_SHOWN = 30
CANDIDATES = 500  # best text matches the boosts reorder
MAX_EXPORTED = 5_000  # markers on a map, rows of an export of a search
FACET_SAMPLE = 5_000  # facet counts beyond this many matches are estimated from a sample
EXACT_NAME_BOOST = 2.0  # the entry named exactly as typed comes first
MEMBER_BOOST = 0.10  # members rank a little higher, never above a clearly better match
FRESH_BOOST = 0.05  # so do entries updated within a year
ALTERNATIVE_TO = re.compile(
    r"\b(alternatives?\s+(?:à|a|au|aux|to|de|for)|remplacer|replace)\b", re.I
)


@dataclass
class ParsedQuery:
    groups: list[Group] = field(default_factory=list)
    corrections: dict[str, str] = field(default_factory=dict)
    completions: dict[str, str] = field(default_factory=dict)  # "nextc" -> "nextcloud"
    highlight: set[str] = field(default_factory=set)  # terms (and prefixes) to mark in snippets


def validate(params: SearchParams) -> None:
    if len(params.q) > MAX_QUERY_LENGTH:
        raise InvalidSearch(
            "q",
            _("The query is too long (%(max)s characters at most).") % {"max": MAX_QUERY_LENGTH},
        )
    if params.kind and params.kind not in KINDS:
        raise InvalidSearch(
            "kind",
            _("Unknown kind “%(value)s”; choose among %(choices)s.")
            % {"value": params.kind, "choices": ", ".join(KINDS)},
        )
    if params.organisation_kind and params.organisation_kind not in m.OrganisationKind.values:
        raise InvalidSearch(
            "organisation_kind",
            _("Unknown organisation kind “%(value)s”.") % {"value": params.organisation_kind},
        )
    if params.offering_kind and params.offering_kind not in m.OfferingKind.values:
        raise InvalidSearch(
            "offering_kind",
            _("Unknown offering kind “%(value)s”.") % {"value": params.offering_kind},
        )
    if params.departement and not DEPARTEMENT_PATTERN.match(params.departement):
        raise InvalidSearch(
            "departement",
            _("“%(value)s” is not a département code, such as 33.") % {"value": params.departement},
        )
    if params.sort not in SORTS:
        raise InvalidSearch(
            "sort",
            _("Unknown sort “%(value)s”; choose among %(choices)s.")
            % {"value": params.sort, "choices": ", ".join(SORTS)},
        )
    if len(params.near) > 100:
        raise InvalidSearch("near", _("The place is too long."))
    if params.radius_km is not None:
        if not params.near:
            raise InvalidSearch("radius_km", _("A radius needs a place: give “near” too."))
        if not 0 < params.radius_km <= MAX_RADIUS_KM:
            raise InvalidSearch(
                "radius_km", _("The radius is between 0 and %(max)s km.") % {"max": MAX_RADIUS_KM}
            )
    if params.sort == "distance" and not params.near:
        raise InvalidSearch("sort", _("Sorting by distance needs a place: give “near” too."))
    if params.machine_type and params.machine_type not in m.MachineType.values:
        raise InvalidSearch(
            "machine_type",
            _("Unknown machine type “%(value)s”.") % {"value": params.machine_type},
        )
    if params.material is not None and not 0 < len(params.material) <= 60:
        raise InvalidSearch("material", _("A material is 1 to 60 characters long."))
    if params.origin is not None and not 0 < len(params.origin) <= 40:
        raise InvalidSearch("origin", _("A source is 1 to 40 characters long."))
    if params.epci and not re.fullmatch(r"\d{9}", params.epci):
        raise InvalidSearch(
            "epci",
            _("“%(value)s” is not the SIREN of an intercommunality (9 digits).")
            % {"value": params.epci},
        )
    for name, value in params.ranges().items():
        if not 0 < value <= MAX_SIZE_MM:
            raise InvalidSearch(
                name, _("A size is between 1 and %(max)s mm.") % {"max": MAX_SIZE_MM}
            )
    if params.page < 1:
        raise InvalidSearch("page", _("The page number starts at 1."))
    if not 1 <= params.page_size <= MAX_PAGE_SIZE:
        raise InvalidSearch(
            "page_size", _("The page size is between 1 and %(max)s.") % {"max": MAX_PAGE_SIZE}
        )


def max_typos(term: str) -> int:
    return 0 if len(term) < 4 else 1 if len(term) < 7 else 2


def parse(q: str, backend: Backend) -> ParsedQuery:
    parsed = ParsedQuery()
    text = ALTERNATIVE_TO.sub(" ", q)
    tokens = [w for w in words(text) if fold(w) not in STOP_WORDS]
    synonyms = synonym_index()
    consumed: set[int] = set()
    # Expressions of two or three words first ("fab lab", "impression 3d").
    for size in (3, 2):
        for start in range(len(tokens) - size + 1):
            span = range(start, start + size)
            if consumed & set(span):
                continue
            expression = fold(" ".join(tokens[start : start + size]))
            if expression in synonyms:
                group = _group_for(expression, synonyms[expression], backend, parsed)
                if group:
                    parsed.groups.append(group)
                    consumed.update(span)
    for index, token in enumerate(tokens):
        if index in consumed:
            continue
        group = _group_for(token, synonyms.get(fold(token), ()), backend, parsed)
        if group:
            parsed.groups.append(group)
    return parsed


def _group_for(word: str, synonyms: tuple[str, ...], backend: Backend, parsed: ParsedQuery):
    alternatives: list[Alternative] = []
    terms = tuple(backend.analyse(word))
    if not terms:
        return ()
    if all(backend.known(t) for t in terms):
        alternatives.append(Alternative(terms))
    elif len(terms) == 1:
        term = terms[0]
        completions = backend.completions(term) if len(term) >= 3 else []
        if completions:
            alternatives.append(Alternative(terms, prefix=True))
            parsed.completions[word] = completions[0]
        else:
            corrected = backend.similar(term, max_typos(term))
            if corrected:
                alternatives.extend(Alternative((c,)) for c in corrected[:2])
                parsed.corrections[word] = corrected[0]
    for synonym in synonyms:
        synonym_terms = tuple(backend.analyse(synonym))
        if synonym_terms and all(backend.known(t) for t in synonym_terms):
            alternatives.append(Alternative(synonym_terms))
    if not alternatives:
        parsed.corrections[word] = ""  # nothing in the index resembles it: left out
        return ()
    for alternative in alternatives:
        parsed.highlight.update(alternative.terms)
    return tuple(dict.fromkeys(alternatives))


def search(params: SearchParams) -> SearchResults:
    validate(params)
    return _run(params)


def all_results(params: SearchParams, *, located: bool = False) -> SearchResults:
    """Every match, up to MAX_EXPORTED, in the order asked (page and page size are ignored):
    exports of a search; with `located`, only those with coordinates (the map's markers)."""
    validate(params.with_(page=1, page_size=1))
    return _run(params.with_(located=located or params.located, page=1, page_size=MAX_EXPORTED))


def locate_all(params: SearchParams) -> SearchResults:
    """Every match that has coordinates: the map's markers and GeoJSON exports."""
    return all_results(params, located=True)


def _run(params: SearchParams) -> SearchResults:
    backend = get_backend()
    parsed = parse(params.q.strip(), backend) if params.q.strip() else ParsedQuery()
    if params.q.strip() and not parsed.groups:
        return SearchResults(
            params=params, count=0, hits=[], facets={}, corrections=parsed.corrections
        )
    filters = params.filters()
    point = _point(params)
    kept = _restriction(params, point)
    count, ranked, facet_counts, sampled = 0, [], [], False
    for require_all in (True, False):
        ids_sql, ids_values = backend.match_ids_sql(parsed.groups, require_all, filters)
        if kept:  # both computed once, then joined (see the SQLite backend's ranked_sql)
            ids_sql = (
                f"WITH matched AS MATERIALIZED ({ids_sql}), kept AS MATERIALIZED ({kept[0]}) "
                "SELECT matched.id FROM matched JOIN kept ON kept.id = matched.id"
            )
            ids_values = [*ids_values, *kept[1]]
        with connection.cursor() as cursor:
            # Facets count every match up to FACET_SAMPLE; beyond, a sample scaled to the total.
            # Every document has one "kind" value, so the kind counts add up to the matches.
            cursor.execute(
                f"WITH hits AS MATERIALIZED ({ids_sql} LIMIT %s) "
                "SELECT f.facet, f.value, count(*) FROM search_searchfacet f "
                "WHERE f.document_id IN (SELECT id FROM hits) GROUP BY f.facet, f.value",
                [*ids_values, FACET_SAMPLE + 1],
            )
            facet_counts = cursor.fetchall()
            count = sum(c for facet, _value, c in facet_counts if facet == "kind")
            sampled = count > FACET_SAMPLE
            if sampled:
                cursor.execute(f"SELECT count(*) FROM ({ids_sql}) matches", ids_values)
                count = cursor.fetchone()[0]
            if count == 0 and require_all and len(parsed.groups) > 1:
                continue  # nothing has every word: accept documents with any of them
            if count:
                ranked = _page(
                    cursor, params, parsed, backend, require_all, ids_sql, ids_values, point, kept
                )
        break
    if sampled:
        facet_counts = [(f, v, round(c * count / FACET_SAMPLE)) for f, v, c in facet_counts]
    return SearchResults(
        params=params,
        count=count,
        hits=_hits(ranked, parsed, params, point),
        facets=_facets(facet_counts, params),
        corrections=parsed.corrections,
        facets_approximate=sampled,
        near_label=point.label if point else "",
    )


def _point(params: SearchParams) -> Point | None:
    if not params.near.strip():
        return None
    try:
        return resolve_point(params.near)
    except LookupError as error:
        raise InvalidSearch("near", str(error)) from error


def _squared_degrees_sql(point: Point) -> tuple[str, list]:
    """The squared distance to `point` in degrees of latitude, on a plane tangent at the point
    (equirectangular): plain arithmetic any SQL engine computes fast, monotonic with the true
    distance, and kept a few metres of the haversine at the radii people ask (≤ 100 km).
    The distance shown on each hit is the haversine, computed in Python."""
    shrink = cos(radians(point.latitude))
    return (
        "((d.latitude - %s) * (d.latitude - %s) + (d.longitude - %s) * (d.longitude - %s) * %s)",
        [point.latitude, point.latitude, point.longitude, point.longitude, shrink * shrink],
    )


def _restriction(params: SearchParams, point: Point | None) -> tuple[str, list] | None:
    """SQL selecting the ids of the documents that pass the filters the full-text index does
    not hold: kept the radius (a bounding box on the index, then the circle), the machine
    size ranges, having coordinates; None when no such filter is set."""
    clauses, values = [], []
    if point and params.radius_km:
        radius = params.radius_km
        min_lat, max_lat, min_lon, max_lon = bounding_box(point.latitude, point.longitude, radius)
        squared, squared_values = _squared_degrees_sql(point)
        clauses.append(
            f"d.latitude BETWEEN %s AND %s AND d.longitude BETWEEN %s AND %s AND {squared} <= %s"
        )
        values += [min_lat, max_lat, min_lon, max_lon, *squared_values]
        values.append((radius / KM_PER_DEGREE) ** 2)
    for name, minimum in params.ranges().items():
        clauses.append(f"d.{RANGES[name]} >= %s")
        values.append(minimum)
    if params.located and not (point and params.radius_km):
        clauses.append("d.latitude IS NOT NULL")
    if not clauses:
        return None
    return "SELECT d.id FROM search_searchdocument d WHERE " + " AND ".join(clauses), values


def _page(cursor, params, parsed, backend, require_all, ids_sql, ids_values, point, kept):
    """The ids and scores of the requested page, in the requested order."""
    offset = (params.page - 1) * params.page_size
    if params.sort == "distance" or (point and not parsed.groups and params.sort == "relevance"):
        distance, distance_values = _squared_degrees_sql(point)
        cursor.execute(
            f"WITH hits AS MATERIALIZED ({ids_sql}) SELECT d.id, 0 FROM hits "
            "JOIN search_searchdocument d ON d.id = hits.id "
            f"ORDER BY CASE WHEN d.latitude IS NULL THEN 1 ELSE 0 END, {distance}, d.id "
            "LIMIT %s OFFSET %s",
            [*ids_values, *distance_values, params.page_size, offset],
        )
        return cursor.fetchall()
    if params.sort != "relevance" or not parsed.groups:
        order = "d.updated_at DESC, d.id" if params.sort == "newest" else "d.name, d.id"
        if not parsed.groups and not params.filters() and not kept:  # walk the name index
            cursor.execute(
                f"SELECT d.id, 0 FROM search_searchdocument d ORDER BY {order} LIMIT %s OFFSET %s",
                [params.page_size, offset],
            )
        else:
            cursor.execute(
                f"WITH hits AS MATERIALIZED ({ids_sql}) SELECT d.id, 0 FROM hits "
                f"JOIN search_searchdocument d ON d.id = hits.id ORDER BY {order} "
                "LIMIT %s OFFSET %s",
                [*ids_values, params.page_size, offset],
            )
        return cursor.fetchall()
    # The best text matches first, then the boosts reorder them. The boosts multiply a score
    # by 3 at most, so a match outside the first CANDIDATES can only be a near-tie.
    candidates = max(CANDIDATES, 3 * (offset + params.page_size))
    ranked_sql, ranked_values = backend.ranked_sql(
        parsed.groups, require_all, params.filters(), candidates, kept
    )
    corrected = " ".join(
        parsed.corrections.get(w) or parsed.completions.get(w) or fold(w)
        for w in words(params.q)
        if parsed.corrections.get(w) != ""
    )
    score = (
        f"hits.score * (1 + CASE WHEN d.is_member THEN {MEMBER_BOOST} ELSE 0 END"
        f" + CASE WHEN d.updated_at > %s THEN {FRESH_BOOST} ELSE 0 END"
        f" + CASE WHEN d.name_key IN (%s, %s) THEN {EXACT_NAME_BOOST}"
        f" WHEN d.name_key LIKE %s THEN {EXACT_NAME_BOOST / 2} ELSE 0 END)"
    )
    cursor.execute(
        f"WITH hits AS MATERIALIZED ({ranked_sql}) SELECT d.id, {score} AS score FROM hits "
        "JOIN search_searchdocument d ON d.id = hits.id "
        "ORDER BY score DESC, d.id LIMIT %s OFFSET %s",
        [
            *ranked_values,
            timezone.now() - timedelta(days=365),
            name_key(params.q),
            corrected,
            f"{corrected} %",
            params.page_size,
            offset,
        ],
    )
    return cursor.fetchall()


# Presenting ---------------------------------------------------------------------------------


def _hits(
    ranked: list[tuple[int, float]],
    parsed: ParsedQuery,
    params: SearchParams,
    point: Point | None = None,
) -> list[Hit]:
    documents = SearchDocument.objects.in_bulk([row[0] for row in ranked])
    offerings = _offerings_shown(documents.values())
    url_patterns: dict[str, str] = {}  # one reverse() per kind, not per hit
    today = timezone.localdate()
    hits = []
    with translation.override(params.language):
        for document_id, score in ranked:
            d = documents[document_id]
            summary = (
                (d.summary_en or d.summary_fr)
                if params.language == "en"
                else (d.summary_fr or d.summary_en)
            )
            plain, html = snippet(summary, parsed.highlight)
            offering = offerings.get(d.object_id) if d.kind == "offering" else None
            assessment = assess(offering, today) if offering else None
            hits.append(
                Hit(
                    kind=d.kind,
                    id=d.object_id,
                    slug=d.slug,
                    name=d.name,
                    url=_entry_url(url_patterns, d.kind, d.slug),
                    score=round(float(score or 0), 4),
                    snippet=plain,
                    snippet_html=html,
                    subtitle=_subtitle(d, offering),
                    is_example=d.is_example,
                    is_member=d.is_member,
                    departement=d.departement,
                    distance_km=(
                        round(
                            distance_km(point.latitude, point.longitude, d.latitude, d.longitude), 1
                        )
                        if point and d.latitude is not None
                        else None
                    ),
                    latitude=d.latitude,
                    longitude=d.longitude,
                    sovereign=assessment.sovereign if assessment else None,
                    reasons=assessment.reasons if assessment else (),
                )
            )
    return hits


def _offerings_shown(documents) -> dict[int, m.Offering]:
    """The machines and hosting offers among the hits, with what their lines show (their
    work area and materials; whether they are sovereign today, and why): two queries."""
    ids = [
        d.object_id
        for d in documents
        if d.kind == "offering"
        and d.offering_kind in (m.OfferingKind.MACHINE, m.OfferingKind.HOSTING)
    ]
    if not ids:
        return {}
    return (
        m.Offering.objects.select_related("organisation")
        .prefetch_related(
            Prefetch(
                "organisation__certifications",
                queryset=m.Certification.objects.select_related("scheme").prefetch_related(
                    "offerings"
                ),
            )
        )
        .in_bulk(ids)
    )


def _entry_url(patterns: dict[str, str], kind: str, slug: str) -> str:
    if kind not in patterns:
        patterns[kind] = reverse(f"web:{kind}", kwargs={"slug": "SLUG"})
    return patterns[kind].replace("SLUG", slug, 1)


def _label(choices, value: str) -> str:
    return str(dict(choices.choices).get(value, ""))


def _subtitle(d, offering: m.Offering | None = None) -> str:
    if offering is not None and offering.kind == m.OfferingKind.MACHINE:
        parts = [
            _label(m.MachineType, offering.machine_type),
            offering.work_area,
            ", ".join(material_name(x) for x in offering.materials),
            d.parent_name,
        ]
    elif offering is not None:
        parts = [_label(m.HostingKind, offering.hosting_kind), d.parent_name]
    elif d.kind == "organisation":
        parts = [_label(m.OrganisationKind, d.organisation_kind), d.commune_name]
    elif d.kind == "software":
        parts = [d.licence]
    elif d.kind == "offering":
        parts = [_label(m.OfferingKind, d.offering_kind), d.parent_name]
    elif d.kind == "event":
        parts = [d.starts_on.isoformat() if d.starts_on else "", d.commune_name]
    else:
        parts = [d.parent_name, departement_label(d.departement) if d.departement else ""]
    return " · ".join(p for p in parts if p)


SNIPPET_WORDS = 28
_EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")


def snippet(text: str, highlight: set[str]) -> tuple[str, str]:
    """About 28 words of the text around its first matched word: plain, and HTML with <mark>."""
    plain_words = (text or "").split()
    if not plain_words:
        return "", mark_safe("")
    prefixes = tuple(h for h in highlight if len(h) >= 3)
    seen: dict[str, bool] = {}

    def matches(word: str) -> bool:
        if word not in seen:
            core = _EDGE_PUNCTUATION.sub("", word)
            stemmed = term(core) if core else ""
            seen[word] = bool(stemmed) and (stemmed in highlight or stemmed.startswith(prefixes))
        return seen[word]

    first = next((i for i, w in enumerate(plain_words) if matches(w)), 0)
    start = max(0, first - SNIPPET_WORDS // 3)
    window = plain_words[start : start + SNIPPET_WORDS]
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + SNIPPET_WORDS < len(plain_words) else ""
    plain = prefix + " ".join(window) + suffix
    if any(matches(w) for w in window):
        body = " ".join(f"<mark>{escape(w)}</mark>" if matches(w) else escape(w) for w in window)
    else:
        body = escape(" ".join(window))
    html = prefix + str(body) + suffix
    return plain, mark_safe(html)


def _facets(rows: list[tuple[str, str, int]], params: SearchParams) -> dict[str, list[FacetValue]]:
    chosen = params.filters()
    by_facet: dict[str, list[tuple[str, int]]] = {name: [] for name in FACETS}
    for facet, value, count in rows:
        if facet in by_facet:
            by_facet[facet].append((value, count))
    labels = _labels(by_facet, params.language)
    facets = {}
    for name in FACETS:
        values = sorted(by_facet[name], key=lambda vc: (-vc[1], labels[name].get(vc[0], vc[0])))
        facets[name] = [
            FacetValue(
                value=v, label=labels[name].get(v, v), count=c, selected=chosen.get(name) == v
            )
            for v, c in values[:FACET_VALUES_SHOWN]
        ]
    return facets


def _labels(by_facet: dict[str, list[tuple[str, int]]], language: str) -> dict[str, dict]:
    with translation.override(language):
        kind_labels = {
            "organisation": _("Organisations"),
            "software": pgettext("plural", "Software"),
            "offering": _("Offerings"),
            "person": _("People"),
            "event": _("Events"),
        }
        labels = {
            "kind": kind_labels,
            "organisation_kind": {k: str(v) for k, v in m.OrganisationKind.choices},
            "offering_kind": {k: str(v) for k, v in m.OfferingKind.choices},
            "departement": {code: departement_label(code) for code in DEPARTEMENTS},
            "licence": {},
            "member": {"yes": _("Cluster members"), "no": _("Not members")},
            "sovereign": {"yes": _("Sovereign hosting"), "no": _("Not sovereign")},
            "machine_type": {k: str(v) for k, v in m.MachineType.choices},
            "material": {
                value: material_label(value) for value, _count in by_facet.get("material", [])
            },
        }
        category_slugs = [value for value, _count in by_facet.get("category", [])]
        labels["category"] = {
            c.slug: c.name for c in m.Category.objects.filter(slug__in=category_slugs)
        }
        for facet, labeller in LABELLERS.items():
            labels[facet] = labeller([value for value, _count in by_facet.get(facet, [])])
        epci_codes = [value for value, _count in by_facet.get("epci", [])]
        labels["epci"] = dict(Epci.objects.filter(code__in=epci_codes).values_list("code", "name"))
        scheme_slugs = [value for value, _count in by_facet.get("certification", [])]
        labels["certification"] = dict(
            m.CertificationScheme.objects.filter(slug__in=scheme_slugs).values_list("slug", "name")
        )
    return labels
