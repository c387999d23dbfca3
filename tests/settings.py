"""Test settings: the real settings module, with a throwaway data folder and fast hashing."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")
os.environ.setdefault("GRAPPE_DATA_DIR", tempfile.mkdtemp(prefix="grappe-tests-"))
os.environ.setdefault("DEBUG", "false")
# The test client and the live server speak plain HTTP; tests/test_serving.py checks the
# production defaults in a process of their own (tests/serving/).
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# A cached page would outlive the rolled-back data of the test that rendered it: the page
# cache is on only in the tests of the cache (tests/serving/).
os.environ.setdefault("GRAPPE_PAGE_CACHE", "false")

from grappe.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# No tile server in tests: the map must still show its markers, and no request leaves the
# machine.
GRAPPE_MAP_TILES_URL = ""
