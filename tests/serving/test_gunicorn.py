"""gunicorn with Grappe's configuration, for real: workers forked from the loaded application
serve the probes and the pages on SQLite (and on PostgreSQL when the suite runs there), and
every line they write is JSON."""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from grappe.serving import gunicorn_conf
from tests.serving.conftest import ROOT, grappe, production_env


def test_workers_follow_the_cpus_unless_told():
    assert gunicorn_conf.default_workers(1) == 2
    assert gunicorn_conf.default_workers(2) == 3
    assert gunicorn_conf.workers == int(
        os.environ.get("WEB_CONCURRENCY") or gunicorn_conf.default_workers()
    )
    assert gunicorn_conf.preload_app is True
    assert gunicorn_conf.worker_class == "sync"
    assert gunicorn_conf.timeout == 30
    assert gunicorn_conf.accesslog is None  # grappe.request writes each request's line


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(port: int, path: str, https: bool = True) -> tuple[int, dict, bytes]:
    """One request to the server on loopback, as the proxy in front would send it; redirects
    are not followed (nothing leaves this machine)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "grappe.example.org"}
    if https:
        headers["X-Forwarded-Proto"] = "https"
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path, production_dir):
    """The migrated SQLite database of production_dir, or a new PostgreSQL database on the
    server the suite runs against (dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{production_dir / 'grappe.sqlite3'}"
        return
    suite_url = os.environ.get("DATABASE_URL", "")
    if not suite_url.startswith(("postgres://", "postgresql://")):
        pytest.skip("the suite does not run on PostgreSQL (bin/with-postgres)")
    import psycopg

    name = f"grappe_serving_{uuid.uuid4().hex[:8]}"
    url = suite_url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(suite_url, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        env = production_env(production_dir, DATABASE_URL=url)
        done = grappe("migrate", "--verbosity", "0", env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        yield url
    finally:
        with psycopg.connect(suite_url, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.slow
def test_gunicorn_serves_grappe_with_json_logs(production_dir, database_url, tmp_path):
    port = free_port()
    output = Path(tmp_path / "gunicorn.log")
    env = production_env(production_dir, DATABASE_URL=database_url, WEB_CONCURRENCY="2")
    with output.open("w") as log:
        server = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "-c", "python:grappe.serving.gunicorn_conf",
                "-b", f"127.0.0.1:{port}", "grappe.wsgi",
            ],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _headers, body = fetch(port, "/healthz")
                break
            except OSError:
                assert server.poll() is None, output.read_text()
                assert time.monotonic() < deadline, output.read_text()
                time.sleep(0.2)
        assert status == 200, body
        assert json.loads(body) == {"status": "ok", "database": "ok", "search": "ok"}
        assert fetch(port, "/healthz/live")[0] == 200
        first = fetch(port, "/search/?q=nextcloud")
        second = fetch(port, "/search/?q=nextcloud")
        assert (first[0], second[0]) == (200, 200)
        assert second[1]["X-Grappe-Cache"] == "hit"
        assert second[2] == first[2]
        assert "Strict-Transport-Security" in second[1]
        # Static files: collected, linked by their hashed names, kept by browsers for a year.
        stylesheet = re.search(rb'href="(/static/web/grappe\.[0-9a-f]{12}\.css)"', second[2])
        assert stylesheet, second[2][:2000]
        status, headers, _css = fetch(port, stylesheet.group(1).decode())
        assert status == 200
        assert "immutable" in headers["Cache-Control"]
        # Plain HTTP from outside is sent to HTTPS; the probes are not.
        status, headers, _body = fetch(port, "/search/", https=False)
        assert (status, headers["Location"]) == (301, "https://grappe.example.org/search/")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    lines = [json.loads(line) for line in output.read_text().splitlines() if line.strip()]
    loggers = {line["logger"] for line in lines}
    assert {"gunicorn.error", "grappe.request"} <= loggers
    requests = [line for line in lines if line["logger"] == "grappe.request"]
    assert [r["path"] for r in requests] == [
        "/healthz", "/healthz/live", "/search/", "/search/", stylesheet.group(1).decode(),
        "/search/",
    ]  # fmt: skip
    assert [r.get("cache") for r in requests[2:4]] == ["miss", "hit"]
    assert all(len(r["request_id"]) == 32 for r in requests)
    assert not [line for line in lines if line["level"] in {"ERROR", "CRITICAL"}]
