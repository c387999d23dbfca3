"""What the browser tests share besides fixtures: the Chromium launch, the site, fresh pages."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling out, and this machine's closed
# network refuses it; a fresh user data dir comes with every launch().
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


def missing(reason: str) -> NoReturn:
    """Skip on a developer's machine without the browser tools; fail in CI, where they run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: the browser tests must run in CI", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def playwright_api() -> ModuleType:
    """playwright.sync_api, or a skip (a failure in CI) naming what to install."""
    try:
        import playwright.sync_api
    except ImportError:
        missing("the playwright package is missing (pip install -e '.[test]')")
    return playwright.sync_api


@dataclass
class Site:
    """The live server's address and the paths of the demo entries it serves, by kind."""

    url: str
    entries: dict[str, list[str]] = field(default_factory=dict)

    def url_of(self, path: str) -> str:
        return self.url + path


def new_page(browser: Browser, *, javascript: bool = True) -> Page:
    """A page in a fresh context (empty cache and cookies), French preferred, 10 s timeouts."""
    context = browser.new_context(java_script_enabled=javascript, locale="fr-FR")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context.new_page()
