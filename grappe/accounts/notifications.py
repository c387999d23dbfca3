"""E-mails to members and curators, each in its reader's language.

Every message also shows on the reader's dashboard, so a lost e-mail loses nothing; sending is
left to Django's e-mail backend (console or file by default, SMTP from the environment).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from grappe.accounts.models import Membership, Proposal

logger = logging.getLogger(__name__)


def language_of(user) -> str:
    profile = getattr(user, "grappe_profile", None)
    return getattr(profile, "language", "") or settings.LANGUAGE_CODE


def absolute(path: str) -> str:
    return settings.GRAPPE_SITE_URL.rstrip("/") + path


def send(user, template: str, context: dict) -> None:
    """One e-mail, rendered in the recipient's language; a failing server is logged, never
    raised, since the decision it reports is already stored and shown on the dashboard."""
    if user is None or not user.email or not user.is_active:
        return
    with translation.override(language_of(user)):
        context = {**context, "user": user, "site_url": settings.GRAPPE_SITE_URL}
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context)
        body = render_to_string(f"accounts/email/{template}.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [user.email])
    except OSError:
        logger.exception("could not send the %s e-mail to user %s", template, user.pk)


def curators() -> Iterable:
    User = get_user_model()
    return User.objects.filter(is_active=True, groups__name="Curators").exclude(email="").distinct()


def proposal_received(proposal: Proposal) -> None:
    for curator in curators():
        with translation.override(language_of(curator)):
            url = absolute(reverse("web:curation_proposal", kwargs={"pk": proposal.pk}))
        send(curator, "proposal_received", {"proposal": proposal, "url": url})


def proposal_decided(proposal: Proposal) -> None:
    with translation.override(language_of(proposal.author)):
        url = absolute(proposal.get_absolute_url())
    send(proposal.author, "proposal_decided", {"proposal": proposal, "url": url})


def claim_received(membership: Membership) -> None:
    for curator in curators():
        with translation.override(language_of(curator)):
            url = absolute(reverse("web:curation"))
        send(curator, "claim_received", {"membership": membership, "url": url})


def claim_decided(membership: Membership) -> None:
    with translation.override(language_of(membership.user)):
        url = absolute(reverse("web:dashboard"))
    send(membership.user, "claim_decided", {"membership": membership, "url": url})


def profile_to_confirm(membership: Membership) -> None:
    with translation.override(language_of(membership.user)):
        url = absolute(reverse("web:dashboard"))
    send(membership.user, "profile_to_confirm", {"membership": membership, "url": url})
