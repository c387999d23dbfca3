"""Who may do what with a need, and who sees which amount: decided here and nowhere else.

Built on grappe.accounts.permissions (membership, curators). The pages, the API and the
services ask these functions; none of them decides on its own.

- **post**: an active account with a confirmed e-mail address; for an organisation only when
  one is a member of it (otherwise the need is posted for nobody but oneself);
- **join** (pledge) for an organisation: its members, while the need is open;
- **answer** for an organisation (a company, or the lead of a consortium): its members, while
  the need is open;
- **decide** (choose an answer, mark delivered, reopen): the members of the organisation the
  need was posted for, or the person who posted it for themselves;
- **curators** may do everything, and alone merge needs.

Amounts of pledges: `public` ones to everyone; `coalition` ones to the members of the
organisations that pledged, the decider and curators; `curators` ones to curators and the
pledging organisation's own members. A pledge whose organisation chose not to show its name is
"an organisation" to everyone but the coalition and curators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from grappe.accounts.permissions import AnyUser, is_curator, member_organisation_ids
from grappe.needs.models import AnswerStatus, NeedStatus, Visibility

if TYPE_CHECKING:
    from grappe.directory.models import Organisation
    from grappe.needs.models import Answer, Need, Pledge


def is_active_account(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_member(user: AnyUser, organisation: Organisation | int | None) -> bool:
    if organisation is None:
        return False
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    return organisation_id in member_organisation_ids(user)


def email_confirmed(user: AnyUser) -> bool:
    profile = getattr(user, "grappe_profile", None) if is_active_account(user) else None
    return bool(profile is not None and profile.email_confirmed)


def speaks_for(user: AnyUser, organisation: Organisation | int | None) -> bool:
    """Acts for the organisation: its members, and curators."""
    if organisation is None or not is_active_account(user):
        return False
    return is_member(user, organisation) or is_curator(user)


# Posting, joining, answering.


def may_post(user: AnyUser) -> bool:
    """Anyone with an account and a confirmed address may post a need (curators too)."""
    return is_active_account(user) and (email_confirmed(user) or is_curator(user))


def may_post_for(user: AnyUser, organisation: Organisation | None) -> bool:
    """For an organisation: only its members (and curators); for nobody: any poster."""
    if not may_post(user):
        return False
    return organisation is None or speaks_for(user, organisation)


def may_pledge(user: AnyUser, need: Need, organisation: Organisation | None) -> bool:
    """Join a need for an organisation, or edit its pledge: its members, while it is open."""
    return need.is_open and speaks_for(user, organisation)


def may_leave(user: AnyUser, pledge: Pledge) -> bool:
    """Withdraw a pledge: its organisation's members, while the need is open; the
    organisation a need was posted for stays in its coalition."""
    need = pledge.need
    if not need.is_open or pledge.organisation_id == need.organisation_id:
        return False
    return speaks_for(user, pledge.organisation_id)


def may_answer(user: AnyUser, need: Need, organisation: Organisation | None) -> bool:
    return need.is_open and speaks_for(user, organisation)


def may_withdraw_answer(user: AnyUser, answer: Answer) -> bool:
    if answer.status != AnswerStatus.SUBMITTED or not answer.need.is_open:
        return False
    return speaks_for(user, answer.organisation_id)


def answering_organisations(user: AnyUser, need: Need) -> frozenset[int]:
    """The organisations the user may answer (or join) for: theirs."""
    return member_organisation_ids(user) if need.is_open else frozenset()


# Deciding.


def is_decider(user: AnyUser, need: Need) -> bool:
    """Who speaks for the coalition: the members of the organisation that posted it, or the
    person who posted it for themselves; curators too."""
    if not is_active_account(user):
        return False
    if is_curator(user):
        return True
    if need.organisation_id is not None:
        return is_member(user, need.organisation_id)
    return need.created_by_id is not None and need.created_by_id == user.pk


def may_choose(user: AnyUser, need: Need) -> bool:
    return need.is_open and is_decider(user, need)


def may_deliver(user: AnyUser, need: Need) -> bool:
    return need.status == NeedStatus.FUNDED and is_decider(user, need)


def may_reopen(user: AnyUser, need: Need) -> bool:
    return need.status == NeedStatus.ARCHIVED and is_decider(user, need)


def may_merge(user: AnyUser) -> bool:
    return is_active_account(user) and is_curator(user)


def may_follow(user: AnyUser) -> bool:
    return is_active_account(user)


# Seeing amounts and names.


@dataclass
class Viewer:
    """What one user may see of one need's pledges, worked out once for the whole list."""

    curator: bool = False
    decider: bool = False
    organisations: frozenset[int] = field(default_factory=frozenset)
    coalition: frozenset[int] = field(default_factory=frozenset)

    @property
    def in_coalition(self) -> bool:
        """A member of an organisation that pledged, or the decider."""
        return self.decider or bool(self.organisations & self.coalition)

    def sees_amount(self, pledge: Pledge) -> bool:
        if pledge.amount_visibility == Visibility.PUBLIC:
            return True
        if self.curator or pledge.organisation_id in self.organisations:
            return True
        if pledge.amount_visibility == Visibility.COALITION:
            return self.in_coalition
        return False

    def sees_name(self, pledge: Pledge) -> bool:
        return pledge.show_name or self.curator or self.in_coalition


def coalition_of(need: Need) -> frozenset[int]:
    """The organisations that pledged (the poster's included: it pledges when posting).
    Reads `need.pledges.all()`, so a prefetched list costs no query."""
    ids = {pledge.organisation_id for pledge in need.pledges.all()}
    if need.organisation_id is not None:
        ids.add(need.organisation_id)
    return frozenset(ids)


def viewer(user: AnyUser, need: Need) -> Viewer:
    if not is_active_account(user):
        return Viewer(coalition=coalition_of(need))
    return Viewer(
        curator=is_curator(user),
        decider=is_decider(user, need),
        organisations=member_organisation_ids(user),
        coalition=coalition_of(need),
    )


def may_see_amount(user: AnyUser, pledge: Pledge) -> bool:
    return viewer(user, pledge.need).sees_amount(pledge)


def may_see_name(user: AnyUser, pledge: Pledge) -> bool:
    return viewer(user, pledge.need).sees_name(pledge)
