"""The feed on the demo data: its cursor, its order, its pages, its tombstones."""

from datetime import UTC, datetime, timedelta

import pytest

from grappe.directory.models import Certification, Organisation, Person, Software
from grappe.federation.cursor import TOMBSTONE, InvalidCursor, Position, decode, encode
from grappe.federation.feed import PAGE_SIZE, feed_page
from grappe.federation.kinds import MODELS
from grappe.federation.models import Peer, Provenance, Tombstone
from grappe.federation.provenance import from_peer, only_local, origins_of
from tests.factories import CertificationSchemeFactory

INSTANCE = {"name": "Test", "url": "http://testserver"}


def all_items(size: int) -> list[dict]:
    """Every item of the feed, page after page."""
    items, position = [], None
    while True:
        page = feed_page(position, instance=INSTANCE, size=size)
        items += page["items"]
        if page["next_cursor"] is None:
            return items
        assert len(page["items"]) == size
        position = decode(page["next_cursor"])


def key(item: dict) -> tuple:
    return (item["updated_at"], item["kind"], item["slug"])


def test_cursor_round_trip_and_refusal():
    position = Position(datetime(2025, 3, 2, 9, 14, 11, 52311, tzinfo=UTC), "organisation", 42)
    assert decode(encode(position)) == position
    for bad in ("zzz", encode(position)[:-3], "bnVsbA", "WzEsIDIsIDNd"):  # null, [1, 2, 3]
        with pytest.raises(InvalidCursor):
            decode(bad)


def test_first_page_carries_every_kind_oldest_first(client, demo):
    response = client.get("/federation/feed")
    assert response.status_code == 200
    page = response.json()
    assert page["format"] == "grappe-federation"
    assert page["instance"]["url"] == "http://testserver"
    items = page["items"]
    total = sum(model.objects.count() for model in MODELS.values())
    assert len(items) == min(total, PAGE_SIZE)
    assert {item["kind"] for item in items} == {"organisation", "software", "person", "event"}
    moments = [datetime.fromisoformat(item["updated_at"]) for item in items]
    assert moments == sorted(moments)
    assert all(item["origin"] == page["instance"] for item in items)


def test_an_organisation_record_inlines_its_offerings_and_a_person_its_organisation(demo):
    items = {(i["kind"], i["slug"]): i for i in all_items(PAGE_SIZE)}
    organisation = Organisation.objects.filter(offerings__isnull=False).first()
    record = items[("organisation", organisation.slug)]["record"]
    assert {o["slug"] for o in record["offerings"]} == set(
        organisation.offerings.values_list("slug", flat=True)
    )
    person = Person.objects.filter(organisation__isnull=False).first()
    assert items[("person", person.slug)]["record"]["organisation"] == person.organisation.slug
    private = Person.objects.filter(contact_consent=False).exclude(email="").first()
    assert "email" not in items[("person", private.slug)]["record"]


def test_small_pages_give_every_entry_once_in_one_stable_order(demo):
    whole = all_items(PAGE_SIZE)
    paged = all_items(7)
    assert [key(i) for i in paged] == [key(i) for i in whole]
    assert len({(i["kind"], i["slug"]) for i in paged}) == len(paged)
    total = sum(model.objects.count() for model in MODELS.values())
    assert len(paged) == total


def test_pages_through_the_client_end_with_a_null_next_cursor(client, demo):
    seen, cursor, pages = [], "", 0
    while True:
        page = client.get("/federation/feed", {"cursor": cursor} if cursor else {}).json()
        seen += page["items"]
        pages += 1
        if page["next_cursor"] is None:
            break
        cursor = page["next_cursor"]
    assert len(seen) == sum(model.objects.count() for model in MODELS.values())
    # From the resume cursor, the last minutes again (a late commit is not missed), no more.
    again = client.get("/federation/feed", {"cursor": page["resume_cursor"]}).json()
    assert again["next_cursor"] is None
    assert {key(i) for i in again["items"]} <= {key(i) for i in seen}


def test_the_resume_cursor_steps_back_only_over_the_last_minutes(demo):
    page = feed_page(None, instance=INSTANCE, settle=timedelta(0))
    last = datetime.fromisoformat(page["items"][-1]["updated_at"])
    assert decode(page["resume_cursor"]).changed_at == last
    settled = feed_page(None, instance=INSTANCE)  # the demo was loaded seconds ago
    assert decode(settled["resume_cursor"]).changed_at < last - timedelta(minutes=14)


def test_a_bad_cursor_is_a_400_naming_it(client, db):
    response = client.get("/federation/feed", {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert "not-a-cursor" in response.json()["detail"]


def resume_cursor() -> Position:
    """The position after every entry so far, without stepping back."""
    page = feed_page(None, instance=INSTANCE, size=10_000, settle=timedelta(0))
    return decode(page["resume_cursor"])


def test_changes_after_the_cursor_come_next_deletions_as_tombstones(demo):
    position = resume_cursor()
    software = Software.objects.order_by("pk").first()
    software.latest_version = "99.0"
    software.save()
    person = Person.objects.order_by("pk").first()
    person.delete()
    page = feed_page(position, instance=INSTANCE, settle=timedelta(0))
    assert [(i["kind"], i["slug"], i.get("deleted", False)) for i in page["items"]] == [
        ("software", software.slug, False),
        ("person", person.slug, True),
    ]
    assert "record" not in page["items"][1]
    assert Tombstone.objects.get().kind == "person"
    assert decode(page["resume_cursor"]).kind == TOMBSTONE


def test_a_nested_change_or_a_relation_republishes_its_entry(demo):
    position = resume_cursor()
    organisation = Organisation.objects.order_by("pk").first()
    Certification.objects.create(
        organisation=organisation, scheme=CertificationSchemeFactory(slug="hds", name="HDS")
    )
    software, other = Software.objects.order_by("pk")[:2]
    software.similar.add(other)
    kinds = [(i["kind"], i["slug"]) for i in feed_page(position, instance=INSTANCE)["items"]]
    assert kinds == [("organisation", organisation.slug), ("software", software.slug)]


def test_a_slug_change_publishes_the_old_slug_as_deleted(demo):
    position = resume_cursor()
    software = Software.objects.order_by("pk").first()
    old = software.slug
    software.slug = f"{old}-renamed"
    software.save()
    items = feed_page(position, instance=INSTANCE)["items"]
    assert {(i["slug"], i.get("deleted", False)) for i in items} == {
        (old, True),
        (f"{old}-renamed", False),
    }


def test_entries_pulled_from_a_peer_are_not_published_again(demo):
    peer = Peer.objects.create(name="Occitanie", slug="occitanie", base_url="http://o.example")
    pulled, linked = Organisation.objects.order_by("pk")[:2]
    for entry, is_linked in ((pulled, False), (linked, True)):
        Provenance.objects.create(
            peer=peer,
            kind="organisation",
            remote_slug=entry.slug,
            entry_id=entry.pk,
            linked=is_linked,
            remote_updated_at=entry.updated_at,
            local_updated_at=entry.updated_at,
        )
    slugs = {i["slug"] for i in all_items(PAGE_SIZE) if i["kind"] == "organisation"}
    assert pulled.slug not in slugs
    assert linked.slug in slugs  # a local entry a peer also has stays ours

    assert origins_of("organisation", [pulled.pk, linked.pk]) == {pulled.pk: peer}
    assert list(from_peer(Organisation.objects.all(), peer)) == [pulled]
    assert pulled not in only_local(Organisation.objects.all())
    pulled.delete()  # deleted here: no tombstone, since it is not ours
    assert not Tombstone.objects.exists()
    assert Provenance.objects.get(remote_slug=pulled.slug).entry_id is None
