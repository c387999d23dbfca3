"""The API object: its routers, its error handlers and its language, in one place."""

from ninja import NinjaAPI
from ninja.operation import Operation

from grappe.api import directory, errors, exports, needs, profiles, search, tenders
from grappe.api.language import in_requested_language


class GrappeAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """The view's own name ("list_organisations"), shorter for generated clients."""
        return operation.view_func.__name__


api = GrappeAPI(
    title="Grappe API",
    version="1",
    description=(
        "The index of a regional open-source ecosystem: organisations, software, offerings, "
        "people, events, and the search over all of them; calls for tenders, with the "
        "members who can answer each lot and the teams they could form; and needs that "
        "organisations pool money for (`/api/needs`). Reading is public. "
        "Writing needs an account: an API token (`Authorization: Bearer ...`) with the scope "
        "the operation names (`profiles:write`, `tenders:write`, `needs:write`), HTTP Basic, or "
        "a session of "
        "the site with its CSRF token. Members propose changes to their organisation's "
        "profile, which curators approve (`/api/organisations/{slug}/editable`, "
        "`/api/proposals`); adding a call for tenders (`POST /api/tenders`) needs the "
        "permission to add them. French by default; `?lang=en` or an Accept-Language header "
        'for English. Errors answer `{"detail": "...", "parameter": "..."}` with status 400, '
        '`{"detail": "..."}` with status 404, and both versions with status 409 when a '
        "profile changed since it was read."
    ),
    urls_namespace="api",
    # No Swagger page: it loads its scripts from a CDN, and the OpenAPI document is enough.
    docs_url=None,
)
errors.install(api)
api.add_decorator(in_requested_language, mode="view")
api.add_router("", search.router)
api.add_router("", exports.router)
api.add_router("", directory.router)
api.add_router("", tenders.router)
api.add_router("", profiles.router)
api.add_router("", needs.router)
