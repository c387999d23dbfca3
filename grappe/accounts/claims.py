"""Claiming an organisation: at once when the e-mail address is at its web domain, otherwise a
curator decides."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.accounts import notifications
from grappe.accounts.models import ClaimMethod, Membership, MembershipStatus, Profile
from grappe.accounts.permissions import AnyUser, forget_memberships, may_moderate
from grappe.directory.models import Organisation

# Addresses anyone can get: they prove nothing about an organisation that happens to share the
# provider's domain (a short list kept by hand: no maintained package lists French providers).
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "outlook.fr", "hotmail.com", "hotmail.fr",
        "live.com", "live.fr", "msn.com", "yahoo.com", "yahoo.fr", "icloud.com", "me.com",
        "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "neuf.fr", "laposte.net", "bbox.fr",
        "proton.me", "protonmail.com", "gmx.fr", "gmx.com", "aol.com", "tutanota.com",
        "zaclys.net", "riseup.net", "mailo.com", "numericable.fr",
    }
)  # fmt: skip


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower().rstrip(".")


def website_host(website: str) -> str:
    host = (urlsplit(website).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


def domain_matches(email: str, website: str) -> bool:
    """alice@acme.fr speaks for https://www.acme.fr or https://shop.acme.fr, not for acme.com."""
    domain, host = email_domain(email), website_host(website)
    if not domain or not host or domain in PUBLIC_MAIL_DOMAINS:
        return False
    return host == domain or host.endswith("." + domain)


def email_confirmed(user: AnyUser) -> bool:
    profile = Profile.objects.filter(user=user).first()
    return bool(profile and profile.email_confirmed)


@transaction.atomic
def claim(user: AnyUser, organisation: Organisation, message: str = "") -> Membership:
    """The user's membership of the organisation, approved at once when their confirmed
    address is at its web domain; a rejected claim may be made again with a new message."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user,
        organisation=organisation,
        defaults={"message": message, "method": ClaimMethod.CURATOR},
    )
    if membership.is_approved:
        return membership
    if not created:
        membership.message = message or membership.message
        membership.reason = ""
        membership.decided_by = None
        membership.decided_at = None
    if email_confirmed(user) and domain_matches(user.email, organisation.website):
        membership.status = MembershipStatus.APPROVED
        membership.method = ClaimMethod.EMAIL_DOMAIN
        membership.decided_at = timezone.now()
        membership.save()
        forget_memberships(user)
        return membership
    membership.status = MembershipStatus.PENDING
    membership.method = ClaimMethod.CURATOR
    membership.save()
    transaction.on_commit(lambda: notifications.claim_received(membership))
    return membership


@transaction.atomic
def decide(
    curator: AnyUser, membership: Membership, *, approve: bool, reason: str = ""
) -> Membership:
    if not may_moderate(curator):
        raise PermissionDenied
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != MembershipStatus.PENDING:
        raise ValueError(_("This claim was already decided."))
    if not approve and not reason.strip():
        raise ValueError(_("Say why, so that the person knows what to do."))
    membership.status = MembershipStatus.APPROVED if approve else MembershipStatus.REJECTED
    membership.method = ClaimMethod.CURATOR
    membership.reason = reason.strip()
    membership.decided_by = curator
    membership.decided_at = timezone.now()
    membership.save()
    forget_memberships(membership.user)
    transaction.on_commit(lambda: notifications.claim_decided(membership))
    return membership


def leave(user: AnyUser, membership: Membership) -> None:
    if membership.user_id != user.pk:
        raise PermissionDenied
    membership.delete()
    forget_memberships(user)
