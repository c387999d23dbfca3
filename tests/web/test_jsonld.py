"""JSON-LD is built with json.dumps and escaped: no entry text can break out of its script."""

import json

import pytest

from grappe.web.jsonld import script
from tests.factories import OrganisationFactory
from tests.web.conftest import json_ld


def test_the_script_escapes_what_could_close_it():
    html = script({"name": "</script><script>alert('x')</script> & <!--"})
    assert html.startswith('<script type="application/ld+json">')
    body = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body) == {"name": "</script><script>alert('x')</script> & <!--"}


@pytest.mark.django_db
def test_a_hostile_name_stays_inside_the_json_ld(client):
    name = 'Evil</script><script>alert("x")</script>'
    OrganisationFactory(slug="evil", name=name)
    html = client.get("/en/organisations/evil/").text
    assert "<script>alert" not in html
    assert json_ld(html)["name"] == name
