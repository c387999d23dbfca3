from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path, reverse

from grappe.api.main import api


def root(request: HttpRequest) -> JsonResponse:
    """/api/ says what it is and where its description lives, rather than a bare 404."""
    return JsonResponse(
        {"name": api.title, "version": api.version, "openapi": reverse("api:openapi-json")}
    )


def unknown_path(request: HttpRequest, rest: str = "") -> JsonResponse:
    """A JSON 404 for any other address under /api/, rather than the site's HTML page."""
    detail = f"No API endpoint at {request.path}."
    if request.path.endswith("/"):
        detail += " API paths have no trailing slash."
    return JsonResponse({"detail": detail}, status=404)


urlpatterns = [
    path("", root),
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", unknown_path),
]
