"""Signing up: an inactive account until its address is confirmed by a link that works once."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from grappe.accounts.models import Profile
from grappe.accounts.notifications import absolute, send

logger = logging.getLogger(__name__)


def normalise_email(email: str) -> str:
    return email.strip().lower()


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Links that confirm an address once: the hash covers the account's activity and the
    confirmation date, which confirming changes."""

    key_salt = "grappe.web.accounts.EmailConfirmationTokenGenerator"  # kept: links already sent

    def _make_hash_value(self, user: AbstractBaseUser, timestamp: int) -> str:
        profile = Profile.objects.filter(user=user).first()
        confirmed = profile.email_confirmed_at if profile else None
        confirmed_at = "" if confirmed is None else confirmed.replace(microsecond=0, tzinfo=None)
        return f"{user.pk}{user.password}{user.is_active}{confirmed_at}{user.email}{timestamp}"


email_confirmation_tokens = EmailConfirmationTokenGenerator()


def request_language() -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    codes = dict(settings.LANGUAGES)
    return language if language in codes else settings.LANGUAGE_CODE


def create_account(*, email: str, password: str, name: str, language: str):
    """An inactive account and its profile; it becomes active when the address is confirmed.
    Raises IntegrityError when the address was taken meanwhile."""
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.create_user(
            username=email,
            email=email,
            password=password,
            first_name=name[:150],
            is_active=False,
        )
        Profile.objects.create(user=user, language=language)
    return user


def confirmation_url(user: AbstractBaseUser) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_confirmation_tokens.make_token(user)
    return absolute(reverse("web:confirm_email", kwargs={"uidb64": uid, "token": token}))


def send_confirmation(user: AbstractBaseUser) -> None:
    """The e-mail with the confirmation link, in the account's language (the account is still
    inactive); a failing mail server is logged: the person can ask for a new link."""
    send(
        user,
        "accounts/email/confirmation",
        lambda: {
            "url": confirmation_url(user),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
        even_inactive=True,
    )


def awaiting_confirmation(email: str):
    """The account at this address still waiting for its confirmation, or None."""
    User = get_user_model()
    user = User.objects.filter(username=normalise_email(email), is_active=False).first()
    return user if user is not None and awaits_confirmation(user) else None


def awaits_confirmation(user: AbstractBaseUser) -> bool:
    """Signed up and never confirmed. An account deactivated by the cluster's team (confirmed
    once, or made without a profile in the back office) is not reactivated by a link."""
    profile = Profile.objects.filter(user=user).first()
    return not user.is_active and profile is not None and not profile.email_confirmed


def confirm_account(user: AbstractBaseUser) -> None:
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        Profile.objects.update_or_create(user=user, defaults={"email_confirmed_at": timezone.now()})


def user_from_uid(uidb64: str):
    User = get_user_model()
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        return User.objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError, OverflowError):
        return None
