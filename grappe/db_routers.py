"""Reads on PostgreSQL read replicas, writes on the primary, and read-your-writes.

Configured by settings.py when DATABASE_REPLICA_URLS names replicas (aliases "replica_1",
"replica_2"...); without replicas, no router is installed and nothing here runs. How to run
it, and its limits: docs/scaling.md.

Where a read goes:
- inside a web request (PinPrimaryMiddleware opens a routing scope for each one) to one
  replica, picked at random for the whole request so that its reads see one state of the data;
- to the primary once the request is pinned: its method writes (POST, PUT, PATCH, DELETE), it
  wrote through the ORM (any save, update, delete, get_or_create...), or the browser carries
  the cookie the middleware set after a write, for GRAPPE_REPLICA_PIN_SECONDS: whoever just
  edited reads the primary, where their edit is, until the replicas have caught up;
- to the primary inside a transaction on the primary (`transaction.atomic()`), so that a
  transaction reads what it writes and what it locks;
- to the primary for the apps that read the primary through raw SQL beside the ORM (the
  search index, whose hits would otherwise name rows the replica does not have yet) and for
  sessions (a visitor who just logged in is never logged out by a lagging replica);
- to the primary outside any request (commands, the shell, migrations, background jobs),
  unless the code opens a scope itself with `replica_reads()`.
Writes and migrations only ever go to the primary.
"""

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_PREFIX = "replica_"
PIN_COOKIE = "grappe_primary_until"
DEFAULT_PIN_SECONDS = 10
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Apps whose reads stay on the primary, and why (see the module's docstring).
PRIMARY_APPS = frozenset({"search", "sessions"})


@dataclass
class Scope:
    """What the router knows of the current request (or job): where it reads, whether it wrote."""

    replica: str | None  # the replica this scope reads from; None: the primary
    pinned: bool = False  # reads go to the primary
    wrote: bool = False  # the scope wrote through the ORM


# One value per request (each thread and each asyncio task sees its own), so concurrent
# requests never pin each other; None outside any scope.
_scope: ContextVar[Scope | None] = ContextVar("grappe_routing_scope", default=None)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX)]


def pin_seconds() -> int:
    return getattr(settings, "GRAPPE_REPLICA_PIN_SECONDS", DEFAULT_PIN_SECONDS)


@contextmanager
def replica_reads(*, pinned: bool = False, replicas: list[str] | None = None) -> Iterator[Scope]:
    """A routing scope: reads go to one replica (picked now) until something writes.

    The middleware opens one per request; a job whose reads may lag a little (an export, a
    report) opens one to spare the primary.
    """
    candidates = replica_aliases() if replicas is None else replicas
    scope = Scope(replica=random.choice(candidates) if candidates else None, pinned=pinned)
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


@contextmanager
def primary_reads() -> Iterator[None]:
    """Reads of the current scope go to the primary until it ends (from here on, if no scope)."""
    scope = _scope.get()
    if scope is None:
        yield  # outside any scope, reads already go to the primary
        return
    pinned = scope.pinned
    scope.pinned = True
    try:
        yield
    finally:
        scope.pinned = pinned or scope.wrote


def current_scope() -> Scope | None:
    return _scope.get()


class PrimaryReplicaRouter:
    """settings.DATABASE_ROUTERS when replicas are configured: see the module's docstring."""

    def __init__(self, replicas: list[str] | None = None):
        self.replicas = frozenset(replica_aliases() if replicas is None else replicas)
        self.aliases = self.replicas | {DEFAULT_DB_ALIAS}

    def db_for_read(self, model, **hints) -> str | None:
        if not self.replicas:
            return None
        scope = _scope.get()
        if (
            scope is None
            or scope.pinned
            or scope.replica not in self.replicas
            or model._meta.app_label in PRIMARY_APPS
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        instance = hints.get("instance")
        if instance is not None and instance._state.db == DEFAULT_DB_ALIAS:
            return DEFAULT_DB_ALIAS  # the relations of a row read from the primary
        return scope.replica

    def db_for_write(self, model, **hints) -> str | None:
        if not self.replicas:
            return None
        scope = _scope.get()
        if scope is not None:  # whatever the scope reads next, it reads where it wrote
            scope.wrote = scope.pinned = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        if obj1._state.db in self.aliases and obj2._state.db in self.aliases:
            return True  # the same rows, whichever copy they were read from
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        if db in self.replicas:
            return False  # a replica receives the primary's schema by streaming replication
        return None


class PinPrimaryMiddleware:
    """A routing scope per request; after a write, the client reads the primary for a while.

    It goes before SessionMiddleware, so that the session and the user are read in the
    request's scope and a session saved on the way out counts as a write. Without replicas,
    Django leaves it out of the chain: no scope, no cookie.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        if not replica_aliases():
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self._acall(request)
        with replica_reads(pinned=_wants_primary(request)) as scope:
            response = self.get_response(request)
        return _remember_write(request, response, scope)

    async def _acall(self, request):
        with replica_reads(pinned=_wants_primary(request)) as scope:
            response = await self.get_response(request)
        return _remember_write(request, response, scope)


def _wants_primary(request) -> bool:
    if request.method not in SAFE_METHODS:
        return True
    try:
        until = int(request.COOKIES.get(PIN_COOKIE, ""))
    except ValueError:
        return False
    now = time.time()
    # A cookie promising more than one pin's length was not set by us: ignored.
    return now < until <= now + pin_seconds() + 1


def _remember_write(request, response, scope: Scope):
    if scope.wrote or request.method not in SAFE_METHODS:
        seconds = pin_seconds()
        response.set_cookie(
            PIN_COOKIE,
            str(int(time.time()) + seconds),
            max_age=seconds,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response
