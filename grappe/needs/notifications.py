"""E-mails about needs, each in its reader's language (Profile.language).

- a new need: to the followers of its software, its category or its département, once each;
- a join or an answer: to whoever decides for the need (the posting organisation's members, or
  the person who posted it for themselves);
- an answer chosen, a need delivered: to the members of every pledging organisation and of
  every answering one.
The one who acted is never told of their own act. Sending follows grappe.accounts.notifications:
a failing mail server is logged, never raised, since what happened is stored and shown.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Q

from grappe.accounts.models import MembershipStatus
from grappe.accounts.notifications import absolute
from grappe.accounts.notifications import send as accounts_send

if TYPE_CHECKING:
    from grappe.needs.models import Answer, Need, Pledge


logger = logging.getLogger(__name__)


def _users(condition: Q) -> list:
    User = get_user_model()
    return list(
        User.objects.filter(condition, is_active=True)
        .exclude(email="")
        .select_related("grappe_profile")
        .distinct()
        .order_by("pk")
    )


def members_of(organisation_ids: Iterable[int]) -> Q:
    return Q(
        memberships__organisation_id__in=list(organisation_ids),
        memberships__status=MembershipStatus.APPROVED,
    )


def deciders(need: Need) -> list:
    if need.organisation_id is not None:
        return _users(members_of([need.organisation_id]))
    if need.created_by_id is not None:
        return _users(Q(pk=need.created_by_id))
    return []


def send(user, template: str, need: Need, context: dict) -> bool:
    """One e-mail in the reader's language, with the need's address in that language."""
    return accounts_send(
        user,
        f"needs/email/{template}",
        lambda: {
            **context,
            "need": need,
            "url": absolute(need.get_absolute_url()),
            "kind": need.get_kind_display(),
        },
    )


def followers(need: Need) -> list:
    """Who follows the need's software, category or département: each once."""
    condition = Q(pk__in=[])
    if need.software_id:
        condition |= Q(need_follows__software_id=need.software_id)
    if need.category_id:
        condition |= Q(need_follows__category_id=need.category_id)
    if need.departement:
        condition |= Q(need_follows__departement=need.departement)
    return _users(condition)


def need_posted(need: Need) -> int:
    sent = 0
    for user in followers(need):
        if user.pk != need.created_by_id:
            sent += send(user, "need_posted", need, {})
    return sent


def need_joined(pledge: Pledge) -> int:
    """The decider hears who joined, and the amount when the rules let them see it."""
    from grappe.needs import rules

    need = pledge.need
    sent = 0
    for user in deciders(need):
        if user.pk == pledge.user_id:
            continue
        shows = rules.viewer(user, need).sees_amount(pledge)
        context = {"pledge": pledge, "amount": pledge.amount if shows else None}
        sent += send(user, "need_joined", need, context)
    return sent


def need_answered(answer: Answer) -> int:
    need = answer.need
    sent = 0
    for user in deciders(need):
        if user.pk != answer.author_id:
            sent += send(user, "need_answered", need, {"answer": answer})
    return sent


def need_decided(need: Need, event: str, by=None) -> int:
    """`event`: "chosen" or "delivered"; to the coalition and the answerers, but `by`."""
    from grappe.needs.models import AnswerStatus

    pledging = need.pledges.values_list("organisation_id", flat=True)
    answers = need.answers.exclude(status=AnswerStatus.WITHDRAWN)
    answering = answers.values_list("organisation_id", flat=True)
    authors = answers.values_list("author_id", flat=True)
    chosen = need.chosen_answer
    sent = 0
    for user in _users(members_of([*pledging, *answering]) | Q(pk__in=list(authors))):
        if by is not None and user.pk == by.pk:
            continue
        sent += send(user, f"need_{event}", need, {"answer": chosen})
    return sent
