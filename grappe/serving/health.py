"""Health checks for a load balancer, a container orchestrator or a monitoring probe.

/healthz       the database answers and the search index can be queried: 200
               {"status": "ok", "database": "ok", "search": "ok"}, else 503 naming the part
               that failed ("error"); the cause goes to the log, not to the caller.
/healthz/live  the process answers, nothing else is looked at (a liveness probe; and the
               ceiling of the load benchmark: the cheapest request Django can serve).

Both are outside the language prefixes, touch no session, set no cookie, are never cached
and are exempt from the HTTPS redirect (a probe speaks plain HTTP to the process).
"""

import logging

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from grappe.search.backends import get_backend
from grappe.search.backends.base import Alternative

logger = logging.getLogger(__name__)

OK = "ok"
ERROR = "error"
_LIVE = b'{"status": "ok"}'


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health check: the database does not answer")
        return ERROR
    return OK


def search_status() -> str:
    """A real full-text query on the index (FTS5 table, or tsvector column and text search
    configuration), limited to one row: the index exists and answers, empty or not."""
    try:
        sql, params = get_backend().ranked_sql([(Alternative(("grappe",)),)], False, {}, 1)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()
    except Exception:
        logger.exception("health check: the search index cannot be queried")
        return ERROR
    return OK


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    parts = {"database": database_status()}
    parts["search"] = search_status() if parts["database"] == OK else ERROR
    healthy = all(state == OK for state in parts.values())
    return JsonResponse(
        {"status": OK if healthy else ERROR, **parts}, status=200 if healthy else 503
    )


@never_cache
def live(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_LIVE, content_type="application/json")
