"""Merging duplicates keeps who speaks for the organisation and what they proposed."""

import pytest
from django.contrib.auth.models import User

from grappe.accounts.models import Membership, MembershipStatus
from grappe.accounts.permissions import may_propose
from grappe.directory.merging import merge
from tests.accounts.conftest import member_of
from tests.accounts.test_moderation import edit
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_members_and_proposals_of_the_absorbed_entry_follow_it(acme, member):
    duplicate = OrganisationFactory(name="ACME libre (doublon)")
    newcomer = member_of(duplicate, "nadia@acme-libre.fr")
    proposal = edit(newcomer, duplicate, duplicate, commune_name="Talence").proposal

    merge(acme, duplicate)

    assert may_propose(User.objects.get(pk=newcomer.pk), acme)
    assert Membership.objects.get(user=newcomer).organisation == acme
    proposal.refresh_from_db()
    assert proposal.organisation == acme


def test_a_member_of_both_keeps_one_membership(acme, member):
    duplicate = OrganisationFactory(name="ACME libre (doublon)")
    Membership.objects.create(
        user=member, organisation=duplicate, status=MembershipStatus.APPROVED, method="curator"
    )
    report = merge(acme, duplicate)
    assert Membership.objects.filter(user=member).count() == 1
    assert report.dropped["accounts.membership"] == 1
