import os
from pathlib import Path

import pytest

from grappe.interop.importers import load_demo
from tests.factories import curator

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared_data(relative: str) -> Path:
    """A file of ../shared/data; skipped on a user's clone without it, never in CI."""
    path = SHARED_DATA / relative
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing in CI: the real-data tests must run there")
        pytest.skip(f"{path} is not here (real open data lives in ../shared/data)")
    return path


@pytest.fixture
def demo(db):
    report = load_demo()
    assert report.ok, report.as_text()
    return report


@pytest.fixture
def curator_client(client, db):
    user = curator(username="curator")
    client.force_login(user)
    client.user = user
    return client
