"""`grappe check-deploy` in a process of its own, with a right and with wrong environments; and
the production defaults of the settings."""

import json
import os
import shutil
import socket
import subprocess
import sys

import pytest

from tests.serving.conftest import ROOT, grappe, production_env

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The messages are in the site's language (French by default): the tests read what every
# language keeps as it is, the checks' ids, the variables' names and the commands.


def test_a_right_environment_passes(production_dir):
    done = grappe("check-deploy", env=production_env(production_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "grappe." not in done.stdout and "security." not in done.stdout
    assert "0" in done.stdout


def test_a_laptop_environment_fails_and_names_what_to_set(tmp_path):
    env = production_env(
        tmp_path,
        DEBUG="true",
        SECRET_KEY=None,  # the development key
        ALLOWED_HOSTS="*",
        CSRF_TRUSTED_ORIGINS=None,
        SECURE_PROXY_SSL_HEADER=None,
        SESSION_COOKIE_SECURE="true",
        EMAIL_BACKEND=None,  # the console
        LOG_FORMAT="text",
        DATABASE_URL=f"postgres://grappe@127.0.0.1:{free_port()}/grappe",  # nobody there
    )
    done = grappe("check-deploy", env=env)
    assert done.returncode == 1
    report = done.stderr
    for expected in (
        "(grappe.E001) SECRET_KEY",
        "secrets.token_urlsafe(50)",
        "(grappe.E003) DEBUG",
        "DEBUG=false",
        "(grappe.E004) ALLOWED_HOSTS",
        "(grappe.E005)",
        "CSRF_TRUSTED_ORIGINS",
        "SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https",
        "(grappe.E006)",
        "EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST_PASSWORD",
        "(grappe.E010)",
        "grappe collectstatic --noinput",
        "(grappe.E012)",
        "OperationalError",
        "DATABASE_URL",
        "(grappe.W003)",
        "LOG_FORMAT=json",
    ):
        assert expected in report, expected
    # Django's own warning about DEBUG gives way to Grappe's error.
    assert "security.W018" not in report


def test_a_database_never_migrated(tmp_path, production_dir):
    env = production_env(tmp_path, GRAPPE_DATA_DIR=str(production_dir))
    done = grappe("check-deploy", env=env)
    assert done.returncode == 1
    assert "(grappe.E013)" in done.stderr
    assert "grappe migrate" in done.stderr


def test_static_files_changed_since_they_were_collected(tmp_path, production_dir):
    shutil.copytree(production_dir / "static", tmp_path / "static")
    os.utime(tmp_path / "static" / "staticfiles.json", (0, 0))  # collected long ago
    env = production_env(tmp_path, DATABASE_URL=f"sqlite:///{production_dir / 'grappe.sqlite3'}")
    done = grappe("check-deploy", env=env)
    assert done.returncode == 1
    assert "(grappe.E011)" in done.stderr
    assert "web/grappe.css" in done.stderr or "admin/" in done.stderr  # names the files
    assert "grappe collectstatic --noinput" in done.stderr


def test_a_cache_of_each_process_is_refused(production_dir):
    env = production_env(production_dir, CACHE_URL="locmemcache://")
    done = grappe("check-deploy", env=env)
    assert done.returncode == 1
    assert "(grappe.E008)" in done.stderr
    assert "CACHE_URL" in done.stderr and "redis://" in done.stderr


def test_e_mail_links_need_the_sites_public_address(production_dir):
    env = production_env(production_dir, GRAPPE_SITE_URL=None)
    done = grappe("check-deploy", env=env)
    assert done.returncode == 1
    assert "(grappe.E015)" in done.stderr and "GRAPPE_SITE_URL=https://" in done.stderr


def test_behind_a_proxy_the_client_address_needs_the_proxy_count(production_dir):
    env = production_env(production_dir, GRAPPE_PROXY_COUNT=None)
    done = grappe("check-deploy", "--fail-level", "WARNING", env=env)
    assert "(grappe.W005)" in done.stderr and "GRAPPE_PROXY_COUNT" in done.stderr


def test_warnings_fail_only_when_asked(production_dir):
    env = production_env(production_dir, SECURE_HSTS_PRELOAD="false")
    assert grappe("check-deploy", env=env).returncode == 0
    strict = grappe("check-deploy", "--fail-level", "WARNING", env=env)
    assert strict.returncode == 1
    assert "security.W021" in strict.stderr


def settings_of(env: dict[str, str], *names: str) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


HTTPS_SETTINGS = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER",
    "LOG_FORMAT",
    "GRAPPE_PAGE_CACHE",
)


def test_production_defaults_are_https_json_logs_and_the_page_cache(tmp_path):
    env = production_env(tmp_path, SECURE_PROXY_SSL_HEADER=None)
    assert settings_of(env, *HTTPS_SETTINGS) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": None,
        "LOG_FORMAT": "json",
        "GRAPPE_PAGE_CACHE": True,
    }


def test_a_laptop_gets_plain_http_and_text_logs(tmp_path):
    env = production_env(tmp_path, DEBUG="true", SECRET_KEY=None)
    assert settings_of(env, *HTTPS_SETTINGS) == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "LOG_FORMAT": "text",
        "GRAPPE_PAGE_CACHE": False,
    }


def test_each_https_setting_is_read_from_the_environment(tmp_path):
    env = production_env(
        tmp_path,
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="3600",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_SCHEME,https",
        LOG_FORMAT="text",
        GRAPPE_PAGE_CACHE="false",
    )
    assert settings_of(env, *HTTPS_SETTINGS) == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 3600,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_SCHEME", "https"],
        "LOG_FORMAT": "text",
        "GRAPPE_PAGE_CACHE": False,
    }


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto", "HTTP_X_FORWARDED_PROTO,https"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT must be one of json, text"),
    ],
)
def test_a_wrong_value_stops_the_start_naming_the_variable(tmp_path, name, value, message):
    done = grappe("check", env=production_env(tmp_path, **{name: value}))
    assert done.returncode == 1
    assert "ImproperlyConfigured" in done.stderr
    assert message in done.stderr
