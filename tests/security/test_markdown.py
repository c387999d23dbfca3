"""User text is Markdown, rendered safely: what a member writes formats their profile, and no
payload they write (raw HTML, script links, attribute tricks) survives as markup that runs."""

import pytest
from django.template import Context, Template
from django.utils import translation

from grappe.web.markdown import ALLOWED_TAGS, render_markdown
from tests.security.html_checks import assert_inert, problems, read_html, shown_text
from tests.web.conftest import PersonFactory

LINK_REL = "nofollow ugc noopener"


def render(text: str) -> str:
    html = str(render_markdown(text))
    assert_inert(html, repr(text), allowed_tags=ALLOWED_TAGS)
    return html


# What Markdown is for ------------------------------------------------------------------------


def test_emphasis_lists_quotes_and_code_are_formatted():
    html = render(
        "Hébergeur *libre* et **local**.\n\n- Nextcloud\n- GLPI\n\n1. un\n2. deux\n\n"
        "> Nous gérons 2 000 postes.\n\n`code` et\n\n```\nbloc <b>\n```"
    )
    assert html == (
        "<p>Hébergeur <em>libre</em> et <strong>local</strong>.</p>\n"
        "<ul>\n<li>Nextcloud</li>\n<li>GLPI</li>\n</ul>\n"
        "<ol>\n<li>un</li>\n<li>deux</li>\n</ol>\n"
        "<blockquote>\n<p>Nous gérons 2 000 postes.</p>\n</blockquote>\n"
        "<p><code>code</code> et</p>\n"
        "<pre><code>bloc &lt;b&gt;\n</code></pre>"
    )


def test_one_new_line_is_a_line_break_and_a_blank_line_a_new_paragraph():
    """As the plain-text descriptions always showed, so that imported texts keep their look."""
    assert render("Ligne une\nligne deux\n\nAutre paragraphe") == (
        "<p>Ligne une<br>\nligne deux</p>\n<p>Autre paragraphe</p>"
    )


def test_links_open_on_the_web_and_are_marked_as_user_content():
    html = render(
        '[Nextcloud](https://nextcloud.com "Le site") [écrire](mailto:contact@example.org) '
        "[fiche](/organisations/acme/)"
    )
    links = [e.attrs for e in read_html(html).elements if e.tag == "a"]
    assert links == [
        {"href": "https://nextcloud.com", "title": "Le site", "rel": LINK_REL},
        {"href": "mailto:contact@example.org", "rel": LINK_REL},
        {"href": "/organisations/acme/", "rel": LINK_REL},
    ]


def test_a_heading_becomes_bold_text_and_leaves_the_pages_outline_alone():
    assert render("# Nos services\n## Détail") == (
        "<p><strong>Nos services</strong></p>\n<p><strong>Détail</strong></p>"
    )


def test_an_image_is_not_loaded_from_user_text():
    html = render("![logo](https://tracker.example/pixel.png)")
    assert not [e for e in read_html(html).elements if e.tag == "img"]
    assert "logo" in shown_text(html)


def test_empty_text_is_nothing():
    assert render("") == ""
    assert render_markdown(None) == ""  # type: ignore[arg-type]


# What it must never let through ----------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=https://evil.example></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<a href=javascript:alert(1)>x</a>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<base href=https://evil.example/>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](<javascript:alert(1)>)",
    "[x](java\tscript:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](%6Aavascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](data:image/svg+xml,<svg onload=alert(1)>)",
    "[x](file:///etc/passwd)",
    "![x](javascript:alert(1))",
    "![x](data:image/png;base64,AAAA)",
    "<javascript:alert(1)>",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '[x](https://example.org "title" onmouseover="alert(1)")',
    '[x](https://example.org "a\\" onmouseover=\\"alert(1)")',
    "[x](https://example.org 'a\" onmouseover=alert(1) x=\"')",
    '[x](https://example.org) "><img src=x onerror=alert(1)>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1)&#62;",
    "\\<script>alert(1)\\</script>",
    "**<img src=x onerror=alert(1)>**",
    "*[x](javascript:alert(1))*",
    "> <script>alert(1)</script>\n> - [x](javascript:alert(1))",
    "- <iframe src=https://evil.example>\n  - <svg onload=alert(1)>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "    <script>alert(1)</script>",
    "<div>\n\n*md inside html* <script>alert(1)</script>\n\n</div>",
    "[<img src=x onerror=alert(1)>](https://example.org)",
    "[![x](x)](javascript:alert(1))",
    "\"><script>alert('x')</script><img src=x onerror=alert(1)>",
    "\u0000<script>alert(1)</script>",
    "<scr\u0000ipt>alert(1)</scr\u0000ipt>",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_comes_out_inert(payload):
    html = render(payload)
    for element in read_html(html).elements:
        if element.tag == "a":
            assert element.attrs.get("rel") == LINK_REL
            assert set(element.attrs) <= {"href", "title", "rel"}


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<iframe src=https://evil.example></iframe>",
        "\"><script>alert('x')</script>",
    ],
)
def test_raw_html_is_shown_as_the_text_it_is(payload):
    """A member who types HTML sees it on the page, written out, not dropped silently."""
    assert shown_text(render(payload)).strip() == payload


def test_a_title_with_quotes_stays_inside_its_attribute():
    html = render('[x](https://example.org "a\\" onmouseover=\\"alert(1)")')
    [link] = [e for e in read_html(html).elements if e.tag == "a"]
    assert link.attrs == {
        "href": "https://example.org",
        "title": 'a" onmouseover="alert(1)',
        "rel": LINK_REL,
    }


@pytest.mark.django_db
def test_the_template_filter_renders_a_profile_safely():
    person = PersonFactory(bio_en="*Trainer* <script>alert(1)</script>", slug="formatrice")
    template = Template(
        '{% load grappe_web %}{% include "web/_description.html" with entry=person field="bio" %}'
    )
    with translation.override("en"):
        html = template.render(Context({"person": person, "LANGUAGE_CODE": "en"}))
    assert html == (
        '<div class="description"><p><em>Trainer</em> &lt;script&gt;alert(1)&lt;/script&gt;'
        "</p></div>"
    )


@pytest.mark.parametrize(
    "markup",
    [
        "<script>alert(1)</script>",
        "<p onclick=alert(1)>x</p>",
        "<img src=x>",
        "<a href=' jAvAscript:alert(1)'>x</a>",
        "<a href='data:text/html,x'>x</a>",
        "<iframe srcdoc=x></iframe>",
        "<svg><animate attributeName=href values=javascript:alert(1) /></svg>",
        '<script type="application/ld+json">{"a": "</script><script>alert(1)</script>"}</script>',
        "<p style=color:red>x</p>",
    ],
)
def test_the_checks_see_markup_that_runs(markup):
    """The checks of this suite are not blind: raw payloads, unsanitised, are all caught."""
    assert problems(markup)
