"""A member edits their organisation's profile through the pages: proposals with their status,
curators' edits published at once, conflicts shown with both versions, and nobody reaching an
organisation they may not edit.

Strings are checked on the English pages (/en/): the French catalogue is filled later.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import formats, timezone, translation

from grappe.accounts.editing import current_data
from grappe.accounts.models import Profile, Proposal, ProposalAction, ProposalStatus
from grappe.accounts.moderation import Seen
from grappe.directory.models import Certification, Offering, Organisation, Person, Reference
from grappe.web.editing import compared
from tests.accounts.conftest import member_of
from tests.factories import (
    CertificationFactory,
    CertificationSchemeFactory,
    OfferingFactory,
    OrganisationFactory,
    PersonFactory,
    ReferenceFactory,
    UserFactory,
    curator,
)
from tests.web.conftest import assert_well_outlined

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    return OrganisationFactory(
        name="Acme Libre", website="https://www.acme-libre.fr", is_example=False
    )


@pytest.fixture
def other_org():
    return OrganisationFactory(name="Autre Société", website="https://autre.example")


@pytest.fixture
def member(acme):
    return member_of(acme, "alice@acme-libre.fr")


@pytest.fixture
def moderator():
    return curator(username="carla", email="carla@cluster.example")


def post_data(organisation, instance, model=None, seen: Seen | None = None, **changes) -> dict:
    """What the edit form posts: the entry's current values with some changed, and the version
    the form was filled from."""
    model = model or type(instance)
    data = current_data(model, organisation, instance)
    data.update(changes)
    seen = seen or Seen.of(instance)
    data.update(seen_version=seen.token, seen_proposal=seen.last_proposal)
    return {name: value for name, value in data.items() if value is not None}


def seen_fields(html: str) -> dict[str, str]:
    """The hidden version fields of an edit page, as the browser would send them back."""
    return {
        name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
        for name in ("seen_version", "seen_proposal")
    }


def as_user(client, user):
    client.force_login(user)
    return client


# A member proposes, a curator decides ------------------------------------------------------


def test_a_members_change_waits_for_a_curator_then_shows_on_the_public_page(
    client, acme, member, moderator
):
    as_user(client, member)
    page = client.get("/en/organisations/acme-libre/edit/")
    assert page.status_code == 200
    html = page.text
    assert '<html lang="en">' in html
    assert '<label for="id_description_fr">' in html
    assert 'name="seen_version"' in html and 'name="note"' in html
    assert_well_outlined(html)

    response = client.post(
        "/en/organisations/acme-libre/edit/",
        post_data(
            acme, acme, description_fr="Hébergeur Nextcloud à Bordeaux.", note="See our site."
        ),
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/account/proposals/{proposal.pk}/"
    html = client.get(response["Location"]).text
    assert "Sent to the curators" in html
    assert "Waiting for a curator" in html
    assert "Hébergeur Nextcloud à Bordeaux." in html
    assert "See our site." in html
    assert "Withdraw this proposal" in html
    assert_well_outlined(html)

    manage = client.get("/en/organisations/acme-libre/manage/").text
    waiting = manage.split('id="pending-title"', 1)[1].split("</section>", 1)[0]
    assert f'<a href="/en/account/proposals/{proposal.pk}/">#{proposal.pk}</a>' in waiting
    assert "Waiting for a curator" in waiting

    assert "Hébergeur Nextcloud" not in client.get("/organisations/acme-libre/").text

    as_user(client, moderator)
    response = client.post(f"/en/curation/proposals/{proposal.pk}/", {"decision": "approve"})
    assert response.status_code == 302 and response["Location"] == "/en/curation/"
    assert "Hébergeur Nextcloud à Bordeaux." in client.get("/organisations/acme-libre/").text

    as_user(client, member)
    html = client.get(f"/en/account/proposals/{proposal.pk}/").text
    assert "Approved and published" in html
    assert "Withdraw this proposal" not in html


def test_a_rejection_needs_a_reason_and_the_member_reads_it(client, acme, member, moderator):
    as_user(client, member)
    client.post("/organisations/acme-libre/edit/", post_data(acme, acme, name="ACME SAS"))
    proposal = Proposal.objects.get()

    as_user(client, moderator)
    url = f"/en/curation/proposals/{proposal.pk}/"
    response = client.post(url, {"decision": "reject", "reject-reason": "  "})
    assert response.status_code == 400
    assert re.search(r'id="id_reject-reason_error"><li>This field is required', response.text)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING

    reason = "The legal name goes in its own field."
    assert client.post(url, {"decision": "reject", "reject-reason": reason}).status_code == 302

    as_user(client, member)
    html = client.get(f"/en/account/proposals/{proposal.pk}/").text
    assert "<strong" in html and "Rejected</strong>" in html
    assert reason in html
    acme.refresh_from_db()
    assert acme.name == "Acme Libre"
    assert "ACME SAS" not in client.get("/organisations/acme-libre/").text


def test_a_curators_edit_is_published_at_once(client, acme, moderator):
    as_user(client, moderator)
    html = client.get("/en/organisations/acme-libre/edit/").text
    assert 'name="note"' not in html  # nothing to tell themselves
    response = client.post(
        "/en/organisations/acme-libre/edit/", post_data(acme, acme, commune_name="Pessac")
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/organisations/acme-libre/"
    html = client.get(response["Location"]).text
    assert "Published" in html and "Pessac" in html
    proposal = Proposal.objects.get()
    assert proposal.status == ProposalStatus.PUBLISHED and proposal.author == moderator


def test_an_unchanged_form_says_so_and_stores_nothing(client, acme, member):
    as_user(client, member)
    response = client.post("/en/organisations/acme-libre/edit/", post_data(acme, acme), follow=True)
    assert "Nothing changed" in response.text
    assert not Proposal.objects.exists()


def test_a_wrong_value_is_refused_with_the_field_named(client, acme, member):
    as_user(client, member)
    response = client.post("/en/organisations/acme-libre/edit/", post_data(acme, acme, name=""))
    assert response.status_code == 400
    assert re.search(r'id="id_name_error"><li>This field is required', response.text)
    assert "<title>Error:" in response.text
    assert not Proposal.objects.exists()


def test_the_author_withdraws_a_pending_proposal(client, acme, member):
    as_user(client, member)
    client.post("/organisations/acme-libre/edit/", post_data(acme, acme, phone="05 56 00 00 00"))
    proposal = Proposal.objects.get()
    response = client.post(f"/en/account/proposals/{proposal.pk}/withdraw/", follow=True)
    assert "Withdrawn by its author" in response.text
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    response = client.post(f"/en/account/proposals/{proposal.pk}/withdraw/", follow=True)
    assert "already decided" in response.text


# Nothing overwritten silently --------------------------------------------------------------


def test_the_second_of_two_members_gets_both_versions_and_may_then_send_theirs(
    client, acme, member
):
    colleague = member_of(acme, "bob@acme-libre.fr")
    url = "/en/organisations/acme-libre/edit/"
    seen = Seen.of(acme)  # both opened the form before either saved
    as_user(client, member)
    client.post(url, post_data(acme, acme, seen=seen, commune_name="Pessac"))

    as_user(client, colleague)
    response = client.post(url, post_data(acme, acme, seen=seen, commune_name="Talence"))
    assert response.status_code == 409
    html = response.text
    conflict = html.split('id="conflict-title"', 1)[1].split("</section>", 1)[0]
    assert "Their version" in conflict and "Your version" in conflict
    assert '<td class="diff-value">Pessac</td>' in conflict
    assert '<td class="diff-value">Talence</td>' in conflict
    assert 'value="Talence"' in html  # the form keeps what they typed
    assert Proposal.objects.count() == 1
    acme.refresh_from_db()
    assert acme.commune_name == ""
    assert_well_outlined(html)

    # The page carries the version they have now seen: saving again is deliberate and goes through.
    data = post_data(acme, acme, commune_name="Talence")
    data.update(seen_fields(html))
    response = client.post(url, data)
    assert response.status_code == 302
    assert Proposal.objects.filter(status=ProposalStatus.PENDING).count() == 2


def test_a_member_saving_after_a_curator_published_gets_a_conflict(client, acme, member, moderator):
    seen = Seen.of(acme)
    as_user(client, moderator)
    client.post("/organisations/acme-libre/edit/", post_data(acme, acme, commune_name="Pessac"))

    as_user(client, member)
    response = client.post(
        "/en/organisations/acme-libre/edit/",
        post_data(acme, acme, seen=seen, commune_name="Talence"),
    )
    assert response.status_code == 409
    assert "Pessac" in response.text and "Talence" in response.text
    acme.refresh_from_db()
    assert acme.commune_name == "Pessac"
    assert not Proposal.objects.filter(author=member).exists()


def test_approving_a_stale_proposal_shows_three_versions_then_applies_when_confirmed(
    client, acme, member, moderator
):
    as_user(client, member)
    client.post("/organisations/acme-libre/edit/", post_data(acme, acme, commune_name="Talence"))
    proposal = Proposal.objects.get()
    as_user(client, moderator)
    acme.refresh_from_db()
    client.post("/organisations/acme-libre/edit/", post_data(acme, acme, commune_name="Pessac"))

    url = f"/en/curation/proposals/{proposal.pk}/"
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 409
    html = response.text
    stale = html.split('id="stale-title"', 1)[1].split("</section>", 1)[0]
    assert re.search(
        r"<th scope=\"row\">Commune</th>"
        r"<td class=\"diff-value\"><span class=\"diff-empty\">\(empty\)</span></td>"
        r"<td class=\"diff-value\">Pessac</td><td class=\"diff-value\">Talence</td>",
        stale,
    )
    assert 'name="despite_changes" value="yes"' in stale and "Approve anyway" in stale
    acme.refresh_from_db()
    assert acme.commune_name == "Pessac"

    response = client.post(url, {"decision": "approve", "despite_changes": "yes"})
    assert response.status_code == 302
    acme.refresh_from_db()
    assert acme.commune_name == "Talence"


# Every kind of entry -----------------------------------------------------------------------


def test_a_member_adds_edits_and_removes_an_offering_through_proposals(
    client, acme, member, moderator
):
    def approve_last():
        as_user(client, moderator)
        proposal = Proposal.objects.filter(status=ProposalStatus.PENDING).latest("id")
        assert (
            client.post(f"/curation/proposals/{proposal.pk}/", {"decision": "approve"})["Location"]
            == "/curation/"
        )
        as_user(client, member)
        return proposal

    as_user(client, member)
    assert client.get("/en/organisations/acme-libre/offering/new/").status_code == 200
    data = post_data(
        acme, None, model=Offering, kind="service", service_kind="support", title="Infogérance"
    )
    assert client.post("/organisations/acme-libre/offering/new/", data).status_code == 302
    assert not Offering.objects.exists()
    assert approve_last().action == ProposalAction.CREATE
    offering = Offering.objects.get(organisation=acme)
    assert offering.title == "Infogérance"

    edit = f"/en/organisations/acme-libre/offering/{offering.pk}/edit/"
    assert 'value="Infogérance"' in client.get(edit).text
    client.post(edit, post_data(acme, offering, title="Infogérance GLPI"))
    approve_last()
    offering.refresh_from_db()
    assert offering.title == "Infogérance GLPI"

    remove = f"/en/organisations/acme-libre/offering/{offering.pk}/remove/"
    html = client.get(remove).text
    assert "What will be removed" in html and "Infogérance GLPI" in html
    assert_well_outlined(html)
    seen = Seen.of(offering)
    response = client.post(remove, {"seen_version": seen.token, "seen_proposal": 0})
    assert response.status_code == 302
    assert Offering.objects.filter(pk=offering.pk).exists()
    assert approve_last().action == ProposalAction.DELETE
    assert not Offering.objects.filter(pk=offering.pk).exists()


def test_a_certification_covers_only_the_organisations_own_offerings(
    client, acme, other_org, moderator
):
    scheme = CertificationSchemeFactory(slug="hds", name="HDS")
    own = OfferingFactory(organisation=acme, title="Hébergement santé")
    foreign = OfferingFactory(organisation=other_org, title="Offre d'ailleurs")
    as_user(client, moderator)
    url = "/en/organisations/acme-libre/certification/new/"
    html = client.get(url).text
    assert "Hébergement santé" in html and "Offre d&#x27;ailleurs" not in html

    data = post_data(acme, None, model=Certification, scheme=scheme.pk, offerings=[foreign.pk])
    response = client.post(url, data)
    assert response.status_code == 400
    assert 'id="id_offerings_error"' in response.text
    assert not Certification.objects.exists()

    data["offerings"] = [own.pk]
    data["valid_until"] = "2030-01-31"
    assert client.post(url, data).status_code == 302
    certification = Certification.objects.get()
    assert list(certification.offerings.all()) == [own]

    edit = f"/en/organisations/acme-libre/certification/{certification.pk}/edit/"
    client.post(edit, post_data(acme, certification, scope="Hébergement de données de santé"))
    certification.refresh_from_db()
    assert certification.scope == "Hébergement de données de santé"

    remove = f"/organisations/acme-libre/certification/{certification.pk}/remove/"
    client.post(remove, {"seen_version": Seen.of(certification).token})
    assert not Certification.objects.exists()


def test_a_curator_adds_edits_and_removes_a_reference_and_a_person(client, acme, moderator):
    as_user(client, moderator)
    data = post_data(
        acme, None, model=Reference, title="Nextcloud pour la mairie", client_name="Mairie",
        year=2024, role="sole", is_public="on",
    )  # fmt: skip
    assert client.post("/organisations/acme-libre/reference/new/", data).status_code == 302
    reference = Reference.objects.get(organisation=acme)
    client.post(
        f"/organisations/acme-libre/reference/{reference.pk}/edit/",
        post_data(acme, reference, year=2023),
    )
    reference.refresh_from_db()
    assert reference.year == 2023
    assert "Nextcloud pour la mairie" in client.get("/organisations/acme-libre/").text

    data = post_data(acme, None, model=Person, name="Léa Martin", role="trainer", territory="33")
    assert client.post("/organisations/acme-libre/person/new/", data).status_code == 302
    person = Person.objects.get(organisation=acme)
    assert person.territory == ["33"]
    client.post(
        f"/organisations/acme-libre/person/{person.pk}/edit/",
        post_data(acme, person, job_title="Formatrice"),
    )
    person.refresh_from_db()
    assert person.job_title == "Formatrice"

    for kind, entry in (("reference", reference), ("person", person)):
        url = f"/organisations/acme-libre/{kind}/{entry.pk}/remove/"
        assert client.post(url, {"seen_version": Seen.of(entry).token}).status_code == 302
    assert not Reference.objects.exists() and not Person.objects.exists()


def test_the_manage_page_lists_every_entry_with_its_links(client, acme, member):
    offering = OfferingFactory(organisation=acme, title="Infogérance")
    certification = CertificationFactory(organisation=acme)
    reference = ReferenceFactory(organisation=acme, is_public=False)
    person = PersonFactory(organisation=acme, name="Léa Martin")
    OfferingFactory(title="Not theirs")
    as_user(client, member)
    response = client.get("/en/organisations/acme-libre/manage/")
    assert response.status_code == 200
    html = response.text
    for kind, entry in (
        ("offering", offering),
        ("certification", certification),
        ("reference", reference),
        ("person", person),
    ):
        assert f'href="/en/organisations/acme-libre/{kind}/{entry.pk}/edit/"' in html
        assert f'href="/en/organisations/acme-libre/{kind}/{entry.pk}/remove/"' in html
        assert f'href="/en/organisations/acme-libre/{kind}/new/"' in html
    assert "Not theirs" not in html
    assert "(shown to curators only)" in html
    assert 'href="/en/organisations/acme-libre/edit/"' in html
    assert 'action="/en/organisations/acme-libre/confirm/"' in html
    assert "The profile is still true" in html
    assert_well_outlined(html)


# Who reaches which page --------------------------------------------------------------------


def editing_urls(organisation: Organisation) -> list[tuple[str, str]]:
    """Every editing address of the organisation, with the method that changes something."""
    slug = organisation.slug
    offering = OfferingFactory(organisation=organisation)
    certification = CertificationFactory(organisation=organisation)
    reference = ReferenceFactory(organisation=organisation)
    person = PersonFactory(organisation=organisation)
    urls = [
        (f"/organisations/{slug}/manage/", "get"),
        (f"/organisations/{slug}/confirm/", "post"),
        (f"/organisations/{slug}/edit/", "post"),
    ]
    for kind, entry in (
        ("offering", offering),
        ("certification", certification),
        ("reference", reference),
        ("person", person),
    ):
        urls += [
            (f"/organisations/{slug}/{kind}/new/", "post"),
            (f"/organisations/{slug}/{kind}/{entry.pk}/edit/", "post"),
            (f"/organisations/{slug}/{kind}/{entry.pk}/remove/", "post"),
        ]
    return urls


def test_a_member_of_another_organisation_gets_404_everywhere_and_changes_nothing(
    client, acme, other_org
):
    urls = editing_urls(acme)
    before = current_data(Organisation, acme, acme)
    counts = [model.objects.count() for model in (Offering, Certification, Reference, Person)]
    as_user(client, member_of(other_org, "eve@autre.example"))
    data = {"name": "Hijacked", "title": "Hijacked", "seen_version": "", "note": "hi"}
    for url, method in urls:
        if not url.endswith("/confirm/"):
            assert client.get(url).status_code == 404, url
        if method == "post":
            assert client.post(url, data).status_code == 404, url
    acme.refresh_from_db()
    assert current_data(Organisation, acme, acme) == before
    assert [m.objects.count() for m in (Offering, Certification, Reference, Person)] == counts
    assert not Proposal.objects.exists()


def test_an_entry_of_another_organisation_or_an_unknown_kind_is_not_found(
    client, acme, other_org, moderator
):
    foreign = OfferingFactory(organisation=other_org)
    as_user(client, moderator)
    assert client.get(f"/organisations/acme-libre/offering/{foreign.pk}/edit/").status_code == 404
    assert (
        client.post(f"/organisations/acme-libre/offering/{foreign.pk}/remove/").status_code == 404
    )
    assert client.get("/organisations/acme-libre/software/new/").status_code == 404
    assert client.get("/organisations/acme-libre/organisation/new/").status_code == 404
    assert client.get("/organisations/nobody/manage/").status_code == 404


def test_a_visitor_is_asked_to_log_in(client, acme):
    for url, _method in editing_urls(acme):
        response = getattr(client, _method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/login/?next="), url
    response = client.get("/en/organisations/acme-libre/manage/")
    assert response["Location"] == "/en/account/login/?next=/en/organisations/acme-libre/manage/"


def test_a_proposal_is_seen_by_its_author_and_curators_only(client, acme, member, moderator):
    as_user(client, member)
    client.post("/organisations/acme-libre/edit/", post_data(acme, acme, tags="nextcloud"))
    proposal = Proposal.objects.get()
    colleague = member_of(acme, "bob@acme-libre.fr")
    as_user(client, colleague)
    assert client.get(f"/account/proposals/{proposal.pk}/").status_code == 404
    assert client.post(f"/account/proposals/{proposal.pk}/withdraw/").status_code == 404
    manage = client.get("/organisations/acme-libre/manage/").text
    assert f"#{proposal.pk}" in manage and f'href="/account/proposals/{proposal.pk}/"' not in manage
    as_user(client, moderator)
    html = client.get(f"/en/account/proposals/{proposal.pk}/").text
    assert "alice@acme-libre.fr" in html and "Review it as a curator" in html
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING


def test_an_ambassador_proposes_in_their_territory_only(client, acme):
    gironde = OrganisationFactory(name="Girondine", postcode="33000", commune_insee="33063")
    assert gironde.departement == "33"
    ambassador = UserFactory(username="amb@example.org", email="amb@example.org")
    ambassador.save()
    Profile.objects.create(user=ambassador, email_confirmed_at=timezone.now(), territory=["33"])
    as_user(client, ambassador)

    assert client.get(f"/organisations/{gironde.slug}/manage/").status_code == 200
    response = client.post(
        f"/organisations/{gironde.slug}/edit/", post_data(gironde, gironde, phone="05 56 00 00 00")
    )
    assert response.status_code == 302
    assert Proposal.objects.get().organisation == gironde
    assert client.get("/organisations/acme-libre/manage/").status_code == 404
    assert client.get("/organisations/acme-libre/edit/").status_code == 404
    assert (
        'href="/organisations/acme-libre/manage/"'
        not in client.get("/organisations/acme-libre/").text
    )


# The public page ---------------------------------------------------------------------------


def test_a_stale_profile_says_to_be_confirmed_on_its_public_page(client, acme, other_org):
    Organisation.objects.filter(pk=acme.pk).update(
        confirmed_at=timezone.now() - timedelta(days=396)
    )
    acme.refresh_from_db()
    html = client.get("/en/organisations/acme-libre/").text
    notice = html.split('class="notice-warning to-be-confirmed"', 1)[1].split("</p>", 1)[0]
    assert "To be confirmed" in notice
    with translation.override("en"):
        assert formats.date_format(timezone.localtime(acme.confirmed_at), "DATE_FORMAT") in notice
    assert "to-be-confirmed" in client.get("/organisations/acme-libre/").text
    assert "to-be-confirmed" not in client.get(f"/en/organisations/{other_org.slug}/").text


def test_confirming_the_profile_removes_the_notice(client, acme, member):
    Organisation.objects.filter(pk=acme.pk).update(
        confirmed_at=timezone.now() - timedelta(days=396)
    )
    as_user(client, member)
    assert "to-be-confirmed" in client.get("/organisations/acme-libre/").text
    assert client.get("/organisations/acme-libre/confirm/").status_code == 405
    response = client.post("/en/organisations/acme-libre/confirm/", follow=True)
    assert "the profile is confirmed" in response.text
    acme.refresh_from_db()
    assert not acme.to_be_confirmed
    assert "to-be-confirmed" not in client.get("/organisations/acme-libre/").text


def test_the_public_page_links_to_the_editing_pages_for_those_who_may_edit(
    client, acme, member, other_org
):
    link = 'href="/organisations/acme-libre/manage/"'
    assert link not in client.get("/organisations/acme-libre/").text
    as_user(client, member_of(other_org, "eve@autre.example"))
    assert link not in client.get("/organisations/acme-libre/").text
    as_user(client, member)
    assert link in client.get("/organisations/acme-libre/").text


# What people read --------------------------------------------------------------------------


def test_user_text_is_escaped_in_the_diff_and_the_note(client, acme, member):
    as_user(client, member)
    payload = '<script>alert("x")</script>'
    client.post(
        "/organisations/acme-libre/edit/",
        post_data(acme, acme, description_fr=payload, note=payload),
    )
    html = client.get(Proposal.objects.get().get_absolute_url()).text
    assert payload not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_a_long_text_marks_the_words_removed_and_added():
    before = "Hébergeur de services libres à Mérignac, depuis 2010, pour les collectivités."
    after = "Hébergeur de services libres à Pessac, depuis 2010, pour les <collectivités>."
    with translation.override("en"):
        old, new = compared(before, after)
    assert '<del><span class="visually-hidden">removed: </span>Mérignac</del>' in old
    assert '<ins><span class="visually-hidden">added: </span>Pessac</ins>' in new
    assert "&lt;" in new and "<collectivités>" not in new
    assert compared("Pessac", "Talence") == ("Pessac", "Talence")  # short values shown whole


def test_every_editing_form_needs_its_csrf_token(acme, member):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    for url in ("/organisations/acme-libre/edit/", "/organisations/acme-libre/confirm/"):
        assert browser.post(url, post_data(acme, acme, name="Forged")).status_code == 403
    html = browser.get("/organisations/acme-libre/edit/").text
    assert 'name="csrfmiddlewaretoken"' in html
    acme.refresh_from_db()
    assert acme.name == "Acme Libre" and not Proposal.objects.exists()
