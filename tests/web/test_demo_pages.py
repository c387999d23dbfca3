"""Every page of the demo data, in both languages: it renders, stays light and describes itself."""

import pytest
from django.utils import translation

from grappe.directory import models as m
from tests.web.conftest import assert_well_outlined, json_ld

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MAX_HTML_BYTES = 30_000
JSON_LD_TYPES = {
    m.Organisation: {"Organization"},
    m.Software: {"SoftwareApplication"},
    m.Offering: {"Service", "Product"},
    m.Person: {"Person"},
    m.Event: {"Event"},
}
NAME = {m.Offering: "title", m.Event: "title"}


def test_every_demo_page_renders_light_and_well_described_in_both_languages(client, demo):
    pages = 0
    for model, types in JSON_LD_TYPES.items():
        for entry in model.objects.all():
            with translation.override("fr"):
                path = entry.get_absolute_url()
            for url in (path, f"/en{path}"):
                response = client.get(url)
                assert response.status_code == 200, url
                assert len(response.content) < MAX_HTML_BYTES, (url, len(response.content))
                html = response.text
                data = json_ld(html)
                assert data["@type"] in types, url
                assert data["name"] == getattr(entry, NAME.get(model, "name")), url
                assert_well_outlined(html)
                if getattr(entry, "is_example", False):
                    assert 'class="example-notice"' in html, url
                pages += 1
    assert pages > 200


def test_the_demo_home_page_links_to_entries(client, demo):
    html = client.get("/").text
    assert html.count('<a class="entry-name" href="/organisations/') == 6
    assert html.count('<a class="entry-name" href="/software/') == 6
    assert len(html.encode()) < MAX_HTML_BYTES
