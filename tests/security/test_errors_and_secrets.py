"""No stack trace, exception text or setting ever reaches a visitor: the 500, 404, 403 and 400
pages say what happened in their own words. The secret key comes from the environment only.

See also tests/web/test_errors.py (a failing page query gives the 500 page) and
tests/serving/test_deploy.py (`grappe check-deploy` refuses the development key, E001)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path
from django.utils import translation

from grappe.urls import urlpatterns as grappe_urlpatterns
from tests.serving.conftest import ROOT, production_env

pytestmark = pytest.mark.django_db

SECRET_WORDS = "hunter2-database-password"


def _crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(f"unexpected: {SECRET_WORDS} {settings.SECRET_KEY} {settings.DATABASES}")


def _database_down(request: HttpRequest) -> HttpResponse:
    raise DatabaseError(f'connection to "db.internal" failed: password {SECRET_WORDS}')


def _not_found(request: HttpRequest) -> HttpResponse:
    raise Http404(f"no row with id 12 in table secret_{SECRET_WORDS}")


def _denied(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied(f"user lacks {SECRET_WORDS}")


def _suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation(f"tampered signature {SECRET_WORDS}")


# The site's own addresses, and a few that fail the way a bug would.
urlpatterns = [
    path("boom/crash/", _crash),
    path("boom/database/", _database_down),
    path("boom/not-found/", _not_found),
    path("boom/denied/", _denied),
    path("boom/suspicious/", _suspicious),
    *grappe_urlpatterns,
]

LEAKS = [
    "Traceback",
    'File "',
    "RuntimeError",
    "DatabaseError",
    "SuspiciousOperation",
    "PermissionDenied",
    SECRET_WORDS,
    "db.internal",
    "tests-only-secret-key",  # tests/settings.py's key
    "SECRET_KEY",
    "DATABASES",
    "sqlite3",
    "/work/",
    "site-packages",
    "grappe/",
]


def assert_nothing_leaks(text: str) -> None:
    for leak in [*LEAKS, settings.SECRET_KEY, str(settings.DATA_DIR)]:
        assert leak not in text, leak


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/boom/crash/", 500, "Something went wrong on our side"),
        ("/boom/database/", 500, "Something went wrong on our side"),
        ("/boom/not-found/", 404, "Page not found"),
        ("/boom/denied/", 403, "Access denied"),
        ("/boom/suspicious/", 400, "Bad request"),
    ],
)
def test_an_error_page_says_what_happened_and_nothing_else(path, status, heading):
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    with translation.override("fr"):  # addresses without /en/ are French
        assert f"<h1>{translation.gettext(heading)}</h1>" in text
    assert_nothing_leaks(text)


@override_settings(ROOT_URLCONF=__name__)
def test_the_error_pages_are_the_sites_not_djangos_debug_pages():
    assert settings.DEBUG is False  # tests/settings.py: as in production
    text = Client(raise_request_exception=False).get("/boom/crash/").content.decode()
    assert "technical_500" not in text and "Request Method" not in text
    assert "Django" not in text


def test_an_unknown_host_is_a_400_without_details(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    text = response.content.decode()
    assert "evil.example" not in text
    assert "ALLOWED_HOSTS" not in text
    assert_nothing_leaks(text)


def test_an_api_crash_is_a_500_without_details(monkeypatch):
    def broken(slug):
        raise RuntimeError(f"unexpected: {SECRET_WORDS}")

    monkeypatch.setattr("grappe.api.queries.organisation", broken)
    response = Client(raise_request_exception=False).get("/api/organisations/acme")
    assert response.status_code == 500
    assert_nothing_leaks(response.content.decode())


def test_a_form_with_a_missing_csrf_token_is_a_403_without_details(db):
    response = Client(enforce_csrf_checks=True).post("/en/admin/login/", {"username": "x"})
    assert response.status_code == 403
    text = response.content.decode()
    assert "CSRF_COOKIE" not in text and "csrf.py" not in text
    assert_nothing_leaks(text)


# Secrets ---------------------------------------------------------------------------------------


def _import_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import grappe.settings"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
@pytest.mark.parametrize("secret_key", [None, ""])
def test_without_a_secret_key_in_the_environment_grappe_does_not_start(tmp_path, secret_key):
    """Production (DEBUG unset means off) needs SECRET_KEY from the environment: no default."""
    env = production_env(tmp_path, SECRET_KEY=secret_key, DEBUG=None)
    done = _import_settings(env)
    assert done.returncode == 1
    assert "ImproperlyConfigured" in done.stderr
    assert "SECRET_KEY is not set" in done.stderr


@pytest.mark.slow
def test_the_secret_key_is_the_environments(tmp_path):
    env = production_env(tmp_path)
    env["SECRET_KEY"] = "from-the-environment-" + "x" * 40
    done = subprocess.run(
        [sys.executable, "-c", "import grappe.settings as s; print(s.SECRET_KEY)"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == env["SECRET_KEY"]


# What a secret in code looks like: a password, key or token given as a literal.
HARD_CODED = re.compile(
    r"""(?ix)
    \b(password|passwd|secret|secret_key|api_?key|access_?key|auth_?token|private_?key)\b
    \s*[:=]\s*["'][^"'\s{}%]{8,}["']
    |-----BEGIN\ [A-Z ]*PRIVATE\ KEY-----
    |\bAKIA[0-9A-Z]{16}\b
    |\bgh[pousr]_[A-Za-z0-9]{30,}\b
    |\bsk_live_[A-Za-z0-9]{20,}\b
    """
)


def test_no_secret_is_written_in_grappes_code():
    """Grappe's own key for DEBUG=true is named as such and refused by check-deploy (E001)."""
    found = []
    for source in sorted((Path(ROOT) / "grappe").rglob("*.py")):
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
            if HARD_CODED.search(line):
                found.append(f"{source.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
