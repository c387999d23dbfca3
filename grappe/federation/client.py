"""Reading a peer's feed: one HTTP request per page, and a strict check of what came back.

Every way a peer can fail (unreachable, slow, an error status, a page that is not the feed's
JSON) becomes a PeerError whose message says what happened, for the pull's report and
Peer.last_error; nothing of a bad page is ever applied.
"""

import gzip
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from grappe.federation.kinds import Kind

MAX_PAGE_BYTES = 50 * 1024 * 1024  # a page of 200 records is far smaller; a runaway peer is not
USER_AGENT = "Grappe-federation/1"

Fetch = Callable[[str, float], bytes]  # (URL, timeout in seconds) -> body


class PeerError(Exception):
    """A peer that could not be read; the message says why."""


@dataclass
class FeedItem:
    kind: str
    slug: str
    updated_at: datetime
    record: dict[str, Any] | None = None  # None for a deletion
    deleted: bool = False

    def as_json(self) -> dict[str, Any]:
        """As stored among a peer's waiting items (and as the feed wrote it)."""
        item = {"kind": self.kind, "slug": self.slug, "updated_at": self.updated_at.isoformat()}
        if self.deleted:
            item["deleted"] = True
        else:
            item["record"] = self.record
        return item


@dataclass
class FeedPage:
    instance: dict[str, str]
    items: list[FeedItem]
    vocabulary: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    next_cursor: str | None = None
    resume_cursor: str = ""


def http_fetch(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(
        url,
        headers={
            "Accept": "application/json",
            "Accept-Encoding": "gzip",
            "User-Agent": USER_AGENT,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_PAGE_BYTES + 1)
            encoding = response.headers.get("Content-Encoding", "")
    except urllib.error.HTTPError as error:
        raise PeerError(
            _("%(url)s answered with HTTP status %(status)s.") % {"url": url, "status": error.code}
        ) from error
    except TimeoutError as error:
        raise PeerError(
            _("%(url)s did not answer within %(seconds)s seconds.")
            % {"url": url, "seconds": timeout}
        ) from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            raise PeerError(
                _("%(url)s did not answer within %(seconds)s seconds.")
                % {"url": url, "seconds": timeout}
            ) from error
        raise PeerError(
            _("%(url)s cannot be reached: %(reason)s.") % {"url": url, "reason": reason}
        ) from error
    if len(body) > MAX_PAGE_BYTES:
        raise PeerError(_("%(url)s sent a page larger than the limit.") % {"url": url})
    if encoding == "gzip":
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError) as error:
            raise PeerError(_("%(url)s sent a damaged compressed page.") % {"url": url}) from error
    return body


def page_url(feed_url: str, cursor: str) -> str:
    return f"{feed_url}?{urlencode({'cursor': cursor})}" if cursor else feed_url


def parse_page(body: bytes, url: str) -> FeedPage:
    """The page, checked field by field; anything unexpected is a PeerError naming the place."""
    try:
        tree = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        message = _("%(url)s did not send JSON: %(error)s.") % {"url": url, "error": error}
        raise PeerError(message) from error
    checker = _Checker(url)
    checker.expect(isinstance(tree, dict), "page", _("a JSON object"))
    instance = tree.get("instance")
    checker.expect(isinstance(instance, dict), "instance", _("an object with name and url"))
    items = tree.get("items")
    checker.expect(isinstance(items, list), "items", _("a list"))
    vocabulary = tree.get("vocabulary", {})
    checker.expect(isinstance(vocabulary, dict), "vocabulary", _("an object"))
    for name, records in vocabulary.items():
        checker.expect(
            name in ("categories", "certification_schemes")
            and isinstance(records, list)
            and all(isinstance(r, dict) for r in records),
            f"vocabulary.{name}",
            _("a list of categories or certification schemes"),
        )
    next_cursor, resume_cursor = tree.get("next_cursor"), tree.get("resume_cursor")
    checker.expect(next_cursor is None or isinstance(next_cursor, str), "next_cursor", _("text"))
    checker.expect(
        resume_cursor is None or isinstance(resume_cursor, str), "resume_cursor", _("text")
    )
    return FeedPage(
        instance={k: str(v) for k, v in instance.items()},
        items=[checker.item(index, item) for index, item in enumerate(items)],
        vocabulary=vocabulary,
        next_cursor=next_cursor or None,
        resume_cursor=resume_cursor or next_cursor or "",
    )


def item_from_json(item: Any, where: str = "item") -> FeedItem:
    """One item, as a page carries it or as a peer's waiting items keep it."""
    return _Checker("").item(where, item)


class _Checker:
    def __init__(self, url: str):
        self.url = url

    def expect(self, condition: bool, where: str, expected: str) -> None:
        if not condition:
            raise PeerError(
                _("%(url)s sent a malformed page: %(where)s should be %(expected)s.")
                % {"url": self.url, "where": where, "expected": expected}
            )

    def item(self, index: int | str, item: Any) -> FeedItem:
        where = f"items[{index}]" if isinstance(index, int) else index
        self.expect(isinstance(item, dict), where, _("an object"))
        kind, slug = item.get("kind"), item.get("slug")
        self.expect(kind in Kind.values, f"{where}.kind", ", ".join(Kind.values))
        self.expect(isinstance(slug, str) and bool(slug), f"{where}.slug", _("a slug"))
        try:
            updated_at = datetime.fromisoformat(str(item.get("updated_at")))
        except ValueError:
            updated_at = None
        self.expect(
            updated_at is not None and updated_at.tzinfo is not None,
            f"{where}.updated_at",
            _("a date and time with its time zone"),
        )
        deleted = item.get("deleted") is True
        record = item.get("record")
        self.expect(deleted or isinstance(record, dict), f"{where}.record", _("an object"))
        return FeedItem(kind, slug, updated_at, None if deleted else record, deleted)
