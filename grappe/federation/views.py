"""The feed's address: only delivers (the pages are made in feed.py)."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from grappe.federation.cursor import InvalidCursor, decode
from grappe.federation.feed import feed_page


def this_instance(request: HttpRequest) -> dict[str, str]:
    """How peers name this instance: the cluster's name and the address they reached."""
    return {
        "name": settings.GRAPPE_CLUSTER_NAME,
        "url": request.build_absolute_uri("/").rstrip("/"),
    }


@require_GET
def feed(request: HttpRequest) -> JsonResponse:
    token = request.GET.get("cursor", "")
    try:
        position = decode(token) if token else None
    except InvalidCursor as error:
        return JsonResponse({"detail": str(error)}, status=400)
    page = feed_page(position, instance=this_instance(request))
    return JsonResponse(page, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})
