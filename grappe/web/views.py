"""The public pages. Views only deliver: reads are in queries.py, search in grappe.search."""

from collections.abc import Iterable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from grappe.accounts.permissions import may_propose
from grappe.directory.models import Event
from grappe.directory.places import departement_of_commune
from grappe.directory.summary import index_summary
from grappe.federation import provenance
from grappe.geo import outlines
from grappe.needs.models import Need, NeedStatus
from grappe.search import exports, service
from grappe.search.geojson import feature_collection
from grappe.search.query import InvalidSearch, SearchParams, SearchResults
from grappe.web import calendar, feeds, jsonld, queries, searching
from grappe.web.tenders import can_view_watches

# The home page's ways into the index, one per kind of entry.
BROWSE = {
    "organisation": _("All organisations"),
    "software": _("All software"),
    "offering": _("All offerings"),
    "person": _("All people"),
    "event": _("All events"),
}

# Questions buyers ask most, one click from the home page.
SHORTCUTS = (
    (_("The map of the ecosystem"), {}, "web:map"),
    (_("Sovereign hosting offers"), {"sovereign": "yes"}, "web:search"),
    (_("3D printers"), {"machine_type": "3d_fdm"}, "web:map"),
    (_("Fab labs"), {"organisation_kind": "fablab"}, "web:map"),
)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/home.html",
        {
            "summary": index_summary(),
            **queries.home_entries(timezone.localdate()),
            "browse_links": [
                (label, searching.search_url({"kind": kind})) for kind, label in BROWSE.items()
            ],
            "shortcuts": [
                (label, searching.search_url(query, route)) for label, query, route in SHORTCUTS
            ],
            "jsonld": jsonld.script(
                jsonld.website_jsonld(
                    settings.GRAPPE_CLUSTER_NAME, request.build_absolute_uri, reverse("web:search")
                )
            ),
        },
    )


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """A bad parameter is the visitor's to fix: a 400 page naming it, never a stack trace."""
    try:
        params = searching.parse_search_params(request.GET, language=get_language() or "fr")
        results = service.search(params)
    except InvalidSearch as error:
        q = " ".join((request.GET.get("q") or "").split())[: service.MAX_QUERY_LENGTH]
        return render(
            request, "web/search.html", {"error": error, "q": q, "params": None}, status=400
        )
    context = {
        **searching.page_context(results),
        "geojson_url": searching.search_url(
            searching.query_of(results.params), route="web:search_geojson"
        ),
        **export_links(results.params),
        "feed_links": feeds.search_feed_links(results.params),
        "jsonld": jsonld.script(
            jsonld.search_jsonld(results, request.build_absolute_uri, request.get_full_path())
        ),
    }
    return render(request, "web/search.html", context)


@require_safe
def map_page(request: HttpRequest) -> HttpResponse:
    """The search on a map: the same filters and facets, only entries that have a place. The
    list of results is the page itself (it serves without JavaScript); the map's script draws
    the markers from the GeoJSON export of the same search."""
    try:
        params = searching.parse_search_params(request.GET, language=get_language() or "fr")
        results = service.search(params.with_(located=True))
    except InvalidSearch as error:
        return render(request, "web/map.html", {"error": error, "params": None}, status=400)
    query = searching.query_of(results.params)
    return render(
        request,
        "web/map.html",
        {
            **searching.page_context(results, route="web:map"),
            "geojson_url": searching.search_url(query, route="web:search_geojson"),
            **export_links(results.params),
            "outlines_url": reverse("web:outlines") if outlines.stored() else "",
            "tiles_url": settings.GRAPPE_MAP_TILES_URL,
            "tiles_attribution": settings.GRAPPE_MAP_TILES_ATTRIBUTION,
        },
    )


@require_safe
def search_geojson(request: HttpRequest) -> HttpResponse:
    """Every located result of a search as GeoJSON: the map's markers, and a download."""
    try:
        params = searching.parse_search_params(request.GET, language=get_language() or "fr")
        results = service.locate_all(params)
    except InvalidSearch as error:
        return JsonResponse(
            {"parameter": error.parameter, "message": error.message},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    response = JsonResponse(
        feature_collection(results),
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Disposition"] = 'inline; filename="grappe-search.geojson"'
    return response


def export_links(params: SearchParams) -> dict[str, str]:
    """The CSV and JSON downloads of the search a page shows (every match, not one page)."""
    query = searching.query_of(params.with_(page=1))
    return {
        "csv_url": searching.search_url(query, route="web:search_csv"),
        "json_url": searching.search_url(query, route="web:search_json"),
    }


def _exported_results(
    request: HttpRequest,
) -> tuple[SearchResults, None] | tuple[None, HttpResponse]:
    """Every match of the search in the query string (5,000 at most), or the 400 to answer."""
    try:
        params = searching.parse_search_params(request.GET, language=get_language() or "fr")
        return service.all_results(params), None
    except InvalidSearch as error:
        return None, JsonResponse(
            {"parameter": error.parameter, "message": error.message},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )


@require_safe
def search_csv(request: HttpRequest) -> HttpResponse:
    """Every result of a search as a spreadsheet: one row per entry, headers in the page's
    language, UTF-8 with a byte order mark so that Excel shows the accents."""
    results, refusal = _exported_results(request)
    if refusal:
        return refusal
    response = HttpResponse(
        exports.results_csv(results, request.build_absolute_uri),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = exports.content_disposition(
        exports.export_filename(results, "csv")
    )
    return response


@require_safe
def search_json(request: HttpRequest) -> HttpResponse:
    """Every result of a search as JSON, with the fields of the API's search hits."""
    results, refusal = _exported_results(request)
    if refusal:
        return refusal
    response = JsonResponse(
        exports.results_json(results, request.build_absolute_uri),
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Disposition"] = exports.content_disposition(
        exports.export_filename(results, "json")
    )
    return response


@cache_control(public=True, max_age=3600)
@require_safe
def departement_outlines(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        outlines.outlines_geojson(),
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


def _entry_page(request: HttpRequest, found, template: str, jsonld_of, **context):
    """An entry's page, or a 404 page when the slug names nothing; an entry pulled from
    another cluster says so, with a link to its page there."""
    if found is None:
        raise Http404("No entry at this address.")
    context["jsonld"] = jsonld.script(jsonld_of(found, request.build_absolute_uri))
    origin = _ORIGIN_OF.get(template)
    if origin is not None:
        kind, entry_id = origin(context)
        context["origin"] = provenance.origin_of(kind, entry_id)
    return render(request, template, context)


# Which federated entry each page shows (an offering travels inside its organisation).
_ORIGIN_OF = {
    "web/organisation.html": lambda c: ("organisation", c["organisation"].pk),
    "web/software.html": lambda c: ("software", c["software"].pk),
    "web/offering.html": lambda c: ("organisation", c["offering"].organisation_id),
    "web/person.html": lambda c: ("person", c["person"].pk),
    "web/event.html": lambda c: ("event", c["event"].pk),
}


@require_safe
def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    """The public profile; its members (and curators) also get the links to edit it and to
    its tender watches."""
    page = queries.organisation_page(slug, today=timezone.localdate())
    found = page and page.organisation
    return _entry_page(
        request, page, "web/organisation.html", jsonld.organisation_jsonld,
        page=page, organisation=found,
        may_edit=bool(found) and may_propose(request.user, found),
        may_see_watches=bool(found) and can_view_watches(request.user, found),
    )  # fmt: skip


# Open needs listed on a software's page; the board lists them all.
SOFTWARE_NEEDS_SHOWN = 5


@require_safe
def software(request: HttpRequest, slug: str) -> HttpResponse:
    page = queries.software_page(slug)
    open_needs = (
        Need.objects.filter(software=page.software, status=NeedStatus.OPEN).order_by("-created_at")
        if page
        else Need.objects.none()
    )
    return _entry_page(
        request, page, "web/software.html", jsonld.software_jsonld,
        page=page, software=page and page.software,
        open_needs=list(open_needs[:SOFTWARE_NEEDS_SHOWN]),
    )  # fmt: skip


@require_safe
def offering(request: HttpRequest, slug: str) -> HttpResponse:
    page = queries.offering_page(slug, timezone.localdate())
    return _entry_page(
        request, page, "web/offering.html", jsonld.offering_jsonld,
        page=page, offering=page and page.offering,
    )  # fmt: skip


@require_safe
def person(request: HttpRequest, slug: str) -> HttpResponse:
    entry = queries.person(slug)
    return _entry_page(request, entry, "web/person.html", jsonld.person_jsonld, person=entry)


@require_safe
def event(request: HttpRequest, slug: str) -> HttpResponse:
    entry = queries.event(slug)
    return _entry_page(
        request, entry, "web/event.html", jsonld.event_jsonld,
        event=entry, departement=entry and departement_of_commune(entry.commune_insee),
    )  # fmt: skip


@require_safe
def events_calendar(request: HttpRequest) -> HttpResponse:
    """The coming and recent events as one iCalendar file, for calendar applications."""
    events = calendar.calendar_events(timezone.localdate())
    return _calendar_response(request, events, "grappe-events.ics")


@require_safe
def event_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """One event as an iCalendar file: "Add to my calendar"."""
    entry = queries.event(slug)
    if entry is None:
        raise Http404("No entry at this address.")
    return _calendar_response(request, [entry], f"{entry.slug}.ics")


def _calendar_response(
    request: HttpRequest, events: Iterable[Event], filename: str
) -> HttpResponse:
    content = calendar.events_ical(
        events,
        host=request.get_host(),
        absolute=request.build_absolute_uri,
        name=str(_("Events of %(cluster)s") % {"cluster": settings.GRAPPE_CLUSTER_NAME}),
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
