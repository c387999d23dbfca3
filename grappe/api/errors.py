"""Errors a client can act on: 400 naming the parameter to fix, 404 for an unknown entry.

Every refusal has the same small body, `{"detail": "...", "parameter": "..."}` (no `parameter`
on a 404), so that a client can show the message next to the field it came from.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from grappe.search.query import InvalidSearch


class BadParameter(ValueError):
    """A parameter that validated alone but means nothing here (an unknown category slug)."""

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        self.message = message
        super().__init__(f"{parameter}: {message}")


class EntryNotFound(Exception):
    """No entry of that kind has that slug."""

    def __init__(self, kind: str, slug: str):
        self.kind = kind
        self.slug = slug
        super().__init__(f"No {kind} with the slug “{slug}”.")


def parameter_of(error: dict[str, Any]) -> str:
    """The parameter a pydantic error is about: its location without the source ("query"); in
    a JSON body ("body", then the operation's name for the body), the field of the body."""
    location = [str(part) for part in error.get("loc", ())]
    if location[:1] == ["body"]:
        location = location[2:]
    location = [part for part in location if part not in ("query", "path")]
    return location[0] if location else ""


def message_of(error: dict[str, Any]) -> str:
    """Pydantic's message, without the "Value error, " it puts before our own validators'."""
    message = str(error.get("msg", "invalid value"))
    return message.removeprefix("Value error, ")


def bad_request(api: NinjaAPI, request: HttpRequest, parameter: str, message: str) -> HttpResponse:
    detail = f"{parameter}: {message}" if parameter else message
    return api.create_response(request, {"detail": detail, "parameter": parameter}, status=400)


def install(api: NinjaAPI) -> None:
    """Replace ninja's 422 by 400s that name the parameter, and give 404s a plain message."""

    @api.exception_handler(ValidationError)
    def invalid_parameter(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        # Report the first error only: one message, one field to fix, in the signature's order.
        first = exc.errors[0] if exc.errors else {}
        return bad_request(api, request, parameter_of(first), message_of(first))

    @api.exception_handler(InvalidSearch)
    def invalid_search(request: HttpRequest, exc: InvalidSearch) -> HttpResponse:
        return bad_request(api, request, exc.parameter, exc.message)

    @api.exception_handler(BadParameter)
    def bad_parameter(request: HttpRequest, exc: BadParameter) -> HttpResponse:
        return bad_request(api, request, exc.parameter, exc.message)

    @api.exception_handler(EntryNotFound)
    def entry_not_found(request: HttpRequest, exc: EntryNotFound) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc)}, status=404)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": "Not found."}, status=404)
