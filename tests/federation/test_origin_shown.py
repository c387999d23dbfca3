"""Where entries came from, as visitors see it: a notice with a link on the entry's page, and a
"Source" facet and filter in search once another cluster's entries are in the index."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from grappe.directory import models as m
from grappe.federation.models import Peer, Provenance
from grappe.search.query import SearchParams
from grappe.search.service import search

pytestmark = pytest.mark.django_db


@pytest.fixture
def pulled(demo):
    """The demo's Anglet fab lab, as if pulled from the Brittany cluster's index."""
    peer = Peer.objects.create(
        name="Grappe Bretagne", slug="bretagne", base_url="https://grappe.bzh.example.org"
    )
    fablab = m.Organisation.objects.get(slug="fablab-cote-basque-exemple")
    Provenance.objects.create(
        peer=peer,
        kind="organisation",
        remote_slug="fablab-cote-basque",
        entry_id=fablab.pk,
        remote_updated_at=timezone.now(),
    )
    call_command("reindex", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return fablab


def test_a_pulled_entry_says_where_it_comes_from_with_a_link(client, pulled):
    html = client.get("/en/organisations/fablab-cote-basque-exemple/").text
    assert (
        'This entry comes from <a href="https://grappe.bzh.example.org/organisations/'
        'fablab-cote-basque/">Grappe Bretagne</a>' in html
    )
    offering = pulled.offerings.first()
    assert "Grappe Bretagne" in client.get(f"/en/offerings/{offering.slug}/").text
    assert "This entry comes from" not in client.get("/en/software/nextcloud/").text


def test_search_filters_by_source(client, pulled):
    results = search(SearchParams(q="fab lab", language="en"))
    labels = {v.value: (v.label, v.count) for v in results.facets["origin"]}
    assert labels["bretagne"][0] == "Grappe Bretagne"
    assert labels["local"][0] == "This cluster"
    theirs = search(SearchParams(origin="bretagne"))
    assert {(h.kind, h.slug) for h in theirs.hits} >= {
        ("organisation", "fablab-cote-basque-exemple"),
        ("offering", "fablab-cote-basque-fdm-grand-format"),  # offerings travel with it
    }
    assert all(h.slug.startswith("fablab-cote-basque") for h in theirs.hits)
    ours = search(SearchParams(origin="local", q="fab lab"))
    assert "fablab-cote-basque-exemple" not in {h.slug for h in ours.hits}
    page = client.get("/en/search/?q=fab+lab").text
    assert "<h3>Source</h3>" in page


def test_the_source_facet_hides_while_every_entry_is_local(client, demo):
    call_command("reindex", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert "<h3>Source</h3>" not in client.get("/en/search/?q=fab+lab").text
