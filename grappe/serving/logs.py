"""Logs: one line per event on stdout, JSON in production, plain text on a laptop.

Every line carries the id of the request it belongs to (the `X-Request-ID` a proxy sent, or
one made here), so that the lines of one request can be found together. A request's own line
(logger `grappe.request`) says its method, path, status and duration. Nothing personal or
secret is written: no client address, no user agent, no query string, no cookie, no user.

This module uses the standard library only: the gunicorn configuration imports it before
Django is set up.
"""

import json
import logging
import os
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import UTC, datetime

request_id: ContextVar[str | None] = ContextVar("grappe_request_id", default=None)

# Extra attributes of a record written as fields of their own, in this order.
FIELDS = ("request_id", "method", "path", "status", "duration_ms", "bytes", "cache")
FORMATS = ("json", "text")
_TRUE = {"1", "true", "yes", "on", "y", "t"}


def default_format(environ: Mapping[str, str] = os.environ) -> str:
    """LOG_FORMAT if set; otherwise text when DEBUG is on (a laptop), JSON when it is off."""
    chosen = environ.get("LOG_FORMAT", "").strip().lower()
    if chosen:
        return chosen
    return "text" if environ.get("DEBUG", "").strip().lower() in _TRUE else "json"


class RequestIdFilter(logging.Filter):
    """Gives every record the id of the request being served (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            # Django logs a response's 4xx or 5xx status after the middleware has returned:
            # the request's id is then read from the request the record carries.
            given = getattr(record, "request", None)
            record.request_id = request_id.get() or getattr(given, "request_id", None)
        return True


def _gunicorn_access_fields(record: logging.LogRecord) -> dict | None:
    """gunicorn's access log passes its "atoms" as the record's arguments: keep the request's
    facts, leave out the client's address and user agent."""
    atoms = record.args
    if record.name != "gunicorn.access" or not isinstance(atoms, Mapping):
        return None
    fields = {
        "method": atoms.get("m"),
        "path": atoms.get("U"),
        "status": _int(atoms.get("s")),
        "duration_ms": round(_int(atoms.get("D")) / 1000, 1),
        "bytes": _int(atoms.get("B")),
    }
    given = atoms.get("{x-request-id}o", "-")
    if given and given != "-":
        fields["request_id"] = given
    fields["message"] = f"{fields['method']} {fields['path']} {fields['status']}"
    return fields


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class JsonFormatter(logging.Formatter):
    """A JSON object per line: time (UTC), level, logger, message, then the request's fields
    and the exception's traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        access = _gunicorn_access_fields(record)
        entry: dict = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": access.pop("message") if access else record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if access:
            entry.update({k: v for k, v in access.items() if v is not None})
        status = getattr(record, "status_code", None)  # django.request's and django.server's
        if status is not None and "status" not in entry:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """A line a person reads: time, level, logger, message, and the request id if any."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        access = _gunicorn_access_fields(record)
        if access:
            record = logging.makeLogRecord(
                {**record.__dict__, "msg": access["message"], "args": None}
            )
        line = super().format(record)
        given = getattr(record, "request_id", None) or (access or {}).get("request_id")
        return f"{line} [{given}]" if given else line


def formatter_class(log_format: str) -> str:
    if log_format not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {log_format!r}")
    return f"grappe.serving.logs.{'Json' if log_format == 'json' else 'Text'}Formatter"


def logging_config(log_format: str, level: str) -> dict:
    """The LOGGING setting: everything through one handler on stdout."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "grappe.serving.logs.RequestIdFilter"}},
        "formatters": {"grappe": {"()": formatter_class(log_format)}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "filters": ["request_id"],
                "formatter": "grappe",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own handlers (debug console, mail to ADMINS) give way to the one above.
            "django": {"handlers": [], "level": level, "propagate": True},
            # The development server's request lines: grappe.request already writes one.
            "django.server": {"handlers": [], "level": "WARNING", "propagate": True},
            "django.db.backends": {"level": "WARNING"},
        },
    }
