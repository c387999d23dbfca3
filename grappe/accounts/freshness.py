"""Profiles stay true: one not confirmed for a year says so publicly, and its members are
reminded once a month until someone confirms it."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from grappe.accounts import notifications
from grappe.accounts.models import Membership, MembershipStatus
from grappe.accounts.moderation import mark_confirmed
from grappe.accounts.permissions import AnyUser, may_propose
from grappe.directory.models import Organisation
from grappe.directory.models.organisations import CONFIRMATION_LASTS

REMIND_EVERY = timedelta(days=30)


def stale_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        confirmed_at__lt=timezone.now() - CONFIRMATION_LASTS
    ).order_by("confirmed_at", "name")


def confirm(user: AnyUser, organisation: Organisation) -> None:
    """A member (or curator) says the profile is still true."""
    if not may_propose(user, organisation):
        raise PermissionDenied
    mark_confirmed(organisation)


def remind(now=None) -> int:
    """E-mail the members of each stale profile, at most once per REMIND_EVERY; returns how
    many were reminded."""
    now = now or timezone.now()
    due = Membership.objects.filter(
        status=MembershipStatus.APPROVED,
        organisation__in=stale_organisations(),
    ).filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=now - REMIND_EVERY))
    count = 0
    for membership in due.select_related("user", "organisation"):
        notifications.profile_to_confirm(membership)
        Membership.objects.filter(pk=membership.pk).update(reminded_at=now)
        count += 1
    return count
