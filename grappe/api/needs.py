"""Coalitions of need: read the board and a need, post one, join it, answer it, decide.

Everything goes through grappe.needs.services, which asks grappe.needs.rules: the API decides
nothing on its own, so it allows exactly what the pages allow. Reading is public; what a reader
sees of the pledges depends on who they are, so reading also accepts credentials (an API token,
HTTP Basic or the site's session), and without them answers as to a visitor: an amount appears
only where its visibility lets this reader see it, the budget is the sum of what they see plus
the count of what they do not, and an organisation that asked not to be named is “an
organisation” to those outside the coalition.

Writes need an account; an API token needs the scope "needs:write". A refusal by the rules is a
403 saying why (the need is public: there is nothing to hide by a 404), a value refused a 400
naming its field, an unknown need, answer or pledge a 404.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from urllib.parse import urlencode
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from pydantic import AfterValidator

from grappe.accounts.models import TokenScope
from grappe.accounts.permissions import member_organisation_ids
from grappe.api import queries
from grappe.api.auth import BasicAuth, Caller, SessionAuth, TokenAuth, account, challenge
from grappe.api.params import Departement, PageParameters, Parameters, Slug, printable
from grappe.api.profiles import json_only
from grappe.api.schemas import DeniedOut, ErrorOut, NotFoundOut
from grappe.directory.models import Category, Organisation, Software
from grappe.needs import rules, services
from grappe.needs.models import (
    Answer,
    AnswerStatus,
    Need,
    NeedKind,
    NeedStatus,
    Pledge,
    Visibility,
)
from grappe.needs.services import Invalid

router = Router(tags=["needs"])

NEEDS_WRITE = TokenScope.NEEDS_WRITE.value
MAX_BUDGET = Decimal("10000000000")

KindValue = Literal[tuple(NeedKind.values)]  # type: ignore[valid-type]
StatusValue = Literal[tuple(NeedStatus.values)]  # type: ignore[valid-type]
VisibilityValue = Literal[tuple(Visibility.values)]  # type: ignore[valid-type]
Text = Annotated[str, AfterValidator(lambda value: value.replace("\x00", "\ufffd"))]
# An amount in euros, as a number or a string ("15000.50", "15 000,50"); checked by the
# services, so that every refusal names the field the same way the pages do.
AmountIn = Annotated[
    str | int | float | None,
    Field(description="Euros: more than 0, at most 10,000,000, to the cent; null for none."),
]
NeedId = Annotated[str, Path(description="The need's `id`, a UUID.")]


def anonymous(request: HttpRequest) -> Caller:
    """Last for reading: nobody was recognised, so the reader is a visitor."""
    return Caller(AnonymousUser(), frozenset(), "anonymous")


def reader() -> list:
    """Reading: credentials if sent (wrong ones are refused), else a visitor."""
    return [TokenAuth(), BasicAuth(), SessionAuth(), anonymous]


# What comes in.


class NeedFilters(PageParameters):
    software: Slug | None = Field(None, description="Software slug.")
    kind: KindValue | None = None
    departement: Departement | None = Field(None, description="Département code: 33, 2A, 974.")
    status: StatusValue | None = Field(
        None, description="open (the default board), funded, delivered, archived or merged."
    )
    budget_min: Decimal | None = Field(
        None,
        ge=0,
        le=MAX_BUDGET,
        description="Needs whose pooled budget, as you may see it, is at least this (EUR).",
    )
    q: Annotated[str, AfterValidator(printable)] = Field(
        "", max_length=200, description="Words of the title or description."
    )


class NeedIn(Schema):
    organisation: Slug | None = Field(
        None, description="The organisation it is posted for (you must be a member); none: you."
    )
    title: Text = Field(max_length=200)
    description: Text = Field(max_length=20_000, description="Markdown.")
    kind: KindValue
    software: Slug | None = Field(None, description="Software slug.")
    category: Slug | None = Field(None, description="Category slug.")
    departement: Departement | None = Field(
        None, description="Where it is needed; by default the organisation's."
    )
    deadline: date | None = None
    amount: AmountIn = None
    amount_visibility: VisibilityValue = Visibility.COALITION.value
    show_name: bool = True
    constraints: Text = Field("", max_length=2000)


class PledgeIn(Schema):
    organisation: Slug = Field(description="The organisation joining (you must be a member).")
    amount: AmountIn = None
    amount_visibility: VisibilityValue = Field(
        Visibility.COALITION.value,
        description="Who sees the amount: public (everyone), coalition (the organisations "
        "that joined, the decider and curators) or curators (curators and your organisation).",
    )
    show_name: bool = Field(True, description="false: “an organisation” to the public.")
    constraints: Text = Field("", max_length=2000)


class AnswerIn(Schema):
    organisation: Slug = Field(description="The company answering, or the consortium's lead.")
    partners: list[Slug] = Field([], max_length=20, description="Co-contractors' slugs.")
    scope: Text = Field(max_length=20_000, description="What you will do.")
    price: AmountIn
    duration_days: int | str = Field(description="From 1 to 3650.")
    team: Text = Field("", max_length=5000, description="Who works on it.")


class DeliveredIn(Schema):
    released_code_url: str = Field(
        "",
        max_length=500,
        description="https:// address of the code released (required for features and modules).",
    )
    note: Text = Field("", max_length=5000)


# What goes out.


class RefOut(Schema):
    slug: str
    name: str
    url: str


class PledgeOut(Schema):
    organisation: RefOut | None = Field(description="null when its name is not shown to you.")
    name: str = Field(description="Its name, or “an organisation”.")
    amount: str | None = Field(description="EUR, as an exact decimal string; null: none or hidden.")
    amount_hidden: bool = Field(description="true: an amount was pledged that you may not see.")
    amount_visibility: str | None = Field(description="Shown to the pledge's own members.")
    constraints: str
    mine: bool = Field(description="Pledged by an organisation you are a member of.")
    created_at: datetime


class AnswerOut(Schema):
    id: int
    organisation: RefOut
    partners: list[RefOut]
    scope: str
    price: str
    duration_days: int
    team: str
    status: str
    status_label: str
    created_at: datetime


class BudgetOut(Schema):
    total: str = Field(description="The sum of the amounts you may see (EUR).")
    undisclosed: int = Field(description="How many pledged amounts you may not see.")


class NeedSummaryOut(Schema):
    id: UUID
    url: str
    title: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    software: RefOut | None
    category: RefOut | None
    departement: str
    organisation: RefOut | None = Field(description="Posted for; null: posted by a person.")
    deadline: date | None
    budget: BudgetOut
    joined: int = Field(description="How many organisations joined (the poster's included).")
    answer_count: int = Field(description="How many answers wait for a decision or were chosen.")
    created_at: datetime
    last_activity_at: datetime


class YouMayOut(Schema):
    join: bool
    answer: bool
    choose: bool
    deliver: bool
    reopen: bool


class NeedOut(NeedSummaryOut):
    description: str = Field(description="Markdown.")
    pledges: list[PledgeOut]
    answers: list[AnswerOut] = Field(description="Withdrawn answers left out.")
    chosen_answer: int | None
    merged_into: UUID | None
    delivered_at: datetime | None
    released_code_url: str
    delivery_note: str
    you_may: YouMayOut = Field(description="What the credentials sent allow on this need.")


class NeedPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[NeedSummaryOut]


class FieldErrorOut(ErrorOut):
    """A value refused: `parameter` names the field."""


READ = {400: ErrorOut, 401: DeniedOut, 404: NotFoundOut, 429: DeniedOut}
WRITE = {
    400: FieldErrorOut,
    401: DeniedOut,
    403: DeniedOut,
    404: NotFoundOut,
    415: DeniedOut,
    429: DeniedOut,
}


# How needs are shown.


def money(value: Decimal | None) -> str | None:
    """Exact, without trailing zeros of whole amounts: "20000", "1234.50"."""
    if value is None:
        return None
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def ref(entry: Organisation | Software | Category | None) -> dict[str, str] | None:
    if entry is None:
        return None
    if isinstance(entry, Category):  # no page of its own: the search for its software
        url = reverse("web:search") + "?" + urlencode({"category": entry.slug})
        return {"slug": entry.slug, "name": entry.name, "url": url}
    return {"slug": entry.slug, "name": entry.name, "url": entry.get_absolute_url()}


def summary(user, need: Need) -> dict[str, Any]:
    total, undisclosed = services.pooled_budget(user, need)
    return {
        "id": need.public_id,
        "url": need.get_absolute_url(),
        "title": need.title,
        "kind": need.kind,
        "kind_label": str(need.get_kind_display()),
        "status": need.status,
        "status_label": str(need.get_status_display()),
        "software": ref(need.software),
        "category": ref(need.category),
        "departement": need.departement,
        "organisation": ref(need.organisation),
        "deadline": need.deadline,
        "budget": {"total": money(total) or "0", "undisclosed": undisclosed},
        "joined": len(need.pledges.all()),
        "answer_count": sum(
            1
            for answer in need.answers.all()
            if answer.status in (AnswerStatus.SUBMITTED, AnswerStatus.CHOSEN)
        ),
        "created_at": need.created_at,
        "last_activity_at": need.last_activity_at,
    }


def detail(user, need: Need) -> dict[str, Any]:
    mine = member_organisation_ids(user)
    pledges = []
    for shown in services.visible_pledges(user, need):
        pledge = shown.pledge
        own = pledge.organisation_id in mine
        pledges.append(
            {
                "organisation": ref(pledge.organisation) if shown.name is not None else None,
                "name": shown.label,
                "amount": money(shown.amount),
                "amount_hidden": shown.amount_hidden,
                "amount_visibility": pledge.amount_visibility if own else None,
                "constraints": shown.constraints,
                "mine": own,
                "created_at": pledge.created_at,
            }
        )
    answers = [
        {
            "id": answer.pk,
            "organisation": ref(answer.organisation),
            "partners": [ref(partner) for partner in answer.partners.all()],
            "scope": answer.scope,
            "price": money(answer.price),
            "duration_days": answer.duration_days,
            "team": answer.team,
            "status": answer.status,
            "status_label": str(answer.get_status_display()),
            "created_at": answer.created_at,
        }
        for answer in need.answers.all()
        if answer.status != AnswerStatus.WITHDRAWN
    ]
    answering = need.is_open and (bool(mine) or rules.may_merge(user))
    return {
        **summary(user, need),
        "description": need.description,
        "pledges": pledges,
        "answers": answers,
        "chosen_answer": need.chosen_answer_id,
        "merged_into": need.merged_into.public_id if need.merged_into else None,
        "delivered_at": need.delivered_at,
        "released_code_url": need.released_code_url,
        "delivery_note": need.delivery_note,
        "you_may": {
            "join": answering,
            "answer": answering,
            "choose": rules.may_choose(user, need),
            "deliver": rules.may_deliver(user, need),
            "reopen": rules.may_reopen(user, need),
        },
    }


def needs_queryset() -> QuerySet[Need]:
    return Need.objects.select_related(
        "software", "category", "organisation", "merged_into"
    ).prefetch_related(
        Prefetch("pledges", Pledge.objects.select_related("organisation")),
        Prefetch(
            "answers",
            Answer.objects.select_related("organisation").prefetch_related("partners"),
        ),
    )


def need_or_404(need_id: str) -> Need:
    try:
        public_id = UUID(need_id)
    except ValueError:
        public_id = None
    need = needs_queryset().filter(public_id=public_id).first() if public_id else None
    if need is None:
        raise HttpError(404, _("No need with the id “%(id)s”.") % {"id": need_id[:100]})
    return need


def organisation_or_400(slug: str | None, parameter: str = "organisation") -> Organisation | None:
    if not slug:
        return None
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Invalid(parameter, _("No organisation “%(slug)s”.") % {"slug": slug})
    return organisation


def entry_or_400(model: type, slug: str | None, parameter: str):
    if not slug:
        return None
    entry = model.objects.filter(slug=slug).first()
    if entry is None:
        raise Invalid(parameter, _("No %(kind)s “%(slug)s”.") % {"kind": parameter, "slug": slug})
    return entry


def refused(error: Invalid | PermissionDenied) -> Status:
    if isinstance(error, PermissionDenied):
        message = str(error) or _("You may not do this.")
        return Status(403, {"detail": message})
    parameter = error.field
    detail = f"{parameter}: {error.message}" if parameter else error.message
    return Status(400, {"detail": detail, "parameter": parameter})


def fresh(user, need: Need) -> dict[str, Any]:
    return detail(user, need_or_404(str(need.public_id)))


# The operations.


@router.get("/needs", auth=reader(), response={200: NeedPage, **READ})
@decorate_view(challenge)
def list_needs(request: HttpRequest, filters: Query[NeedFilters]) -> dict[str, Any]:
    """The board: open needs by default, most recently active first, with the budget pooled
    as you may see it."""
    user = request.auth.user
    queryset = needs_queryset().filter(status=filters.status or NeedStatus.OPEN)
    queryset = queryset.order_by("-last_activity_at", "-id")
    if filters.software:
        queryset = queryset.filter(software__slug=filters.software)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.departement:
        queryset = queryset.filter(departement=filters.departement)
    for word in filters.q.split()[:10]:
        queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if filters.budget_min is None:
        found = queries.paginate(queryset, page=filters.page, page_size=filters.page_size)
        found["results"] = [summary(user, need) for need in found["results"]]
        return found
    # The budget a reader sees depends on them: filtered here, on what they may see.
    needs = [found.need for found in services.budget_between(user, queryset, filters.budget_min)]
    start = (filters.page - 1) * filters.page_size
    return {
        "count": len(needs),
        "page": filters.page,
        "page_size": filters.page_size,
        "results": [summary(user, need) for need in needs[start : start + filters.page_size]],
    }


@router.get("/needs/{need_id}", auth=reader(), response={200: NeedOut, **READ})
@decorate_view(challenge)
def get_need(request: HttpRequest, need_id: NeedId, params: Query[Parameters]) -> dict[str, Any]:
    """A need with who joined (as each chose to appear), the pooled budget as you may see it,
    the answers side by side, and what you may do. A merged need says which one it joined
    (`merged_into`)."""
    return detail(request.auth.user, need_or_404(need_id))


@router.post("/needs", auth=account(NEEDS_WRITE), response={201: NeedOut, **WRITE})
@decorate_view(challenge, json_only)
def post_need(
    request: HttpRequest, response: HttpResponse, need: NeedIn, params: Query[Parameters]
) -> Status:
    """Post a need, for an organisation you are a member of (its pledge is created with the
    budget given) or for yourself. Needs a confirmed e-mail address."""
    user = request.auth.user
    try:
        created = services.post_need(
            user,
            organisation=organisation_or_400(need.organisation),
            title=need.title,
            description=need.description,
            kind=need.kind,
            software=entry_or_400(Software, need.software, "software"),
            category=entry_or_400(Category, need.category, "category"),
            departement=need.departement or "",
            deadline=need.deadline,
            amount=need.amount,
            amount_visibility=need.amount_visibility,
            show_name=need.show_name,
            constraints=need.constraints,
        )
    except (Invalid, PermissionDenied) as error:
        return refused(error)
    response["Location"] = reverse("api:get_need", kwargs={"need_id": created.public_id})
    return Status(201, fresh(user, created))


@router.post(
    "/needs/{need_id}/pledges",
    auth=account(NEEDS_WRITE),
    response={200: NeedOut, 201: NeedOut, **WRITE},
)
@decorate_view(challenge, json_only)
def join_need(
    request: HttpRequest, need_id: NeedId, pledge: PledgeIn, params: Query[Parameters]
) -> Status:
    """Join a need for your organisation (201), or change its pledge (200): amount, who sees
    it, whether its name is shown, its constraints. Only while the need is open."""
    user = request.auth.user
    need = need_or_404(need_id)
    try:
        organisation = organisation_or_400(pledge.organisation)
        existed = need.pledges.filter(organisation=organisation).exists()
        services.join(
            user,
            need,
            organisation,
            amount=pledge.amount,
            amount_visibility=pledge.amount_visibility,
            show_name=pledge.show_name,
            constraints=pledge.constraints,
        )
    except (Invalid, PermissionDenied) as error:
        return refused(error)
    return Status(200 if existed else 201, fresh(user, need))


@router.delete(
    "/needs/{need_id}/pledges/{organisation_slug}",
    auth=account(NEEDS_WRITE),
    response={200: NeedOut, **WRITE},
)
@decorate_view(challenge)
def leave_need(
    request: HttpRequest, need_id: NeedId, organisation_slug: str, params: Query[Parameters]
) -> Status:
    """Withdraw your organisation's pledge (not the posting organisation's)."""
    user = request.auth.user
    need = need_or_404(need_id)
    pledge = (
        Pledge.objects.select_related("need", "organisation")
        .filter(need=need, organisation__slug=organisation_slug[:200])
        .first()
    )
    if pledge is None:
        raise HttpError(
            404,
            _("No pledge of “%(slug)s” on this need.") % {"slug": organisation_slug[:100]},
        )
    try:
        services.leave(user, pledge)
    except (Invalid, PermissionDenied) as error:
        return refused(error)
    return Status(200, fresh(user, need))


@router.post(
    "/needs/{need_id}/answers", auth=account(NEEDS_WRITE), response={201: NeedOut, **WRITE}
)
@decorate_view(challenge, json_only)
def answer_need(
    request: HttpRequest, need_id: NeedId, answer: AnswerIn, params: Query[Parameters]
) -> Status:
    """Answer a need for your company (or as the lead of a consortium, with `partners`): what
    you will do, the price, the duration, the team."""
    user = request.auth.user
    need = need_or_404(need_id)
    try:
        services.answer(
            user,
            need,
            organisation_or_400(answer.organisation),
            scope=answer.scope,
            price=answer.price,
            duration_days=answer.duration_days,
            team=answer.team,
            partners=answer.partners,
        )
    except (Invalid, PermissionDenied) as error:
        return refused(error)
    return Status(201, fresh(user, need))


@router.post(
    "/needs/{need_id}/answers/{int:answer_id}/choose",
    auth=account(NEEDS_WRITE),
    response={200: NeedOut, **WRITE},
)
@decorate_view(challenge)
def choose_answer(
    request: HttpRequest, need_id: NeedId, answer_id: int, params: Query[Parameters]
) -> Status:
    """Choose an answer, for the organisation that posted the need: the need is funded, the
    other answers declined, and the coalition and the answerers are told."""
    user = request.auth.user
    need = need_or_404(need_id)
    chosen = Answer.objects.filter(pk=answer_id, need=need).first()
    if chosen is None:
        raise HttpError(404, _("No answer %(id)s to this need.") % {"id": answer_id})
    try:
        services.choose(user, need, chosen)
    except (Invalid, PermissionDenied) as error:
        return refused(error)
    return Status(200, fresh(user, need))


@router.post(
    "/needs/{need_id}/delivered", auth=account(NEEDS_WRITE), response={200: NeedOut, **WRITE}
)
@decorate_view(challenge, json_only)
def deliver_need(
    request: HttpRequest, need_id: NeedId, delivered: DeliveredIn, params: Query[Parameters]
) -> Status:
    """Mark a funded need delivered, with the address of the code released (https) and a
    note, for the organisation that posted it."""
    user = request.auth.user
    need = need_or_404(need_id)
    try:
        services.deliver(user, need, delivered.released_code_url, delivered.note)
    except (Invalid, PermissionDenied) as error:
        return refused(error)
    return Status(200, fresh(user, need))
