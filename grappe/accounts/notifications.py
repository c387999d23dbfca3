"""E-mails to members and curators, each in its reader's language.

Every message also shows on the reader's dashboard, so a lost e-mail loses nothing; sending is
left to Django's e-mail backend (console or file by default, SMTP from the environment).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from grappe.accounts.models import Membership, Proposal

logger = logging.getLogger(__name__)
EMAILS = "accounts/email/"


def language_of(user) -> str:
    profile = getattr(user, "grappe_profile", None)
    return getattr(profile, "language", "") or settings.LANGUAGE_CODE


def absolute(path: str) -> str:
    return settings.GRAPPE_SITE_URL.rstrip("/") + path


def send(
    user,
    template: str,
    context: dict | Callable[[], dict],
    *,
    even_inactive: bool = False,
) -> bool:
    """One e-mail, `template` + "_subject.txt" and ".txt", rendered in the recipient's language
    (a callable context is built in that language too, for its addresses). A failing server is
    logged, never raised: what the e-mail reports is already stored and shown on a page.
    Inactive accounts get none, unless asked (the confirmation of a new address)."""
    if user is None or not user.email or not (user.is_active or even_inactive):
        return False
    with translation.override(language_of(user)):
        values = context() if callable(context) else context
        values = {**values, "user": user, "site_url": settings.GRAPPE_SITE_URL}
        subject = render_to_string(f"{template}_subject.txt", values)
        body = render_to_string(f"{template}.txt", values)
    try:
        send_mail(" ".join(subject.split()), body, None, [user.email])
    except OSError:
        name = template.rsplit("/", 1)[-1]
        logger.exception("could not send the %s e-mail to user %s", name, user.pk)
        return False
    return True


def curators() -> Iterable:
    User = get_user_model()
    return User.objects.filter(is_active=True, groups__name="Curators").exclude(email="").distinct()


def _link(name: str, **kwargs) -> Callable[[], str]:
    return lambda: absolute(reverse(name, kwargs=kwargs or None))


def proposal_received(proposal: Proposal) -> None:
    url = _link("web:curation_proposal", pk=proposal.pk)
    for curator in curators():
        send(curator, f"{EMAILS}proposal_received", lambda: {"proposal": proposal, "url": url()})


def proposal_decided(proposal: Proposal) -> None:
    send(
        proposal.author,
        f"{EMAILS}proposal_decided",
        lambda: {"proposal": proposal, "url": absolute(proposal.get_absolute_url())},
    )


def claim_received(membership: Membership) -> None:
    url = _link("web:curation")
    for curator in curators():
        send(curator, f"{EMAILS}claim_received", lambda: {"membership": membership, "url": url()})


def claim_decided(membership: Membership) -> None:
    url = _link("web:dashboard")
    send(
        membership.user, f"{EMAILS}claim_decided", lambda: {"membership": membership, "url": url()}
    )


def profile_to_confirm(membership: Membership) -> None:
    url = _link("web:dashboard")
    send(
        membership.user,
        f"{EMAILS}profile_to_confirm",
        lambda: {"membership": membership, "url": url()},
    )
