"""The public pages. Views only deliver: reads are in queries.py, search in grappe.search."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from grappe.directory.places import departement_of_commune
from grappe.directory.summary import index_summary
from grappe.search import service
from grappe.search.query import InvalidSearch
from grappe.web import jsonld, queries, searching

# The home page's ways into the index, one per kind of entry.
BROWSE = {
    "organisation": _("All organisations"),
    "software": _("All software"),
    "offering": _("All offerings"),
    "person": _("All people"),
    "event": _("All events"),
}


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
            "jsonld": jsonld.script(
                jsonld.website_jsonld(
                    settings.GRAPPE_CLUSTER_NAME, request.build_absolute_uri, reverse("web:search")
                )
            ),
        },
    )


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
        "jsonld": jsonld.script(
            jsonld.search_jsonld(results, request.build_absolute_uri, request.get_full_path())
        ),
    }
    return render(request, "web/search.html", context)


def _entry_page(request: HttpRequest, found, template: str, jsonld_of, **context):
    """An entry's page, or a 404 page when the slug names nothing."""
    if found is None:
        raise Http404("No entry at this address.")
    context["jsonld"] = jsonld.script(jsonld_of(found, request.build_absolute_uri))
    return render(request, template, context)


def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    page = queries.organisation_page(slug, today=timezone.localdate())
    return _entry_page(
        request, page, "web/organisation.html", jsonld.organisation_jsonld,
        page=page, organisation=page and page.organisation,
    )  # fmt: skip


def software(request: HttpRequest, slug: str) -> HttpResponse:
    page = queries.software_page(slug)
    return _entry_page(
        request, page, "web/software.html", jsonld.software_jsonld,
        page=page, software=page and page.software,
    )  # fmt: skip


def offering(request: HttpRequest, slug: str) -> HttpResponse:
    page = queries.offering_page(slug)
    return _entry_page(
        request, page, "web/offering.html", jsonld.offering_jsonld,
        page=page, offering=page and page.offering,
    )  # fmt: skip


def person(request: HttpRequest, slug: str) -> HttpResponse:
    entry = queries.person(slug)
    return _entry_page(request, entry, "web/person.html", jsonld.person_jsonld, person=entry)


def event(request: HttpRequest, slug: str) -> HttpResponse:
    entry = queries.event(slug)
    return _entry_page(
        request, entry, "web/event.html", jsonld.event_jsonld,
        event=entry, departement=entry and departement_of_commune(entry.commune_insee),
    )  # fmt: skip
