"""Who may do what, decided here and nowhere else.

Pages, the API and the back office ask these functions, or ask `user.has_perm(perm, obj)`, which
`ObjectPermissionBackend` answers with the same functions. The rules:

- a **visitor** reads public pages;
- a **member** (an approved membership) proposes changes to their organisation's profile,
  offerings, certifications, references and people, and keeps its tender watches;
- an **ambassador** proposes changes to the organisations of their territory (départements);
- a **curator** (Django's change permission on the entry, given by the Curators group) publishes
  at once, moderates proposals and claims, imports and merges;
- an **administrator** (superuser) may do everything.
"""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.db.models import Q, QuerySet

from grappe.accounts.models import Membership, MembershipStatus
from grappe.directory.models import (
    Certification,
    Offering,
    Organisation,
    Person,
    Reference,
)

AnyUser = AbstractBaseUser | AnonymousUser

# The entries a member edits through their organisation, and the field that leads to it.
EDITABLE_MODELS: dict[type[models.Model], str] = {
    Organisation: "",
    Offering: "organisation",
    Certification: "organisation",
    Reference: "organisation",
    Person: "organisation",
}


def organisation_of(entry: models.Model) -> Organisation | None:
    if isinstance(entry, Organisation):
        return entry
    link = EDITABLE_MODELS.get(type(entry))
    return getattr(entry, link, None) if link else None


def is_curator(user: AnyUser) -> bool:
    """Curators hold the directory's change permission (the Curators group); so do admins."""
    return bool(user.is_active and user.has_perm("directory.change_organisation"))


def is_member_of(user: AnyUser, organisation: Organisation | None) -> bool:
    if organisation is None or not user.is_authenticated or not user.is_active:
        return False
    return organisation.pk in _approved_organisation_ids(user)


def in_territory(user: AnyUser, organisation: Organisation | None) -> bool:
    if organisation is None or not organisation.departement or not user.is_authenticated:
        return False
    profile = getattr(user, "grappe_profile", None)
    return bool(profile and organisation.departement in (profile.territory or []))


def may_publish(user: AnyUser, entry: models.Model) -> bool:
    """Whose changes to this entry go live at once: those allowed to change any such entry."""
    if type(entry) not in EDITABLE_MODELS or not user.is_active:
        return False
    meta = entry._meta
    return user.has_perm(f"{meta.app_label}.change_{meta.model_name}")


def may_propose(user: AnyUser, entry: models.Model) -> bool:
    """Who may edit this entry's page, as a proposal or, for curators, at once."""
    if type(entry) not in EDITABLE_MODELS or not user.is_authenticated or not user.is_active:
        return False
    if may_publish(user, entry):
        return True
    organisation = organisation_of(entry)
    return is_member_of(user, organisation) or in_territory(user, organisation)


def may_moderate(user: AnyUser) -> bool:
    return is_curator(user)


def may_see_proposal(user: AnyUser, proposal) -> bool:
    """A proposal is its author's and the curators' business until it is published."""
    if not user.is_authenticated or not user.is_active:
        return False
    return proposal.author_id == user.pk or may_moderate(user)


def may_keep_watches(user: AnyUser, organisation: Organisation) -> bool:
    return user.has_perm("tenders.change_watch") or is_member_of(user, organisation)


def editable_organisations(user: AnyUser) -> QuerySet[Organisation]:
    """The organisations whose pages this user may edit (all of them for curators)."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    if is_curator(user):
        return Organisation.objects.all()
    territory = getattr(getattr(user, "grappe_profile", None), "territory", None) or []
    return Organisation.objects.filter(
        Q(
            memberships__user=user,
            memberships__status=MembershipStatus.APPROVED,
        )
        | Q(departement__in=territory)
    ).distinct()


def _approved_organisation_ids(user: AnyUser) -> frozenset[int]:
    """Read once per request: the user object lives as long as the request."""
    cached = getattr(user, "_grappe_member_of", None)
    if cached is None:
        cached = frozenset(
            Membership.objects.filter(user=user, status=MembershipStatus.APPROVED).values_list(
                "organisation_id", flat=True
            )
        )
        user._grappe_member_of = cached
    return cached


def member_organisation_ids(user: AnyUser) -> frozenset[int]:
    """The organisations this account speaks for (approved memberships), read once a request."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return _approved_organisation_ids(user)


def forget_memberships(user: AnyUser) -> None:
    """After a membership changed within the same request."""
    user.__dict__.pop("_grappe_member_of", None)


# What `user.has_perm(perm, obj)` answers for an object, beside Django's model-wide answers.
_OBJECT_PERMISSIONS = {
    "tenders.view_watch": lambda user, obj: (
        isinstance(obj, Organisation) and may_keep_watches(user, obj)
    ),
    "tenders.change_watch": lambda user, obj: (
        isinstance(obj, Organisation) and may_keep_watches(user, obj)
    ),
    "accounts.propose_change": may_propose,
    "accounts.publish_change": may_publish,
}


class ObjectPermissionBackend(BaseBackend):
    """Answers object-level questions (`user.has_perm("tenders.change_watch", organisation)`)
    with the rules above, so that views, the API and the admin share them."""

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if obj is None or not user_obj.is_active:
            return False
        rule = _OBJECT_PERMISSIONS.get(perm)
        return bool(rule and rule(user_obj, obj))
