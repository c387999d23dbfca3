"""The page cache: what an anonymous visitor gets is rendered once, then served from the cache
until something it may show changes.

What is cached: the whole response (HTML pages, and the JSON of GET API calls) to a GET
request without a session cookie, a messages cookie or credentials, when the response is a
200 that sets no cookie, carries no CSRF token, adds no message and varies on nothing but the
language and the encoding; never the back office, the federation feed, the language switch or
the health checks. A logged-in person always gets a fresh page.

The key: the address (scheme, host, path and query string), the language the page is shown in,
the day (pages say "upcoming" and "valid until"), the release (a fingerprint of the code,
templates, translations and static manifest, or GRAPPE_RELEASE) and a *generation*: a token
kept in the cache itself and replaced whenever the data changes. Nothing is ever looked up to
be deleted; a new generation makes every older entry unreachable, and entries expire after
GRAPPE_PAGE_CACHE_SECONDS anyway.

The generation changes when a model of the directory, geo, tenders, federation or accounts
rooms is saved or deleted or its relations change (when the transaction commits: earlier,
a page rendered from the old data could be kept under the new generation), after
every write of the search index (bulk imports write without signals but always reindex), and
after migrations. The cache is shared by every worker process and every command (the default
is a folder of GRAPPE_DATA_DIR; CACHE_URL may name Redis or memcached for several machines),
so that an import run from the command line reaches the pages the server holds.
"""

import functools
import hashlib
import logging
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

HEADER = "X-Grappe-Cache"
GENERATION_KEY = "grappe:pages:generation"
# The rooms whose data the public pages show (the search index has its own signal).
WATCHED_APPS = ("directory", "geo", "tenders", "federation", "accounts", "needs")
# Paths (after any language prefix) never cached.
EXCLUDED = ("admin", "federation", "i18n", "healthz")
_VARY_ALLOWED = frozenset({"accept-language", "accept-encoding"})
_state = threading.local()


def _cache():
    return caches[settings.GRAPPE_PAGE_CACHE_ALIAS]


# The generation ------------------------------------------------------------------------------


def generation() -> str:
    """The current generation; a new one if the cache lost it (evicted, or a new cache)."""
    cache = _cache()
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, secrets.token_hex(6), None)
        value = cache.get(GENERATION_KEY)
    return value


def bump() -> None:
    """Make every cached page unreachable. The generation says when it began (see settled)."""
    try:
        _cache().set(GENERATION_KEY, f"{secrets.token_hex(6)}@{time.time():.3f}", None)
    except Exception:
        logger.exception("the page cache could not be invalidated")


def settled(current_generation: str) -> bool:
    """Whether pages of this generation may be kept. With read replicas, a change committed on
    the primary reaches them a moment later: a page rendered from a replica right after a
    change may show the old data, so none is kept for GRAPPE_REPLICA_PIN_SECONDS (the time the
    router already trusts for read-your-writes)."""
    if len(settings.DATABASES) < 2:
        return True
    _token, _at, began = current_generation.partition("@")
    try:
        return time.time() - float(began) >= settings.GRAPPE_REPLICA_PIN_SECONDS
    except ValueError:
        return True  # a generation from before this rule, or made on a cache miss


def content_changed(sender=None, using=None, **kwargs) -> None:
    """Signal receiver: something the pages show changed. The pages are invalidated when the
    change is committed (at once outside a transaction): earlier, another process could still
    render the old data and keep it under the new generation. Once per transaction, however
    many rows it writes."""
    if not settings.GRAPPE_PAGE_CACHE:
        return
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed is sent before and after; the "post_" one is enough
    if sender is not None and sender._meta.app_label not in WATCHED_APPS:
        return  # m2m_changed listens to every relation
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        bump()
        return
    # Django starts a new list of commit callbacks with each transaction, and replaces it when
    # a savepoint rolls back (dropping that savepoint's callbacks): while it is the list our
    # callback went into, the bump is still to come.
    if getattr(_state, "callbacks", None) is not connection.run_on_commit:
        transaction.on_commit(bump, using=using)
        _state.callbacks = connection.run_on_commit


def _index_changed(**kwargs) -> None:
    if settings.GRAPPE_PAGE_CACHE:
        bump()


def connect_signals() -> None:
    from django.apps import apps

    from grappe.search.indexing import index_changed

    # Model by model: a receiver of every model's post_delete would make Django give up its
    # fast deletes everywhere (the search index deletes thousands of rows at a time).
    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models():
            uid = f"grappe-pages-{model._meta.label_lower}"
            post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(content_changed, dispatch_uid="grappe-pages-m2m")
    index_changed.connect(_index_changed, dispatch_uid="grappe-pages-index")
    post_migrate.connect(_index_changed, dispatch_uid="grappe-pages-migrate")


# The key --------------------------------------------------------------------------------------


@functools.cache
def release() -> str:
    """GRAPPE_RELEASE, or a fingerprint of the installed code, templates, translations and
    static manifest: a new release never serves pages the previous one rendered."""
    given = os.environ.get("GRAPPE_RELEASE", "").strip()
    if given:
        return given
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.blake2s(digest_size=6)
    files = [p for p in package.rglob("*") if p.suffix in {".py", ".html", ".mo"}]
    files.append(Path(settings.STATIC_ROOT) / "staticfiles.json")
    for path in sorted(files):
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}\n".encode())
    return digest.hexdigest()


def _language(request: HttpRequest) -> str:
    if request.path_info.startswith("/api/"):
        # The API picks its language itself (?lang=, then Accept-Language).
        from grappe.api.language import requested_language

        return requested_language(request)
    return translation.get_language() or settings.LANGUAGE_CODE


def page_key(request: HttpRequest, current_generation: str) -> str:
    address = "\n".join(
        (request.scheme, request.get_host(), request.get_full_path(), _language(request))
    )
    digest = hashlib.blake2s(address.encode(), digest_size=16).hexdigest()
    day = timezone.localdate().isoformat()
    return f"grappe:page:{release()}:{current_generation}:{day}:{digest}"


# What may be cached ---------------------------------------------------------------------------


def _excluded_paths() -> re.Pattern:
    languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    return re.compile(rf"^/(?:(?:{languages})/)?(?:{'|'.join(EXCLUDED)})(?:/|$)")


def cacheable_request(request: HttpRequest, excluded: re.Pattern) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and not excluded.match(request.path_info)
    )


def storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page holds a CSRF token
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    messages = getattr(request, "_messages", None)
    if messages is not None and messages.added_new:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    if vary - _VARY_ALLOWED:
        return False
    return len(response.content) <= settings.GRAPPE_PAGE_CACHE_MAX_BYTES


def freeze(response: HttpResponse) -> tuple:
    return (response.status_code, dict(response.headers), response.content)


def thaw(frozen: tuple) -> HttpResponse:
    status, headers, content = frozen
    return HttpResponse(content, status=status, headers=headers)


class RecentPages:
    """The pages this process served last, in front of the shared cache: a hit then reads only
    the generation from the shared cache. Always right, since the key holds the generation."""

    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, tuple]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            if found[0] < time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return found[1]

    def put(self, key: str, frozen: tuple, seconds: int) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + seconds, frozen)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


class AnonymousPageCacheMiddleware:
    """Innermost middleware: what it stores is what the view answered; the middleware around
    it (compression, security headers, language, request log) runs on every response, cached
    or not. Any failure of the cache serves the page uncached."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.excluded = _excluded_paths()
        self.recent = RecentPages()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.GRAPPE_PAGE_CACHE or not cacheable_request(request, self.excluded):
            return self.get_response(request)
        seconds = settings.GRAPPE_PAGE_CACHE_SECONDS
        try:
            cache = _cache()
            current = generation()
            key = page_key(request, current)
            frozen = self.recent.get(key)
            if frozen is None:
                frozen = cache.get(key)
                if frozen is not None:
                    self.recent.put(key, frozen, seconds)
        except Exception:
            logger.warning("page cache unavailable", exc_info=True)
            return self.get_response(request)
        if frozen is not None:
            response = thaw(frozen)
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if storable(request, response) and settled(current):
            frozen = freeze(response)
            try:
                cache.set(key, frozen, seconds)
            except Exception:
                logger.warning("page cache unavailable", exc_info=True)
            else:
                self.recent.put(key, frozen, seconds)
                response[HEADER] = "miss"
        return response
