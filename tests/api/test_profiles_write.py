"""The write API of profiles: members propose, curators publish, nothing is overwritten silently,
and nobody writes where they do not belong.

Requests are sent as a program sends them: an API token in the Authorization header, JSON bodies.
"""

import base64
import json
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from grappe.accounts import moderation
from grappe.accounts.editing import EDITABLE_FIELDS, version_token
from grappe.accounts.models import Proposal, ProposalStatus
from grappe.directory.models import Offering, Organisation, Person, Reference
from tests.accounts.conftest import member_of
from tests.api.conftest import bearer
from tests.factories import (
    CertificationFactory,
    OfferingFactory,
    PersonFactory,
    ReferenceFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


def send(client: Client, method: str, path: str, body=None, **headers):
    """A request as a program sends it: JSON in, JSON out."""
    data = json.dumps(body) if body is not None else ""
    return getattr(client, method)(path, data, content_type="application/json", **headers)


def editable(client: Client, slug: str, **headers) -> dict:
    response = client.get(f"/api/organisations/{slug}/editable", **headers)
    assert response.status_code == 200, response.content
    return response.json()


def patch_organisation(client, organisation, fields, headers, version=None, **extra):
    body = {"fields": fields, "version": version or version_token(organisation), **extra}
    return send(client, "patch", f"/api/organisations/{organisation.slug}", body, **headers)


# Members propose, curators publish.


def test_a_members_change_waits_for_a_curator_then_shows(client, acme, member, moderator):
    token = bearer(member)
    version = editable(client, acme.slug, **token)["organisation"]["version"]

    response = patch_organisation(
        client,
        acme,
        {"description_fr": "Hébergeur Nextcloud à Bordeaux."},
        token,
        version=version,
        note="Notre activité principale.",
    )

    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["status"] == "pending"
    proposal = Proposal.objects.get(pk=body["proposal"]["id"])
    assert proposal.author == member
    assert proposal.note == "Notre activité principale."
    assert body["proposal"]["status"] == "pending"
    assert body["proposal"]["action"] == "change"
    assert body["proposal"]["url"] == f"/account/proposals/{proposal.pk}/"
    assert [(c["field"], c["after"]) for c in body["proposal"]["changes"]] == [
        ("description_fr", "Hébergeur Nextcloud à Bordeaux.")
    ]
    assert body["entry"]["version"] == version  # the live entry, unchanged
    assert body["entry"]["seen_proposal"] == proposal.pk
    acme.refresh_from_db()
    assert acme.description_fr == ""
    assert client.get(f"/api/organisations/{acme.slug}").json()["description"] == ""

    moderation.approve(moderator, proposal)

    public = client.get(f"/api/organisations/{acme.slug}").json()
    assert public["description"] == "Hébergeur Nextcloud à Bordeaux."
    seen = client.get(f"/api/proposals/{proposal.pk}", **token).json()
    assert seen["status"] == "approved"
    assert seen["decided_at"] is not None


def test_a_curators_change_is_published_at_once(client, acme, moderator):
    response = patch_organisation(
        client, acme, {"website": "https://acme-libre.example"}, bearer(moderator)
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "published"
    assert body["proposal"]["status"] == "published"
    acme.refresh_from_db()
    assert acme.website == "https://acme-libre.example"
    assert body["entry"]["version"] == version_token(acme)
    assert body["entry"]["values"]["website"] == "https://acme-libre.example"


def test_the_same_values_change_nothing(client, acme, member):
    response = patch_organisation(client, acme, {"name": "Acme Libre"}, bearer(member))

    assert response.status_code == 200
    assert response.json()["status"] == "unchanged"
    assert response.json()["proposal"] is None
    assert not Proposal.objects.exists()


def test_editable_lists_the_values_and_versions_of_every_entry(client, acme, member):
    offering = OfferingFactory(
        organisation=acme, title="Infogérance GLPI", tags=["glpi", "support"]
    )
    certification = CertificationFactory(organisation=acme)
    reference = ReferenceFactory(organisation=acme)
    person = PersonFactory(organisation=acme)
    OfferingFactory()  # another organisation's

    body = editable(client, acme.slug, **bearer(member))

    assert body["publishes_at_once"] is False
    assert body["organisation"]["kind"] == "organisation"
    assert body["organisation"]["id"] == acme.pk
    assert body["organisation"]["version"] == version_token(acme)
    assert body["organisation"]["values"]["name"] == "Acme Libre"
    assert body["organisation"]["seen_proposal"] == 0
    entries = {(entry["kind"], entry["id"]): entry for entry in body["entries"]}
    assert set(entries) == {
        ("offering", offering.pk),
        ("certification", certification.pk),
        ("reference", reference.pk),
        ("person", person.pk),
    }
    shown = entries[("offering", offering.pk)]
    assert shown["version"] == version_token(offering)
    assert set(shown["values"]) == set(EDITABLE_FIELDS[Offering])
    assert shown["values"]["title"] == "Infogérance GLPI"
    assert shown["values"]["tags"] == ["glpi", "support"]
    assert shown["values"]["price_from"] is None
    assert shown["label"] == "Infogérance GLPI"
    assert entries[("certification", certification.pk)]["values"]["scheme"] == (
        certification.scheme_id
    )
    for kind, model in (("organisation", Organisation), ("reference", Reference)):
        names = [field["name"] for field in body["fields"][kind]]
        assert names == list(EDITABLE_FIELDS[model])
    kinds = {field["name"]: field for field in body["fields"]["offering"]}
    assert "service" in [choice["value"] for choice in kinds["kind"]["choices"]]
    assert kinds["tags"]["multiple"] is True
    assert kinds["title"]["required"] is True


def test_the_values_sent_back_as_given_change_nothing(client, acme, member):
    offering = OfferingFactory(organisation=acme, tags=["glpi"], cpv_codes=["72000000"])
    certification = CertificationFactory(organisation=acme, valid_from=date(2024, 1, 1))
    certification.offerings.add(offering)
    ReferenceFactory(organisation=acme, amount=12345.5, cpv_codes=["72000000"])
    PersonFactory(organisation=acme, skills=["Python"], contact_consent=True)
    listing = editable(client, acme.slug, **bearer(member))

    for entry in [listing["organisation"], *listing["entries"]]:
        path = f"/api/organisations/{acme.slug}"
        if entry["kind"] != "organisation":
            path += f"/{entry['kind']}/{entry['id']}"
        body = {"fields": entry["values"], "version": entry["version"]}
        response = send(client, "patch", path, body, **bearer(member))

        assert response.status_code == 200, (entry["kind"], response.json())
        assert response.json()["status"] == "unchanged"
    assert not Proposal.objects.exists()


def test_editable_shows_pending_proposals_with_their_id(client, acme, member):
    colleague = member_of(acme, "bob@acme-libre.fr")
    proposal = patch_organisation(client, acme, {"phone": "05 56 00 00 00"}, bearer(colleague))

    shown = editable(client, acme.slug, **bearer(member))["organisation"]

    assert shown["seen_proposal"] == proposal.json()["proposal"]["id"]
    assert [(p["id"], p["action"]) for p in shown["pending"]] == [
        (proposal.json()["proposal"]["id"], "change")
    ]
    assert shown["pending"][0]["changes"][0]["field"] == "phone"


# Nothing is overwritten silently.


def test_a_stale_version_is_a_409_with_both_versions(client, acme, member, moderator):
    read = editable(client, acme.slug, **bearer(member))["organisation"]
    patch_organisation(client, acme, {"commune_name": "Pessac"}, bearer(moderator))

    response = patch_organisation(
        client, acme, {"commune_name": "Talence"}, bearer(member), version=read["version"]
    )

    assert response.status_code == 409
    body = response.json()
    rows = {row["field"]: row for row in body["rows"]}
    assert (rows["commune_name"]["theirs"], rows["commune_name"]["yours"]) == (
        "Pessac",
        "Talence",
    )
    acme.refresh_from_db()
    assert acme.commune_name == "Pessac"
    assert body["version"] == version_token(acme)
    assert not Proposal.objects.filter(author=member).exists()

    # Having read theirs, the member sends theirs again with the new version.
    retry = patch_organisation(
        client,
        acme,
        {"commune_name": "Talence"},
        bearer(member),
        version=body["version"],
        seen_proposal=body["seen_proposal"],
    )
    assert retry.status_code == 202


def test_someone_elses_pending_proposal_is_a_409_until_seen(client, acme, member):
    colleague = member_of(acme, "bob@acme-libre.fr")
    version = version_token(acme)
    theirs = patch_organisation(client, acme, {"tags": ["nextcloud"]}, bearer(colleague))
    assert theirs.status_code == 202

    unseen = patch_organisation(client, acme, {"tags": "moodle"}, bearer(member), version=version)

    assert unseen.status_code == 409
    assert "bob@acme-libre.fr" in unseen.json()["theirs_by"]
    assert unseen.json()["rows"] == [
        {"field": "tags", "label": unseen.json()["rows"][0]["label"], "theirs": "nextcloud",
         "yours": "moodle"}
    ]  # fmt: skip
    seen = unseen.json()["seen_proposal"]
    assert seen == theirs.json()["proposal"]["id"]
    after_reading = patch_organisation(
        client, acme, {"tags": "moodle"}, bearer(member), seen_proposal=seen
    )
    assert after_reading.status_code == 202


# Bad input stores nothing and names the field.


def test_an_invalid_value_is_a_400_naming_the_field(client, acme, member):
    response = patch_organisation(client, acme, {"siren": "123456789"}, bearer(member))

    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == "siren"
    assert body["detail"].startswith("siren: ")
    assert list(body["errors"]) == ["siren"]
    assert not Proposal.objects.exists()


def test_unknown_fields_are_a_400_naming_them(client, acme, member):
    response = patch_organisation(
        client, acme, {"slug": "hijack", "is_member": True, "name": "Acme"}, bearer(member)
    )

    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {"slug", "is_member"}
    assert body["parameter"] == "slug"
    assert "description_fr" in body["errors"]["slug"][0]  # the editable ones are listed
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"name": ["a", "b"]}, "name"), ({"name": {"fr": "a"}}, "name"), ({"tags": [["a"]]}, "tags")],
)
def test_values_of_the_wrong_shape_are_a_400(client, acme, member, fields, field):
    response = patch_organisation(client, acme, fields, bearer(member))

    assert response.status_code == 400
    assert response.json()["parameter"] == field
    assert not Proposal.objects.exists()


def test_a_change_without_its_version_is_a_400(client, acme, member):
    response = send(
        client,
        "patch",
        f"/api/organisations/{acme.slug}",
        {"fields": {"name": "X"}},
        **bearer(member),
    )

    assert response.status_code == 400
    assert response.json()["parameter"] == "version"
    assert not Proposal.objects.exists()


def test_a_body_that_is_not_json_is_refused(client, acme, member):
    body = json.dumps({"fields": {"name": "X"}, "version": version_token(acme)})

    response = client.patch(
        f"/api/organisations/{acme.slug}", body, content_type="text/plain", **bearer(member)
    )

    assert response.status_code == 415
    assert not Proposal.objects.exists()


# Entries of the profile.


def test_a_member_proposes_an_offering_and_a_curator_creates_one(client, acme, member, moderator):
    fields = {"kind": "service", "service_kind": "support", "title": "Infogérance GLPI"}

    proposed = send(client, "post", f"/api/organisations/{acme.slug}/offering", {"fields": fields},
                    **bearer(member))  # fmt: skip
    created = send(
        client,
        "post",
        f"/api/organisations/{acme.slug}/offering",
        {"fields": {**fields, "title": "Hébergement GLPI"}},
        **bearer(moderator),
    )

    assert proposed.status_code == 202, proposed.json()
    assert proposed.json()["proposal"]["action"] == "create"
    assert proposed.json()["entry"] is None
    assert not Offering.objects.filter(title="Infogérance GLPI").exists()
    assert created.status_code == 201, created.json()
    offering = Offering.objects.get(title="Hébergement GLPI")
    assert offering.organisation == acme
    assert created.json()["entry"]["id"] == offering.pk
    assert created.json()["entry"]["kind"] == "offering"


def test_a_new_entry_missing_a_required_field_is_a_400(client, acme, member):
    response = send(
        client, "post", f"/api/organisations/{acme.slug}/person", {"fields": {}}, **bearer(member)
    )

    assert response.status_code == 400
    assert response.json()["parameter"] == "name"
    assert not Proposal.objects.exists()


def test_a_member_changes_and_removes_an_entry_through_proposals(client, acme, member, moderator):
    reference = ReferenceFactory(organisation=acme, title="Migration Nextcloud")
    path = f"/api/organisations/{acme.slug}/reference/{reference.pk}"

    changed = send(
        client,
        "patch",
        path,
        {"fields": {"year": 2022}, "version": version_token(reference)},
        **bearer(member),
    )
    removal = client.delete(f"{path}?version={version_token(reference)}", **bearer(member))

    assert changed.status_code == 202, changed.json()
    assert changed.json()["proposal"]["kind"] == "reference"
    assert removal.status_code == 202, removal.json()
    assert removal.json()["proposal"]["action"] == "delete"
    reference.refresh_from_db()
    assert reference.year == 2024
    moderation.approve(moderator, Proposal.objects.get(pk=removal.json()["proposal"]["id"]))
    assert not Reference.objects.filter(pk=reference.pk).exists()


def test_a_curator_removes_at_once_and_a_stale_removal_is_a_409(client, acme, moderator):
    person = PersonFactory(organisation=acme, name="Zoé")
    path = f"/api/organisations/{acme.slug}/person/{person.pk}"
    stale = version_token(person)
    send(client, "patch", path, {"fields": {"job_title": "CTO"}, "version": stale},
         **bearer(moderator))  # fmt: skip

    refused = client.delete(f"{path}?version={stale}", **bearer(moderator))
    removed = client.delete(f"{path}?version={refused.json()['version']}", **bearer(moderator))

    assert refused.status_code == 409
    assert removed.status_code == 200, removed.json()
    assert removed.json()["status"] == "published"
    assert removed.json()["entry"] is None
    assert not Person.objects.filter(pk=person.pk).exists()


def test_an_entry_of_another_organisation_is_a_404(client, acme, other_org, member):
    theirs = OfferingFactory(organisation=other_org)
    path = f"/api/organisations/{acme.slug}/offering/{theirs.pk}"

    changed = send(
        client,
        "patch",
        path,
        {"fields": {"title": "X"}, "version": version_token(theirs)},
        **bearer(member),
    )
    removed = client.delete(f"{path}?version={version_token(theirs)}", **bearer(member))

    assert (changed.status_code, removed.status_code) == (404, 404)
    assert not Proposal.objects.exists()


# Nobody writes where they do not belong.


def every_write(acme: Organisation) -> list[tuple[str, str, dict | None]]:
    offering = OfferingFactory(organisation=acme, title="Hébergement")
    version = version_token(offering)
    entry = f"/api/organisations/{acme.slug}/offering/{offering.pk}"
    return [
        ("get", f"/api/organisations/{acme.slug}/editable", None),
        (
            "patch",
            f"/api/organisations/{acme.slug}",
            {"fields": {"name": "Hijacked"}, "version": version_token(acme)},
        ),
        ("post", f"/api/organisations/{acme.slug}/offering",
         {"fields": {"kind": "service", "service_kind": "support", "title": "Hijacked"}}),
        ("post", f"/api/organisations/{acme.slug}/certification", {"fields": {}}),
        ("post", f"/api/organisations/{acme.slug}/reference", {"fields": {"title": "Hijacked"}}),
        ("post", f"/api/organisations/{acme.slug}/person", {"fields": {"name": "Hijacked"}}),
        ("patch", entry, {"fields": {"title": "Hijacked"}, "version": version}),
        ("delete", f"{entry}?version={version}", None),
    ]  # fmt: skip


WRITES = [
    "editable",
    "organisation",
    "new offering",
    "new certification",
    "new reference",
    "new person",
    "offering",
    "removal",
]


@pytest.mark.parametrize("write", range(len(WRITES)), ids=WRITES)
@pytest.mark.parametrize("who", ["other member", "ambassador elsewhere", "no membership"])
def test_the_wrong_user_gets_a_404_on_every_write_and_nothing_changes(
    client, acme, other_org, write, who
):
    if who == "other member":
        user = member_of(other_org, "mallory@autre.example")
    elif who == "ambassador elsewhere":
        user = member_of(other_org, "amb@autre.example")
        user.grappe_profile.territory = ["64"]
        user.grappe_profile.save()
        acme.departement = "33"
        acme.save()
    else:
        user = member_of(other_org, "eve@example.org")
        user.memberships.all().delete()
    method, path, body = every_write(acme)[write]
    before = (version_token(acme), [version_token(o) for o in acme.offerings.all()])

    response = send(client, method, path, body, HTTP_ACCEPT_LANGUAGE="en", **bearer(user))

    assert response.status_code == 404, response.content
    assert "that you may edit" in response.json()["detail"]
    assert "Hijacked" not in response.content.decode()
    acme.refresh_from_db()
    assert (version_token(acme), [version_token(o) for o in acme.offerings.all()]) == before
    assert acme.offerings.count() == 1
    assert not Proposal.objects.exists()


def test_an_unknown_organisation_answers_as_one_you_may_not_edit(client, acme, other_org):
    user = member_of(other_org, "mallory@autre.example")

    unknown = client.get("/api/organisations/nobody/editable", **bearer(user))
    forbidden = client.get(f"/api/organisations/{acme.slug}/editable", **bearer(user))

    assert unknown.status_code == forbidden.status_code == 404
    assert unknown.json()["detail"].replace("nobody", acme.slug) == forbidden.json()["detail"]


# The site's session and HTTP Basic.


def test_a_session_must_send_its_csrf_token(acme, member):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    csrf = "abcdefghijklmnopqrstuvwxyzABCDEF"  # a CSRF secret, as the cookie holds it
    browser.cookies["csrftoken"] = csrf

    read = browser.get(f"/api/organisations/{acme.slug}/editable")
    forged = patch_organisation(browser, acme, {"phone": "05 56 00 00 00"}, {})
    sent = patch_organisation(
        browser, acme, {"phone": "05 56 00 00 00"}, {"HTTP_X_CSRFTOKEN": csrf}
    )

    assert read.status_code == 200  # reading needs no CSRF token
    assert forged.status_code == 403
    assert forged.json() == {"detail": "CSRF check Failed"}
    assert sent.status_code == 202
    assert Proposal.objects.count() == 1


def test_http_basic_works_and_holds_every_scope(acme, member):
    browser = Client(enforce_csrf_checks=True)  # no CSRF token needed without a session
    credentials = base64.b64encode(f"{member.username}:{PASSWORD}".encode()).decode()
    basic = {"HTTP_AUTHORIZATION": f"Basic {credentials}"}

    response = patch_organisation(browser, acme, {"phone": "05 56 00 00 00"}, basic)
    me = browser.get("/api/me", **basic).json()

    assert response.status_code == 202, response.json()
    assert me["authenticated_by"] == "basic"
    assert me["scopes"] == ["needs:write", "profiles:write", "tenders:write"]


# Who am I, and my proposals.


def test_me_names_the_account_its_memberships_and_the_tokens_scopes(client, acme, member):
    response = client.get("/api/me", **bearer(member, scopes=["tenders:write"]))

    assert response.status_code == 200
    assert response.json() == {
        "email": "alice@acme-libre.fr",
        "is_curator": False,
        "memberships": [
            {
                "organisation": acme.slug,
                "name": "Acme Libre",
                "status": "approved",
                "status_label": response.json()["memberships"][0]["status_label"],
            }
        ],
        "scopes": ["tenders:write"],
        "authenticated_by": "token",
        "token": {"name": "test", "prefix": response.json()["token"]["prefix"], "expires_at": None},
    }
    assert response.json()["token"]["prefix"].startswith("grappe_")


def test_my_proposals_newest_first_by_page_and_status(client, acme, member, moderator):
    token = bearer(member)
    first = patch_organisation(client, acme, {"phone": "05 56 00 00 00"}, token).json()
    second = patch_organisation(client, acme, {"commune_name": "Pessac"}, token).json()
    moderation.reject(moderator, Proposal.objects.get(pk=first["proposal"]["id"]), "Faux numéro.")
    patch_organisation(client, acme, {"phone": "05 56 11 11 11"}, bearer(moderator))

    everything = client.get("/api/proposals", **token).json()
    page = client.get("/api/proposals?page=2&page_size=1", **token).json()
    rejected = client.get("/api/proposals?status=rejected", **token).json()

    assert everything["count"] == 2  # the curator's own is not the member's
    assert [p["id"] for p in everything["results"]] == [
        second["proposal"]["id"],
        first["proposal"]["id"],
    ]
    assert [p["id"] for p in page["results"]] == [first["proposal"]["id"]]
    assert [(p["status"], p["reason"]) for p in rejected["results"]] == [
        ("rejected", "Faux numéro.")
    ]


def test_a_proposal_is_seen_by_its_author_and_curators_only(client, acme, member, moderator):
    colleague = member_of(acme, "bob@acme-libre.fr")
    proposal = patch_organisation(client, acme, {"phone": "05 56 00 00 00"}, bearer(member))
    path = f"/api/proposals/{proposal.json()['proposal']['id']}"

    assert client.get(path, **bearer(member)).status_code == 200
    assert client.get(path, **bearer(moderator)).status_code == 200
    assert client.get(path, **bearer(colleague)).status_code == 404
    assert client.get("/api/proposals/999999", **bearer(member)).status_code == 404


def test_only_the_author_withdraws_a_pending_proposal(client, acme, member, moderator):
    colleague = member_of(acme, "bob@acme-libre.fr")
    proposal_id = patch_organisation(
        client, acme, {"phone": "05 56 00 00 00"}, bearer(member)
    ).json()["proposal"]["id"]
    path = f"/api/proposals/{proposal_id}/withdraw"

    by_colleague = client.post(path, **bearer(colleague))
    by_curator = client.post(path, **bearer(moderator))
    by_author = client.post(path, **bearer(member))
    again = client.post(path, **bearer(member))

    assert by_colleague.status_code == 404
    assert by_curator.status_code == 403
    assert by_author.status_code == 200
    assert by_author.json()["status"] == ProposalStatus.WITHDRAWN
    assert again.status_code == 409
    assert Proposal.objects.get(pk=proposal_id).status == ProposalStatus.WITHDRAWN


def test_the_openapi_document_lists_the_write_api(client):
    paths = client.get("/api/openapi.json").json()["paths"]

    assert set(paths["/api/me"]) == {"get"}
    assert set(paths["/api/organisations/{slug}"]) == {"get", "patch"}
    assert set(paths["/api/organisations/{slug}/editable"]) == {"get"}
    assert set(paths["/api/organisations/{slug}/{kind}"]) == {"post"}
    assert set(paths["/api/organisations/{slug}/{kind}/{entry_id}"]) == {"patch", "delete"}
    assert set(paths["/api/proposals"]) == {"get"}
    assert set(paths["/api/proposals/{proposal_id}"]) == {"get"}
    assert set(paths["/api/proposals/{proposal_id}/withdraw"]) == {"post"}
    change = paths["/api/organisations/{slug}"]["patch"]
    assert {"200", "202", "400", "401", "403", "404", "409"} <= set(change["responses"])
    assert change["security"] == [{"TokenAuth": []}, {"BasicAuth": []}, {"SessionAuth": []}]
    kind = next(p for p in paths["/api/organisations/{slug}/{kind}"]["post"]["parameters"]
                if p["name"] == "kind")  # fmt: skip
    assert kind["schema"]["enum"] == ["offering", "certification", "reference", "person"]


def test_the_editable_listing_does_not_query_per_entry(client, acme, member):
    token = bearer(member)
    for kind in (OfferingFactory, ReferenceFactory, PersonFactory):
        kind(organisation=acme)
    editable(client, acme.slug, **token)  # content types are cached from now on

    with CaptureQueriesContext(connection) as few:
        editable(client, acme.slug, **token)
    for kind in (OfferingFactory, ReferenceFactory, PersonFactory):
        kind.create_batch(3, organisation=acme)
    with CaptureQueriesContext(connection) as many:
        editable(client, acme.slug, **token)

    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]
