"""Is this instance fit for production? Grappe's own deployment checks.

They run with Django's (`grappe check --deploy` runs both) and `grappe check-deploy` runs
them all against the real database, cache and files. Each message names the environment
variable to set or the command to run. Errors stop a deployment (the command's exit status is
1); warnings are for the operator to weigh.
"""

import json
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _

TAG = "grappe"
_LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
_PERSONAL_MAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
}
# Django's own deployment warnings that an error of Grappe's says better.
REPLACED = {
    "security.W009": "grappe.E002",
    "security.W018": "grappe.E003",
    "security.W020": "grappe.E004",
}


def register_checks() -> None:
    checks.register(settings_checks, TAG, deploy=True)
    checks.register(service_checks, TAG, deploy=True)


def _key_hint() -> str:
    return _(
        "Set the environment variable SECRET_KEY to a long random value, for instance the "
        "output of: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )


def settings_checks(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from grappe import settings as grappe_settings

    found: list[checks.CheckMessage] = []
    key = settings.SECRET_KEY
    if key == grappe_settings._INSECURE_DEV_KEY:
        found.append(
            checks.Error(
                _("SECRET_KEY is the development key, which is public."),
                hint=_key_hint(),
                id="grappe.E001",
            )
        )
    elif len(key) < 50 or len(set(key)) < 5:
        found.append(
            checks.Error(
                _("SECRET_KEY is too short or too simple to sign sessions safely."),
                hint=_key_hint(),
                id="grappe.E002",
            )
        )
    if settings.DEBUG:
        found.append(
            checks.Error(
                _("DEBUG is on: error pages would show the code and the settings."),
                hint=_("Set the environment variable DEBUG=false."),
                id="grappe.E003",
            )
        )
    hosts = settings.ALLOWED_HOSTS
    if not hosts or "*" in hosts:
        found.append(
            checks.Error(
                _("ALLOWED_HOSTS is empty or accepts any host name."),
                hint=_(
                    "Set the environment variable ALLOWED_HOSTS to the site's host names, "
                    "separated by commas (grappe.example.org)."
                ),
                id="grappe.E004",
            )
        )
    elif set(hosts) <= _LOOPBACK:
        found.append(
            checks.Warning(
                _("ALLOWED_HOSTS only names this machine: visitors' requests will be refused."),
                hint=_(
                    "Set the environment variable ALLOWED_HOSTS to the site's host names, "
                    "unless the proxy in front rewrites the Host header."
                ),
                id="grappe.W001",
            )
        )
    https = settings.SESSION_COOKIE_SECURE or settings.SECURE_SSL_REDIRECT
    if https and not settings.SECURE_PROXY_SSL_HEADER and not settings.CSRF_TRUSTED_ORIGINS:
        found.append(
            checks.Error(
                _(
                    "The site is served over HTTPS, but Django cannot tell: behind a proxy "
                    "that terminates TLS, every form posted (logging in included) would be "
                    "refused as a cross-site request."
                ),
                hint=_(
                    "Set the environment variable CSRF_TRUSTED_ORIGINS to the site's origin "
                    "(https://grappe.example.org), or SECURE_PROXY_SSL_HEADER="
                    "HTTP_X_FORWARDED_PROTO,https if the proxy sends X-Forwarded-Proto."
                ),
                id="grappe.E005",
            )
        )
    if settings.SECURE_SSL_REDIRECT and not settings.SECURE_PROXY_SSL_HEADER:
        found.append(
            checks.Warning(
                _(
                    "SECURE_SSL_REDIRECT is on but Django cannot see which requests came over "
                    "HTTPS: behind a proxy that terminates TLS, every request would be "
                    "redirected again and again."
                ),
                hint=_(
                    "Set the environment variable SECURE_PROXY_SSL_HEADER="
                    "HTTP_X_FORWARDED_PROTO,https (the proxy must set that header), or "
                    "SECURE_SSL_REDIRECT=false if the proxy redirects to HTTPS itself."
                ),
                id="grappe.W002",
            )
        )
    if settings.EMAIL_BACKEND in _PERSONAL_MAIL_BACKENDS:
        found.append(
            checks.Error(
                _(
                    "E-mail is not sent but written to the console or kept in memory: "
                    "messages and the addresses in them would end up in the logs or be lost."
                ),
                hint=_(
                    "Set the environment variables EMAIL_BACKEND="
                    "django.core.mail.backends.smtp.EmailBackend, EMAIL_HOST, EMAIL_PORT, "
                    "EMAIL_HOST_USER and EMAIL_HOST_PASSWORD (or EMAIL_BACKEND="
                    "django.core.mail.backends.dummy.EmailBackend to send none)."
                ),
                id="grappe.E006",
            )
        )
    site = urlsplit(settings.GRAPPE_SITE_URL)
    if site.scheme != "https" or site.hostname in ("127.0.0.1", "localhost", "::1", None):
        found.append(
            checks.Error(
                _(
                    "GRAPPE_SITE_URL is %(url)s: the links of sign-up, password and moderation "
                    "e-mails would not reach the site."
                )
                % {"url": settings.GRAPPE_SITE_URL},
                hint=_("Set the environment variable GRAPPE_SITE_URL=https://grappe.example.org."),
                id="grappe.E015",
            )
        )
    if settings.SECURE_PROXY_SSL_HEADER and settings.GRAPPE_PROXY_COUNT < 1:
        found.append(
            checks.Warning(
                _(
                    "Grappe runs behind a proxy but does not know how many: every client has "
                    "the proxy's address, so one client's failed logins lock an account out "
                    "for everyone and the rate limits are shared."
                ),
                hint=_(
                    "Set the environment variable GRAPPE_PROXY_COUNT to the number of proxies "
                    "that add to X-Forwarded-For (1 for one nginx or Caddy)."
                ),
                id="grappe.W005",
            )
        )
    if settings.LOG_FORMAT != "json":
        found.append(
            checks.Warning(
                _("Logs are written as text: log collectors expect one JSON object a line."),
                hint=_("Set the environment variable LOG_FORMAT=json."),
                id="grappe.W003",
            )
        )
    return found


def service_checks(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """What the settings point to: the data folder, the cache, the static files, the
    database and the search index."""
    return [*_data_dir(), *_cache(), *_static_files(), *_database_and_index()]


def _data_dir() -> list[checks.CheckMessage]:
    try:
        with tempfile.NamedTemporaryFile(dir=settings.DATA_DIR):
            pass
    except OSError as error:
        return [
            checks.Error(
                _("The data folder %(path)s cannot be written to (%(error)s).")
                % {"path": settings.DATA_DIR, "error": error.strerror},
                hint=_(
                    "Set the environment variable GRAPPE_DATA_DIR to a folder the server's "
                    "user may write to."
                ),
                id="grappe.E007",
            )
        ]
    return []


def _cache() -> list[checks.CheckMessage]:
    from django.core.cache import caches

    alias = settings.GRAPPE_PAGE_CACHE_ALIAS
    backend = settings.CACHES[alias]["BACKEND"]
    hint = _(
        "Set the environment variable CACHE_URL to a cache every process shares: "
        "filecache:///path (the default, in GRAPPE_DATA_DIR), redis://host:6379/0 or "
        "pymemcache://host:11211."
    )
    if settings.GRAPPE_PAGE_CACHE and backend.endswith(("LocMemCache", "DummyCache")):
        return [
            checks.Error(
                _(
                    "The page cache is kept in each process (or nowhere): an edit would not "
                    "reach the pages other worker processes hold."
                ),
                hint=hint,
                id="grappe.E008",
            )
        ]
    try:
        cache = caches[alias]
        cache.set("grappe:check-deploy", "ok", 10)
        answered = cache.get("grappe:check-deploy")
    except Exception as error:
        answered = f"{type(error).__name__}: {error}"
    if answered != "ok":
        return [
            checks.Error(
                _("The cache does not answer (%(error)s).") % {"error": answered},
                hint=hint,
                id="grappe.E009",
            )
        ]
    return []


def _static_files() -> list[checks.CheckMessage]:
    from django.contrib.staticfiles.finders import get_finders

    from grappe.serving.storage import MANIFEST

    hint = _(
        "Run: grappe collectstatic --noinput (it fills GRAPPE_DATA_DIR/static, which "
        "WhiteNoise serves)."
    )
    manifest = Path(settings.STATIC_ROOT) / MANIFEST
    try:
        collected = set(json.loads(manifest.read_text())["paths"])
        collected_at = manifest.stat().st_mtime
    except (OSError, ValueError, KeyError):
        return [
            checks.Error(
                _("The static files were never collected: pages would link files by names "
                  "that browsers may not cache."),
                hint=hint,
                id="grappe.E010",
            )
        ]  # fmt: skip
    missing, changed = [], []
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            prefix = getattr(storage, "prefix", None)
            name = f"{prefix}/{path}" if prefix else path
            if name not in collected:
                missing.append(name)
            elif os.path.getmtime(storage.path(path)) > collected_at:
                changed.append(name)
    if missing or changed:
        return [
            checks.Error(
                _("The static files changed since they were collected: %(files)s.")
                % {"files": ", ".join(sorted(missing + changed)[:5])},
                hint=hint,
                id="grappe.E011",
            )
        ]
    return []


def _database_and_index() -> list[checks.CheckMessage]:
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    from grappe.serving.health import OK, search_status

    connection = connections[DEFAULT_DB_ALIAS]
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:
        return [
            checks.Error(
                _("The database does not answer (%(error)s).")
                % {"error": f"{type(error).__name__}: {str(error).strip().splitlines()[0]}"},
                hint=_("Check the environment variable DATABASE_URL and the database server."),
                id="grappe.E012",
            )
        ]
    if plan:
        return [
            checks.Error(
                _("%(count)d migrations are not applied to the database.") % {"count": len(plan)},
                hint=_("Run: grappe migrate"),
                id="grappe.E013",
            )
        ]
    if search_status() != OK:
        return [
            checks.Error(
                _("The search index cannot be queried."),
                hint=_("Run: grappe migrate, then grappe reindex"),
                id="grappe.E014",
            )
        ]
    from grappe.directory.models import Organisation
    from grappe.search.models import SearchDocument

    if Organisation.objects.exists() and not SearchDocument.objects.exists():
        return [
            checks.Warning(
                _("The search index is empty while the directory is not."),
                hint=_("Run: grappe reindex"),
                id="grappe.W004",
            )
        ]
    return []
