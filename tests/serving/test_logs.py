"""Structured logs: one JSON object a line, a request id on every line of a request, nothing
personal."""

import json
import logging
import sys

import pytest

from grappe.serving import logs


def formatted(record: logging.LogRecord, formatter: logging.Formatter | None = None) -> str:
    logs.RequestIdFilter().filter(record)
    return (formatter or logs.JsonFormatter()).format(record)


def request_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "grappe.request"]


def test_each_request_writes_one_line_with_its_facts(client, db, caplog):
    caplog.set_level(logging.INFO)
    response = client.get("/search/?q=nextcloud&near=33000", headers={"User-Agent": "Bot/1"})
    (record,) = request_records(caplog)
    line = json.loads(formatted(record))
    assert line["logger"] == "grappe.request"
    assert line["level"] == "INFO"
    assert line["method"] == "GET"
    assert line["path"] == "/search/"
    assert line["status"] == 200
    assert line["duration_ms"] > 0
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert line["message"].startswith("GET /search/ 200 ")
    assert line["time"].endswith("+00:00")
    text = json.dumps(line)
    assert "nextcloud" not in text  # no query string
    assert "Bot/1" not in text and "127.0.0.1" not in text  # no user agent, no address


def test_the_request_id_of_a_proxy_is_kept(client, db, caplog):
    caplog.set_level(logging.INFO)
    response = client.get("/healthz/live", headers={"X-Request-ID": "nginx-4f2a9c1e.7"})
    assert response["X-Request-ID"] == "nginx-4f2a9c1e.7"
    assert request_records(caplog)[0].request_id == "nginx-4f2a9c1e.7"


@pytest.mark.parametrize("given", ["", "a b", "x" * 200, "évident", "id\nforged line"])
def test_a_request_id_that_is_not_an_id_is_replaced(client, db, given):
    response = client.get("/healthz/live", headers={"X-Request-ID": given})
    assert response["X-Request-ID"] != given
    assert len(response["X-Request-ID"]) == 32


def test_lines_written_during_a_request_carry_its_id(client, db, caplog, settings):
    caplog.set_level(logging.WARNING)
    response = client.get("/organisations/nobody/")
    (warning,) = [r for r in caplog.records if r.name == "django.request"]
    line = json.loads(formatted(warning))
    assert line["request_id"] == response["X-Request-ID"]
    assert line["status"] == 404
    assert line["level"] == "WARNING"


def test_an_exception_is_written_with_its_traceback_in_the_same_line():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "grappe", logging.ERROR, __file__, 1, "failed", None, sys.exc_info()
        )
    text = formatted(record)
    assert "\n" not in text
    line = json.loads(text)
    assert line["message"] == "failed"
    assert "ValueError: boom" in line["exception"]
    assert "request_id" not in line  # outside a request


def test_gunicorn_access_lines_keep_the_request_and_leave_out_the_person():
    atoms = {
        "h": "203.0.113.9",
        "a": "Mozilla/5.0",
        "m": "GET",
        "U": "/organisations/nuage/",
        "q": "email=someone@example.org",
        "s": "200",
        "D": "12345",
        "B": "5120",
        "{x-request-id}o": "abc123",
    }
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(h)s", (), None)
    record.args = atoms
    line = json.loads(formatted(record))
    assert line == {
        "time": line["time"],
        "level": "INFO",
        "logger": "gunicorn.access",
        "message": "GET /organisations/nuage/ 200",
        "request_id": "abc123",
        "method": "GET",
        "path": "/organisations/nuage/",
        "status": 200,
        "duration_ms": 12.3,
        "bytes": 5120,
    }
    text = formatted(record, logs.TextFormatter())
    assert "GET /organisations/nuage/ 200" in text and "[abc123]" in text
    assert "203.0.113.9" not in text and "someone" not in text


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "json"),
        ({"DEBUG": "true"}, "text"),
        ({"DEBUG": "false"}, "json"),
        ({"DEBUG": "true", "LOG_FORMAT": "json"}, "json"),
        ({"LOG_FORMAT": "TEXT"}, "text"),
    ],
)
def test_the_format_is_json_in_production_and_text_on_a_laptop(environ, expected):
    assert logs.default_format(environ) == expected


def test_an_unknown_format_is_refused_by_name():
    with pytest.raises(ValueError, match="LOG_FORMAT must be one of json, text"):
        logs.logging_config("xml", "INFO")


def test_one_handler_writes_every_logger_on_stdout():
    config = logs.logging_config("json", "INFO")
    assert config["handlers"] == {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": "grappe",
        }
    }
    assert config["formatters"]["grappe"]["()"] == "grappe.serving.logs.JsonFormatter"
    assert config["root"]["handlers"] == ["console"]
    # Django's own handlers (a debug console, e-mails to ADMINS) are dropped.
    assert config["loggers"]["django"] == {"handlers": [], "level": "INFO", "propagate": True}
