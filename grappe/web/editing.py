"""Editing a profile: the member's pages for an organisation, its offerings, certifications,
references and people, and the page of each proposal with its status.

Views only deliver: who may edit is grappe.accounts.permissions', what an edit becomes (a
proposal, or for curators a publication, or a conflict) is grappe.accounts.moderation's. An
organisation the user may not edit does not exist for them here (404): its editing pages reveal
nothing, not even that it could be edited.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from grappe.accounts import freshness, moderation
from grappe.accounts.editing import KINDS, entry_form, removal_rows
from grappe.accounts.models import Proposal, ProposalStatus
from grappe.accounts.moderation import Conflict, Seen
from grappe.accounts.permissions import (
    AnyUser,
    may_moderate,
    may_propose,
    may_publish,
    may_see_proposal,
)
from grappe.directory.models import Organisation

# The kinds of entries listed under a profile, in the order of its public page.
CHILD_KINDS = ("offering", "certification", "reference", "person")
SECTION_TITLES = {
    "offering": gettext_lazy("Offerings"),
    "certification": gettext_lazy("Certifications and labels"),
    "reference": gettext_lazy("References"),
    "person": gettext_lazy("People"),
}
ADD_LABELS = {
    "offering": gettext_lazy("Add an offering"),
    "certification": gettext_lazy("Add a certification"),
    "reference": gettext_lazy("Add a reference"),
    "person": gettext_lazy("Add a person"),
}
NEW_TITLES = {
    "offering": gettext_lazy("New offering"),
    "certification": gettext_lazy("New certification"),
    "reference": gettext_lazy("New reference"),
    "person": gettext_lazy("New person"),
}
EMPTY_SECTIONS = {
    "offering": gettext_lazy("No offering yet."),
    "certification": gettext_lazy("No certification yet."),
    "reference": gettext_lazy("No reference yet."),
    "person": gettext_lazy("Nobody yet."),
}
# How many of the user's own decided proposals the management page recalls.
RECENT_PROPOSALS = 10
# Texts longer than this, or on several lines, are compared word by word.
LONG_TEXT = 60
# Beyond this many words a word-level comparison costs more than it helps: both shown whole.
MAX_DIFF_TOKENS = 6000
WORDS = re.compile(r"\s+|\w+|[^\w\s]")


class NoteForm(forms.Form):
    """What a member tells the curators about their proposal."""

    note = forms.CharField(
        label=gettext_lazy("Note to the curators"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("Optional: why this change, or where a curator can check it."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# Diffs that people read --------------------------------------------------------------------


def compared(before: str, after: str) -> tuple[SafeString, SafeString]:
    """Two versions of a value, escaped; a long text marks its removed words with <del> and its
    added words with <ins>, so that a changed comma in a page of text is seen."""
    before, after = str(before or ""), str(after or "")
    long = max(len(before), len(after)) > LONG_TEXT or "\n" in before or "\n" in after
    if not (before and after and long):
        return escape(before), escape(after)
    old, new = WORDS.findall(before), WORDS.findall(after)
    if len(old) + len(new) > MAX_DIFF_TOKENS:
        return escape(before), escape(after)
    removed, added = _("removed:"), _("added:")
    old_html: list[str] = []
    new_html: list[str] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        old_part = escape("".join(old[old_start:old_end]))
        new_part = escape("".join(new[new_start:new_end]))
        if operation == "equal":
            old_html.append(old_part)
            new_html.append(new_part)
            continue
        if old_part:
            old_html.append(f'<del><span class="visually-hidden">{removed} </span>{old_part}</del>')
        if new_part:
            new_html.append(f'<ins><span class="visually-hidden">{added} </span>{new_part}</ins>')
    return mark_safe("".join(old_html)), mark_safe("".join(new_html))  # each part escaped above


@dataclass(frozen=True)
class DiffRow:
    field: str
    label: str
    before: SafeString
    after: SafeString


def diff_rows(
    changes: Iterable[Mapping[str, Any]],
    before: str = "before",
    after: str = "after",
    model: type[models.Model] | None = None,
) -> list[DiffRow]:
    """The rows of _diff.html from a proposal's `changes`, or from a conflict's rows (with
    before="theirs", after="yours"). A proposal stored its labels in its author's language:
    given the model, each field is named in the reader's."""
    rows = []
    for change in changes:
        name = change.get("field", "")
        old, new = compared(change.get(before, ""), change.get(after, ""))
        rows.append(DiffRow(name, field_label(model, name) or change.get("label", ""), old, new))
    return rows


def field_label(model: type[models.Model] | None, name: str) -> str:
    if model is None:
        return ""
    try:
        return capfirst(str(model._meta.get_field(name).verbose_name))
    except (FieldDoesNotExist, AttributeError):
        return ""


# Who reaches which page --------------------------------------------------------------------


def editable_organisation(user: AnyUser, slug: str) -> Organisation:
    """The organisation, when this user may edit it; for anyone else it does not exist."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not may_propose(user, organisation):
        raise Http404("No organisation you may edit at this address.")
    return organisation


def child_model(kind: str) -> type[models.Model]:
    if kind not in CHILD_KINDS:
        raise Http404("No such kind of entry.")
    return KINDS[kind]


def child_entry(model: type[models.Model], organisation: Organisation, pk: int) -> models.Model:
    """One of the organisation's own entries: an entry of another organisation is a 404."""
    return get_object_or_404(model, pk=pk, organisation=organisation)


def kind_label(proposal: Proposal) -> str:
    """What kind of entry a proposal changes ("offering", "person"...), in words."""
    model = proposal.model
    return str(model._meta.verbose_name) if model is not None else ""


# The management page -----------------------------------------------------------------------


@dataclass(frozen=True)
class EntryRow:
    entry: models.Model
    label: str
    public_url: str
    hidden: bool = False


@dataclass(frozen=True)
class Section:
    kind: str
    title: str
    add_label: str
    empty: str
    rows: list[EntryRow]


def _sections(organisation: Organisation) -> list[Section]:
    """Every entry of the profile, public or not, with its public page when it has one."""
    offerings = organisation.offerings.order_by("title")
    certifications = organisation.certifications.select_related("scheme").order_by(
        "scheme__name", "-valid_from"
    )
    references = organisation.references.order_by("-year", "title")
    people = organisation.people.order_by("name")
    rows = {
        "offering": [EntryRow(o, o.title, o.get_absolute_url()) for o in offerings],
        "certification": [EntryRow(c, _certification_label(c), "") for c in certifications],
        "reference": [EntryRow(r, str(r), "", hidden=not r.is_public) for r in references],
        "person": [EntryRow(p, p.name, p.get_absolute_url()) for p in people],
    }
    return [
        Section(kind, SECTION_TITLES[kind], ADD_LABELS[kind], EMPTY_SECTIONS[kind], rows[kind])
        for kind in CHILD_KINDS
    ]


def _certification_label(certification) -> str:
    if certification.scope:
        return f"{certification.scheme.name} ({certification.scope})"
    return certification.scheme.name


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    """The profile and its entries with their edit and remove links, the proposals waiting on
    it, and the button that says the profile is still true."""
    organisation = editable_organisation(request.user, slug)
    pending = list(
        Proposal.objects.filter(organisation=organisation, status=ProposalStatus.PENDING)
        .select_related("author")
        .order_by("created_at", "id")
    )
    recent = list(
        Proposal.objects.filter(organisation=organisation, author=request.user)
        .exclude(status=ProposalStatus.PENDING)
        .order_by("-created_at", "-id")[:RECENT_PROPOSALS]
    )
    curator = may_moderate(request.user)
    return render(
        request,
        "web/editing/manage.html",
        {
            "organisation": organisation,
            "sections": _sections(organisation),
            "pending": [
                (proposal, curator or proposal.author_id == request.user.pk) for proposal in pending
            ],
            "recent": recent,
            "publishes": may_publish(request.user, organisation),
        },
    )


@never_cache
@login_required
@require_POST
def confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """The profile is still true: its page no longer says "to be confirmed" for a year."""
    organisation = editable_organisation(request.user, slug)
    freshness.confirm(request.user, organisation)
    messages.success(request, _("Thank you: the profile is confirmed for another year."))
    return redirect("web:manage_organisation", slug=organisation.slug)


# Editing an entry --------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_organisation(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = editable_organisation(request.user, slug)
    return _edit(request, organisation, "organisation", organisation)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new_entry(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    organisation = editable_organisation(request.user, slug)
    child_model(kind)
    return _edit(request, organisation, kind, None)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_entry(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    organisation = editable_organisation(request.user, slug)
    entry = child_entry(child_model(kind), organisation, pk)
    return _edit(request, organisation, kind, entry)


def _edit(
    request: HttpRequest, organisation: Organisation, kind: str, instance: models.Model | None
) -> HttpResponse:
    """The form of one entry; a save is published for curators, proposed for the others, and
    refused with both versions when someone else changed the entry since the form was filled."""
    model = KINDS[kind]
    publishes = may_publish(request.user, instance or model(organisation=organisation))
    if request.method != "POST":
        return _edit_page(
            request,
            organisation,
            kind,
            instance,
            form=entry_form(model, organisation, instance=instance),
            note_form=None if publishes else NoteForm(),
            seen=Seen.of(instance),
        )
    note_form = None if publishes else NoteForm(request.POST)
    if note_form is not None and not note_form.is_valid():
        return _edit_page(
            request,
            organisation,
            kind,
            instance,
            form=entry_form(model, organisation, instance=instance, data=request.POST),
            note_form=note_form,
            seen=Seen.from_data(request.POST),
            status=400,
        )
    note = note_form.cleaned_data["note"] if note_form is not None else ""
    try:
        outcome = moderation.save_edit(
            request.user,
            organisation,
            model,
            instance,
            request.POST,
            Seen.from_data(request.POST),
            note,
        )
    except PermissionDenied as refused:
        raise Http404("No organisation you may edit at this address.") from refused
    except Conflict as conflict:
        return _edit_page(
            request,
            organisation,
            kind,
            instance,
            form=entry_form(model, organisation, instance=instance, data=request.POST),
            note_form=note_form,
            seen=conflict.seen,
            conflict=conflict,
            status=409,
        )
    if not outcome.form.is_valid() or outcome.errors:
        return _edit_page(
            request,
            organisation,
            kind,
            instance,
            form=outcome.form,
            note_form=note_form,
            seen=Seen.from_data(request.POST),
            errors=outcome.errors,
            status=400,
        )
    if outcome.proposal is None:
        messages.info(request, _("Nothing changed: the entry already says this."))
        return redirect("web:manage_organisation", slug=organisation.slug)
    if outcome.published:
        messages.success(request, _("Published: the public page shows the change."))
        return redirect(organisation.get_absolute_url())
    messages.success(
        request,
        _("Sent to the curators: the change will show once a curator approves it."),
    )
    return redirect(outcome.proposal)


def _edit_page(
    request: HttpRequest,
    organisation: Organisation,
    kind: str,
    instance: models.Model | None,
    *,
    form,
    note_form: NoteForm | None,
    seen: Seen,
    conflict: Conflict | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    if kind == "organisation":
        title = _("Edit the profile of %(name)s") % {"name": organisation.name}
    elif instance is None:
        title = str(NEW_TITLES[kind])
    else:
        title = _("Edit “%(entry)s”") % {"entry": instance}
    pending = [
        (other, [field_label(type(instance), c["field"]) or c["label"] for c in other.changes])
        for other in (moderation.pending_for(instance) if instance is not None else [])
    ]
    return render(
        request,
        "web/editing/edit.html",
        {
            "organisation": organisation,
            "kind": kind,
            "entry": instance,
            "title": title,
            "form": form,
            "note_form": note_form,
            "seen": seen,
            "conflict": conflict,
            "conflict_rows": diff_rows(conflict.rows, "theirs", "yours") if conflict else [],
            "errors": errors or [],
            "pending": pending,
            "publishes": note_form is None,
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def remove_entry(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    """What the removal takes away, to confirm; a removal is a proposal like any change."""
    organisation = editable_organisation(request.user, slug)
    entry = child_entry(child_model(kind), organisation, pk)
    publishes = may_publish(request.user, entry)
    note_form = None if publishes else NoteForm(request.POST or None)
    seen, conflict, status = Seen.of(entry), None, 200
    if request.method == "POST" and note_form is not None and not note_form.is_valid():
        status = 400
    elif request.method == "POST":
        note = note_form.cleaned_data["note"] if note_form is not None else ""
        try:
            proposal = moderation.propose_removal(
                request.user, entry, Seen.from_data(request.POST), note
            )
        except PermissionDenied as refused:
            raise Http404("No organisation you may edit at this address.") from refused
        except Conflict as raised:
            seen, conflict, status = raised.seen, raised, 409
        else:
            if proposal.status == ProposalStatus.PUBLISHED:
                messages.success(request, _("Removed: the public page no longer shows it."))
                return redirect("web:manage_organisation", slug=organisation.slug)
            messages.success(
                request, _("Sent to the curators: the entry stays until a curator approves.")
            )
            return redirect(proposal)
    return render(
        request,
        "web/editing/remove.html",
        {
            "organisation": organisation,
            "kind": kind,
            "entry": entry,
            "rows": diff_rows(removal_rows(entry, organisation)),
            "note_form": note_form,
            "seen": seen,
            "conflict": conflict,
            "conflict_rows": diff_rows(conflict.rows, "theirs", "yours") if conflict else [],
            "publishes": publishes,
        },
        status=status,
    )


# A proposal's page -------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    """Its status in words at all times, its diff, the note and the curator's reason."""
    found = get_object_or_404(
        Proposal.objects.select_related("organisation", "author", "decided_by", "content_type"),
        pk=pk,
    )
    if not may_see_proposal(request.user, found):
        raise Http404("No proposal of yours at this address.")
    curator = may_moderate(request.user)
    return render(
        request,
        "web/editing/proposal.html",
        {
            "proposal": found,
            "rows": diff_rows(found.changes, model=found.model),
            "kind_label": kind_label(found),
            "is_author": found.author_id == request.user.pk,
            "curator": curator,
            "may_manage": found.organisation is not None
            and may_propose(request.user, found.organisation),
        },
    )


@never_cache
@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Proposal, pk=pk)
    if found.author_id != request.user.pk:
        raise Http404("No proposal of yours at this address.")
    try:
        moderation.withdraw(request.user, found)
    except ValueError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Withdrawn: the curators will not review it."))
    return redirect(found)
