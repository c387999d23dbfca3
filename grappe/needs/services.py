"""What happens to a need: posted, joined, answered, chosen, delivered, merged, archived.

Every write asks grappe.needs.rules first and raises PermissionDenied when it says no, or
`Invalid` (a ValueError naming the field) when a value or the need's state refuses it; pages and
the API turn these into their own answers. E-mails leave once the transaction commits
(grappe.needs.notifications). Reading what a viewer may see of the pledges is here too, so that
pages and the API show the same amounts. Similar needs and the suggested team are in
grappe/needs/similar.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grappe.accounts.permissions import AnyUser
from grappe.directory.models import Category, Organisation, Software
from grappe.directory.models.people import validate_known_departement
from grappe.needs import notifications, rules
from grappe.needs.models import (
    ARCHIVE_AFTER_DAYS,
    MAX_AMOUNT,
    MAX_DURATION_DAYS,
    Answer,
    AnswerStatus,
    Follow,
    Need,
    NeedKind,
    NeedStatus,
    Pledge,
    Visibility,
)
from grappe.needs.similar import similar_needs, suggest_team

__all__ = [
    "Invalid",
    "ShownPledge",
    "answer",
    "archive_inactive",
    "budget_between",
    "choose",
    "deliver",
    "follow",
    "join",
    "leave",
    "merge",
    "parse_amount",
    "pooled_budget",
    "post_need",
    "reopen",
    "similar_needs",
    "suggest_team",
    "unfollow",
    "visible_pledges",
    "withdraw_answer",
]

TITLE_LENGTH = 200
DESCRIPTION_LENGTH = 20_000
CONSTRAINTS_LENGTH = 2_000
SCOPE_LENGTH = 20_000
TEAM_LENGTH = 5_000
NOTE_LENGTH = 5_000
URL_LENGTH = 500
MAX_PARTNERS = 20
# Needs that write code: delivering one means pointing at the code released.
CODE_KINDS = (NeedKind.FEATURE, NeedKind.MODULE)
# What the name of a pledging organisation reads as for those who may not see it.
HIDDEN_NAME = gettext_lazy("an organisation")


class Invalid(ValueError):
    """A value or a state that refuses a write, with the field it is about ("" for none)."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(message)


# Values.


# Spaces people put between thousands, in either language, and the euro sign.
AMOUNT_NOISE = re.compile(r"[\s\u00a0\u202f€]|EUR", re.IGNORECASE)


def amount_text(value: object) -> str:
    """An amount as people type it in either language, as Decimal reads it: "12 000,50 €",
    "12,000.50", "1.500,50" and "12,5" all mean what their writer meant."""
    text = AMOUNT_NOISE.sub("", str(value))
    if "," in text and "." in text:  # the last separator is the decimal one
        thousands = "," if text.rindex(",") < text.rindex(".") else "."
        text = text.replace(thousands, "")
    elif text.count(",") == 1 and len(text.rsplit(",", 1)[1]) != 3:
        text = text.replace(",", ".")  # "12,5": a decimal comma
    elif text.count(",") >= 1:
        text = text.replace(",", "")  # "12,000": thousands
    return text


def parse_amount(value: object, field: str = "amount", *, required: bool = False) -> Decimal | None:
    """An amount in euros, as typed in a form ("15 000,50") or sent as JSON (15000.5): positive,
    at most 10,000,000, to the cent. Empty means none, unless required."""
    what = _("The price") if field == "price" else _("The amount")
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(field, _("%(what)s is required, in euros.") % {"what": what})
        return None
    if isinstance(value, bool):
        value = "not a number"
    if isinstance(value, float):
        value = repr(value)
    text = amount_text(value)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise Invalid(
            field,
            _("%(what)s must be a number of euros, such as 15000 or 15000.50.") % {"what": what},
        )
    if amount <= 0:
        raise Invalid(field, _("%(what)s must be more than 0 euros.") % {"what": what})
    if amount > MAX_AMOUNT:
        raise Invalid(field, _("%(what)s must be at most 10,000,000 euros.") % {"what": what})
    if amount != amount.quantize(Decimal("0.01")):
        raise Invalid(
            field, _("%(what)s is in euros and cents: two decimals at most.") % {"what": what}
        )
    return amount.quantize(Decimal("0.01"))


def _text(value: str | None, field: str, limit: int, *, required: bool = False) -> str:
    text = (value or "").strip()
    if "\x00" in text:
        raise Invalid(field, _("This text holds a NUL character."))
    if required and not text:
        raise Invalid(field, _("This field is required."))
    if len(text) > limit:
        raise Invalid(
            field,
            _("At most %(limit)s characters (it has %(count)s).")
            % {"limit": limit, "count": len(text)},
        )
    return text


def _choice(value: str, choices: type, field: str) -> str:
    if value not in choices.values:
        known = ", ".join(choices.values)
        raise Invalid(
            field,
            _("“%(value)s” is not one of: %(known)s.") % {"value": str(value)[:40], "known": known},
        )
    return value


def _departement(value: str | None) -> str:
    code = (value or "").strip().upper()
    if not code:
        return ""
    try:
        validate_known_departement(code)
    except ValidationError as error:
        raise Invalid("departement", " ".join(error.messages)) from None
    return code


def _duration(value: object) -> int:
    try:
        days = int(str(value).strip())
    except ValueError:
        days = None
    if days is None or isinstance(value, bool) or days < 1 or days > MAX_DURATION_DAYS:
        raise Invalid(
            "duration_days",
            _("The duration is a number of days, from 1 to %(most)s.")
            % {"most": MAX_DURATION_DAYS},
        )
    return days


def _code_url(value: str | None, *, required: bool) -> str:
    url = (value or "").strip()
    if not url:
        if required:
            raise Invalid(
                "released_code_url",
                _("Give the address of the code released (https://…): pooling pays for it."),
            )
        return ""
    if len(url) > URL_LENGTH or not url.lower().startswith("https://"):
        raise Invalid("released_code_url", _("The address of the code must start with https://."))
    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError:
        raise Invalid("released_code_url", _("This is not a web address.")) from None
    return url


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _bump(need: Need, when: datetime | None = None) -> None:
    need.last_activity_at = when or timezone.now()


def _locked(need: Need) -> Need:
    """The need read again under a row lock: two decisions at once do not both pass."""
    return Need.objects.select_for_update().get(pk=need.pk)


def _open(need: Need) -> None:
    if not need.is_open:
        raise Invalid(
            "",
            _("This need is %(status)s: it no longer takes pledges, answers or choices.")
            % {"status": need.get_status_display().lower()},
        )


# Posting and joining.


@transaction.atomic
def post_need(
    user: AnyUser,
    *,
    organisation: Organisation | None,
    title: str,
    description: str,
    kind: str,
    software: Software | None = None,
    category: Category | None = None,
    departement: str = "",
    deadline: date | None = None,
    amount: object = None,
    amount_visibility: str = Visibility.COALITION,
    show_name: bool = True,
    constraints: str = "",
) -> Need:
    """A new need, with the poster's organisation's pledge (its budget, if given) when posted
    for an organisation; its followers hear of it."""
    _require(rules.may_post(user), _("Confirm your e-mail address before posting a need."))
    _require(
        rules.may_post_for(user, organisation),
        _("You may post a need only for an organisation you are a member of."),
    )
    title = _text(title, "title", TITLE_LENGTH, required=True)
    description = _text(description, "description", DESCRIPTION_LENGTH, required=True)
    kind = _choice(kind, NeedKind, "kind")
    departement = _departement(departement) or (organisation.departement if organisation else "")
    if deadline is not None and deadline < timezone.localdate():
        raise Invalid("deadline", _("The deadline is already past."))
    if organisation is None and amount not in (None, ""):
        raise Invalid("amount", _("A budget is pledged for an organisation: choose one."))
    amount = parse_amount(amount)
    amount_visibility = _choice(amount_visibility, Visibility, "amount_visibility")
    constraints = _text(constraints, "constraints", CONSTRAINTS_LENGTH)
    need = Need.objects.create(
        title=title,
        description=description,
        kind=kind,
        software=software,
        category=category,
        departement=departement,
        organisation=organisation,
        created_by=user,
        deadline=deadline,
    )
    if organisation is not None:
        Pledge.objects.create(
            need=need,
            organisation=organisation,
            user=user,
            amount=amount,
            amount_visibility=amount_visibility,
            show_name=show_name,
            constraints=constraints,
        )
    transaction.on_commit(lambda: notifications.need_posted(need))
    return need


@transaction.atomic
def join(
    user: AnyUser,
    need: Need,
    organisation: Organisation | None,
    amount: object = None,
    amount_visibility: str = Visibility.COALITION,
    show_name: bool = True,
    constraints: str = "",
) -> Pledge:
    """“We need it too”: the organisation's pledge, created or, on a second join, edited."""
    _require(
        rules.speaks_for(user, organisation),
        _("Only members of an organisation may join a need for it."),
    )
    need = _locked(need)
    _open(need)
    amount = parse_amount(amount)
    amount_visibility = _choice(amount_visibility, Visibility, "amount_visibility")
    constraints = _text(constraints, "constraints", CONSTRAINTS_LENGTH)
    pledge, created = Pledge.objects.update_or_create(
        need=need,
        organisation=organisation,
        defaults={
            "user": user,
            "amount": amount,
            "amount_visibility": amount_visibility,
            "show_name": bool(show_name),
            "constraints": constraints,
        },
    )
    _bump(need)
    need.save(update_fields=["last_activity_at", "updated_at"])
    if created and organisation.pk != need.organisation_id:
        transaction.on_commit(lambda: notifications.need_joined(pledge))
    return pledge


@transaction.atomic
def leave(user: AnyUser, pledge: Pledge) -> None:
    """An organisation no longer in the coalition; the one that posted the need stays."""
    need = pledge.need
    _require(
        rules.speaks_for(user, pledge.organisation_id),
        _("Only members of the organisation may withdraw its pledge."),
    )
    if pledge.organisation_id == need.organisation_id:
        raise Invalid(
            "",
            _("The organisation that posted the need stays in its coalition; edit its pledge."),
        )
    _open(need)
    pledge.delete()


# Answering and deciding.


def _partners(
    partners: Iterable[Organisation | str | int], lead: Organisation
) -> list[Organisation]:
    """The co-contractors, which must all exist (given as organisations, slugs or ids)."""
    found: list[Organisation] = []
    for given in partners:
        if isinstance(given, Organisation):
            partner = given
        else:
            lookup = {"pk": given} if isinstance(given, int) else {"slug": str(given)[:200]}
            partner = Organisation.objects.filter(**lookup).first()
            if partner is None:
                raise Invalid(
                    "partners",
                    _("No organisation “%(partner)s” in the index.")
                    % {"partner": str(given)[:100]},
                )
        if partner.pk != lead.pk and partner not in found:
            found.append(partner)
    if len(found) > MAX_PARTNERS:
        raise Invalid("partners", _("At most %(count)s partners.") % {"count": MAX_PARTNERS})
    return found


@transaction.atomic
def answer(
    user: AnyUser,
    need: Need,
    organisation: Organisation | None,
    *,
    scope: str,
    price: object,
    duration_days: object,
    team: str = "",
    partners: Iterable[Organisation | str | int] = (),
) -> Answer:
    """A company's proposal (or a consortium's, led by `organisation`): one standing answer per
    organisation and need; withdraw it to answer again."""
    _require(
        rules.speaks_for(user, organisation),
        _("Only members of an organisation may answer for it."),
    )
    need = _locked(need)
    _open(need)
    scope = _text(scope, "scope", SCOPE_LENGTH, required=True)
    price = parse_amount(price, "price", required=True)
    duration_days = _duration(duration_days)
    team = _text(team, "team", TEAM_LENGTH)
    partners = _partners(partners, organisation)
    if need.answers.filter(organisation=organisation, status=AnswerStatus.SUBMITTED).exists():
        raise Invalid(
            "organisation",
            _("%(organisation)s already answered this need; withdraw that answer first.")
            % {"organisation": organisation.name},
        )
    created = Answer.objects.create(
        need=need,
        organisation=organisation,
        author=user,
        scope=scope,
        price=price,
        duration_days=duration_days,
        team=team,
    )
    created.partners.set(partners)
    _bump(need)
    need.save(update_fields=["last_activity_at", "updated_at"])
    transaction.on_commit(lambda: notifications.need_answered(created))
    return created


@transaction.atomic
def withdraw_answer(user: AnyUser, answer: Answer) -> Answer:
    _require(
        rules.speaks_for(user, answer.organisation_id),
        _("Only members of the answering organisation may withdraw its answer."),
    )
    if answer.status != AnswerStatus.SUBMITTED:
        raise Invalid("", _("This answer is no longer waiting for a decision."))
    _open(answer.need)
    answer.status = AnswerStatus.WITHDRAWN
    answer.save(update_fields=["status", "updated_at"])
    return answer


@transaction.atomic
def choose(user: AnyUser, need: Need, answer: Answer) -> Need:
    """The coalition's choice: the need is funded, the other answers declined, everyone told."""
    _require(
        rules.is_decider(user, need),
        _("Only the organisation that posted the need chooses an answer."),
    )
    need = _locked(need)
    _open(need)
    if answer.need_id != need.pk:
        raise Invalid("answer", _("This answer is not one of this need's."))
    answer = Answer.objects.select_for_update().get(pk=answer.pk)
    if answer.status != AnswerStatus.SUBMITTED:
        raise Invalid("answer", _("This answer was withdrawn or already decided."))
    now = timezone.now()
    answer.status = AnswerStatus.CHOSEN
    answer.save(update_fields=["status", "updated_at"])
    need.answers.filter(status=AnswerStatus.SUBMITTED).exclude(pk=answer.pk).update(
        status=AnswerStatus.DECLINED, updated_at=now
    )
    need.chosen_answer = answer
    need.status = NeedStatus.FUNDED
    _bump(need, now)
    need.save()
    transaction.on_commit(lambda: notifications.need_decided(need, "chosen", user))
    return need


@transaction.atomic
def deliver(user: AnyUser, need: Need, released_code_url: str = "", note: str = "") -> Need:
    """Done: the code released (required for features and modules) and a word on it."""
    _require(
        rules.is_decider(user, need),
        _("Only the organisation that posted the need marks it delivered."),
    )
    need = _locked(need)
    if need.status != NeedStatus.FUNDED:
        raise Invalid("", _("Only a funded need, whose answer was chosen, can be delivered."))
    need.released_code_url = _code_url(released_code_url, required=need.kind in CODE_KINDS)
    need.delivery_note = _text(note, "note", NOTE_LENGTH)
    need.status = NeedStatus.DELIVERED
    need.delivered_at = timezone.now()
    _bump(need, need.delivered_at)
    need.save()
    transaction.on_commit(lambda: notifications.need_decided(need, "delivered", user))
    return need


@transaction.atomic
def reopen(user: AnyUser, need: Need) -> Need:
    """An archived need back on the board, by its decider."""
    _require(
        rules.is_decider(user, need),
        _("Only the organisation that posted the need may reopen it."),
    )
    need = _locked(need)
    if need.status != NeedStatus.ARCHIVED:
        raise Invalid("", _("Only an archived need can be reopened."))
    need.status = NeedStatus.OPEN
    _bump(need)
    need.save()
    return need


# Curators.


@transaction.atomic
def merge(curator: AnyUser, kept: Need, absorbed: Need) -> Need:
    """Two needs that are one: the absorbed one's pledges (one per organisation: the kept
    need's pledge stays, taking the absorbed one's amount if it had none) and waiting answers
    move to the kept one; the absorbed need is marked merged and its page leads to the kept."""
    _require(rules.may_merge(curator), _("Only curators merge needs."))
    if kept.pk == absorbed.pk:
        raise Invalid("absorbed", _("A need cannot be merged into itself."))
    kept, absorbed = _locked(kept), _locked(absorbed)
    for need, field in ((kept, "kept"), (absorbed, "absorbed")):
        if need.status in (NeedStatus.MERGED, NeedStatus.FUNDED, NeedStatus.DELIVERED):
            raise Invalid(
                field,
                _("“%(title)s” is %(status)s: only open or archived needs are merged.")
                % {"title": need.title, "status": need.get_status_display().lower()},
            )
    already = {pledge.organisation_id: pledge for pledge in kept.pledges.all()}
    for pledge in list(absorbed.pledges.all()):
        existing = already.get(pledge.organisation_id)
        if existing is None:
            pledge.need = kept
            pledge.save(update_fields=["need", "updated_at"])
            continue
        if existing.amount is None and pledge.amount is not None:
            existing.amount = pledge.amount
            existing.amount_visibility = pledge.amount_visibility
        if pledge.constraints and pledge.constraints not in existing.constraints:
            existing.constraints = "\n\n".join(
                part for part in (existing.constraints, pledge.constraints) if part
            )[:CONSTRAINTS_LENGTH]
        existing.show_name = existing.show_name and pledge.show_name
        existing.save()
        pledge.delete()
    absorbed.answers.filter(status=AnswerStatus.SUBMITTED).update(need=kept)
    Need.objects.filter(merged_into=absorbed).update(merged_into=kept)
    now = timezone.now()
    absorbed.status = NeedStatus.MERGED
    absorbed.merged_into = kept
    absorbed.save()
    if kept.status == NeedStatus.ARCHIVED:
        kept.status = NeedStatus.OPEN
    _bump(kept, now)
    kept.save()
    return kept


def archive_inactive(now: datetime | None = None) -> int:
    """Open needs with nothing happening for 180 days leave the board (kept, never deleted:
    their decider may reopen them). Returns how many were archived."""
    now = now or timezone.now()
    limit = now - timedelta(days=ARCHIVE_AFTER_DAYS)
    archived = 0
    # One save each, not update(): saving sends the signals that renew the anonymous page cache.
    for need in Need.objects.filter(status=NeedStatus.OPEN, last_activity_at__lt=limit):
        need.status = NeedStatus.ARCHIVED
        need.save(update_fields=["status", "updated_at"])
        archived += 1
    return archived


# Following.


def follow(
    user: AnyUser,
    *,
    software: Software | None = None,
    category: Category | None = None,
    departement: str = "",
) -> Follow:
    """Hear of new needs of a software, a category or a département (exactly one)."""
    _require(rules.may_follow(user), _("Log in to follow needs."))
    departement = _departement(departement)
    if sum(bool(target) for target in (software, category, departement)) != 1:
        raise Invalid("", _("Follow one software, one category or one département."))
    found, _created = Follow.objects.get_or_create(
        user=user, software=software, category=category, departement=departement
    )
    return found


def unfollow(
    user: AnyUser,
    *,
    software: Software | None = None,
    category: Category | None = None,
    departement: str = "",
) -> int:
    if not rules.may_follow(user):
        return 0
    deleted, _kinds = Follow.objects.filter(
        user=user, software=software, category=category, departement=(departement or "").upper()
    ).delete()
    return deleted


def follows_of(user: AnyUser) -> QuerySet[Follow]:
    if not rules.may_follow(user):
        return Follow.objects.none()
    return Follow.objects.filter(user=user).select_related("software", "category")


def followed_needs(user: AnyUser) -> QuerySet[Need]:
    """The open needs of what the user follows, newest first (for the dashboard)."""
    follows = list(follows_of(user))
    if not follows:
        return Need.objects.none()
    condition = Q()
    for followed in follows:
        if followed.software_id:
            condition |= Q(software_id=followed.software_id)
        elif followed.category_id:
            condition |= Q(category_id=followed.category_id)
        else:
            condition |= Q(departement=followed.departement)
    return Need.objects.filter(condition, status=NeedStatus.OPEN).order_by("-created_at")


# What a viewer sees.


class ShownPledge(NamedTuple):
    """A pledge as one viewer may see it: the amount and the name when allowed, else None."""

    pledge: Pledge
    amount: Decimal | None
    name: str | None

    @property
    def label(self) -> str:
        """The name, or “an organisation”."""
        return self.name if self.name is not None else str(HIDDEN_NAME)

    @property
    def constraints(self) -> str:
        """Constraints may say who wrote them: shown with the name only."""
        return self.pledge.constraints if self.name is not None else ""

    @property
    def amount_hidden(self) -> bool:
        return self.amount is None and self.pledge.amount is not None


def visible_pledges(user: AnyUser, need: Need) -> list[ShownPledge]:
    """Every pledge, with its amount and its organisation's name only where the rules allow.
    Reads `need.pledges.all()`: prefetch `pledges__organisation` for lists."""
    seen_by = rules.viewer(user, need)
    return [
        ShownPledge(
            pledge,
            pledge.amount if seen_by.sees_amount(pledge) else None,
            pledge.organisation.name if seen_by.sees_name(pledge) else None,
        )
        for pledge in need.pledges.all()
    ]


def pooled_budget(user: AnyUser, need: Need) -> tuple[Decimal, int]:
    """The sum of the amounts the viewer may see, and how many amounts are hidden from them
    (“and 2 undisclosed pledges”)."""
    total, hidden = Decimal("0"), 0
    for shown in visible_pledges(user, need):
        if shown.amount is not None:
            total += shown.amount
        elif shown.pledge.amount is not None:
            hidden += 1
    return total, hidden


@dataclass
class BudgetedNeed:
    need: Need
    budget: Decimal
    hidden: int


def budget_between(
    user: AnyUser,
    needs: Iterable[Need],
    low: Decimal | None = None,
    high: Decimal | None = None,
) -> list[BudgetedNeed]:
    """The needs whose budget as this viewer sees it is within [low, high): filtering on what
    the viewer may not see would tell them about it. Prefetch `pledges` on the queryset."""
    found = []
    for need in needs:
        budget, hidden = pooled_budget(user, need)
        if (low is None or budget >= low) and (high is None or budget < high):
            found.append(BudgetedNeed(need, budget, hidden))
    return found
