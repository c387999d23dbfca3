"""Who calls a write endpoint, and what the credentials they sent allow.

Three ways in, tried in this order:

- `Authorization: Bearer <key>`: an API token (grappe.accounts.tokens), limited to its scopes;
- HTTP Basic: the account's username (its e-mail address) and password, checked by
  django.contrib.auth.authenticate with the request, so that django-axes counts failures and
  locks guessers out, as on the login page;
- the site's session, for the browser, with its CSRF token on every write.

Basic and session callers hold every scope: they hold the password. An endpoint names the scope
it needs (`account(SCOPE)`); a token without it gets a 403 naming the scope. Credentials sent
and wrong are refused at once rather than ignored: the client meant them.

The 401 challenge offers `Bearer` only: a Basic challenge would make browsers ask for the
password and then send it with every request to the site, cross-site forms included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from axes.helpers import get_cool_off
from django.contrib.auth import authenticate
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBasicAuth, HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from grappe.accounts import tokens
from grappe.accounts.models import ApiToken, TokenScope

PROFILES_WRITE = TokenScope.PROFILES_WRITE.value
TENDERS_WRITE = TokenScope.TENDERS_WRITE.value
EVERY_SCOPE = frozenset(TokenScope.values)
REALM = "Grappe"
# Where the header to add to a refusal waits, on the request, for `challenge` to send it.
HEADERS_ATTRIBUTE = "_grappe_auth_headers"


@dataclass(frozen=True)
class Caller:
    """`request.auth` on an endpoint that needs an account."""

    user: AbstractBaseUser
    scopes: frozenset[str]
    method: str  # "token", "basic" or "session"
    token: ApiToken | None = None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


def _answer_with(request: HttpRequest, **headers: str) -> None:
    waiting = getattr(request, HEADERS_ATTRIBUTE, None)
    if waiting is None:
        waiting = {}
        setattr(request, HEADERS_ATTRIBUTE, waiting)
    waiting.update(headers)


def _bearer_challenge(**parameters: str) -> str:
    pairs = {"realm": REALM, **parameters}
    return "Bearer " + ", ".join(f'{key}="{value}"' for key, value in pairs.items())


def _allowed(request: HttpRequest, caller: Caller, scope: str | None) -> Caller:
    if scope is not None and not caller.has_scope(scope):
        _answer_with(
            request,
            **{"WWW-Authenticate": _bearer_challenge(error="insufficient_scope", scope=scope)},
        )
        raise AuthorizationError(
            403,
            _("this API token lacks the scope “%(scope)s”; create a token with it")
            % {"scope": scope},
        )
    return caller


class TokenAuth(HttpBearer):
    """An API token in `Authorization: Bearer <key>`."""

    def __init__(self, scope: str | None = None):
        self.scope = scope
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        found = tokens.authenticate(token.strip())
        if found is None:
            _answer_with(request, **{"WWW-Authenticate": _bearer_challenge(error="invalid_token")})
            raise AuthenticationError(401, _("this API token is unknown, revoked or expired"))
        caller = Caller(found.user, frozenset(found.scopes), "token", found)
        return _allowed(request, caller, self.scope)


class BasicAuth(HttpBasicAuth):
    """A username and password in the Authorization header, for scripts."""

    def __init__(self, scope: str | None = None):
        self.scope = scope
        super().__init__()

    def authenticate(self, request: HttpRequest, username: str, password: str) -> Caller:
        user = authenticate(request, username=username, password=password)
        if user is None:
            if getattr(request, "axes_locked_out", False):
                raise _locked_out(request)
            raise AuthenticationError(401, _("wrong username or password"))
        return _allowed(request, Caller(user, EVERY_SCOPE, "basic"), self.scope)


def _locked_out(request: HttpRequest) -> AuthenticationError:
    """Too many wrong passwords: say so in JSON, and when to try again. django-axes's
    middleware would replace the answer with the login page's HTML one: it is told the lockout
    was answered."""
    request.axes_locked_out = False
    cool_off = get_cool_off(request)
    minutes = max(1, int(cool_off.total_seconds() // 60)) if cool_off else None
    if cool_off:
        _answer_with(request, **{"Retry-After": str(int(cool_off.total_seconds()))})
        message = ngettext(
            "too many wrong passwords for this account from this address; try again in "
            "%(minutes)s minute",
            "too many wrong passwords for this account from this address; try again in "
            "%(minutes)s minutes",
            minutes,
        ) % {"minutes": minutes}
    else:
        message = _("too many wrong passwords for this account from this address")
    return AuthenticationError(429, message)


class SessionAuth(NinjaSessionAuth):
    """The site's login. CSRF is checked only when a user is logged in: an anonymous request
    carries no credentials a forged form could borrow, and deserves a 401, not a CSRF 403."""

    def __init__(self, scope: str | None = None):
        self.scope = scope
        super().__init__()

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        user = super().__call__(request)  # checks the CSRF token of a write
        return _allowed(request, Caller(user, EVERY_SCOPE, "session"), self.scope)


def needs_account(request: HttpRequest) -> None:
    """Last in the list: nobody was recognised, so say what would be (ninja says only
    "Unauthorized"). A plain function, so that the OpenAPI document lists the schemes only."""
    raise AuthenticationError(
        401,
        _(
            "this needs an account: send an API token (Authorization: Bearer <key>), a "
            "username and password with HTTP Basic, or log in on the site and send the CSRF "
            "token"
        ),
    )


def account(scope: str | None = None) -> list[Callable[[HttpRequest], Any]]:
    """The `auth` of an endpoint: any of the three ways in; tokens need `scope` (None: any
    valid token will do)."""
    return [TokenAuth(scope), BasicAuth(scope), SessionAuth(scope), needs_account]


def challenge(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Adds to a refusal the headers the refusal asked for, and to every 401 the challenge
    HTTP requires. A view decorator (ninja's `decorate_view`): it wraps authentication too."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = run(request, *args, **kwargs)
        for name, value in (getattr(request, HEADERS_ATTRIBUTE, None) or {}).items():
            if response.status_code >= 400:
                response[name] = value
        if response.status_code == 401 and "WWW-Authenticate" not in response:
            response["WWW-Authenticate"] = _bearer_challenge()
        return response

    return wrapper
