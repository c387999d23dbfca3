"""The curators' queue: proposals and claims waiting for a decision, oldest first, and the
profiles nobody has confirmed for a year.

Views only deliver: deciding is grappe.accounts.moderation's and grappe.accounts.claims', which
check again that the user is a curator. For anyone else these pages do not exist (404); a
visitor is asked to log in first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from grappe.accounts import claims, freshness, moderation
from grappe.accounts.models import Membership, MembershipStatus, Proposal, ProposalStatus
from grappe.accounts.moderation import StaleProposal
from grappe.accounts.permissions import may_moderate
from grappe.directory.places import departement_label
from grappe.web.editing import diff_rows, field_label, kind_label

# The queue shows this many of each, oldest first, and says how many more wait.
QUEUE_LENGTH = 200
STALE_PER_PAGE = 100


def curators_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Visitors are asked to log in; logged-in users who are not curators get a 404."""

    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_moderate(request.user):
            raise Http404("No page at this address.")
        return view(request, *args, **kwargs)

    return checked


@dataclass(frozen=True)
class StaleRow:
    """One field a stale proposal changes: its value then, now and as proposed."""

    label: str
    versions: tuple[str, str, str]

    @classmethod
    def of(cls, row: dict[str, str], model) -> StaleRow:
        label = field_label(model, row["field"]) or row["label"]
        return cls(label, (row["then"], row["now"], row["proposed"]))


class ReasonForm(forms.Form):
    """Why a proposal or a claim is refused: its author reads it."""

    reason = forms.CharField(
        label=gettext_lazy("Reason, shown to the author"),
        max_length=2000,
        help_text=gettext_lazy("Say what is wrong and what would be accepted."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class StaleFilter(forms.Form):
    departement = forms.ChoiceField(label=gettext_lazy("Département"), required=False)

    def __init__(self, *args, codes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = [
            ("", _("All départements")),
            *((code, departement_label(code)) for code in codes),
        ]


@never_cache
@curators_only
@require_http_methods(["GET", "HEAD"])
def queue(request: HttpRequest) -> HttpResponse:
    proposals = (
        Proposal.objects.filter(status=ProposalStatus.PENDING)
        .select_related("author", "organisation", "content_type")
        .order_by("created_at", "id")
    )
    pending_claims = (
        Membership.objects.filter(status=MembershipStatus.PENDING)
        .select_related("user", "organisation")
        .order_by("created_at", "id")
    )
    shown_claims = list(pending_claims[:QUEUE_LENGTH])
    return render(
        request,
        "web/curation/queue.html",
        {
            "proposals": [(p, kind_label(p)) for p in proposals[:QUEUE_LENGTH]],
            "proposal_count": proposals.count(),
            "claims": [
                (m, claims.domain_matches(m.user.email, m.organisation.website))
                for m in shown_claims
            ],
            "claim_count": pending_claims.count(),
            "stale_count": freshness.stale_organisations().count(),
            "queue_length": QUEUE_LENGTH,
        },
    )


@never_cache
@curators_only
@require_http_methods(["GET", "HEAD", "POST"])
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve (replayed on the live entry) or reject with a reason; when someone changed the
    same fields since, the three versions are shown and approving needs a second, deliberate
    click."""
    found = get_object_or_404(
        Proposal.objects.select_related("organisation", "author", "decided_by", "content_type"),
        pk=pk,
    )
    reason_form = ReasonForm(prefix="reject")
    stale_rows: list[StaleRow] = []
    error, status = "", 200
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision == "approve":
            despite = request.POST.get("despite_changes") == "yes"
            try:
                moderation.approve(request.user, found, despite_changes=despite)
            except StaleProposal as stale:
                stale_rows = [StaleRow.of(row, found.model) for row in stale.rows]
                status = 409
            except ValueError as refused:
                error, status = str(refused), 409
            else:
                messages.success(request, _("Approved: the change is published."))
                return redirect("web:curation")
        elif decision == "reject":
            reason_form = ReasonForm(request.POST, prefix="reject")
            if reason_form.is_valid():
                try:
                    moderation.reject(request.user, found, reason_form.cleaned_data["reason"])
                except ValueError as refused:
                    error, status = str(refused), 409
                else:
                    messages.success(request, _("Rejected: its author sees your reason."))
                    return redirect("web:curation")
            else:
                status = 400
        else:
            error, status = _("Choose to approve or to reject."), 400
        found.refresh_from_db()
    return render(
        request,
        "web/curation/proposal.html",
        {
            "proposal": found,
            "rows": diff_rows(found.changes, model=found.model),
            "kind_label": kind_label(found),
            "curator": True,
            "reason_form": reason_form,
            "stale_rows": stale_rows,
            "error": error,
        },
        status=status,
    )


@never_cache
@curators_only
@require_http_methods(["GET", "HEAD", "POST"])
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    """Someone says they speak for an organisation: approve, or reject with a reason."""
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organisation", "decided_by"), pk=pk
    )
    reason_form = ReasonForm(prefix="reject")
    error, status = "", 200
    if request.method == "POST":
        decision = request.POST.get("decision")
        approve = decision == "approve"
        if decision == "reject":
            reason_form = ReasonForm(request.POST, prefix="reject")
        if decision not in ("approve", "reject"):
            error, status = _("Choose to approve or to reject."), 400
        elif not approve and not reason_form.is_valid():
            status = 400
        else:
            reason = "" if approve else reason_form.cleaned_data["reason"]
            try:
                claims.decide(request.user, membership, approve=approve, reason=reason)
            except ValueError as refused:
                error, status = str(refused), 409
            else:
                if approve:
                    messages.success(request, _("Approved: they may now edit the profile."))
                else:
                    messages.success(request, _("Rejected: they see your reason."))
                return redirect("web:curation")
        membership.refresh_from_db()
    other_memberships = (
        Membership.objects.filter(user=membership.user)
        .exclude(pk=membership.pk)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return render(
        request,
        "web/curation/claim.html",
        {
            "membership": membership,
            "domain_matches": claims.domain_matches(
                membership.user.email, membership.organisation.website
            ),
            "email_domain": claims.email_domain(membership.user.email),
            "website_host": claims.website_host(membership.organisation.website),
            "email_confirmed": claims.email_confirmed(membership.user),
            "other_memberships": other_memberships,
            "reason_form": reason_form,
            "error": error,
        },
        status=status,
    )


@never_cache
@curators_only
@require_http_methods(["GET", "HEAD"])
def stale(request: HttpRequest) -> HttpResponse:
    """The profiles to be confirmed, oldest first, by département, with how many members could
    confirm them and when they were last reminded."""
    stale_organisations = freshness.stale_organisations()
    codes = sorted(
        set(
            stale_organisations.exclude(departement="")
            .order_by()
            .values_list("departement", flat=True)
            .distinct()
        )
    )
    form = StaleFilter(request.GET or None, codes=codes)
    departement = form.cleaned_data["departement"] if form.is_valid() else ""
    if departement:
        stale_organisations = stale_organisations.filter(departement=departement)
    rows = stale_organisations.annotate(
        members=Count(
            "memberships",
            filter=Q(memberships__status=MembershipStatus.APPROVED),
            distinct=True,
        ),
        last_reminded=Max("memberships__reminded_at"),
    )
    page = Paginator(rows, STALE_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/curation/stale.html",
        {
            "form": form,
            "page": page,
            "departement": departement,
            "page_query": urlencode({"departement": departement}) if departement else "",
        },
        status=400 if form.is_bound and form.errors else 200,
    )
