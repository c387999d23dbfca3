"""The curators' queue: what waits, oldest first; proposals and claims decided from their pages;
the profiles to be confirmed; and nobody else reaching any of it.

Strings are checked on the English pages (/en/): the French catalogue is filled later.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from grappe.accounts.editing import current_data
from grappe.accounts.models import (
    ClaimMethod,
    Membership,
    MembershipStatus,
    Profile,
    Proposal,
    ProposalStatus,
)
from grappe.accounts.moderation import Seen
from grappe.directory.models import Offering, Organisation
from tests.accounts.conftest import member_of
from tests.factories import OfferingFactory, OrganisationFactory, UserFactory, curator
from tests.web.conftest import assert_well_outlined

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    return OrganisationFactory(name="Acme Libre", website="https://www.acme-libre.fr")


@pytest.fixture
def member(acme):
    return member_of(acme, "alice@acme-libre.fr")


@pytest.fixture
def moderator():
    return curator(username="carla", email="carla@cluster.example")


@pytest.fixture
def curator_of(client, moderator):
    client.force_login(moderator)
    return client


def propose(client, user, organisation, **changes) -> Proposal:
    client.force_login(user)
    data = current_data(Organisation, organisation, organisation)
    data.update(changes)
    seen = Seen.of(organisation)
    data.update(seen_version=seen.token, seen_proposal=seen.last_proposal)
    response = client.post(f"/organisations/{organisation.slug}/edit/", data)
    assert response.status_code == 302, response.content
    return Proposal.objects.latest("id")


def claimant(email: str, organisation: Organisation, message: str = "") -> Membership:
    user = UserFactory(username=email, email=email)
    user.save()
    Profile.objects.create(user=user, email_confirmed_at=timezone.now())
    return Membership.objects.create(
        user=user, organisation=organisation, message=message, method=ClaimMethod.CURATOR
    )


def curation_urls(proposal: Proposal, membership: Membership) -> list[str]:
    return [
        "/curation/",
        f"/curation/proposals/{proposal.pk}/",
        f"/curation/claims/{membership.pk}/",
        "/curation/stale/",
    ]


def test_nobody_but_curators_reaches_the_queue(client, acme, member):
    proposal = propose(client, member, acme, phone="05 56 00 00 00")
    membership = claimant("bob@gmail.com", acme)
    urls = curation_urls(proposal, membership)
    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/account/login/?next={url}"

    former = curator(username="ex", email="ex@cluster.example")
    former.groups.clear()  # a curator no longer
    for user in (member, former):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"decision": "approve"}).status_code == 404, url
    proposal.refresh_from_db()
    membership.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    assert membership.status == MembershipStatus.PENDING


def test_the_queue_lists_proposals_oldest_first_and_claims_with_their_domain(
    client, acme, member, moderator
):
    other = OrganisationFactory(name="Bordeaux Logiciels", website="https://bdx-logiciels.fr")
    first = propose(client, member, acme, phone="05 56 00 00 00")
    second = propose(client, member_of(other, "leo@bdx-logiciels.fr"), other, tags="glpi")
    Proposal.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=3))
    matching = claimant("bob@acme-libre.fr", acme, "I run its hosting team.")
    foreign = claimant("bob@gmail.com", acme, "Trust me.")
    OrganisationFactory(name="Vieille", confirmed_at=timezone.now() - timedelta(days=400))

    client.force_login(moderator)
    response = client.get("/en/curation/")
    assert response.status_code == 200
    html = response.text
    proposals = html.split('id="proposals-title"', 1)[1].split("</section>", 1)[0]
    assert "2 proposals waiting" in proposals
    assert re.findall(r'href="/en/curation/proposals/(\d+)/"', proposals) == [
        str(first.pk),
        str(second.pk),
    ]
    assert "3\xa0days" in proposals
    assert "alice@acme-libre.fr" in proposals and "Bordeaux Logiciels" in proposals
    claims = html.split('id="claims-title"', 1)[1].split("</section>", 1)[0]
    rows = claims.split("<tr>")[2:]
    assert f'href="/en/curation/claims/{matching.pk}/"' in rows[0] and "<td>yes</td>" in rows[0]
    assert "I run its hosting team." in rows[0]
    assert f'href="/en/curation/claims/{foreign.pk}/"' in rows[1] and "<td>no</td>" in rows[1]
    assert re.search(r'href="/en/curation/stale/">1 profile not confirmed for a year</a>', html)
    assert_well_outlined(html)


def test_a_curator_approves_a_claim_and_the_member_can_then_edit(client, acme, moderator):
    membership = claimant("bob@acme-libre.fr", acme, "I run its hosting team.")
    client.force_login(membership.user)
    assert client.get("/organisations/acme-libre/manage/").status_code == 404

    client.force_login(moderator)
    url = f"/en/curation/claims/{membership.pk}/"
    html = client.get(url).text
    assert "I run its hosting team." in html
    assert "acme-libre.fr: the organisation’s web domain" in html
    assert_well_outlined(html)
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 302 and response["Location"] == "/en/curation/"
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.APPROVED
    assert membership.decided_by == moderator

    client.force_login(membership.user)
    assert client.get("/organisations/acme-libre/manage/").status_code == 200
    assert (
        'href="/organisations/acme-libre/manage/"' in client.get("/organisations/acme-libre/").text
    )


def test_a_curator_rejects_a_claim_with_a_reason(client, acme, moderator):
    membership = claimant("bob@gmail.com", acme, "Trust me.")
    client.force_login(moderator)
    url = f"/en/curation/claims/{membership.pk}/"
    assert "not the organisation’s web domain (acme-libre.fr)" in client.get(url).text
    response = client.post(url, {"decision": "reject", "reject-reason": ""})
    assert response.status_code == 400
    assert re.search(r'id="id_reject-reason_error"><li>This field is required', response.text)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING

    reason = "Write from your address at acme-libre.fr."
    assert client.post(url, {"decision": "reject", "reject-reason": reason}).status_code == 302
    membership.refresh_from_db()
    assert (membership.status, membership.reason) == (MembershipStatus.REJECTED, reason)
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 409 and "already decided" in response.text
    client.force_login(membership.user)
    assert client.get("/organisations/acme-libre/manage/").status_code == 404


def test_a_decided_or_orphaned_proposal_says_why_it_cannot_be_approved(
    client, acme, member, moderator
):
    offering = OfferingFactory(organisation=acme, title="Infogérance")
    client.force_login(member)
    data = current_data(Offering, acme, offering)
    data.update(title="Infogérance GLPI", seen_version=Seen.of(offering).token)
    client.post(f"/organisations/acme-libre/offering/{offering.pk}/edit/", data)
    proposal = Proposal.objects.get()
    offering.delete()

    client.force_login(moderator)
    url = f"/en/curation/proposals/{proposal.pk}/"
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 409
    assert "The entry this proposal changes no longer exists." in response.text
    assert client.post(url, {"decision": "reject", "reject-reason": "Gone."}).status_code == 302
    response = client.post(url, {"decision": "reject", "reject-reason": "Again."})
    assert response.status_code == 409 and "already decided" in response.text
    assert "Approve and publish" not in response.text


def test_the_stale_list_is_oldest_first_by_departement_with_members_and_reminders(
    client, moderator
):
    now = timezone.now()
    oldest = OrganisationFactory(
        name="Bordelaise", postcode="33000", confirmed_at=now - timedelta(days=900)
    )
    landaise = OrganisationFactory(
        name="Landaise", postcode="40000", confirmed_at=now - timedelta(days=600)
    )
    girondine = OrganisationFactory(
        name="Girondine", postcode="33700", confirmed_at=now - timedelta(days=400)
    )
    OrganisationFactory(name="Fraîche", postcode="33000")
    member_of(girondine, "a@girondine.example")
    member_of(girondine, "b@girondine.example")
    Membership.objects.filter(organisation=girondine).update(reminded_at=now - timedelta(days=2))

    client.force_login(moderator)
    html = client.get("/en/curation/stale/").text
    names = re.findall(r'<th scope="row"><a href="/en/organisations/[^"]+/">([^<]+)</a>', html)
    assert names == ["Bordelaise", "Landaise", "Girondine"]
    assert_well_outlined(html)

    response = client.get("/en/curation/stale/", {"departement": "33"})
    html = response.text
    names = re.findall(r'<th scope="row"><a href="/en/organisations/[^"]+/">([^<]+)</a>', html)
    assert names == ["Bordelaise", "Girondine"]
    rows = html.split("<tbody>", 1)[1].split("<tr>")
    assert "<td>0</td>" in rows[1] and "nobody to remind" in rows[1]
    assert "<td>2</td>" in rows[2]
    reminded = timezone.localtime(now - timedelta(days=2)).date().isoformat()
    assert f'<time datetime="{reminded}' in rows[2]
    assert f'href="/en/organisations/{oldest.slug}/manage/"' in html
    assert '<option value="33" selected>33 – Gironde</option>' in html
    assert '<option value="40">40 – Landes</option>' in html
    assert landaise.departement == "40"

    assert client.get("/en/curation/stale/", {"departement": "99"}).status_code == 400
