"""API tokens: random keys shown once, stored as SHA-256 digests, each limited to its scopes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.utils import timezone

from grappe.accounts.models import ApiToken, TokenScope
from grappe.accounts.permissions import AnyUser

PREFIX = "grappe_"
LAST_USED_PRECISION = timedelta(minutes=1)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(
    user: AnyUser, name: str, scopes: list[str], expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """The stored token and the key itself, which is never shown again."""
    unknown = set(scopes) - set(TokenScope.values)
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[: len(PREFIX) + 6],
        digest=digest(raw),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
    )
    return token, raw


def authenticate(raw: str) -> ApiToken | None:
    """The active token of an active user for this key, or None."""
    if not raw.startswith(PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest(raw)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def revoke(user: AnyUser, token: ApiToken) -> None:
    if token.user_id == user.pk and token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
