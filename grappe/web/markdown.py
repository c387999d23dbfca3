"""User text (descriptions, biographies, testimonies) as Markdown, made safe to put in a page.

Two locks, each enough on its own: markdown-it never passes raw HTML through (it is shown as
text) and refuses javascript:/vbscript:/file:/data: links; nh3 (ammonia) then keeps only a short
list of tags and attributes and only http, https and mailto links, whatever the Markdown
library may produce in a future version.
"""

from importlib.util import find_spec

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# What a description may contain: paragraphs, emphasis, lists, quotes, code and links.
# No headings (see _heading_as_strong), no images (they would load from anywhere), no tables.
ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "a",
    "ul",
    "ol",
    "li",
    "code",
    "pre",
    "blockquote",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# User links: search engines give them no credit, and the page they open cannot reach back.
LINK_REL = "nofollow ugc noopener"


def _heading_as_strong(self, tokens, idx, options, env) -> str:
    """A "# Title" in a description becomes a bold paragraph: a profile's own headings must
    not break the page's outline (h1, then h2 sections), which screen reader users navigate."""
    return "<p><strong>" if tokens[idx].nesting == 1 else "</strong></p>\n"


def _parser() -> MarkdownIt:
    # breaks: a single new line is a line break, as the plain-text descriptions always showed it.
    parser = MarkdownIt("commonmark", {"html": False, "breaks": True})
    parser.disable("image")
    if find_spec("linkify_it") is not None:  # markdown-it-py[linkify]: bare URLs become links
        parser.enable("linkify")
        parser.options["linkify"] = True
    parser.add_render_rule("heading_open", _heading_as_strong)
    parser.add_render_rule("heading_close", _heading_as_strong)
    return parser


_PARSER = _parser()


def render_markdown(text: str) -> SafeString:
    """The HTML of a user's Markdown text, with nothing in it that can run or load."""
    html = _PARSER.render(text or "")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(cleaned.strip())  # sanitised just above
