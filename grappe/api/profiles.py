"""The write API of profiles: who am I, what may I edit, propose a change, follow my proposals.

Programs edit through the same services as the site's pages: grappe.accounts.editing gives the
forms and the values, grappe.accounts.moderation turns an edit into a proposal (or publishes it
at once for curators) and refuses to overwrite silently, grappe.accounts.permissions says who
may. Nothing here decides a permission: what those refuse becomes a 404 for whoever may not
edit the organisation, so that the API does not tell outsiders what exists.

Every endpoint needs an account (grappe/api/auth.py); those about profiles need the scope
"profiles:write" from an API token.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import wraps
from typing import Annotated, Any, Literal

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import register_converter
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from pydantic import AfterValidator

from grappe.accounts import moderation
from grappe.accounts.editing import (
    EDITABLE_FIELDS,
    KINDS,
    current_data,
    entry_form,
    kind_of,
    version_token,
)
from grappe.accounts.models import Membership, Proposal, ProposalStatus
from grappe.accounts.moderation import Conflict, Seen
from grappe.accounts.permissions import (
    is_curator,
    may_propose,
    may_publish,
    may_see_proposal,
)
from grappe.api import directory
from grappe.api.auth import PROFILES_WRITE, Caller, account, challenge
from grappe.api.params import PageParameters, Parameters, printable
from grappe.api.schemas import DeniedOut, ErrorOut, NotFoundOut
from grappe.directory.fields import StringListField
from grappe.directory.models import Certification, Organisation

router = Router(tags=["profiles"])

NOTE_LENGTH = 2000  # Proposal.note
VERSION_LENGTH = 64
ChildKind = Literal["offering", "certification", "reference", "person"]
CHILD_KINDS: tuple[str, ...] = ("offering", "certification", "reference", "person")


def no_nul(value: str) -> str:
    """Notes may hold line breaks, never NUL (which PostgreSQL refuses)."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Note = Annotated[str, AfterValidator(no_nul)]
Version = Annotated[str, AfterValidator(printable)]


# What comes in.


class EditIn(Schema):
    """A change to an existing entry: only the fields to change, on top of the live values."""

    fields: dict[str, Any] = Field(
        description="Field name → new value, as `values` in the editable listing gives them "
        "(texts, numbers, true/false, ids of linked entries, lists). Absent fields keep their "
        "value."
    )
    version: Version = Field(
        max_length=VERSION_LENGTH,
        description="The entry's `version` when you read it: a change made since is a 409.",
    )
    seen_proposal: int = Field(
        0,
        ge=0,
        description="The newest pending proposal on the entry you saw (its `seen_proposal` in "
        "the editable listing); 0: you saw none. Someone else's newer pending proposal is a "
        "409, so that you read it first.",
    )
    note: Note = Field("", max_length=NOTE_LENGTH, description="A word to the curators.")


class NewEntryIn(Schema):
    fields: dict[str, Any] = Field(description="Field name → value; required fields included.")
    note: Note = Field("", max_length=NOTE_LENGTH, description="A word to the curators.")


class RemovalParameters(Parameters):
    version: Version = Field(
        max_length=VERSION_LENGTH,
        description="The entry's `version` when you read it: a change made since is a 409.",
    )
    note: Note = Field("", max_length=NOTE_LENGTH, description="A word to the curators.")


class ProposalFilters(PageParameters):
    status: Literal[tuple(ProposalStatus.values)] | None = Field(  # type: ignore[valid-type]
        None, description="Only proposals with this status."
    )


# What goes out.


class MembershipOut(Schema):
    organisation: str = Field(description="The organisation's slug.")
    name: str
    status: str
    status_label: str


class TokenOut(Schema):
    name: str
    prefix: str
    expires_at: datetime | None


class MeOut(Schema):
    email: str
    is_curator: bool
    memberships: list[MembershipOut]
    scopes: list[str] = Field(description="What these credentials allow.")
    authenticated_by: Literal["token", "basic", "session"]
    token: TokenOut | None = Field(description="The API token used, if one was.")


class ChangeOut(Schema):
    field: str
    label: str
    before: str
    after: str


class PendingOut(Schema):
    """A proposal waiting for a curator on an entry."""

    id: int
    action: str
    changes: list[ChangeOut]
    created_at: datetime


class ChoiceOut(Schema):
    value: str | int
    label: str


class FieldOut(Schema):
    name: str
    label: str
    help_text: str
    required: bool
    multiple: bool = Field(description="Takes a list.")
    choices: list[ChoiceOut] | None = Field(description="The values it accepts, if a list.")


class EditableEntryOut(Schema):
    kind: str
    id: int
    label: str
    values: dict[str, Any] = Field(
        description="Every editable field's live value, as a change takes it back: null when "
        "empty, ids for linked entries, lists as lists."
    )
    version: str = Field(description="Send it back with a change or a removal.")
    seen_proposal: int = Field(description="The newest pending proposal on it (0: none).")
    pending: list[PendingOut]


class EditableOut(Schema):
    organisation: EditableEntryOut
    entries: list[EditableEntryOut] = Field(
        description="Its offerings, certifications, references and people."
    )
    fields: dict[str, list[FieldOut]] = Field(description="Per kind, the fields one may edit.")
    publishes_at_once: bool = Field(
        description="true for curators: their changes are live at once, not proposals."
    )


class ProposalOut(Schema):
    id: int
    status: str
    status_label: str
    action: str
    organisation: str | None = Field(description="The organisation's slug.")
    organisation_name: str
    kind: str
    entry_id: int | None
    entry_label: str
    changes: list[ChangeOut]
    note: str
    reason: str = Field(description="The curator's reason, for a rejection.")
    url: str = Field(description="Its page on the site.")
    created_at: datetime
    decided_at: datetime | None


class ProposalPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ProposalOut]


class EditOut(Schema):
    status: Literal["pending", "published", "unchanged"]
    proposal: ProposalOut | None = Field(description="The proposal made, if any.")
    entry: EditableEntryOut | None = Field(description="The live entry now, if it exists.")


class FieldErrorsOut(ErrorOut):
    """Values refused: `errors` has every message per field (`__all__`: about several)."""

    errors: dict[str, list[str]] = {}


class ConflictRowOut(Schema):
    field: str
    label: str
    theirs: str
    yours: str


class ConflictOut(Schema):
    detail: str
    theirs_by: str = Field(description="Who changed it, or proposed a change, meanwhile.")
    rows: list[ConflictRowOut]
    version: str = Field(description="The version to send again, once you have read theirs.")
    seen_proposal: int = Field(description="The seen_proposal to send again.")


READ = {400: ErrorOut, 401: DeniedOut, 403: DeniedOut, 404: NotFoundOut, 429: DeniedOut}
WRITE = {
    400: FieldErrorsOut,
    401: DeniedOut,
    403: DeniedOut,
    404: NotFoundOut,
    409: ConflictOut,
    415: DeniedOut,
    429: DeniedOut,
}


# How values, entries and proposals are shown.


def jsonable(value: Any) -> Any:
    """A form value as JSON carries it, and as the form takes it back."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, models.Model):
        return value.pk
    return value


def proposal_as_dict(proposal: Proposal) -> dict[str, Any]:
    organisation = proposal.organisation
    return {
        "id": proposal.pk,
        "status": proposal.status,
        "status_label": str(proposal.get_status_display()),
        "action": proposal.action,
        "organisation": organisation.slug if organisation is not None else None,
        "organisation_name": proposal.organisation_name,
        "kind": kind_of(proposal.content_type.model_class()),
        "entry_id": proposal.object_id,
        "entry_label": proposal.object_label,
        "changes": proposal.changes,
        "note": proposal.note,
        "reason": proposal.reason,
        "url": proposal.get_absolute_url(),
        "created_at": proposal.created_at,
        "decided_at": proposal.decided_at,
    }


def pending_by_entry(organisation: Organisation) -> dict[tuple[int, int], list[Proposal]]:
    """The organisation's pending proposals, by (content type, entry), oldest first: one
    query for the whole listing."""
    found: dict[tuple[int, int], list[Proposal]] = {}
    pending = Proposal.objects.filter(
        organisation=organisation, status=ProposalStatus.PENDING, object_id__isnull=False
    ).order_by("id")
    for proposal in pending:
        found.setdefault((proposal.content_type_id, proposal.object_id), []).append(proposal)
    return found


def values_of(organisation: Organisation, instance: models.Model) -> dict[str, Any]:
    """Every editable field, as the entry's form takes it back (grappe.accounts.editing's
    current_data), with `null` for an empty one and lists as JSON lists."""
    model = type(instance)
    current = current_data(model, organisation, instance)
    values = {}
    for name in EDITABLE_FIELDS[model]:
        if isinstance(model._meta.get_field(name), StringListField):
            values[name] = list(getattr(instance, name) or [])
        else:
            values[name] = jsonable(current.get(name))
    return values


def entry_as_dict(
    organisation: Organisation,
    instance: models.Model,
    pending: list[Proposal] | None = None,
) -> dict[str, Any]:
    """One entry as the editable listing and the answers to edits show it."""
    if pending is None:
        pending = moderation.pending_for(instance)
    return {
        "kind": kind_of(type(instance)),
        "id": instance.pk,
        "label": str(instance),
        "values": values_of(organisation, instance),
        "version": version_token(instance),
        "seen_proposal": max((proposal.pk for proposal in pending), default=0),
        "pending": [
            {
                "id": proposal.pk,
                "action": proposal.action,
                "changes": proposal.changes,
                "created_at": proposal.created_at,
            }
            for proposal in pending
        ],
    }


def field_description(name: str, field: forms.Field) -> dict[str, Any]:
    multiple = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
    choices = None
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        choices = [
            {"value": getattr(value, "value", value), "label": str(label)}
            for value, label in field.choices
            if value not in ("", None)
        ]
    return {
        "name": name,
        "label": str(field.label or name),
        "help_text": str(field.help_text or ""),
        "required": field.required,
        "multiple": multiple or takes_a_list(field),
        "choices": choices,
    }


def takes_a_list(field: forms.Field) -> bool:
    """Fields edited as comma-separated lists (tags, CPV codes) take a JSON list too."""
    return type(field).__name__ == "CommaSeparatedListFormField" or isinstance(
        field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField
    )


def children_of(organisation: Organisation) -> list[models.Model]:
    entries: list[models.Model] = []
    for kind in CHILD_KINDS:
        model = KINDS[kind]
        queryset = model._default_manager.filter(organisation=organisation)
        if model is Certification:
            queryset = queryset.select_related("scheme")
        entries.extend(queryset)
    return entries


# Finding what to edit: a 404 for what does not exist and for what the caller may not edit.


def not_found(slug: str) -> HttpError:
    return HttpError(404, _("No organisation “%(slug)s” that you may edit.") % {"slug": slug[:120]})


def organisation_to_edit(caller: Caller, slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug[:200]).first()
    if organisation is None or not may_propose(caller.user, organisation):
        raise not_found(slug)
    return organisation


def entry_to_edit(caller: Caller, slug: str, kind: str, entry_id: int) -> models.Model:
    organisation = organisation_to_edit(caller, slug)
    instance = KINDS[kind]._default_manager.filter(pk=entry_id, organisation=organisation).first()
    if instance is None or not may_propose(caller.user, instance):
        raise HttpError(
            404,
            _("No %(kind)s number %(id)s in this organisation.")
            % {"kind": KINDS[kind]._meta.verbose_name, "id": entry_id},
        )
    return instance


def proposal_to_see(caller: Caller, proposal_id: int) -> Proposal:
    """Its author and curators see a proposal; for anyone else it does not exist."""
    proposal = (
        Proposal.objects.select_related("organisation", "content_type")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None or not may_see_proposal(caller.user, proposal):
        raise HttpError(404, _("No proposal %(id)s of yours.") % {"id": proposal_id})
    return proposal


# Edits.


def refused_fields(errors: dict[str, list[str]]) -> Status:
    name, messages = next(iter(errors.items()))
    parameter = "" if name == "__all__" else name
    detail = f"{parameter}: {messages[0]}" if parameter else messages[0]
    return Status(400, {"detail": detail, "parameter": parameter, "errors": errors})


def checked_fields(
    given: dict[str, Any], form_fields: dict[str, forms.Field]
) -> dict[str, list[str]]:
    """What the form would not even look at: unknown names, objects, lists for one value."""
    errors: dict[str, list[str]] = {}
    for name, value in given.items():
        field = form_fields.get(name)
        if field is None:
            known = ", ".join(form_fields)
            errors[name[:100]] = [
                _("unknown field; the editable ones are: %(known)s") % {"known": known}
            ]
        elif isinstance(value, dict):
            errors[name] = [_("expects a value, not an object")]
        elif isinstance(value, list):
            if not takes_a_list(field):
                errors[name] = [_("expects one value, not a list")]
            elif any(isinstance(item, dict | list) for item in value):
                errors[name] = [_("expects a list of values")]
    return errors


def conflict_answer(conflict: Conflict) -> Status:
    return Status(
        409,
        {
            "detail": _(
                "changed since you read it, by %(who)s: read both versions, then send yours "
                "again with the new version"
            )
            % {"who": conflict.theirs_by},
            "theirs_by": conflict.theirs_by,
            "rows": conflict.rows,
            "version": conflict.seen.token,
            "seen_proposal": conflict.seen.last_proposal,
        },
    )


def live(model: type[models.Model], pk: int | None) -> models.Model | None:
    if pk is None:
        return None
    return model._default_manager.filter(pk=pk).first()


def save(
    caller: Caller,
    organisation: Organisation,
    model: type[models.Model],
    instance: models.Model | None,
    fields: dict[str, Any],
    seen: Seen,
    note: str,
) -> Status:
    """An edit through moderation.save_edit: the live values with the given fields on top."""
    errors = checked_fields(fields, entry_form(model, organisation, instance=instance).fields)
    if errors:
        return refused_fields(errors)
    data = current_data(model, organisation, instance)
    data.update(fields)
    try:
        outcome = moderation.save_edit(caller.user, organisation, model, instance, data, seen, note)
    except PermissionDenied:
        raise not_found(organisation.slug) from None
    except Conflict as conflict:
        return conflict_answer(conflict)
    if not outcome.form.is_valid():
        return refused_fields(
            {name: list(messages) for name, messages in outcome.form.errors.items()}
        )
    proposal = outcome.proposal
    if proposal is None:
        entry = live(model, instance.pk if instance is not None else None)
        return Status(200, edit_answer("unchanged", None, organisation, entry))
    entry = live(model, proposal.object_id)
    if outcome.published:
        status = 201 if instance is None else 200
        return Status(status, edit_answer("published", proposal, organisation, entry))
    return Status(202, edit_answer("pending", proposal, organisation, entry))


def edit_answer(
    status: str,
    proposal: Proposal | None,
    organisation: Organisation,
    entry: models.Model | None,
) -> dict[str, Any]:
    return {
        "status": status,
        "proposal": proposal_as_dict(proposal) if proposal is not None else None,
        "entry": entry_as_dict(organisation, entry) if entry is not None else None,
    }


def json_only(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A write's body must say it is JSON: a cross-site form can post `text/plain` that parses
    as JSON, and a browser may add the credentials it keeps for the site."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.META.get("CONTENT_LENGTH", "0") not in ("", "0") and (
            request.content_type != "application/json"
        ):
            return JsonResponse(
                {"detail": _("send the body as JSON (Content-Type: application/json)")},
                status=415,
            )
        return run(request, *args, **kwargs)

    return wrapper


class EntryKindConverter:
    """Only the kinds of entries make an address: `/api/organisations/a/b` stays an unknown
    address (a JSON 404), not a method the path does not answer."""

    regex = "|".join(CHILD_KINDS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(EntryKindConverter, "entry_kind")
ENTRY = "/organisations/{slug}/{entry_kind:kind}/{int:entry_id}"

Slug = Annotated[str, Path(description="The organisation's slug.")]
EntryId = Annotated[int, Path(description="The entry's `id`.")]
Kind = Annotated[ChildKind, Path(description="offering, certification, reference or person.")]


# The operations.


@router.get(
    "/me",
    auth=account(),
    response={200: MeOut, **READ},
    tags=["accounts"],
)
@decorate_view(challenge)
def me(request: HttpRequest, params: Query[Parameters]) -> dict[str, Any]:
    """The account behind the credentials: its memberships and what the credentials allow."""
    caller: Caller = request.auth
    memberships = Membership.objects.filter(user=caller.user).select_related("organisation")
    token = caller.token
    return {
        "email": caller.user.email,
        "is_curator": is_curator(caller.user),
        "memberships": [
            {
                "organisation": membership.organisation.slug,
                "name": membership.organisation.name,
                "status": membership.status,
                "status_label": str(membership.get_status_display()),
            }
            for membership in memberships
        ],
        "scopes": sorted(caller.scopes),
        "authenticated_by": caller.method,
        "token": (
            {"name": token.name, "prefix": token.prefix, "expires_at": token.expires_at}
            if token is not None
            else None
        ),
    }


@router.get(
    "/organisations/{slug}/editable",
    auth=account(PROFILES_WRITE),
    response={200: EditableOut, **READ},
)
@decorate_view(challenge)
def editable_organisation(
    request: HttpRequest, slug: Slug, params: Query[Parameters]
) -> dict[str, Any]:
    """What you may edit of an organisation: its values and those of each of its entries, with
    the `version` to send back with a change, and the pending proposals on each."""
    caller: Caller = request.auth
    organisation = organisation_to_edit(caller, slug)
    pending = pending_by_entry(organisation)

    def shown(instance: models.Model) -> dict[str, Any]:
        content_type = ContentType.objects.get_for_model(instance)
        waiting = pending.get((content_type.pk, instance.pk), [])
        return entry_as_dict(organisation, instance, waiting)

    return {
        "organisation": shown(organisation),
        "entries": [shown(entry) for entry in children_of(organisation)],
        "fields": {
            kind: [
                field_description(name, field)
                for name, field in entry_form(model, organisation).fields.items()
            ]
            for kind, model in KINDS.items()
        },
        "publishes_at_once": may_publish(caller.user, organisation),
    }


# The organisation's own path: Django resolves an address to the first router that declares it,
# so the change joins the GET in the directory's router rather than being shadowed by it.
@directory.router.patch(
    "/organisations/{slug}",
    auth=account(PROFILES_WRITE),
    response={200: EditOut, 202: EditOut, **WRITE},
    tags=["profiles"],
)
@decorate_view(challenge, json_only)
def change_organisation(
    request: HttpRequest, slug: Slug, change: EditIn, params: Query[Parameters]
) -> Status:
    """Change an organisation's profile: a proposal for a curator to approve (202), published at
    once for curators (200). Send only the fields to change, with the `version` you read."""
    caller: Caller = request.auth
    organisation = organisation_to_edit(caller, slug)
    seen = Seen(change.version, change.seen_proposal)
    return save(caller, organisation, Organisation, organisation, change.fields, seen, change.note)


@router.post(
    "/organisations/{slug}/{entry_kind:kind}",
    auth=account(PROFILES_WRITE),
    response={201: EditOut, 202: EditOut, **WRITE},
)
@decorate_view(challenge, json_only)
def add_entry(
    request: HttpRequest, slug: Slug, kind: Kind, entry: NewEntryIn, params: Query[Parameters]
) -> Status:
    """Add an offering, a certification, a reference or a person: a proposal (202), created at
    once for curators (201, with the new entry)."""
    caller: Caller = request.auth
    organisation = organisation_to_edit(caller, slug)
    return save(caller, organisation, KINDS[kind], None, entry.fields, Seen(), entry.note)


@router.patch(
    ENTRY,
    auth=account(PROFILES_WRITE),
    response={200: EditOut, 202: EditOut, **WRITE},
)
@decorate_view(challenge, json_only)
def change_entry(
    request: HttpRequest,
    slug: Slug,
    kind: Kind,
    entry_id: EntryId,
    change: EditIn,
    params: Query[Parameters],
) -> Status:
    """Change an offering, a certification, a reference or a person, as for the organisation."""
    caller: Caller = request.auth
    instance = entry_to_edit(caller, slug, kind, entry_id)
    seen = Seen(change.version, change.seen_proposal)
    return save(
        caller, instance.organisation, KINDS[kind], instance, change.fields, seen, change.note
    )


@router.delete(
    ENTRY,
    auth=account(PROFILES_WRITE),
    response={200: EditOut, 202: EditOut, **WRITE},
)
@decorate_view(challenge)
def remove_entry(
    request: HttpRequest,
    slug: Slug,
    kind: Kind,
    entry_id: EntryId,
    params: Query[RemovalParameters],
) -> Status:
    """Remove an offering, a certification, a reference or a person: a proposal (202), removed
    at once for curators (200). `version` is the one you read."""
    caller: Caller = request.auth
    instance = entry_to_edit(caller, slug, kind, entry_id)
    organisation = instance.organisation
    try:
        proposal = moderation.propose_removal(
            caller.user, instance, Seen(params.version), params.note
        )
    except PermissionDenied:
        raise not_found(slug) from None
    except Conflict as conflict:
        return conflict_answer(conflict)
    entry = live(KINDS[kind], entry_id)
    if proposal.status == ProposalStatus.PUBLISHED:
        return Status(200, edit_answer("published", proposal, organisation, entry))
    return Status(202, edit_answer("pending", proposal, organisation, entry))


@router.get(
    "/proposals",
    auth=account(PROFILES_WRITE),
    response={200: ProposalPage, **READ},
)
@decorate_view(challenge)
def list_proposals(request: HttpRequest, filters: Query[ProposalFilters]) -> dict[str, Any]:
    """Your proposals, newest first, with their status and the curator's reason."""
    caller: Caller = request.auth
    proposals = Proposal.objects.filter(author=caller.user).select_related(
        "organisation", "content_type"
    )
    if filters.status:
        proposals = proposals.filter(status=filters.status)
    start = (filters.page - 1) * filters.page_size
    return {
        "count": proposals.count(),
        "page": filters.page,
        "page_size": filters.page_size,
        "results": [proposal_as_dict(p) for p in proposals[start : start + filters.page_size]],
    }


@router.get(
    "/proposals/{proposal_id}",
    auth=account(PROFILES_WRITE),
    response={200: ProposalOut, **READ},
)
@decorate_view(challenge)
def get_proposal(request: HttpRequest, proposal_id: int, params: Query[Parameters]) -> Any:
    """One proposal, for its author and curators."""
    return proposal_as_dict(proposal_to_see(request.auth, proposal_id))


@router.post(
    "/proposals/{proposal_id}/withdraw",
    auth=account(PROFILES_WRITE),
    response={200: ProposalOut, **READ, 409: DeniedOut},
)
@decorate_view(challenge)
def withdraw_proposal(request: HttpRequest, proposal_id: int, params: Query[Parameters]) -> Any:
    """Withdraw your pending proposal. Only its author may."""
    caller: Caller = request.auth
    proposal = proposal_to_see(caller, proposal_id)
    try:
        proposal = moderation.withdraw(caller.user, proposal)
    except PermissionDenied:
        return Status(403, {"detail": _("only its author may withdraw a proposal")})
    except ValueError as error:
        return Status(409, {"detail": str(error)})
    return proposal_as_dict(proposal)
