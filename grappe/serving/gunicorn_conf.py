"""gunicorn's configuration for Grappe in production:

    gunicorn -c python:grappe.serving.gunicorn_conf grappe.wsgi

Every value can be changed by the environment (below) or on the command line, which wins
(`-b 0.0.0.0:8000`, `-w 3`, ...). docs/operations.md explains each choice.

- Workers: synchronous processes, WEB_CONCURRENCY of them; by default one per CPU the process
  may run on, plus one (3 on 2 cores). Grappe's pages are CPU-bound Python (10 to 16 ms of CPU
  for a page not in the cache, under 0.5 ms for a cached one): one worker per CPU keeps the
  CPUs busy, the extra one covers waits on the database, the disk or a slow client. More only
  share the same CPUs: on the project's 2 cores (bench/load.sh, docs/benchmarks.md), 2 to 5
  workers serve cached organisation pages alike and 8 less; uncached, 2 did best, 3 and 4 8 %
  less, 5 (the usual 2 x CPUs + 1) and 8 14 % less. A database on another machine, with
  longer waits, may deserve a few more.
- preload_app: the application is loaded once in the master, then the workers are forked
  from it. A broken release fails at once, before any worker is started; workers start in
  milliseconds and share the loaded code's memory. The price: `kill -HUP` restarts the workers
  with the code already loaded, so a new release needs a restart of the service. Database
  connections are never opened while loading; pre_fork closes any that a hook might have
  opened, so that no two processes ever share one (fatal with SQLite and PostgreSQL alike).
- Logs: gunicorn's own lines in Grappe's format (JSON by default, LOG_FORMAT=text for
  people) on stdout. Grappe writes one line per request itself, with its request id; gunicorn's
  access log is therefore off unless GUNICORN_ACCESS_LOG is set ("-" for stdout).
"""

import os
import sys

from gunicorn import glogging

from grappe.serving.logs import JsonFormatter, RequestIdFilter, TextFormatter, default_format


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers(cpus: int | None = None) -> int:
    return (cpus or cpu_count()) + 1


bind = os.environ.get("GRAPPE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers())
worker_class = "sync"
# A request running longer than this is stuck: its worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Restart a worker after this many requests (0: never), in case something leaks.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
preload_app = True
# A proxy in front (nginx, a load balancer) sets X-Forwarded-*; trust it from loopback only
# unless told otherwise.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# gunicorn 25's control socket (gunicornc) is not used: the service manager sends signals.
control_socket_disable = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The default format names the client's address and user agent: personal data we do not keep.
access_log_format = '"%(r)s" %(s)s %(b)s %(M)sms'


class GrappeLogger(glogging.Logger):
    """gunicorn's logger with Grappe's format, on stdout."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        formatter = JsonFormatter() if default_format() == "json" else TextFormatter()
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False):
                    if getattr(handler, "stream", None) is sys.stderr:
                        handler.setStream(sys.stdout)
                    handler.setFormatter(formatter)
                    handler.addFilter(RequestIdFilter())


logger_class = GrappeLogger


def pre_fork(server, worker) -> None:
    """A connection opened in the master must not be inherited by a worker."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
