"""Profiles stay true: a year without confirmation says "to be confirmed", members confirm, and
the members of stale profiles are reminded at most once per 30 days."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone, translation

from grappe.accounts import freshness
from grappe.accounts.models import Membership, MembershipStatus
from grappe.directory.models import Organisation
from tests.accounts.conftest import member_of

pytestmark = pytest.mark.django_db


def confirmed_days_ago(organisation: Organisation, days: int) -> Organisation:
    Organisation.objects.filter(pk=organisation.pk).update(
        confirmed_at=timezone.now() - timedelta(days=days)
    )
    organisation.refresh_from_db()
    return organisation


def test_a_profile_is_to_be_confirmed_after_a_year(acme, other_org):
    assert not acme.to_be_confirmed  # confirmed when created
    assert not confirmed_days_ago(acme, 364).to_be_confirmed
    assert confirmed_days_ago(acme, 396).to_be_confirmed
    assert list(freshness.stale_organisations()) == [acme]


def test_a_member_or_a_curator_confirms_the_profile_and_nobody_else(
    acme, other_org, member, moderator
):
    confirmed_days_ago(acme, 400)
    freshness.confirm(member, acme)
    acme.refresh_from_db()
    assert not acme.to_be_confirmed
    assert timezone.now() - acme.confirmed_at < timedelta(minutes=1)

    confirmed_days_ago(other_org, 400)
    with pytest.raises(PermissionDenied):
        freshness.confirm(member, other_org)
    other_org.refresh_from_db()
    assert other_org.to_be_confirmed
    freshness.confirm(moderator, other_org)
    other_org.refresh_from_db()
    assert not other_org.to_be_confirmed


def test_members_of_stale_profiles_are_reminded_once_per_30_days(acme, other_org, member):
    confirmed_days_ago(acme, 400)
    colleague = member_of(acme, "bob@acme-libre.fr")
    member_of(other_org, "eve@autre.example")  # a fresh profile: nobody to remind
    pending = member_of(acme, "zoe@acme-libre.fr")
    Membership.objects.filter(user=pending).update(status=MembershipStatus.PENDING)

    assert freshness.remind() == 2
    assert sorted(message.to[0] for message in mail.outbox) == [member.email, colleague.email]
    assert "Acme Libre" in mail.outbox[0].body
    assert "/account/" in mail.outbox[0].body

    assert freshness.remind() == 0  # the same day
    assert freshness.remind(now=timezone.now() + timedelta(days=29)) == 0
    assert len(mail.outbox) == 2
    assert freshness.remind(now=timezone.now() + timedelta(days=31)) == 2
    assert len(mail.outbox) == 4


def test_a_confirmed_profile_is_no_longer_reminded(acme, member):
    confirmed_days_ago(acme, 400)
    freshness.confirm(member, acme)
    assert freshness.remind() == 0
    assert mail.outbox == []


def test_the_daily_command_reminds_and_says_how_many(acme, member):
    confirmed_days_ago(acme, 400)
    with translation.override("en"):
        out = StringIO()
        call_command("remind-stale", stdout=out)
        assert out.getvalue().strip() == "1 member reminded to confirm their profile."
        assert [message.to for message in mail.outbox] == [[member.email]]
        out = StringIO()
        call_command("remind-stale", stdout=out)
        assert out.getvalue().strip() == "0 members reminded to confirm their profiles."
