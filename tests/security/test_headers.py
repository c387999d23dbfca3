"""Security headers on every public answer, a Content-Security-Policy that allows no inline script
or style, cookies a script cannot read or another site send, and templates that need no
'unsafe-inline' (no inline script, <style>, style="" or on...= handler)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from grappe.directory import models as m
from tests.factories import curator

pytestmark = pytest.mark.django_db

GRAPPE = Path(__file__).resolve().parents[2] / "grappe"
PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.wsgi_request.path}"
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name.lower()] = sources
    return directives


def assert_secure_headers(response, path: str) -> None:
    csp = policy(response)
    for directive in ("script-src", "style-src"):
        sources = csp.get(directive, csp.get("default-src"))
        assert sources, (path, directive)
        assert "'unsafe-inline'" not in sources, (path, directive)
        assert "'unsafe-eval'" not in sources, (path, directive)
        assert not {"*", "data:", "http:", "https:"} & set(sources), (path, directive)
    assert csp["default-src"] == ["'self'"], path
    assert csp["object-src"] == ["'none'"], path
    assert csp["frame-ancestors"] == ["'none'"], path
    assert csp["base-uri"] in (["'none'"], ["'self'"]), path
    assert csp["form-action"] == ["'self'"], path
    assert response["X-Content-Type-Options"] == "nosniff", path
    assert response["X-Frame-Options"] == "DENY", path
    assert response["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin"), path
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", path


def _entry_paths() -> list[str]:
    return [
        model.objects.order_by("pk").first().get_absolute_url()
        for model in (m.Organisation, m.Software, m.Offering, m.Person, m.Event)
    ]


PUBLIC = [
    "/",
    "/en/",
    "/search/",
    "/search/?q=nextcloud",
    "/search/?q=x&sort=nonsense",  # a 400 page
    "/map/",
    "/map/departements.geojson",
    "/observatory/",
    "/tenders/",
    "/feeds/",
    "/events.ics",
    "/search/results.csv?q=glpi",
    "/search/results.json?q=glpi",
    "/search/results.geojson?q=glpi",
    "/organisations/nobody-here/",  # a 404 page
    "/en/admin/login/",
    "/api/",
    "/api/organisations",
    "/api/search?q=glpi",
    "/api/openapi.json",
    "/api/nothing-here",
    "/federation/feed",
    "/healthz",
]


@pytest.mark.parametrize("path", PUBLIC)
def test_every_public_answer_has_the_security_headers(client, demo, path):
    response = client.get(path)
    assert response.status_code in (200, 400, 404), (path, response.status_code)
    assert_secure_headers(response, path)


def test_the_entry_pages_have_the_security_headers(client, demo):
    for path in _entry_paths():
        response = client.get(path)
        assert response.status_code == 200, path
        assert_secure_headers(response, path)


def test_the_back_office_has_them_too(curator_client, demo):
    for path in ("/en/admin/", "/en/admin/directory/organisation/", "/en/admin/imports/"):
        response = curator_client.get(path)
        assert response.status_code == 200, path
        assert_secure_headers(response, path)


def test_a_server_error_page_has_them(demo, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("grappe.web.queries.organisation_page", broken)
    response = Client(raise_request_exception=False).get(_entry_paths()[0])
    assert response.status_code == 500
    assert_secure_headers(response, "500")


def test_https_answers_tell_browsers_to_stay_on_https(client, demo):
    response = client.get("/", secure=True)
    hsts = response["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31_536_000


def test_the_policy_allows_map_tiles_only_as_images():
    """The map's tile server (an operator's setting) is an image source, nothing else."""
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]


# Cookies ---------------------------------------------------------------------------------------


def test_the_session_cookie_is_http_only_same_site_and_secure(db):
    curator(username="cookies@example.org")
    client = Client()
    login = client.get("/en/admin/login/")
    assert login.status_code == 200
    response = client.post(
        "/en/admin/login/?next=/en/admin/",
        {"username": "cookies@example.org", "password": PASSWORD},
    )
    assert response.status_code == 302, response.content[:500]
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert session["secure"] is True  # DEBUG off: the production default


def test_the_csrf_cookie_is_same_site_and_secure(client, db):
    """Django's CSRF cookie is not HttpOnly (CSRF_COOKIE_HTTPONLY is off by default, and Django
    documents that it protects nothing: the token is in every form anyway); it must not be sent
    by other sites nor over plain HTTP."""
    response = client.get("/en/admin/login/")
    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie["samesite"] == settings.CSRF_COOKIE_SAMESITE == "Lax"
    assert cookie["secure"] is True
    assert bool(cookie["httponly"]) is settings.CSRF_COOKIE_HTTPONLY is False


# Templates -------------------------------------------------------------------------------------

TEMPLATES = sorted(GRAPPE.glob("**/templates/**/*.html"))
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S)
SCRIPT_URL = re.compile(r"javascript:", re.I)


def template_violations(text: str) -> list[str]:
    found = []
    for attributes, content in SCRIPT.findall(text):
        data_block = re.search(r"type\s*=\s*[\"']application/(ld\+)?json", attributes)
        if content.strip() and not data_block:
            found.append(f"inline <script>: {content.strip()[:60]!r}")
        if not content.strip() and "src" not in attributes:
            found.append("<script> with neither src nor data")
    if STYLE_ELEMENT.search(text):
        found.append("<style> block")
    if STYLE_ATTRIBUTE.search(text):
        found.append('style="" attribute')
    if match := HANDLER_ATTRIBUTE.search(text):
        found.append(f"event handler attribute: {match.group(0)[-40:]!r}")
    if SCRIPT_URL.search(text):
        found.append("javascript: URL")
    return found


def _template_params():
    for path in TEMPLATES:
        name = str(path.relative_to(GRAPPE))
        yield pytest.param(path, id=name)


def test_the_templates_are_found():
    assert len(TEMPLATES) > 40
    assert GRAPPE / "web/templates/web/base.html" in TEMPLATES


@pytest.mark.parametrize("path", list(_template_params()))
def test_no_template_needs_unsafe_inline(path):
    assert template_violations(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<script>\n  var x = 1;\n</script>",
        "<style>p{}</style>",
        '<p style="color: red">',
        '<button type="button" onclick="go()">',
        '<a href="javascript:go()">',
        "<script></script>",
    ],
)
def test_the_template_scan_catches_each_kind(text):
    assert template_violations(text)


@pytest.mark.parametrize(
    "text",
    [
        "<script src=\"{% static 'web/map.js' %}\" defer></script>",
        '<script type="application/ld+json">{"a": 1}</script>',
        '<p class="style-note">{% translate "Style on the page" %}</p>',
        '<a href="{{ url }}" data-on="x">',
    ],
)
def test_the_template_scan_lets_grappes_own_markup_through(text):
    assert template_violations(text) == []
