"""Reading a page the way a browser would, to tell what user text became: markup that runs, or
text. Python's own HTML parser (no lxml or html5lib here); it splits tags and attributes as
browsers do for the markup these checks look for."""

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Elements that run code, load a document, change how the page's links resolve, or (in SVG)
# rewrite another element's link. Grappe draws its charts in inline SVG of its own, so <svg>
# alone is no sign of injection: its handlers and links are checked like any other element's.
ACTIVE_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "style",
    "template", "portal", "noscript", "animate", "set", "handler", "listener", "foreignobject",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
    "cite", "srcset", "ping", "lowsrc", "dynsrc",
}  # fmt: skip
# What a browser ignores in a URL before reading its scheme: spaces, tabs, new lines, controls.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]")
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
# The one data: URL of Grappe's own pages: the empty favicon of base.html.
OWN_DATA_URLS = {"data:,"}


def dangerous_url(value: str) -> bool:
    cleaned = _IGNORED_IN_SCHEME.sub("", value).lower()
    return cleaned.startswith(DANGEROUS_SCHEMES) and value not in OWN_DATA_URLS


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Reading:
    elements: list[Element] = field(default_factory=list)
    text: str = ""  # what the page shows as text, character references decoded


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.reading = Reading()
        self._open_scripts: list[Element] = []
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.reading.elements.append(element)
        if tag in ("script", "style"):
            self._open_scripts.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.reading.elements.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._open_scripts:
            self._open_scripts.pop()

    def handle_data(self, data: str) -> None:
        if self._open_scripts:
            self._open_scripts[-1].text += data
        else:
            self._text.append(data)

    def close(self) -> None:
        super().close()
        self.reading.text = "".join(self._text)


def read_html(html: str) -> Reading:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.reading


def _script_problem(element: Element) -> str | None:
    """Grappe's pages hold two kinds of <script>: a file of its own (src, nothing inside) and a
    JSON-LD data block, which no browser runs; anything else is a script someone injected."""
    kind = element.attrs.get("type", "").strip().lower()
    if kind == "application/ld+json":
        if "<" in element.text:
            return "a JSON-LD block holds a raw '<' (it could close its <script>)"
        try:
            json.loads(element.text)
        except ValueError:
            return f"a JSON-LD block is not JSON: {element.text[:80]!r}"
        return None
    if "src" in element.attrs and not element.text.strip():
        return None
    return f"<script {element.attrs}> running {element.text.strip()[:80]!r}"


def problems(html: str, *, allowed_tags: set[str] | None = None) -> list[str]:
    """Everything in `html` that could run or load something it should not; [] when inert.

    With `allowed_tags`, any other element is a problem too (sanitised fragments)."""
    found: list[str] = []
    for element in read_html(html).elements:
        tag, attrs = element.tag, element.attrs
        if allowed_tags is not None and tag not in allowed_tags:
            found.append(f"<{tag}> is not allowed here")
        if tag == "script":
            problem = _script_problem(element)
            if problem:
                found.append(problem)
        elif tag in ACTIVE_TAGS:
            found.append(f"<{tag} {attrs}>")
        if tag == "img" and attrs.get("src", "").strip() in ("x", ""):
            found.append(f"<img {attrs}> from user text")
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            found.append(f"<meta http-equiv=refresh {attrs}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag}> has an event handler {name}={value!r}")
            elif name in ("style", "srcdoc"):
                found.append(f"<{tag}> has {name}={value!r}")
            elif name in URL_ATTRIBUTES and dangerous_url(value):
                found.append(f"<{tag}> {name}={value!r}")
    return found


def assert_inert(html: str, where: str = "", *, allowed_tags: set[str] | None = None) -> None:
    found = problems(html, allowed_tags=allowed_tags)
    assert not found, f"{where}: " + "\n".join(found)


def shown_text(html: str) -> str:
    """The page's text as a reader sees it (what an escaped payload turns into)."""
    return read_html(html).text
