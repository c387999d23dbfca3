import os
from pathlib import Path

import pytest
from django.db import transaction

from grappe.interop.importers import load_demo
from grappe.search.backends import get_backend
from grappe.search.indexing import flush
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


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker):
    """The demo data, loaded and indexed once for a test module, rolled back after it.

    Each test still runs in its own savepoint inside this transaction, so what a test changes
    is undone before the next one.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        get_backend().forget_vocabulary()
        report = load_demo()
        assert report.ok, report.as_text()
        flush()  # the index updates a commit would run
        yield report
        transaction.set_rollback(True)
    with django_db_blocker.unblock():
        get_backend().forget_vocabulary()


@pytest.fixture
def demo(demo_module, db):
    return demo_module


@pytest.fixture
def curator_client(client, db):
    user = curator(username="curator")
    client.force_login(user)
    client.user = user
    return client
