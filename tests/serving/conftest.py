"""Fixtures of the serving tests: the page cache switched on, and a production-like data
folder (migrated SQLite database, collected static files) for commands run in a process of
their own."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k4N9-production-like-secret-key-for-tests-only-qP7xZ2vL8mR3tY6wB1cF5hJ0"


@pytest.fixture
def page_cache(settings, tmp_path):
    """The page cache on, in a cache of its own: a folder, as in production by default."""
    settings.GRAPPE_PAGE_CACHE = True
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    return settings


def production_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    """The environment of a production instance whose settings are right; a test changes
    what it is about. Nothing is inherited from the test run but PATH and HOME."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "grappe.settings",
        "GRAPPE_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'grappe.sqlite3'}",
        "DEBUG": "false",
        "SECRET_KEY": GOOD_KEY,
        "ALLOWED_HOSTS": "grappe.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://grappe.example.org",
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
        "SECURE_HSTS_PRELOAD": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "GRAPPE_SITE_URL": "https://grappe.example.org",
        "GRAPPE_PROXY_COUNT": "1",
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def grappe(*args: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "grappe.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def production_dir(tmp_path_factory) -> Path:
    """A data folder as a deployment leaves it: database migrated, static files collected."""
    data_dir = tmp_path_factory.mktemp("production")
    env = production_env(data_dir)
    for command in (("migrate", "--verbosity", "0"), ("collectstatic", "--noinput")):
        done = grappe(*command, env=env)
        assert done.returncode == 0, done.stderr
    return data_dir
