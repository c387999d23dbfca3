"""Edits become proposals, curators decide, and nothing is ever overwritten silently.

A member's edit is stored as a `Proposal` with its diff in words; a curator's edit is published
at once and recorded the same way, so every change has its author, date and diff. Every save goes
through django-reversion, so every entry keeps its full history and a curator can restore any
version from the back office.

Two guards keep concurrent work safe:
- an edit form carries the version of the entry it was filled from (`Seen`): when the entry, or a
  newer pending proposal of someone else, changed meanwhile, the save is refused with both
  versions (`Conflict`), and nothing is stored;
- a proposal remembers the live value of each field it changes (`base`): when a curator approves
  it after someone else changed those fields, approval is refused with the three versions
  (`StaleProposal`) until the curator confirms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.accounts import notifications
from grappe.accounts.editing import (
    changes_of,
    current_data,
    display,
    entry_form,
    form_data,
    removal_rows,
    snapshot,
    version_token,
)
from grappe.accounts.models import Proposal, ProposalAction, ProposalStatus
from grappe.accounts.permissions import AnyUser, may_moderate, may_propose, may_publish
from grappe.directory.models import Organisation


@dataclass(frozen=True)
class Seen:
    """What the editor saw when the form was filled: the entry's version and the newest
    pending proposal on it."""

    token: str = ""
    last_proposal: int = 0

    @classmethod
    def of(cls, instance: models.Model | None) -> Seen:
        if instance is None or instance.pk is None:
            return cls()
        return cls(version_token(instance), _newest_pending_id(instance))

    @classmethod
    def from_data(cls, data) -> Seen:
        try:
            last = int(data.get("seen_proposal") or 0)
        except (TypeError, ValueError):
            last = 0
        return cls(str(data.get("seen_version") or ""), last)


@dataclass
class Conflict(Exception):
    """Someone else changed the entry, or proposed a change, since the form was filled."""

    theirs_by: str
    rows: list[dict[str, str]]
    seen: Seen


@dataclass
class StaleProposal(Exception):
    """The fields a proposal changes were changed by someone else since it was made."""

    rows: list[dict[str, str]]


@dataclass
class Outcome:
    form: Any
    proposal: Proposal | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def published(self) -> bool:
        return self.proposal is not None and self.proposal.status == ProposalStatus.PUBLISHED

    @property
    def unchanged(self) -> bool:
        return self.proposal is None and self.form.is_valid()


def _pending(instance: models.Model):
    return Proposal.objects.filter(
        content_type__app_label=instance._meta.app_label,
        content_type__model=instance._meta.model_name,
        object_id=instance.pk,
        status=ProposalStatus.PENDING,
    )


def _newest_pending_id(instance: models.Model) -> int:
    newest = _pending(instance).order_by("-id").values_list("id", flat=True).first()
    return newest or 0


def pending_for(instance: models.Model) -> list[Proposal]:
    return list(_pending(instance).select_related("author").order_by("id"))


def _author_name(user: AnyUser | None) -> str:
    if user is None:
        return _("a deleted account")
    return user.get_full_name() or user.get_username()


def _check_conflict(user: AnyUser, live: models.Model | None, form, seen: Seen) -> None:
    """`live` is the entry as stored, read before the form wrote onto its own copy."""
    if live is None:
        return
    if version_token(live) != seen.token:
        theirs_form = entry_form(type(live), form.organisation, instance=live)
        rows = _versus(form, {n: theirs_form.initial.get(n) for n in form.fields})
        raise Conflict(_("someone else, already published"), rows, Seen.of(live))
    newer = _pending(live).filter(id__gt=seen.last_proposal).exclude(author=user).order_by("-id")
    other = newer.select_related("author").first()
    if other is not None:
        proposed = {row["field"]: row["after"] for row in other.changes}
        rows = [
            {
                "field": name,
                "label": str(form.fields[name].label or name),
                "theirs": proposed[name],
                "yours": display(form, name, form.cleaned_data.get(name)),
            }
            for name in form.fields
            if name in proposed
        ]
        raise Conflict(
            _("%(author)s, waiting for a curator") % {"author": _author_name(other.author)},
            rows,
            Seen.of(live),
        )


def _versus(form, theirs: dict[str, Any]) -> list[dict[str, str]]:
    rows = []
    for name in form.fields:
        their_text = display(form, name, theirs.get(name))
        your_text = display(form, name, form.cleaned_data.get(name))
        if their_text != your_text:
            label = str(form.fields[name].label or name)
            rows.append({"field": name, "label": label, "theirs": their_text, "yours": your_text})
    return rows


def _publish(form, user: AnyUser, comment: str) -> models.Model:
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        entry = form.save()
        organisation = form.organisation if not isinstance(entry, Organisation) else entry
        mark_confirmed(organisation)
    return entry


def mark_confirmed(organisation: Organisation) -> None:
    """A profile checked by its members or a curator is fresh again."""
    Organisation.objects.filter(pk=organisation.pk).update(confirmed_at=timezone.now())


@transaction.atomic
def save_edit(
    user: AnyUser,
    organisation: Organisation,
    model: type[models.Model],
    instance: models.Model | None,
    data,
    seen: Seen,
    note: str = "",
) -> Outcome:
    """An edit from a page or the API: published for curators, proposed for the others.

    Raises PermissionDenied for someone who may not edit it, Conflict when the entry changed
    since the form was filled.
    """
    live = None
    if instance is not None:  # the form writes onto its instance: never onto the stored copy
        live = model._default_manager.get(pk=instance.pk)
        instance = model._default_manager.get(pk=instance.pk)
    target = instance if instance is not None else _new_entry(model, organisation)
    if not may_propose(user, target):
        raise PermissionDenied
    form = entry_form(model, organisation, instance=instance, data=data)
    if not form.is_valid():
        return Outcome(form)
    _check_conflict(user, live, form, seen)
    changes = changes_of(form)
    if not changes:
        return Outcome(form)
    action = ProposalAction.CHANGE if instance is not None else ProposalAction.CREATE
    base = snapshot(live, [row["field"] for row in changes]) if live is not None else {}
    proposal = Proposal(
        organisation=organisation,
        organisation_name=organisation.name,
        content_type=_content_type(model),
        object_id=instance.pk if instance is not None else None,
        object_label=str(instance) if instance is not None else _label_of_new(form),
        action=action,
        author=user,
        data=form_data(form),
        changes=changes,
        base=base,
        note=note,
    )
    if may_publish(user, target):
        entry = _publish(form, user, _("Published by a curator"))
        proposal.object_id = entry.pk
        proposal.object_label = str(entry)
        _decide(proposal, user, ProposalStatus.PUBLISHED)
        return Outcome(form, proposal)
    proposal.save()
    transaction.on_commit(lambda: notifications.proposal_received(proposal))
    return Outcome(form, proposal)


@transaction.atomic
def propose_removal(user: AnyUser, instance: models.Model, seen: Seen, note: str = "") -> Proposal:
    """Remove a child entry (an offering, a reference...): at once for curators."""
    organisation = _organisation_of(instance)
    if isinstance(instance, Organisation) or not may_propose(user, instance):
        raise PermissionDenied
    live = type(instance)._default_manager.get(pk=instance.pk)
    if version_token(live) != seen.token:
        rows = removal_rows(live, organisation)
        raise Conflict(
            _("someone else, already published"),
            [{**r, "theirs": r["before"], "yours": ""} for r in rows],
            Seen.of(live),
        )
    proposal = Proposal(
        organisation=organisation,
        organisation_name=organisation.name,
        content_type=_content_type(type(instance)),
        object_id=instance.pk,
        object_label=str(instance),
        action=ProposalAction.DELETE,
        author=user,
        changes=removal_rows(live, organisation),
        base=snapshot(live),
        note=note,
    )
    if may_publish(user, instance):
        _remove(live, user, _("Removed by a curator"))
        _decide(proposal, user, ProposalStatus.PUBLISHED)
        return proposal
    proposal.save()
    transaction.on_commit(lambda: notifications.proposal_received(proposal))
    return proposal


def _remove(instance: models.Model, user: AnyUser, comment: str) -> None:
    """The last version is saved first, so that the back office can recover the entry."""
    organisation = _organisation_of(instance)
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        reversion.add_to_revision(instance)
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        instance.delete()
        reversion.add_to_revision(organisation)
    mark_confirmed(organisation)


@transaction.atomic
def approve(curator: AnyUser, proposal: Proposal, *, despite_changes: bool = False) -> Proposal:
    """Publish a pending proposal, replayed through the same form on the live entry.

    Only the fields it changes are taken from it: what others changed meanwhile in other
    fields stays. Raises StaleProposal when its own fields changed meanwhile, unless the curator
    confirmed (`despite_changes`), and ValueError when it can no longer apply.
    """
    if not may_moderate(curator):
        raise PermissionDenied
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_pending:
        raise ValueError(_("This proposal was already decided."))
    organisation = proposal.organisation
    target = proposal.target()
    if organisation is None or (proposal.action != ProposalAction.CREATE and target is None):
        raise ValueError(_("The entry this proposal changes no longer exists."))
    comment = _("Proposal #%(number)s by %(author)s, approved") % {
        "number": proposal.pk,
        "author": _author_name(proposal.author),
    }
    if proposal.action == ProposalAction.DELETE:
        if snapshot(target) != proposal.base and not despite_changes:
            raise StaleProposal(_stale_rows(proposal, target, organisation))
        _remove(target, curator, comment)
        return _decide(proposal, curator, ProposalStatus.APPROVED)
    if target is not None:
        current = snapshot(target, proposal.base.keys())
        if current != proposal.base and not despite_changes:
            raise StaleProposal(_stale_rows(proposal, target, organisation))
    form = entry_form(proposal.model, organisation, instance=target, data=_replay(proposal, target))
    if not form.is_valid():
        messages = [
            f"{form.fields[n].label if n in form.fields else ''} {m}".strip()
            for n, errs in form.errors.items()
            for m in errs
        ]
        raise ValueError(
            _("It no longer passes validation: %(errors)s") % {"errors": "; ".join(messages)}
        )
    entry = _publish(form, curator, comment)
    proposal.object_id = entry.pk
    proposal.object_label = str(entry)
    return _decide(proposal, curator, ProposalStatus.APPROVED)


def _replay(proposal: Proposal, target: models.Model | None) -> dict[str, Any]:
    """The live entry's values, with the proposal's changed fields on top."""
    if target is None:
        return dict(proposal.data)
    data = current_data(proposal.model, proposal.organisation, target)
    for row in proposal.changes:
        name = row["field"]
        if name in proposal.data:
            data[name] = proposal.data[name]
        else:  # an unticked box or an emptied multiple choice sends nothing
            data.pop(name, None)
    return data


def _stale_rows(proposal: Proposal, target: models.Model, organisation) -> list[dict[str, str]]:
    live_form = entry_form(proposal.model, organisation, instance=target)
    rows = []
    for row in proposal.changes:
        name = row["field"]
        now = (
            display(live_form, name, live_form.initial.get(name))
            if name in live_form.fields
            else ""
        )
        rows.append(
            {
                "field": name,
                "label": row["label"],
                "then": row["before"],
                "now": now,
                "proposed": row["after"],
            }
        )
    return rows


@transaction.atomic
def reject(curator: AnyUser, proposal: Proposal, reason: str) -> Proposal:
    if not may_moderate(curator):
        raise PermissionDenied
    if not reason.strip():
        raise ValueError(_("Say why, so that the member can do better."))
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_pending:
        raise ValueError(_("This proposal was already decided."))
    proposal.reason = reason.strip()
    return _decide(proposal, curator, ProposalStatus.REJECTED)


@transaction.atomic
def withdraw(user: AnyUser, proposal: Proposal) -> Proposal:
    if proposal.author_id != user.pk:
        raise PermissionDenied
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_pending:
        raise ValueError(_("This proposal was already decided."))
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    return proposal


def _decide(proposal: Proposal, curator: AnyUser, status: str) -> Proposal:
    proposal.status = status
    proposal.decided_by = curator
    proposal.decided_at = timezone.now()
    proposal.save()
    if status in (ProposalStatus.APPROVED, ProposalStatus.REJECTED):
        transaction.on_commit(lambda: notifications.proposal_decided(proposal))
    return proposal


def _new_entry(model: type[models.Model], organisation: Organisation) -> models.Model:
    return model(organisation=organisation) if model is not Organisation else organisation


def _organisation_of(instance: models.Model) -> Organisation:
    return instance if isinstance(instance, Organisation) else instance.organisation


def _label_of_new(form) -> str:
    for name in ("title", "name", "scheme"):
        if form.cleaned_data.get(name):
            return str(form.cleaned_data[name])
    return str(form.instance._meta.verbose_name)


def _content_type(model: type[models.Model]) -> ContentType:
    return ContentType.objects.get_for_model(model)
