"""A peer's feed in memory for pull tests, and tiny HTTP servers that misbehave."""

import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

_clock = itertools.count(1)
_START = datetime(2025, 1, 1, tzinfo=UTC)


def item(kind: str, slug: str, /, **record: Any) -> dict[str, Any]:
    """A feed item, changed later than every item made before it."""
    moment = (_START + timedelta(seconds=next(_clock))).isoformat()
    return {"kind": kind, "slug": slug, "updated_at": moment, "record": {"slug": slug, **record}}


def deletion(kind: str, slug: str) -> dict[str, Any]:
    moment = (_START + timedelta(seconds=next(_clock))).isoformat()
    return {"kind": kind, "slug": slug, "updated_at": moment, "deleted": True}


class FakePeer:
    """Serves pages by cursor, as the feed would: `publish` adds the pages after the last
    position a puller reached; a page may also be raw bytes or an exception to raise."""

    def __init__(self, name: str = "Occitanie"):
        self.name = name
        self.pages: dict[str, bytes | Exception] = {}
        self.end = ""
        self.requests: list[str] = []
        self._cursors = itertools.count(1)

    def __call__(self, url: str, timeout: float) -> bytes:
        cursor = parse_qs(urlsplit(url).query).get("cursor", [""])[0]
        self.requests.append(cursor)
        page = self.pages.get(cursor)
        if page is None:
            page = self.page([], None, cursor)
        if isinstance(page, Exception):
            raise page
        return page

    def page(self, items: list, next_cursor: str | None, resume: str, **extra) -> bytes:
        return json.dumps(
            {
                "format": "grappe-federation",
                "version": 1,
                "instance": {"name": self.name, "url": "http://peer.example"},
                "items": items,
                "next_cursor": next_cursor,
                "resume_cursor": resume,
                **extra,
            }
        ).encode()

    def publish(self, items: list[dict], size: int = 200, **extra) -> None:
        chunks = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
        cursor = self.end
        for index, chunk in enumerate(chunks):
            following = f"c{next(self._cursors)}"
            last = index == len(chunks) - 1
            self.pages[cursor] = self.page(chunk, None if last else following, following, **extra)
            cursor = following
        self.end = cursor

    def break_next(self, page: bytes | Exception) -> None:
        """The page after the last one published is this (garbage, or a failure)."""
        self.pages[self.end] = page


@contextmanager
def http_server(respond) -> Iterator[str]:
    """A loopback HTTP server answering every GET with respond(handler); yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            respond(self)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def answer(status: int, body: bytes, delay: float = 0.0):
    def respond(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(delay)
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        with suppress(BrokenPipeError, ConnectionResetError):
            handler.wfile.write(body)

    return respond
