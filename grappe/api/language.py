"""The language of an API response: `?lang=`, else Accept-Language, else French.

The API lives outside i18n_patterns, where LocaleMiddleware falls back to French for every
unprefixed path; so the API picks its language itself, for the whole operation (labels,
descriptions, entry URLs), and says which one it used in Content-Language.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def requested_language(request: HttpRequest) -> str:
    """The language asked for; an invalid `lang` is left to parameter validation to refuse."""
    asked = request.GET.get("lang", "")
    if asked in LANGUAGES:
        return asked
    for accepted, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        primary = accepted.split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return settings.LANGUAGE_CODE


def in_requested_language(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run an operation, validation and serialisation included, in the requested language."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        language = requested_language(request)
        with translation.override(language):
            response = run(request, *args, **kwargs)
        response.headers["Content-Language"] = language
        return response

    return wrapper
