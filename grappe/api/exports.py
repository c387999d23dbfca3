"""Downloads of a search: every result (up to 5,000) as CSV or JSON, beside /search.geojson.

The same parameters as /search, read by the same function; `page` and `page_size` are ignored.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Query, Router, Schema

from grappe.api.params import SearchParameters
from grappe.api.schemas import ErrorOut, SearchHitOut
from grappe.api.search import search_params
from grappe.search import exports, service

router = Router(tags=["search"])


class SearchExportOut(Schema):
    count: int
    results: list[SearchHitOut]


CSV_RESPONSE = {
    "responses": {
        200: {
            "description": "One row per result, after a header row in the response's language.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}


def _download(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = exports.content_disposition(filename)
    return response


@router.get("/search.csv", response={200: str, 400: ErrorOut}, openapi_extra=CSV_RESPONSE)
def search_csv(request: HttpRequest, params: Query[SearchParameters]) -> HttpResponse:
    """Every result of a search as CSV (UTF-8 with a byte order mark, for spreadsheets): kind,
    name, page URL, subtitle, département, latitude, longitude, distance_km, is_member,
    is_example, sovereign; the header row and the words in the response's language."""
    results = service.all_results(search_params(params))
    response = HttpResponse(
        exports.results_csv(results, request.build_absolute_uri),
        content_type="text/csv; charset=utf-8",
    )
    return _download(response, exports.export_filename(results, "csv"))


@router.get("/search.json", response={200: SearchExportOut, 400: ErrorOut})
def search_json(request: HttpRequest, params: Query[SearchParameters]) -> HttpResponse:
    """Every result of a search as JSON: `count` matches and their `results`, with the fields
    of /search's results (`url` absolute), without facets or pages."""
    results = service.all_results(search_params(params))
    response = JsonResponse(
        exports.results_json(results, request.build_absolute_uri),
        json_dumps_params={"ensure_ascii": False},
    )
    return _download(response, exports.export_filename(results, "json"))
