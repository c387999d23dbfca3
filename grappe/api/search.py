"""The search endpoint: the API's door to grappe.search, the same search as the site's."""

from django.http import HttpRequest
from django.utils import translation
from ninja import Query, Router

from grappe.api.params import SearchParameters
from grappe.api.schemas import ErrorOut, SearchOut
from grappe.search import service
from grappe.search.query import SearchParams

router = Router(tags=["search"])


@router.get("/search", response={200: SearchOut, 400: ErrorOut})
def search(request: HttpRequest, params: Query[SearchParameters]) -> dict:
    """Search every kind of entry, with facets to narrow the results and spelling corrections.

    Parameters that the search engine refuses (an unknown category, say) answer a 400 that
    names them, like the ones refused here.
    """
    results = service.search(
        SearchParams(
            q=params.q,
            kind=params.kind,
            organisation_kind=params.organisation_kind,
            offering_kind=params.offering_kind,
            category=params.category,
            departement=params.departement,
            licence=params.licence,
            certification=params.certification,
            member=params.member,
            sort=params.sort,
            near=params.near,
            radius_km=params.radius_km,
            page=params.page,
            page_size=params.page_size,
            language=translation.get_language() or "fr",
        )
    )
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
