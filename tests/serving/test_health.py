"""/healthz and /healthz/live: cheap, cookie-free, and honest about what failed."""

import json

import pytest
from django.db import OperationalError, connection


def failing(when):
    """A database wrapper that makes the matching queries fail, as a lost server would."""

    def wrapper(execute, sql, params, many, context):
        if when(sql):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    return wrapper


def test_healthy(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "search": "ok"}
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]


def test_healthy_with_documents_in_the_index(client, demo):
    assert client.get("/healthz").json()["search"] == "ok"


def test_a_database_that_does_not_answer_is_a_503(client, db):
    with connection.execute_wrapper(failing(lambda sql: True)):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "search": "error"}


def test_a_search_index_that_cannot_be_queried_is_a_503(client, db):
    index_tables = ("search_fts", "search_searchdocument")
    with connection.execute_wrapper(failing(lambda sql: any(t in sql for t in index_tables))):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "search": "error"}


def test_the_liveness_probe_asks_nothing_of_the_database(client):
    response = client.get("/healthz/live")  # (no database access is allowed in this test)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert not response.cookies


@pytest.mark.parametrize("address", ["/healthz", "/healthz/live"])
def test_probes_are_not_redirected_to_https(settings, client, db, address):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    assert client.get(address).status_code == 200


def test_probes_have_no_language_prefix(client, db):
    assert client.get("/en/healthz").status_code == 404
