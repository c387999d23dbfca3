"""The needs pages: the board with its facets, posting a need (after seeing similar ones), a
need's page (who needs it too, the pooled budget, the answers compared, the decisions), the
team the tenders engine suggests, following software, categories and départements, and the
dashboard's needs section.

Views only deliver: who may do what is grappe.needs.rules', every write is a
grappe.needs.services function, which refuses with PermissionDenied (a 403 page) or `Invalid`
(the form shows it beside its field). A need's page and its budget are public, but what each
viewer sees of the pledges (amounts, names) is what the rules allow them. Every write is a POST
behind Django's CSRF check; an object that is not the need's, or a pledge the user may not
withdraw, answers 404 as if it did not exist.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from grappe.accounts.permissions import AnyUser, member_organisation_ids
from grappe.directory.models import Category, Organisation, Software
from grappe.directory.places import DEPARTEMENTS, departement_label
from grappe.needs import rules, services
from grappe.needs.models import (
    Answer,
    AnswerStatus,
    Follow,
    Need,
    NeedKind,
    NeedStatus,
    Pledge,
)
from grappe.web.needs_forms import (
    AnswerForm,
    DeliverForm,
    FollowForm,
    MergeForm,
    NeedForm,
    PledgeForm,
)
from grappe.web.searching import ActiveFilter, FacetBlock, FacetLink

NEEDS_PER_PAGE = 25
TOP_SOFTWARE = 15
SIMILAR_SHOWN = 5
DASHBOARD_ROWS = 20
# How far back the dashboard looks for new needs in what one follows.
FOLLOWED_DAYS = 60

# Budget ranges of the board: (key, label, low, high); the budget is the one the viewer sees.
BUDGETS = (
    ("none", gettext_lazy("No amount shown"), None, Decimal("0.01")),
    ("under-10k", gettext_lazy("Under €10,000"), Decimal("0.01"), Decimal("10000")),
    ("10k-50k", gettext_lazy("€10,000 to €50,000"), Decimal("10000"), Decimal("50000")),
    ("50k-200k", gettext_lazy("€50,000 to €200,000"), Decimal("50000"), Decimal("200000")),
    ("over-200k", gettext_lazy("€200,000 or more"), Decimal("200000"), None),
)
BUDGET_KEYS = {key for key, *_rest in BUDGETS}
FILTERS = ("software", "category", "kind", "departement", "status", "budget")
FACET_TITLES = {
    "status": gettext_lazy("Status"),
    "kind": gettext_lazy("Kind of need"),
    "software": gettext_lazy("Software"),
    "category": gettext_lazy("Category"),
    "departement": gettext_lazy("Département"),
    "budget": gettext_lazy("Pooled budget"),
}
MAX_QUERY = 200


# The board -----------------------------------------------------------------------------------


@dataclass
class BoardNeed:
    """A need on the board, with its budget as this viewer sees it."""

    need: Need
    budget: Decimal
    hidden: int
    joined: int
    answers: int

    @property
    def budget_key(self) -> str:
        for key, _label, low, high in BUDGETS:
            if (low is None or self.budget >= low) and (high is None or self.budget < high):
                return key
        return ""


def board_url(query: dict[str, str], route: str = "web:needs") -> str:
    kept = {name: value for name, value in query.items() if value}
    return reverse(route) + (f"?{urlencode(kept)}" if kept else "")


def _board_filters(request: HttpRequest) -> dict[str, str]:
    """The board's filters from the address; values it does not know are left out rather than
    failing the page (a link may be old)."""
    get = request.GET
    chosen = {
        "q": " ".join((get.get("q") or "").split())[:MAX_QUERY],
        "software": (get.get("software") or "")[:120],
        "category": (get.get("category") or "")[:80],
        "kind": get.get("kind") if get.get("kind") in NeedKind.values else "",
        "departement": get.get("departement") if get.get("departement") in DEPARTEMENTS else "",
        "status": get.get("status")
        if get.get("status") in NeedStatus.values and get.get("status") != NeedStatus.MERGED
        else "",
        "budget": get.get("budget") if get.get("budget") in BUDGET_KEYS else "",
    }
    return chosen


def _value_of(item: BoardNeed, name: str) -> str:
    need = item.need
    if name == "software":
        return need.software.slug if need.software else ""
    if name == "category":
        return need.category.slug if need.category else ""
    if name == "budget":
        return item.budget_key
    return getattr(need, name)


def _matches(item: BoardNeed, filters: dict[str, str], skip: str = "") -> bool:
    return all(
        _value_of(item, name) == filters[name]
        for name in FILTERS
        if name != skip and filters.get(name)
    )


def _board_needs(user: AnyUser, q: str) -> list[BoardNeed]:
    """Every need of the board (merged ones lead to another: not listed), each with its budget
    as the viewer sees it. Budgets depend on the viewer, so the facets are counted here rather
    than by the database: a cluster's needs are hundreds, read in two queries."""
    needs = (
        Need.objects.exclude(status=NeedStatus.MERGED)
        .select_related("software", "category", "organisation")
        .prefetch_related(
            Prefetch("pledges", queryset=Pledge.objects.select_related("organisation"))
        )
        .annotate(
            answers_count=Count(
                "answers", filter=~Q(answers__status=AnswerStatus.WITHDRAWN), distinct=True
            )
        )
        .order_by("-last_activity_at", "-id")
    )
    if q:
        needs = needs.filter(Q(title__icontains=q) | Q(description__icontains=q))
    board = []
    for need in needs:
        budget, hidden = services.pooled_budget(user, need)
        board.append(
            BoardNeed(
                need=need,
                budget=budget,
                hidden=hidden,
                joined=len(need.pledges.all()),
                answers=need.answers_count,
            )
        )
    return board


def _labels(board: Iterable[BoardNeed], name: str) -> dict[str, str]:
    if name == "kind":
        return {value: str(label) for value, label in NeedKind.choices}
    if name == "status":
        return {value: str(label) for value, label in NeedStatus.choices}
    if name == "budget":
        return {key: str(label) for key, label, *_bounds in BUDGETS}
    if name == "departement":
        return {code: departement_label(code) for code in DEPARTEMENTS}
    if name == "software":
        return {i.need.software.slug: i.need.software.name for i in board if i.need.software}
    return {i.need.category.slug: i.need.category.name for i in board if i.need.category}


def _facets(board: list[BoardNeed], filters: dict[str, str]) -> list[FacetBlock]:
    """Each facet counted over the needs the other filters keep, as the search page does; a
    link adds its value, or removes it when it is the one chosen."""
    facets = []
    for name in ("status", "kind", "software", "category", "departement", "budget"):
        kept = [item for item in board if _matches(item, filters, skip=name)]
        counts = Counter(_value_of(item, name) for item in kept)
        counts.pop("", None)
        labels = _labels(board, name)
        if name in ("kind", "status", "budget"):
            order = [value for value in labels if value in counts]
        else:
            order = [value for value, _n in counts.most_common()]
            if name == "software":
                order = order[:TOP_SOFTWARE]
        if filters[name] and filters[name] not in order and filters[name] in labels:
            order.append(filters[name])
        links = []
        for value in order:
            selected = filters[name] == value
            query = {**filters, name: "" if selected else value}
            links.append(
                FacetLink(
                    labels.get(value, value), counts.get(value, 0), board_url(query), selected
                )
            )
        if links:
            facets.append(FacetBlock(name, str(FACET_TITLES[name]), links))
    return facets


def _active_filters(board: list[BoardNeed], filters: dict[str, str]) -> list[ActiveFilter]:
    active = []
    for name in FILTERS:
        value = filters[name]
        if value:
            label = _labels(board, name).get(value, value)
            if name == "software" and value not in _labels(board, name):
                software = Software.objects.filter(slug=value).only("name").first()
                label = software.name if software else value
            active.append(
                ActiveFilter(name, str(FACET_TITLES[name]), label, board_url({**filters, name: ""}))
            )
    return active


@dataclass(frozen=True)
class FollowTarget:
    """Something a visitor may follow from a page: its fields and whether they already do."""

    label: str
    field: str
    value: str
    followed: bool
    feed_url: str


def follow_targets(
    user: AnyUser,
    *,
    software: Software | None = None,
    category: Category | None = None,
    departement: str = "",
) -> list[FollowTarget]:
    """The follow buttons and feeds of a page: one per software, category or département."""
    follows = set()
    if rules.may_follow(user):
        follows = {
            (f.software_id, f.category_id, f.departement)
            for f in Follow.objects.filter(user=user).only("software", "category", "departement")
        }
    targets = []
    if software is not None:
        targets.append(
            FollowTarget(
                _("needs for %(name)s") % {"name": software.name},
                "software",
                software.slug,
                (software.pk, None, "") in follows,
                reverse("web:needs_software_feed", kwargs={"software": software.slug}),
            )
        )
    if category is not None:
        targets.append(
            FollowTarget(
                _("needs in the category %(name)s") % {"name": category.name},
                "category",
                category.slug,
                (None, category.pk, "") in follows,
                reverse("web:needs_category_feed", kwargs={"category": category.slug}),
            )
        )
    if departement:
        targets.append(
            FollowTarget(
                _("needs in %(departement)s") % {"departement": departement_label(departement)},
                "departement",
                departement,
                (None, None, departement) in follows,
                reverse("web:needs_departement_feed", kwargs={"departement": departement}),
            )
        )
    return targets


@require_safe
def board(request: HttpRequest) -> HttpResponse:
    """The needs of the cluster, latest activity first, with facets as links (no JavaScript)."""
    filters = _board_filters(request)
    everything = _board_needs(request.user, filters["q"])
    shown = [item for item in everything if _matches(item, filters)]
    page = Paginator(shown, NEEDS_PER_PAGE).get_page(request.GET.get("page"))
    software = (
        Software.objects.filter(slug=filters["software"]).first() if filters["software"] else None
    )
    category = (
        Category.objects.filter(slug=filters["category"]).first() if filters["category"] else None
    )
    targets = follow_targets(
        request.user, software=software, category=category, departement=filters["departement"]
    )
    return render(
        request,
        "web/needs/board.html",
        {
            "page": page,
            "filters": filters,
            "count": len(shown),
            "facets": _facets(everything, filters),
            "active_filters": _active_filters(everything, filters),
            "clear_filters_url": board_url({"q": filters["q"]}),
            "hidden_filters": [(n, filters[n]) for n in FILTERS if filters[n]],
            "page_urls": _page_urls(page, filters),
            "follow_targets": targets,
            "may_follow": rules.may_follow(request.user),
            "may_post": rules.may_post(request.user),
            "here": request.get_full_path(),
        },
    )


def _page_urls(page, filters: dict[str, str]) -> dict[str, str]:
    urls = {}
    if page.has_previous():
        urls["previous"] = board_url({**filters, "page": str(page.previous_page_number())})
    if page.has_next():
        urls["next"] = board_url({**filters, "page": str(page.next_page_number())})
    return urls


# Posting a need ------------------------------------------------------------------------------


def _form_errors_from(form: Form, error: services.Invalid) -> None:
    """A service's refusal shown beside the field it names (the form's top when none)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new_need(request: HttpRequest) -> HttpResponse:
    """The form; a first POST ("preview") shows the need as it will read and the open needs
    like it, each with a way to join it instead; a second POST ("post") posts it."""
    user = request.user
    if not rules.may_post(user):
        return render(request, "web/needs/new.html", {"may_post": False}, status=403)
    similar: list[Need] | None = None
    if request.method == "POST":
        form = NeedForm(request.POST, user=user)
        if form.is_valid():
            if request.POST.get("action") == "post":
                try:
                    need = services.post_need(user, **form.service_arguments())
                except services.Invalid as error:
                    _form_errors_from(form, error)
                else:
                    messages.success(request, _("Your need is posted."))
                    return redirect(need)
            else:
                data = form.cleaned_data
                similar = services.similar_needs(
                    f"{data['title']}\n{data['description']}",
                    software=data["software"],
                    limit=SIMILAR_SHOWN,
                )
    else:
        initial = {}
        software = Software.objects.filter(slug=request.GET.get("software", "")[:120]).first()
        if software is not None:
            initial["software"] = software.name
        if request.GET.get("kind") in NeedKind.values:
            initial["kind"] = request.GET["kind"]
        form = NeedForm(initial=initial, user=user)
    previewing = similar is not None
    return render(
        request,
        "web/needs/new.html",
        {
            "may_post": True,
            "form": form,
            "previewing": previewing,
            "similar": similar or [],
            "preview": form.cleaned_data if previewing else None,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# A need's page -------------------------------------------------------------------------------


def _needs_with_pledges() -> QuerySet[Need]:
    return Need.objects.select_related(
        "software", "category", "organisation", "created_by", "merged_into", "chosen_answer"
    ).prefetch_related(
        Prefetch("pledges", queryset=Pledge.objects.select_related("organisation", "user"))
    )


def _need(public_id: UUID) -> Need:
    return get_object_or_404(_needs_with_pledges(), public_id=public_id)


@dataclass(frozen=True)
class TimelineEvent:
    when: datetime
    text: str
    status: str = ""


def timeline(
    need: Need, shown: list[services.ShownPledge], answers: list[Answer]
) -> list[TimelineEvent]:
    """What happened to the need, oldest first, with names only where the viewer may see them."""
    events = [TimelineEvent(need.created_at, _("Posted"), "open")]
    for item in shown:
        if item.pledge.organisation_id != need.organisation_id:
            events.append(
                TimelineEvent(item.pledge.created_at, _("%(name)s joined") % {"name": item.label})
            )
    for answer in answers:
        events.append(
            TimelineEvent(
                answer.created_at,
                _("%(name)s answered") % {"name": answer.organisation.name},
            )
        )
    chosen = next((a for a in answers if a.status == AnswerStatus.CHOSEN), None)
    if chosen is not None:
        events.append(
            TimelineEvent(
                chosen.updated_at,
                _("The answer of %(name)s was chosen: the need is funded")
                % {"name": chosen.organisation.name},
                "funded",
            )
        )
    if need.delivered_at:
        events.append(TimelineEvent(need.delivered_at, _("Delivered"), "delivered"))
    if need.status == NeedStatus.ARCHIVED:
        events.append(
            TimelineEvent(
                need.updated_at, _("Archived after six months without activity"), "archived"
            )
        )
    return sorted(events, key=lambda event: event.when)


@dataclass
class MyPledge:
    """One of my organisations' pledges, with the form that changes it."""

    pledge: Pledge
    form: PledgeForm
    may_leave: bool


def _pledge_form(request: HttpRequest, pledge: Pledge) -> PledgeForm:
    """The form that changes one of my organisations' pledges, with ids of its own."""
    return PledgeForm(
        user=request.user, pledge=pledge, auto_id=f"pledge-{pledge.organisation.slug}-%s"
    )


def need_page(
    request: HttpRequest,
    need: Need,
    *,
    forms: dict[str, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page of a need; a write whose form has errors shows it again with that form."""
    forms = forms or {}
    user = request.user
    shown = services.visible_pledges(user, need)
    budget, hidden = services.pooled_budget(user, need)
    answers = list(
        need.answers.exclude(status=AnswerStatus.WITHDRAWN)
        .select_related("organisation")
        .prefetch_related("partners")
        .order_by("created_at", "id")
    )
    mine = member_organisation_ids(user)
    my_pledges = []
    for pledge in need.pledges.all():
        if pledge.organisation_id in mine:
            form = forms.get(f"pledge-{pledge.organisation.slug}") or _pledge_form(request, pledge)
            my_pledges.append(MyPledge(pledge, form, rules.may_leave(user, pledge)))
    pledged = {pledge.organisation_id for pledge in need.pledges.all()}
    joinable = [pk for pk in mine if pk not in pledged] if need.is_open else []
    join_form = None
    if joinable:
        join_form = forms.get("join") or PledgeForm(
            user=user,
            auto_id="join-%s",
            organisations=Organisation.objects.filter(pk__in=joinable).order_by("name"),
        )
    answer_form = None
    if need.is_open and mine:
        answer_form = forms.get("answer") or AnswerForm(user=user, auto_id="answer-%s")
    may_choose = rules.may_choose(user, need)
    for answer in answers:
        answer.need = need  # the rules read it: no query per answer
    rows = [
        {
            "answer": answer,
            "may_choose": may_choose and answer.status == AnswerStatus.SUBMITTED,
            "may_withdraw": answer.organisation_id in mine
            and rules.may_withdraw_answer(user, answer),
        }
        for answer in answers
    ]
    context = {
        "need": need,
        "shown_pledges": shown,
        "joined": len(shown),
        "budget": budget,
        "hidden": hidden,
        "answers": rows,
        "decisions": any(row["may_choose"] or row["may_withdraw"] for row in rows),
        "my_pledges": my_pledges,
        "join_form": join_form,
        "answer_form": answer_form,
        "deliver_form": (forms.get("deliver") or DeliverForm(auto_id="deliver-%s"))
        if rules.may_deliver(user, need)
        else None,
        "merge_form": (forms.get("merge") or MergeForm(need=need, auto_id="merge-%s"))
        if rules.may_merge(user) and need.status in (NeedStatus.OPEN, NeedStatus.ARCHIVED)
        else None,
        "may_choose": may_choose,
        "may_reopen": rules.may_reopen(user, need),
        "is_decider": rules.is_decider(user, need),
        "timeline": timeline(need, shown, answers),
        "follow_targets": follow_targets(
            user, software=need.software, category=need.category, departement=need.departement
        ),
        "may_follow": rules.may_follow(user),
        "here": request.get_full_path(),
        "login_url": f"{reverse('web:login')}?{urlencode({'next': request.get_full_path()})}",
    }
    return render(request, "web/needs/need.html", context, status=status)


@require_safe
def need(request: HttpRequest, public_id: UUID) -> HttpResponse:
    found = _need(public_id)
    if found.status == NeedStatus.MERGED and found.merged_into is not None:
        return redirect(found.merged_into)
    return need_page(request, found)


def _posted_organisation(request: HttpRequest) -> Organisation:
    """The organisation a join or answer form names, by its slug; 404 when there is none."""
    slug = (request.POST.get("organisation") or "")[:120]
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404("No such organisation.")
    return organisation


def _refused(request: HttpRequest, need: Need, error: services.Invalid) -> HttpResponse:
    """A refusal that no field of the page can show (the need changed state meanwhile)."""
    messages.error(request, error.message)
    return redirect(need)


@login_required
@require_POST
def join(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Join the need for one of my organisations, or change its pledge."""
    need = _need(public_id)
    organisation = _posted_organisation(request)
    if not rules.may_pledge(request.user, need, organisation):
        raise PermissionDenied(_("Only members of an organisation may join a need for it."))
    existing = next((p for p in need.pledges.all() if p.organisation_id == organisation.pk), None)
    key = f"pledge-{organisation.slug}" if existing else "join"
    form = PledgeForm(
        request.POST,
        user=request.user,
        pledge=existing,
        auto_id=f"{key}-%s",
        organisations=Organisation.objects.filter(pk=organisation.pk),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.join(
                request.user,
                need,
                organisation,
                data["amount"],
                data["amount_visibility"],
                data["show_name"],
                data["constraints"].strip(),
            )
        except services.Invalid as error:
            if not error.field:
                return _refused(request, need, error)
            _form_errors_from(form, error)
        else:
            if existing:
                messages.success(
                    request, _("The pledge of %(name)s is changed.") % {"name": organisation.name}
                )
            else:
                messages.success(
                    request, _("%(name)s has joined the need.") % {"name": organisation.name}
                )
            return redirect(f"{need.get_absolute_url()}#coalition-title")
    return need_page(request, need, forms={key: form}, status=400)


@login_required
@require_POST
def leave(request: HttpRequest, public_id: UUID, organisation: str) -> HttpResponse:
    """Withdraw my organisation's pledge; a pledge the user may not withdraw does not exist."""
    need = _need(public_id)
    pledge = next((p for p in need.pledges.all() if p.organisation.slug == organisation), None)
    if pledge is None or not rules.may_leave(request.user, pledge):
        raise Http404("No such pledge.")
    name = pledge.organisation.name
    try:
        services.leave(request.user, pledge)
    except services.Invalid as error:
        return _refused(request, need, error)
    messages.success(request, _("%(name)s has left the need.") % {"name": name})
    return redirect(need)


@login_required
@require_POST
def answer(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A proposal for one of my organisations, alone or leading partners."""
    need = _need(public_id)
    organisation = _posted_organisation(request)
    if not rules.may_answer(request.user, need, organisation):
        raise PermissionDenied(_("Only members of an organisation may answer for it."))
    form = AnswerForm(
        request.POST,
        user=request.user,
        auto_id="answer-%s",
        organisations=Organisation.objects.filter(pk=organisation.pk),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.answer(
                request.user,
                need,
                organisation,
                scope=data["scope"],
                price=data["price"],
                duration_days=data["duration_days"],
                team=data["team"].strip(),
                partners=data["partners"],
            )
        except services.Invalid as error:
            if not error.field:
                return _refused(request, need, error)
            _form_errors_from(form, error)
        else:
            messages.success(
                request,
                _("The answer of %(name)s is sent to the coalition.") % {"name": organisation.name},
            )
            return redirect(f"{need.get_absolute_url()}#answers-title")
    return need_page(request, need, forms={"answer": form}, status=400)


def _answer_of(need: Need, answer_id: int) -> Answer:
    return get_object_or_404(
        Answer.objects.select_related("organisation", "need"), pk=answer_id, need=need
    )


@login_required
@require_POST
def withdraw_answer(request: HttpRequest, public_id: UUID, answer_id: int) -> HttpResponse:
    need = _need(public_id)
    found = _answer_of(need, answer_id)
    if not rules.speaks_for(request.user, found.organisation_id):
        raise Http404("No such answer of yours.")
    if not rules.may_withdraw_answer(request.user, found):
        raise PermissionDenied(_("This answer can no longer be withdrawn."))
    try:
        services.withdraw_answer(request.user, found)
    except services.Invalid as error:
        return _refused(request, need, error)
    messages.success(request, _("The answer is withdrawn."))
    return redirect(need)


@login_required
@require_POST
def choose(request: HttpRequest, public_id: UUID, answer_id: int) -> HttpResponse:
    """The coalition's decider chooses an answer: the need is funded."""
    need = _need(public_id)
    found = _answer_of(need, answer_id)
    if not rules.is_decider(request.user, need):
        raise PermissionDenied(_("Only the organisation that posted the need chooses an answer."))
    try:
        services.choose(request.user, need, found)
    except services.Invalid as error:
        return _refused(request, need, error)
    messages.success(
        request,
        _("The answer of %(name)s is chosen: the need is funded.")
        % {"name": found.organisation.name},
    )
    return redirect(need)


@login_required
@require_POST
def deliver(request: HttpRequest, public_id: UUID) -> HttpResponse:
    need = _need(public_id)
    if not rules.is_decider(request.user, need):
        raise PermissionDenied(_("Only the organisation that posted the need marks it delivered."))
    form = DeliverForm(request.POST, auto_id="deliver-%s")
    if form.is_valid():
        try:
            services.deliver(
                request.user,
                need,
                form.cleaned_data["released_code_url"],
                form.cleaned_data["note"],
            )
        except services.Invalid as error:
            if not error.field or error.field not in ("released_code_url", "note"):
                return _refused(request, need, error)
            _form_errors_from(form, error)
        else:
            messages.success(request, _("The need is delivered."))
            return redirect(need)
    if not rules.may_deliver(request.user, need):
        return _refused(
            request, need, services.Invalid("", _("Only a funded need can be delivered."))
        )
    return need_page(request, need, forms={"deliver": form}, status=400)


@login_required
@require_POST
def reopen(request: HttpRequest, public_id: UUID) -> HttpResponse:
    need = _need(public_id)
    if not rules.is_decider(request.user, need):
        raise PermissionDenied(_("Only the organisation that posted the need may reopen it."))
    try:
        services.reopen(request.user, need)
    except services.Invalid as error:
        return _refused(request, need, error)
    messages.success(request, _("The need is open again."))
    return redirect(need)


@login_required
@require_POST
def merge(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Curators: this need (absorbed) into another one (kept)."""
    if not rules.may_merge(request.user):
        raise PermissionDenied(_("Only curators merge needs."))
    need = _need(public_id)
    form = MergeForm(request.POST, need=need, auto_id="merge-%s")
    if form.is_valid():
        kept = form.cleaned_data["kept"]
        try:
            services.merge(request.user, kept, need)
        except services.Invalid as error:
            form.add_error("kept", error.message)
        else:
            messages.success(
                request,
                _("The need is merged into “%(title)s”, with its coalition.")
                % {"title": kept.title},
            )
            return redirect(kept)
    return need_page(request, need, forms={"merge": form}, status=400)


# The suggested team --------------------------------------------------------------------------


@require_safe
def team(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The consortium the calls for tenders engine would propose for the need, read as a one-lot
    call for tenders: its own page, since matching every member takes a moment."""
    found = _need(public_id)
    if found.status == NeedStatus.MERGED and found.merged_into is not None:
        return redirect("web:need_team", public_id=found.merged_into.public_id)
    return render(
        request, "web/needs/team.html", {"need": found, "suggestion": services.suggest_team(found)}
    )


# Following -----------------------------------------------------------------------------------


def _back(request: HttpRequest) -> str:
    """Back to the page the button was on, if it is one of ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("web:needs")


def _follow_action(request: HttpRequest, action: Callable[..., Any], done: str) -> HttpResponse:
    form = FollowForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()) or _("Nothing to follow."))
        return redirect(_back(request))
    target = form.target()
    if any(value is None for value in target.values()):
        raise Http404("Nothing of that name to follow.")
    try:
        action(request.user, **target)
    except services.Invalid as error:
        messages.error(request, error.message)
    else:
        value = next(iter(target.values()))
        name = value.name if hasattr(value, "name") else departement_label(value)
        messages.success(request, done % {"name": name})
    return redirect(_back(request))


@login_required
@require_POST
def follow(request: HttpRequest) -> HttpResponse:
    return _follow_action(
        request,
        services.follow,
        _("You will hear of new needs for %(name)s, by e-mail and on your dashboard."),
    )


@login_required
@require_POST
def unfollow(request: HttpRequest) -> HttpResponse:
    return _follow_action(
        request, services.unfollow, _("You no longer follow the needs for %(name)s.")
    )


# The dashboard's section ---------------------------------------------------------------------


def dashboard_needs(user: AnyUser) -> dict[str, Any]:
    """The needs section of the member's dashboard: my needs, the needs my organisations joined,
    my organisations' answers, and new needs in what I follow; a fixed number of queries."""
    mine = member_organisation_ids(user)
    live = Need.objects.exclude(status=NeedStatus.MERGED).select_related("software")
    posted = list(live.filter(created_by=user).order_by("-last_activity_at")[:DASHBOARD_ROWS])
    joined = list(
        live.filter(pledges__organisation__in=mine)
        .exclude(created_by=user)
        .distinct()
        .order_by("-last_activity_at")[:DASHBOARD_ROWS]
    )
    answers = list(
        Answer.objects.filter(organisation__in=mine)
        .select_related("need", "organisation")
        .order_by("-created_at")[:DASHBOARD_ROWS]
    )
    follows = list(services.follows_of(user))
    since = timezone.now() - timedelta(days=FOLLOWED_DAYS)
    followed = (
        list(
            services.followed_needs(user)
            .filter(created_at__gte=since)
            .exclude(created_by=user)
            .select_related("software")[:DASHBOARD_ROWS]
        )
        if follows
        else []
    )
    return {
        "posted": posted,
        "joined": joined,
        "answers": answers,
        "follows": follows,
        "followed": followed,
        "may_post": rules.may_post(user),
    }
