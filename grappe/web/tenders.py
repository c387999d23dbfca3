"""The calls for tenders pages: add a notice, read and correct its lots, see who can answer each
lot and the teams Grappe proposes, download them; and the watches members keep on new notices.

Views only deliver: reading notices, matching and building teams are grappe.tenders'. Reading a
tender is public (notices are public, and its address is an unguessable UUID); changing anything
goes through Django permissions, so that member accounts later only need to be granted them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import urlencode
from uuid import UUID

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from grappe.directory.models import Organisation
from grappe.search.exports import content_disposition
from grappe.tenders.consortia import Role, TeamMember
from grappe.tenders.exporting import teams_as_dict, teams_csv, tender_as_dict
from grappe.tenders.matching import MemberMatch, match_lot
from grappe.tenders.models import Lot, Requirement, RequirementKind, Tender, Watch
from grappe.tenders.notices import NoticeError, read_notice
from grappe.tenders.storing import store_notice
from grappe.tenders.teaming import DEFAULT_TEAMS, Cell, LotTeams, ProposedTeam, teams_for_lot
from grappe.tenders.watching import caught_by
from grappe.web.forms import LotForm, NoticeForm, RequirementFormSet, WatchForm
from grappe.web.templatetags.grappe_web import euros

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser, AnonymousUser

    AnyUser = AbstractUser | AnonymousUser

LATEST_TENDERS = 50
TOP_MEMBERS = 20
PRINTED_MEMBERS = 10

# What a refused notice means, in the reader's language; NoticeError.reason (English, with the
# line, the element or the key at fault) follows as the detail.
NOTICE_ERRORS = {
    "empty": gettext_lazy("The notice is empty."),
    "too_large": gettext_lazy("The notice is too large."),
    "unsafe_xml": gettext_lazy("The XML file is refused for safety."),
    "malformed_xml": gettext_lazy("The XML file is not well-formed."),
    "malformed_json": gettext_lazy("The JSON file is not well-formed."),
    "malformed_record": gettext_lazy("The JSON file is not well-formed."),
    "unknown_format": gettext_lazy(
        "This file is in no format Grappe reads (eForms or BOAMP XML, BOAMP JSON, text)."
    ),
    "several_records": gettext_lazy(
        "The file holds several BOAMP notices: add them one at a time."
    ),
    "unsupported_notice": gettext_lazy("This kind of notice is not a call for tenders."),
    "no_lot": gettext_lazy("The notice describes no lot."),
    "no_content": gettext_lazy("The notice holds nothing to read."),
    "not_a_notice": gettext_lazy(
        "This text does not look like a call for tenders: no buyer, deadline, CPV code or "
        "requirement was found in it."
    ),
}
AWARD_NOTICE = gettext_lazy(
    "This is an award notice: it says who won a contract, not what to answer. Award notices "
    "become members' references: a curator imports them with “grappe tender awards”."
)
CAPACITIES = {
    "turnover": gettext_lazy("Turnover"),
    "staff": gettext_lazy("Staff"),
    "references": gettext_lazy("Relevant references"),
}


# Permissions -------------------------------------------------------------------------------


def can_add_tender(user: AnyUser) -> bool:
    return user.has_perm("tenders.add_tender")


def can_edit_tender(user: AnyUser, tender: Tender) -> bool:
    """Whoever added a tender corrects its lots; so do those allowed to change any tender."""
    if user.has_perm("tenders.change_tender"):
        return True
    return user.is_authenticated and tender.created_by_id == user.pk


def can_view_watches(user: AnyUser, organisation: Organisation) -> bool:
    """An organisation's members see its watches (grappe.accounts.permissions answers for the
    organisation); so do those allowed to see or change any watch."""
    return (
        user.has_perm("tenders.view_watch", organisation)
        or user.has_perm("tenders.view_watch")
        or can_edit_watches(user, organisation)
    )


def can_edit_watches(user: AnyUser, organisation: Organisation) -> bool:
    """Its members keep an organisation's watches; so do those allowed to change any watch."""
    return user.has_perm("tenders.change_watch", organisation) or user.has_perm(
        "tenders.change_watch"
    )


def login_url(next_path: str) -> str:
    """The site's login page when LOGIN_URL is set, else the back office's, back to the page."""
    if settings.is_overridden("LOGIN_URL"):
        base = resolve_url(settings.LOGIN_URL)
    else:
        base = reverse("admin:login")
    return f"{base}?{urlencode({REDIRECT_FIELD_NAME: next_path})}"


def _refuse(request: HttpRequest, next_path: str | None = None) -> HttpResponse:
    """A visitor is asked to log in; a logged-in user without the permission gets a 403."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(login_url(next_path or request.get_full_path()))
    raise PermissionDenied


# Tenders -----------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def tenders(request: HttpRequest) -> HttpResponse:
    """The latest calls for tenders, and the form that adds one from a file or pasted text."""
    allowed = can_add_tender(request.user)
    form = NoticeForm()
    if request.method == "POST":
        if not allowed:
            return _refuse(request)
        form = NoticeForm(request.POST, request.FILES)
        if form.is_valid():
            tender = _add_tender(request, form)
            if tender is not None:
                return redirect(tender)
    latest = (
        Tender.objects.annotate(lots_count=Count("lots"))
        .only("public_id", "title", "buyer_name", "deadline", "created_at")
        .order_by("-created_at")[:LATEST_TENDERS]
    )
    return render(
        request,
        "web/tenders/tenders.html",
        {
            "tenders": latest,
            "form": form if allowed else None,
            "login_url": login_url(request.get_full_path()),
            "now": timezone.now(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _add_tender(request: HttpRequest, form: NoticeForm) -> Tender | None:
    """The stored tender, or None with the reason added to the field the notice came from."""
    content, filename = form.content()
    field_name = "notice_file" if filename else "notice_text"
    try:
        notice = read_notice(content, filename or _("pasted text"))
        if isinstance(notice, list):  # DECP: contracts already awarded
            raise NoticeError("a DECP file lists awarded contracts", code="award_notice")
        return store_notice(notice, user=request.user)
    except NoticeError as error:
        form.add_error(field_name, notice_error_message(error))
        return None


def notice_error_message(error: NoticeError) -> str:
    """What went wrong in the reader's language, then the reader's own detail (English)."""
    if error.code == "award_notice":
        return str(AWARD_NOTICE)
    lead = NOTICE_ERRORS.get(error.code, gettext_lazy("The notice cannot be read."))
    return _("%(message)s Details: %(reason)s.") % {
        "message": lead,
        "reason": error.reason.rstrip("."),
    }


def _tender(public_id: UUID) -> Tender:
    return get_object_or_404(
        Tender.objects.prefetch_related(_lots()),
        public_id=public_id,
    )


def _lots() -> Prefetch:
    requirements = Requirement.objects.select_related("scheme").order_by("position", "id")
    return Prefetch(
        "lots",
        queryset=Lot.objects.order_by("position").prefetch_related(
            Prefetch("requirements", queryset=requirements)
        ),
    )


@require_safe
def tender(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A call for tenders as read, lot by lot, with a way to correct each before matching."""
    found = _tender(public_id)
    return render(
        request,
        "web/tenders/tender.html",
        {
            "tender": found,
            "lots": found.lots.all(),
            "can_edit": can_edit_tender(request.user, found),
            "closed": bool(found.deadline and found.deadline < timezone.now()),
        },
    )


def _lot(public_id: UUID, lot_id: str) -> Lot:
    return get_object_or_404(
        Lot.objects.select_related("tender"), tender__public_id=public_id, lot_id=lot_id
    )


@require_http_methods(["GET", "HEAD", "POST"])
def tender_lot_edit(request: HttpRequest, public_id: UUID, lot_id: str) -> HttpResponse:
    """The lot and its requirements in one form: what the notice said is rarely all it meant."""
    lot = _lot(public_id, lot_id)
    if not can_edit_tender(request.user, lot.tender):
        return _refuse(request)
    requirements = Requirement.objects.select_related("scheme").order_by("position", "id")
    if request.method == "POST":
        form = LotForm(request.POST, instance=lot, prefix="lot")
        formset = RequirementFormSet(
            request.POST, instance=lot, prefix="requirements", queryset=requirements
        )
        if form.is_valid() and formset.is_valid():
            with transaction.atomic():
                form.save()
                formset.save()
            return redirect("web:tender_lot", public_id=lot.tender.public_id, lot_id=lot.lot_id)
    else:
        form = LotForm(instance=lot, prefix="lot")
        formset = RequirementFormSet(instance=lot, prefix="requirements", queryset=requirements)
    return render(
        request,
        "web/tenders/lot_edit.html",
        {"lot": lot, "tender": lot.tender, "form": form, "formset": formset},
        status=400 if form.is_bound else 200,  # a valid form has redirected
    )


# Matching and teams ------------------------------------------------------------------------


@dataclass
class Capacity:
    """A capacity as the team adds it up (lead and co-contractors), against the lot's minimum."""

    kind: str
    label: str
    total: str
    required: str  # "" when the lot sets no minimum
    met: bool | None  # None when the lot sets no minimum
    short: str = ""
    unknown: list[str] = field(default_factory=list)  # counted members whose figure is unknown


@dataclass
class TeamMemberView:
    member: TeamMember
    match: MemberMatch
    answers: list[str]  # labels of the requirements it answers for the team

    @property
    def is_lead(self) -> bool:
        return self.member.role == Role.LEAD


@dataclass
class TeamView:
    rank: int
    proposed: ProposedTeam
    members: list[TeamMemberView]
    capacities: list[Capacity]
    missing: list[str]  # labels of the mandatory requirements nobody in the team answers

    @property
    def matrix(self) -> list[tuple[Requirement, list[tuple[TeamMemberView, Cell]]]]:
        """Rows are requirements, columns the members: each cell beside whom it is about."""
        return [
            (requirement, list(zip(self.members, cells, strict=True)))
            for requirement, cells in self.proposed.rows
        ]

    @property
    def has_lead(self) -> bool:
        return any(member.is_lead for member in self.members)


@dataclass
class LotView:
    """Everything a lot's page shows: ranked members, gaps, proposed teams and how."""

    lot: Lot
    teams: LotTeams
    members: list[MemberMatch]
    team_views: list[TeamView]
    by_hand: list[Requirement]

    @property
    def matches(self):
        return self.teams.matches

    @property
    def gaps(self) -> list[Requirement]:
        return self.teams.matches.gaps

    @property
    def closest_only(self) -> bool:
        """No team meets every condition: the ones shown are the closest."""
        return bool(self.team_views) and not self.team_views[0].proposed.team.feasible

    @property
    def fewer_teams(self) -> bool:
        return 0 < len(self.team_views) < DEFAULT_TEAMS


def lot_view(lot: Lot, *, top: int = TOP_MEMBERS) -> LotView:
    """Matches every member once (the teams need them all) and shows the best `top` of those
    that cover at least one requirement: a member covering nothing is no lead to follow."""
    matches = match_lot(lot, limit=None)
    lot_teams = teams_for_lot(lot, matches=matches)
    covering = [m for m in matches.members if any(r.covered for r in m.scores.values())]
    return LotView(
        lot=lot,
        teams=lot_teams,
        members=covering[:top],
        team_views=[
            _team_view(rank, proposed, lot_teams)
            for rank, proposed in enumerate(lot_teams.teams, 1)
        ],
        by_hand=[r for r in matches.requirements if r.kind == RequirementKind.OTHER],
    )


def _team_view(rank: int, proposed: ProposedTeam, lot_teams: LotTeams) -> TeamView:
    labels = {r.key: r.display_label for r in lot_teams.matches.requirements}
    team = proposed.team
    problem = lot_teams.problem
    required = {
        "turnover": problem.min_turnover,
        "staff": problem.min_staff,
        "references": problem.min_references,
    }
    counted = [match for member, match in proposed.members if member.role != Role.SUBCONTRACTOR]
    capacities = []
    for kind, label in CAPACITIES.items():
        unknown = []
        if kind in ("turnover", "staff"):
            unknown = [m.member.name for m in counted if getattr(m.member, kind) is None]
        capacities.append(
            Capacity(
                kind=kind,
                label=str(label),
                total=_amount(kind, team.totals.get(kind, 0)),
                required=_amount(kind, required[kind]),
                met=team.thresholds_met.get(kind),
                short=_amount(kind, team.shortfall.get(kind)),
                unknown=unknown if required[kind] is not None else [],
            )
        )
    return TeamView(
        rank=rank,
        proposed=proposed,
        members=[
            TeamMemberView(member, match, [labels.get(key, key) for key in member.answers])
            for member, match in proposed.members
        ],
        capacities=capacities,
        missing=[labels.get(key, key) for key in team.missing],
    )


def _amount(kind: str, value: Decimal | int | None) -> str:
    if value is None:
        return ""
    if kind == "turnover":
        return euros(value)
    return str(value)


@require_safe
def tender_lot(request: HttpRequest, public_id: UUID, lot_id: str) -> HttpResponse:
    """Who in the cluster can answer a lot, requirement by requirement, and the best teams."""
    lot = _lot(public_id, lot_id)
    return render(
        request,
        "web/tenders/lot.html",
        {
            "lot": lot,
            "tender": lot.tender,
            "view": lot_view(lot),
            "can_edit": can_edit_tender(request.user, lot.tender),
        },
    )


# Exports -----------------------------------------------------------------------------------


def _all_teams(found: Tender) -> list[LotTeams]:
    return [teams_for_lot(lot) for lot in found.lots.all()]


@require_safe
def tender_teams_csv(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Every lot's teams and coverage matrix as one spreadsheet (UTF-8 with a byte order mark,
    so that Excel shows the accents)."""
    found = _tender(public_id)
    response = HttpResponse(
        "\ufeff" + teams_csv(found, _all_teams(found)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition(f"grappe-teams-{found.public_id}.csv")
    return response


@require_safe
def tender_teams_json(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The tender as read and every lot's teams, in the shape the API gives."""
    found = _tender(public_id)
    response = JsonResponse(
        {"tender": tender_as_dict(found), "lots": [teams_as_dict(t) for t in _all_teams(found)]},
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Disposition"] = content_disposition(f"grappe-teams-{found.public_id}.json")
    return response


@require_safe
def tender_print(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """All lots, their best members and teams on one page made for paper: no navigation, and
    the evidence written out, since a printed page has nothing to unfold."""
    found = _tender(public_id)
    return render(
        request,
        "web/tenders/print.html",
        {
            "tender": found,
            "lot_views": [lot_view(lot, top=PRINTED_MEMBERS) for lot in found.lots.all()],
            "printed_at": timezone.now(),
        },
    )


# Watches -----------------------------------------------------------------------------------


def _watches(organisation: Organisation) -> QuerySet[Watch]:
    return organisation.tender_watches.order_by("name", "pk")


@require_http_methods(["GET", "HEAD", "POST"])
def tender_watch(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's watches and the open calls for tenders they catch, with why; the form
    adds a watch."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not can_view_watches(request.user, organisation):
        return _refuse(request)
    allowed = can_edit_watches(request.user, organisation)
    form = WatchForm(prefix="watch") if allowed else None
    if request.method == "POST":
        if not allowed:
            return _refuse(request)
        form = WatchForm(request.POST, prefix="watch", instance=Watch(organisation=organisation))
        if form.is_valid():
            form.save()
            return redirect("web:tender_watch", slug=organisation.slug)
    watches = list(_watches(organisation))
    return render(
        request,
        "web/tenders/watch.html",
        {
            "organisation": organisation,
            "watches": watches,
            "caught": caught_by(watches),
            "form": form,
            "can_edit": allowed,
        },
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def tender_watch_edit(request: HttpRequest, slug: str, watch_id: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    watch = get_object_or_404(Watch, pk=watch_id, organisation=organisation)
    if not can_edit_watches(request.user, organisation):
        return _refuse(request)
    if request.method == "POST":
        form = WatchForm(request.POST, prefix="watch", instance=watch)
        if form.is_valid():
            form.save()
            return redirect("web:tender_watch", slug=organisation.slug)
    else:
        form = WatchForm(prefix="watch", instance=watch)
    return render(
        request,
        "web/tenders/watch_edit.html",
        {"organisation": organisation, "watch": watch, "form": form},
        status=400 if form.is_bound else 200,  # a valid form has redirected
    )


@require_POST
def tender_watch_delete(request: HttpRequest, slug: str, watch_id: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not can_edit_watches(request.user, organisation):
        return _refuse(request, reverse("web:tender_watch", kwargs={"slug": slug}))
    deleted, _rows = Watch.objects.filter(pk=watch_id, organisation=organisation).delete()
    if not deleted:
        raise Http404("No such watch.")
    return redirect("web:tender_watch", slug=organisation.slug)
