"""Pulling a peer's feed, served from memory (FakePeer) or by misbehaving loopback servers."""

import socket

import pytest

from grappe.directory.models import Offering, Organisation, Person, Software
from grappe.federation.client import PeerError, http_fetch
from grappe.federation.models import Peer, Provenance
from grappe.federation.pull import pull
from tests.factories import OrganisationFactory, SoftwareFactory
from tests.federation.support import FakePeer, answer, deletion, http_server, item

pytestmark = pytest.mark.django_db

SIREN = "443061841"


@pytest.fixture
def peer() -> Peer:
    return Peer.objects.create(name="Occitanie", slug="occ", base_url="http://peer.example")


@pytest.fixture
def feed() -> FakePeer:
    return FakePeer()


def organisation(slug: str, **fields) -> dict:
    return item("organisation", slug, kind="company", name=slug.title(), **fields)


def test_entries_are_created_across_pages_then_a_second_pull_changes_nothing(peer, feed):
    feed.publish(
        [
            item("person", "ada", name="Ada", role="expert", organisation="libre-sud"),
            item("software", "gitea", name="Gitea", licence="MIT"),
            organisation(
                "libre-sud",
                siren=SIREN,
                offerings=[
                    {
                        "slug": "libre-sud-hosting",
                        "kind": "service",
                        "title": "Hosting",
                        "service_kind": "support",
                        "software": ["gitea"],
                    }
                ],
                software_relations=[{"software": "gitea", "role": "services"}],
            ),
        ],
        size=2,
    )
    report = pull(peer, fetch=feed)
    assert report.ok, report.as_text()
    assert (report.pages, report.counts["created"]) == (2, 3)
    ada = Person.objects.get(slug="ada")
    assert ada.organisation.slug == "libre-sud"
    offering = Offering.objects.get(slug="libre-sud-hosting")
    assert [s.slug for s in offering.software.all()] == ["gitea"]
    assert Provenance.objects.filter(peer=peer, complete=True).count() == 3
    peer.refresh_from_db()
    assert (peer.cursor, peer.pending, peer.last_error) == (feed.end, [], "")

    again = pull(peer, fetch=feed)
    assert again.ok and again.counts["created"] == again.counts["updated"] == 0
    assert feed.requests[-1] == feed.end  # resumed where the first pull ended


def test_software_similar_to_each_other_are_created_then_completed(peer, feed):
    feed.publish(
        [
            item("software", "element", name="Element", similar=["mattermost"]),
            item("software", "mattermost", name="Mattermost", similar=["element"]),
        ]
    )
    report = pull(peer, fetch=feed)
    assert report.ok, report.as_text()
    assert (report.counts["created"], report.counts["updated"]) == (2, 0)
    element = Software.objects.get(slug="element")
    assert [s.slug for s in element.similar.all()] == ["mattermost"]
    assert all(p.complete for p in Provenance.objects.all())
    assert pull(peer, fetch=feed).counts["updated"] == 0  # nothing left to complete


def test_an_update_propagates_and_a_local_edit_survives_the_next(peer, feed):
    feed.publish([organisation("libre-sud", siren=SIREN)])
    pull(peer, fetch=feed)
    feed.publish([organisation("libre-sud", siren=SIREN, legal_name="LIBRE SUD SAS")])
    report = pull(peer, fetch=feed)
    assert report.counts["updated"] == 1
    local = Organisation.objects.get(slug="libre-sud")
    assert local.legal_name == "LIBRE SUD SAS"

    local.description_fr = "Écrit ici."
    local.save()
    feed.publish([organisation("libre-sud", siren=SIREN, legal_name="Overwritten?")])
    report = pull(peer, fetch=feed)
    assert report.ok and report.counts["kept"] == 1 and report.counts["updated"] == 0
    local.refresh_from_db()
    assert (local.legal_name, local.description_fr) == ("LIBRE SUD SAS", "Écrit ici.")
    assert "edited here" in report.as_text()


def test_a_deletion_removes_a_pulled_entry_unless_edited_here(peer, feed):
    feed.publish([item("software", "gitea", name="Gitea"), item("software", "forgejo", name="F")])
    pull(peer, fetch=feed)
    forgejo = Software.objects.get(slug="forgejo")
    forgejo.latest_version = "9.0"
    forgejo.save()
    feed.publish([deletion("software", "gitea"), deletion("software", "forgejo")])
    report = pull(peer, fetch=feed)
    assert (report.counts["deleted"], report.counts["kept"]) == (1, 1)
    assert list(Software.objects.values_list("slug", flat=True)) == ["forgejo"]
    assert not Provenance.objects.exists()  # forgejo is now a local entry


def test_the_nested_entries_the_peer_drops_are_dropped(peer, feed):
    offering = {"kind": "service", "service_kind": "support", "title": "Support"}
    feed.publish(
        [
            organisation(
                "libre-sud", offerings=[{"slug": "a", **offering}, {"slug": "b", **offering}]
            )
        ]
    )
    pull(peer, fetch=feed)
    feed.publish([organisation("libre-sud", offerings=[{"slug": "b", **offering}])])
    assert pull(peer, fetch=feed).counts["updated"] == 1
    assert list(Offering.objects.values_list("slug", flat=True)) == ["b"]


def test_a_local_entry_is_linked_when_recognised_and_never_written(peer, feed):
    local = OrganisationFactory(slug="teclib", name="Teclib'", siren=SIREN, is_example=False)
    before = local.updated_at
    feed.publish([organisation("teclib-sas", siren=SIREN, legal_name="From the peer")])
    report = pull(peer, fetch=feed)
    assert report.ok and report.counts["linked"] == 1 and report.counts["created"] == 0
    local.refresh_from_db()
    assert (local.legal_name, local.updated_at) == ("", before)
    provenance = Provenance.objects.get()
    assert (provenance.entry_id, provenance.linked, provenance.matched_by) == (
        local.pk,
        True,
        "siren",
    )
    feed.publish([deletion("organisation", "teclib-sas")])
    pull(peer, fetch=feed)
    assert Organisation.objects.filter(pk=local.pk).exists()


def test_a_slug_taken_by_a_local_entry_is_prefixed_and_references_follow(peer, feed):
    SoftwareFactory(slug="nextcloud", name="Nextcloud (local)")
    feed.publish(
        [
            item("software", "nextcloud", name="Nextcloud"),
            item("event", "meetup", title="Meetup", starts_on="2025-05-01", organiser="x"),
            organisation(
                "x",
                offerings=[
                    {
                        "slug": "cloud",
                        "kind": "service",
                        "title": "Cloud",
                        "service_kind": "support",
                        "software": ["nextcloud"],
                    }
                ],
            ),
        ]
    )
    report = pull(peer, fetch=feed)
    assert report.ok, report.as_text()
    assert report.counts["renamed"] == 1 and "occ-nextcloud" in report.as_text()
    assert Software.objects.get(slug="nextcloud").name == "Nextcloud (local)"
    offering = Offering.objects.get(slug="cloud")
    assert [s.slug for s in offering.software.all()] == ["occ-nextcloud"]


def test_a_rejected_record_is_reported_and_the_others_applied(peer, feed):
    feed.publish([organisation("bad", siren="123456789"), item("software", "ok", name="OK")])
    report = pull(peer, fetch=feed)
    assert not report.ok
    assert "bad" in report.errors[0] and "siren" in report.errors[0]
    assert list(Software.objects.values_list("slug", flat=True)) == ["ok"]
    assert not Organisation.objects.exists()
    assert "bad" in Peer.objects.get().last_error


def test_an_entry_waiting_for_one_never_published_is_kept_for_the_next_pull(peer, feed):
    feed.publish([item("person", "ada", name="Ada", role="expert", organisation="later")])
    report = pull(peer, fetch=feed)
    assert not report.ok and "later" in report.errors[0]
    peer.refresh_from_db()
    assert [waiting["slug"] for waiting in peer.pending] == ["ada"]
    feed.publish([organisation("later")])
    report = pull(peer, fetch=feed)
    assert report.ok, report.as_text()
    assert Person.objects.get(slug="ada").organisation.slug == "later"


@pytest.mark.parametrize(
    "garbage",
    [b"<html>Bad gateway</html>", b'{"items": "none"}', b'{"instance": {}, "items": [{}]}'],
)
def test_a_malformed_page_changes_nothing_and_keeps_the_cursor(peer, feed, garbage):
    feed.publish([item("software", "gitea", name="Gitea")])
    pull(peer, fetch=feed)
    cursor = Peer.objects.get().cursor
    feed.break_next(garbage)
    report = pull(peer, fetch=feed)
    assert report.failure and not report.ok
    assert "malformed" in report.failure or "JSON" in report.failure
    peer.refresh_from_db()
    assert (peer.cursor, peer.last_error) == (cursor, report.failure)
    assert Software.objects.count() == 1


def test_a_failing_second_page_keeps_the_first(peer, feed):
    feed.publish([item("software", "a", name="A"), item("software", "b", name="B")], size=1)
    second = list(feed.pages)[1]
    feed.pages[second] = PeerError("peer.example timed out")
    report = pull(peer, fetch=feed)
    assert report.pages == 1 and report.failure == "peer.example timed out"
    assert list(Software.objects.values_list("slug", flat=True)) == ["a"]
    peer.refresh_from_db()
    assert peer.cursor == second  # the next pull resumes at the failed page


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_http_failures_are_peer_errors():
    with pytest.raises(PeerError, match="cannot be reached"):
        http_fetch(f"http://127.0.0.1:{free_port()}/federation/feed", 2)
    with http_server(answer(500, b"boom")) as url, pytest.raises(PeerError, match="500"):
        http_fetch(url, 2)
    slow = http_server(answer(200, b"{}", delay=1.5))
    with slow as url, pytest.raises(PeerError, match="did not answer within"):
        http_fetch(url, 0.3)


def test_a_peer_sending_garbage_over_http_is_reported(peer):
    with http_server(answer(200, b"\x00\xffnot json")) as url:
        peer.base_url = url
        report = pull(peer, timeout=2)
    assert "did not send JSON" in report.failure
    assert Peer.objects.get().last_error == report.failure
