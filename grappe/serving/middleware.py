"""The request id and the request's log line: the outermost middleware."""

import logging
import re
import time
import uuid

from django.http import HttpRequest, HttpResponse

from grappe.serving import logs
from grappe.serving.caching import HEADER as CACHE_HEADER

logger = logging.getLogger("grappe.request")

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's id may look like (a UUID, a hex string, nginx's $request_id, ...); anything
# else is replaced, so that a log line never carries what a client chose to write in it.
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestLogMiddleware:
    """Takes the X-Request-ID a proxy sent, or makes one; gives it to every log line written
    while the request is served and to the response; then writes the request's own line:
    method, path (never the query string), status, duration, and whether the page cache
    answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = logs.request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            path = request.path
            status = response.status_code
            logger.info(
                "%s %s %s %.1f ms",
                request.method,
                path,
                status,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": path,
                    "status": status,
                    "duration_ms": duration_ms,
                    "cache": response.get(CACHE_HEADER),
                },
            )
            return response
        finally:
            logs.request_id.reset(token)
