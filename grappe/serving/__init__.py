"""Serving in production: health checks, the anonymous page cache, request logs, deploy checks
and the gunicorn configuration. Nothing below imports it; settings and urls wire it in."""
