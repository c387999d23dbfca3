"""What Grappe keeps about a person, to download (GDPR art. 15 and 20) and to erase (art. 17)."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from grappe.accounts.models import ApiToken, Membership, Profile, Proposal
from grappe.accounts.notifications import absolute


def _login_rows(model, username: str) -> list[dict]:
    fields = ["attempt_time", "ip_address", "user_agent", "path_info"]
    if model is AccessAttempt:
        fields.append("failures_since_start")
    if model is AccessLog:
        fields.append("logout_time")
    if model is AccessFailureLog:
        fields.append("locked_out")
    return list(
        model.objects.filter(username__iexact=username).order_by("-attempt_time").values(*fields)
    )


def personal_data(user: AbstractBaseUser) -> dict:
    """Everything Grappe keeps about an account, as the person may download it (GDPR art. 15
    and 20). Token digests are left out: they are secrets, not data about the person."""
    profile = Profile.objects.filter(user=user).first()
    return {
        "generated_at": timezone.now(),
        "site": settings.GRAPPE_SITE_URL,
        "account": {
            "email": user.email,
            "username": user.username,
            "name": user.get_full_name(),
            "joined": user.date_joined,
            "last_login": user.last_login,
            "active": user.is_active,
        },
        "profile": None
        if profile is None
        else {
            "language": profile.language,
            "email_confirmed_at": profile.email_confirmed_at,
            "territory": list(profile.territory or []),
        },
        "memberships": [
            {
                "organisation": membership.organisation.name,
                "organisation_url": absolute(membership.organisation.get_absolute_url()),
                "status": membership.status,
                "method": membership.method,
                "message": membership.message,
                "reason": membership.reason,
                "claimed_at": membership.created_at,
                "decided_at": membership.decided_at,
                "reminded_at": membership.reminded_at,
            }
            for membership in Membership.objects.filter(user=user).select_related("organisation")
        ],
        "proposals": [
            {
                "id": proposal.pk,
                "organisation": proposal.organisation_name,
                "entry": proposal.object_label,
                "action": proposal.action,
                "status": proposal.status,
                "changes": proposal.changes,
                "note": proposal.note,
                "reason": proposal.reason,
                "proposed_at": proposal.created_at,
                "decided_at": proposal.decided_at,
            }
            for proposal in Proposal.objects.filter(author=user).order_by("created_at", "id")
        ],
        "api_tokens": [
            {
                "name": token.name,
                "prefix": token.prefix,
                "scopes": list(token.scopes or []),
                "created_at": token.created_at,
                "last_used_at": token.last_used_at,
                "expires_at": token.expires_at,
                "revoked_at": token.revoked_at,
            }
            for token in ApiToken.objects.filter(user=user).order_by("created_at", "id")
        ],
        "login_attempts": _login_rows(AccessAttempt, user.username),
        "login_failures": _login_rows(AccessFailureLog, user.username),
        "logins": _login_rows(AccessLog, user.username),
    }


def erase_account(user: AbstractBaseUser) -> None:
    """Deletes the account: its profile, memberships and tokens go with it; its proposals stay
    (they are the history of public profiles) without their author; the login records kept
    for throttling are deleted too."""
    username = user.username
    with transaction.atomic():
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username__iexact=username).delete()
        user.delete()
