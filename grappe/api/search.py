"""The search endpoint: the API's door to grappe.search, the same search as the site's."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from ninja import Query, Router

from grappe.api.params import SearchParameters
from grappe.api.schemas import ErrorOut, SearchOut
from grappe.directory.materials import material_key
from grappe.search import service
from grappe.search.geojson import feature_collection
from grappe.search.query import SearchParams

router = Router(tags=["search"])


def search_params(params: SearchParameters) -> SearchParams:
    return SearchParams(
        q=params.q,
        kind=params.kind,
        organisation_kind=params.organisation_kind,
        offering_kind=params.offering_kind,
        category=params.category,
        departement=params.departement,
        licence=params.licence,
        certification=params.certification,
        member=params.member,
        sovereign=params.sovereign,
        machine_type=params.machine_type,
        material=material_key(params.material) if params.material else None,
        epci=params.epci,
        origin=params.origin,
        min_x_mm=params.min_x_mm,
        min_y_mm=params.min_y_mm,
        min_z_mm=params.min_z_mm,
        sort=params.sort,
        near=params.near,
        radius_km=params.radius_km,
        page=params.page,
        page_size=params.page_size,
        language=translation.get_language() or "fr",
    )


@router.get("/search", response={200: SearchOut, 400: ErrorOut})
def search(request: HttpRequest, params: Query[SearchParameters]) -> dict:
    """Search every kind of entry, with facets to narrow the results and spelling corrections.

    Parameters that the search engine refuses (an unknown category, say) answer a 400 that
    names them, like the ones refused here.
    """
    results = service.search(search_params(params))
    return {
        "count": results.count,
        "page": results.params.page,
        "page_size": results.params.page_size,
        "results": results.hits,
        "facets": results.facets,
        "corrections": results.corrections,
        "facets_approximate": results.facets_approximate,
        "near": results.near_label,
    }


@router.get("/search.geojson", response={200: dict, 400: ErrorOut})
def search_geojson(request: HttpRequest, params: Query[SearchParameters]) -> HttpResponse:
    """Every located result of a search (up to 5,000) as a GeoJSON FeatureCollection (RFC 7946):
    the same parameters as /api/search; `page` and `page_size` are ignored."""
    results = service.locate_all(search_params(params))
    return JsonResponse(
        feature_collection(results),
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )
