"""One settings module, configured by the environment (12-factor).

Every knob an operator may turn is read here, validated at start-up, and documented in
docs/operations.md. Nothing secret lives in the code.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from grappe.serving.logs import default_format as default_log_format
from grappe.serving.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
DATA_DIR = Path(env.str("GRAPPE_DATA_DIR", default="var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

_INSECURE_DEV_KEY = "grappe-insecure-development-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_INSECURE_DEV_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set it in the environment, or set DEBUG=true for local use."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS. Production (DEBUG off) defaults to HTTPS only: plain HTTP is redirected, cookies are
# sent over HTTPS only, browsers are told to come back over HTTPS for a year (HSTS, which
# they honour on HTTPS responses only). Behind a proxy that terminates TLS, set
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https so that Django knows a request came
# over HTTPS; SECURE_SSL_REDIRECT=false to serve plain HTTP. `grappe check-deploy` checks.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz(/|$)"]  # probes speak plain HTTP to the process
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
if _proxy_ssl_header and len(_proxy_ssl_header) != 2:
    raise ImproperlyConfigured(
        "SECURE_PROXY_SSL_HEADER is a header and its value, such as HTTP_X_FORWARDED_PROTO,https"
    )
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) or None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)

# Databases (docs/scaling.md) ---------------------------------------------------------------
# DATABASE_URL is the primary: every write and every migration go there. DATABASE_REPLICA_URLS
# optionally lists PostgreSQL streaming replicas of it, comma-separated (a multi-host URL such
# as postgres://u@replica,primary/db?target_session_attrs=prefer-standby stays one entry). They
# become the aliases "replica_1", "replica_2"..., and grappe.db_routers sends reads to them,
# except for whoever wrote in the last GRAPPE_REPLICA_PIN_SECONDS (read-your-writes).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'grappe.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer commits; IMMEDIATE avoids lock upgrades failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
_replica_urls: list[str] = []
for _part in (part.strip() for part in env.str("DATABASE_REPLICA_URLS", default="").split(",")):
    if "://" in _part or not _replica_urls:
        _replica_urls.append(_part)
    elif _part:  # the rest of a multi-host URL: "postgres://u@host1:5432" + "," + "host2:5432/db"
        _replica_urls[-1] += "," + _part
for _number, _url in enumerate(filter(None, _replica_urls), start=1):
    # In tests, a replica reads the test database of the primary, which it has by streaming.
    DATABASES[f"replica_{_number}"] = {**env.db_url_config(_url), "TEST": {"MIRROR": "default"}}
GRAPPE_REPLICA_PIN_SECONDS = env.int("GRAPPE_REPLICA_PIN_SECONDS", default=10)
if len(DATABASES) > 1:
    if {db.get("ENGINE") for db in DATABASES.values()} != {"django.db.backends.postgresql"}:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URLS needs PostgreSQL: DATABASE_URL and every replica URL must be "
            "postgres:// URLs (SQLite has no replicas)."
        )
    if GRAPPE_REPLICA_PIN_SECONDS < 1:
        raise ImproperlyConfigured("GRAPPE_REPLICA_PIN_SECONDS must be a number of seconds, ≥ 1.")
    DATABASE_ROUTERS = ["grappe.db_routers.PrimaryReplicaRouter"]
# End of the databases block ----------------------------------------------------------------
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6's default: "example.org" means https://

INSTALLED_APPS = [
    # Grappe's rooms, top to bottom: a room may use the rooms listed after it, never before.
    "grappe.serving",
    "grappe.web",
    "grappe.api",
    "grappe.needs",
    "grappe.accounts",
    "grappe.tenders",
    "grappe.federation",
    "grappe.interop",
    "grappe.search",
    "grappe.geo",
    "grappe.directory",
    # Libraries.
    "axes",
    "reversion",
    "reversion_compare",
    # Django.
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # The request id and each request's log line (first in, last out: it times everything).
    "grappe.serving.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Compresses pages, JSON and the static files WhiteNoise serves (already compressed files
    # are left alone); CSRF tokens are masked per response, so BREACH learns nothing from it.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Reads on a replica unless this browser just wrote (docs/scaling.md); before the session,
    # so that reading the session and saving it count; a no-op without replicas.
    "grappe.db_routers.PinPrimaryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Refuses logins after too many failures (django-axes); after authentication.
    "axes.middleware.AxesMiddleware",
    # Last: it keeps what the view answered; everything above runs on cached pages too.
    "grappe.serving.caching.AnonymousPageCacheMiddleware",
]

ROOT_URLCONF = "grappe.urls"
WSGI_APPLICATION = "grappe.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "grappe.web.context_processors.languages",
                "grappe.web.context_processors.roles",
            ],
        },
    },
]

# Accounts (docs/accounts.md). The username is the e-mail address. django-axes counts failed
# logins first; Django checks passwords and model-wide permissions; Grappe's backend answers
# object-level questions (may this member change that organisation?) from one set of rules.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "grappe.accounts.permissions.ObjectPermissionBackend",
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:home"
# Sign-up confirmation and password reset links stay valid this long.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)
# After GRAPPE_LOGIN_FAILURES failed logins for one address from one client, that pair is
# locked out for GRAPPE_LOGIN_COOLOFF_MINUTES (behind a proxy, see docs/operations.md).
AXES_FAILURE_LIMIT = env.int("GRAPPE_LOGIN_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("GRAPPE_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/accounts/locked_out.html"
AXES_VERBOSE = False
# Behind reverse proxies, how many: the client address is read from X-Forwarded-For by that count
# (grappe/serving/clients.py), for login lockouts and rate limits alike.
GRAPPE_PROXY_COUNT = env.int("GRAPPE_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "grappe.serving.clients.client_ip"
RATELIMIT_IP_META_KEY = "grappe.serving.clients.client_ip"
# Sign-ups, reset e-mails and confirmation e-mails per client and hour (django-ratelimit).
GRAPPE_ACCOUNT_EMAILS_RATE = env.str("GRAPPE_ACCOUNT_EMAILS_RATE", default="10/h")
RATELIMIT_VIEW = "grappe.web.accounts.rate_limited"
# The address e-mails link to (https://grappe.example.org).
GRAPPE_SITE_URL = env.str("GRAPPE_SITE_URL", default="http://127.0.0.1:8000")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# French first: the cluster works in French; every string also exists in English.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Paris")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # collectstatic fills it in production; WhiteNoise reads it
# WhiteNoise serves the static files, so Grappe needs no separate web server for them. After
# `grappe collectstatic` pages link hashed, compressed copies that browsers keep for a year;
# before (a laptop, the tests), the plain files of the apps' folders (grappe/serving/storage.py).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "grappe.serving.storage.GrappeStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
WHITENOISE_MAX_AGE = env.int("WHITENOISE_MAX_AGE", default=3600)
# The map's tile server ({z}/{x}/{y} URL template) and the credit it requires; an empty URL
# shows the markers and outlines on a blank background (tests, or a site wanting no tiles).
GRAPPE_MAP_TILES_URL = env.str(
    "GRAPPE_MAP_TILES_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
GRAPPE_MAP_TILES_ATTRIBUTION = env.str(
    "GRAPPE_MAP_TILES_ATTRIBUTION",
    default='© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"

# Uploads stay small and in memory limits; importers stream larger files from disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts and styles only from Grappe's own files, never
# inline; images also from the map's tile server; no framing, no plugins, forms post here.
_tiles = urlsplit(GRAPPE_MAP_TILES_URL)
_tiles_origins = [f"{_tiles.scheme}://{_tiles.netloc}"] if _tiles.netloc else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_tiles_origins],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# E-mail: printed on the console by default; EMAIL_BACKEND=django.core.mail.backends.filebased
# .EmailBackend writes one file per message to GRAPPE_DATA_DIR/mail; SMTP needs EMAIL_HOST etc.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="grappe@localhost")

# The cache every process shares: a folder of GRAPPE_DATA_DIR by default; CACHE_URL may name
# Redis (redis://host:6379/0) or memcached (pymemcache://host:11211) for several machines.
CACHES = {"default": env.cache_url("CACHE_URL", default=f"filecache://{DATA_DIR / 'cache'}")}
if CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 20_000)
# Pages for anonymous visitors are kept until the data changes (grappe/serving/caching.py).
GRAPPE_PAGE_CACHE = env.bool("GRAPPE_PAGE_CACHE", default=not DEBUG)
GRAPPE_PAGE_CACHE_ALIAS = "default"
GRAPPE_PAGE_CACHE_SECONDS = env.int("GRAPPE_PAGE_CACHE_SECONDS", default=600)
GRAPPE_PAGE_CACHE_MAX_BYTES = env.int("GRAPPE_PAGE_CACHE_MAX_BYTES", default=1024 * 1024)

# One line per event on stdout: JSON in production, text when DEBUG is on (LOG_FORMAT=json|text).
LOG_FORMAT = default_log_format()
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
try:
    LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)
except ValueError as error:
    raise ImproperlyConfigured(str(error)) from None

# The cluster this instance indexes; shown on pages and written into exports.
GRAPPE_CLUSTER_NAME = env.str("GRAPPE_CLUSTER_NAME", default="Nouvelle-Aquitaine Open Source")
