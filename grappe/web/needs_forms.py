"""The forms of the needs pages: posting a need, joining it, answering it, delivering it, and the
curators' merge.

Forms only check what a person typed and name the field that is wrong; who may do what is
grappe.needs.rules', what a write does is grappe.needs.services'. Amounts are typed the way
people write them in either language ("12 000,50 €", "12,000.50"), and always mean euros.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.accounts.permissions import member_organisation_ids
from grappe.directory.models import Category, Organisation, Software
from grappe.directory.places import DEPARTEMENTS, departement_label
from grappe.needs.models import (
    MAX_AMOUNT,
    MAX_DURATION_DAYS,
    MIN_AMOUNT,
    Need,
    NeedKind,
    Pledge,
    Visibility,
)
from grappe.needs.services import amount_text

# How many near names a software field suggests when the name typed is not in the catalogue.
SOFTWARE_SUGGESTIONS = 5
MAX_PARTNERS = 10
UUID_IN_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def my_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations this account speaks for (an approved membership), by name: the only
    ones it may post, join or answer for."""
    return Organisation.objects.filter(pk__in=member_organisation_ids(user)).order_by("name", "pk")


def departement_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(code, departement_label(code)) for code in DEPARTEMENTS]


# Fields ---------------------------------------------------------------------------------------


class EurosField(forms.DecimalField):
    """An amount in euros, more than 0 and at most 10,000,000, with up to two decimals; "1 500",
    "1 500,50 €" and "1,500.50" all mean what their writer meant."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _("Type an amount in euros, such as 12000 or 12 000,50."),
                "min_value": _("The amount must be more than 0 euros."),
                "max_value": _("The amount must be at most 10,000,000 euros."),
                "max_decimal_places": _("Give the amount to the cent at most."),
            },
        )
        super().__init__(min_value=MIN_AMOUNT, max_value=MAX_AMOUNT, **kwargs)
        # Text, not type=number: a number input refuses "12 000,50" before the server reads it.
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        text = amount_text(value)
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not amount.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return amount


class SoftwareField(forms.CharField):
    """A software of the catalogue, by its name or its address's slug; a name it does not know
    is refused with the nearest names, so that the writer can correct it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Software | None:
        text = super().clean(value)
        if not text:
            return None
        found = list(Software.objects.filter(Q(slug=text) | Q(name__iexact=text))[:2])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            exact = [s for s in found if s.slug == text]
            if exact:
                return exact[0]
            raise ValidationError(
                _("Several software are named “%(name)s”: type the end of its address instead."),
                code="ambiguous",
                params={"name": text},
            )
        near = list(
            Software.objects.filter(name__icontains=text)
            .order_by("name")
            .values_list("name", flat=True)[:SOFTWARE_SUGGESTIONS]
        )
        if near:
            raise ValidationError(
                _("No software of the catalogue is named “%(name)s”. Did you mean: %(names)s?"),
                code="unknown",
                params={"name": text, "names": ", ".join(near)},
            )
        raise ValidationError(
            _(
                "No software of the catalogue is named “%(name)s”; leave the field empty if the "
                "need is about no software of the catalogue."
            ),
            code="unknown",
            params={"name": text},
        )


class MyOrganisationField(forms.ModelChoiceField):
    """One of the organisations the account speaks for, by slug."""

    def __init__(self, queryset: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(queryset=queryset, to_field_name="slug", **kwargs)

    def label_from_instance(self, organisation: Organisation) -> str:
        return organisation.name


def _visibility_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Who sees the amount"),
        choices=Visibility.choices,
        initial=Visibility.COALITION,
        widget=forms.RadioSelect,
    )


def _show_name_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("Show our organisation's name publicly among those who need it"),
        required=False,
        initial=True,
        help_text=_(
            "Otherwise the public sees “an organisation”; the coalition and the "
            "curators still see the name."
        ),
    )


def _constraints_field() -> forms.CharField:
    return forms.CharField(
        label=_("Our constraints"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A deadline, hosting in France, accessibility… Shown on the need's page."),
    )


def _amount_help() -> str:
    return _("In euros, optional. Who sees it is chosen below.")


# Forms ----------------------------------------------------------------------------------------


class NeedForm(forms.Form):
    """A new need, and optionally the budget its organisation is ready to commit."""

    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("What is needed, for whom and why. Markdown: *emphasis*, lists, links."),
    )
    kind = forms.ChoiceField(label=_("Kind of need"), choices=NeedKind.choices)
    software = SoftwareField(
        label=_("Software"),
        required=False,
        help_text=_("Its name in the catalogue, such as Nextcloud; empty if none applies."),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.order_by("name_fr"),
        to_field_name="slug",
        required=False,
    )
    departement = forms.ChoiceField(
        label=_("Département where it is needed"),
        choices=departement_choices,
        required=False,
        help_text=_("Empty: the organisation's département."),
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Optional: when it is needed by."),
    )
    amount = EurosField(label=_("Budget we are ready to commit"), required=False)
    amount_visibility = _visibility_field()
    show_name = _show_name_field()
    constraints = _constraints_field()

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = MyOrganisationField(
            my_organisations(user),
            label=_("Posted for"),
            required=False,
            empty_label=_("Myself, for no organisation"),
            help_text=_("Only an organisation you speak for; its members then decide."),
        )
        self.fields["amount"].help_text = _amount_help()
        self.order_fields(list(type(self).base_fields))

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        if deadline and deadline < timezone.localdate():
            raise ValidationError(_("The deadline is past."), code="past")
        return deadline

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("amount") is not None and not cleaned.get("organisation"):
            self.add_error(
                "amount",
                ValidationError(
                    _(
                        "A budget is committed by an organisation: choose yours above, or leave "
                        "the amount empty."
                    ),
                    code="no_organisation",
                ),
            )
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        """The keyword arguments of services.post_need."""
        data = self.cleaned_data
        return {
            "organisation": data["organisation"],
            "title": data["title"].strip(),
            "description": data["description"],
            "kind": data["kind"],
            "software": data["software"],
            "category": data["category"],
            "departement": data["departement"] or "",
            "deadline": data["deadline"],
            "amount": data["amount"],
            "amount_visibility": data["amount_visibility"],
            "show_name": data["show_name"],
            "constraints": data["constraints"].strip(),
        }


class PledgeForm(forms.Form):
    """Joining a need for one of my organisations ("we need it too"), or changing its pledge."""

    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    amount = EurosField(label=_("Budget we could put in"), required=False)
    amount_visibility = _visibility_field()
    show_name = _show_name_field()
    constraints = _constraints_field()

    def __init__(
        self,
        *args: Any,
        user: Any,
        pledge: Pledge | None = None,
        organisations: QuerySet[Organisation] | None = None,
        **kwargs: Any,
    ) -> None:
        if pledge is not None:
            kwargs.setdefault(
                "initial",
                {
                    "organisation": pledge.organisation.slug,
                    # 20000.00 reads as 20000: the cents only when there are some.
                    "amount": str(pledge.amount).removesuffix(".00")
                    if pledge.amount is not None
                    else None,
                    "amount_visibility": pledge.amount_visibility,
                    "show_name": pledge.show_name,
                    "constraints": pledge.constraints,
                },
            )
        super().__init__(*args, **kwargs)
        self.pledge = pledge
        self.fields["organisation"] = MyOrganisationField(
            my_organisations(user) if organisations is None else organisations,
            label=_("For"),
            empty_label=None,
        )
        if pledge is not None:  # the pledge's own form: its organisation is given
            self.fields["organisation"].widget = forms.HiddenInput()
        self.fields["amount"].help_text = _amount_help()
        self.order_fields(list(type(self).base_fields))


class PartnersField(forms.CharField):
    """The co-contractors of a consortium: organisations of the index, by name or address
    slug, one a line or separated by commas."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[Organisation]:
        text = super().clean(value)
        names = [n.strip() for n in re.split(r"[\n,;]", text or "") if n.strip()]
        names = list(dict.fromkeys(names))
        if len(names) > MAX_PARTNERS:
            raise ValidationError(
                _("At most %(count)s partners."), code="too_many", params={"count": MAX_PARTNERS}
            )
        found: list[Organisation] = []
        unknown: list[str] = []
        for name in names:
            matches = list(Organisation.objects.filter(Q(slug=name) | Q(name__iexact=name))[:2])
            if len(matches) == 1 or (matches and matches[0].slug == name):
                found.append(matches[0])
            else:
                unknown.append(name)
        if unknown:
            raise ValidationError(
                _(
                    "Not found in the index, or named by several organisations: %(names)s. Type "
                    "each organisation's name as its page shows it, or the end of its address."
                ),
                code="unknown",
                params={"names": ", ".join(unknown)},
            )
        return list(dict.fromkeys(found))


class AnswerForm(forms.Form):
    """A company's proposal: alone, or leading a consortium of partners."""

    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    scope = forms.CharField(
        label=_("What you will do"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The work, what is delivered, under which licence. Markdown."),
    )
    price = EurosField(label=_("Price (euros, excluding tax)"))
    duration_days = forms.IntegerField(
        label=_("Duration (days)"),
        min_value=1,
        max_value=MAX_DURATION_DAYS,
        error_messages={
            "min_value": _("The duration must be at least 1 day."),
            "max_value": _("The duration must be at most 3650 days."),
        },
    )
    team = forms.CharField(
        label=_("Team"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who works on it, with which skills."),
    )
    partners = PartnersField(
        label=_("Partners (consortium)"),
        required=False,
        help_text=_(
            "Co-contractors, by their name in the index, one a line; empty if you answer alone."
        ),
    )

    def __init__(
        self,
        *args: Any,
        user: Any,
        organisations: QuerySet[Organisation] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = MyOrganisationField(
            my_organisations(user) if organisations is None else organisations,
            label=_("Answered by"),
            empty_label=None,
            help_text=_("Your company, or the lead of the consortium."),
        )
        self.order_fields(list(type(self).base_fields))

    def clean(self) -> dict:
        cleaned = super().clean()
        lead, partners = cleaned.get("organisation"), cleaned.get("partners") or []
        if lead is not None and lead in partners:
            self.add_error(
                "partners",
                ValidationError(
                    _("%(name)s answers already: it is not its own partner."),
                    code="lead_as_partner",
                    params={"name": lead.name},
                ),
            )
        return cleaned


def https_only(value: str) -> None:
    if value and not value.lower().startswith("https://"):
        raise ValidationError(
            _("Give the address of the released code with https://."), code="not_https"
        )


class DeliverForm(forms.Form):
    """The need is met: where its code is published, and a word on what was delivered."""

    released_code_url = forms.URLField(
        label=_("Address of the released code"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[https_only],
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
        help_text=_(
            "The public repository or release, such as https://git.example.org/project; "
            "required for a feature or a module."
        ),
    )
    note = forms.CharField(
        label=_("What was delivered"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MergeForm(forms.Form):
    """Curators: this need is a duplicate of another one, which keeps both coalitions."""

    kept = forms.CharField(
        label=_("The need to keep"),
        max_length=300,
        help_text=_("Its address, such as https://…/needs/2b1c…/, or its identifier."),
    )

    def __init__(self, *args: Any, need: Need, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.need = need

    def clean_kept(self) -> Need:
        found = UUID_IN_TEXT.search(self.cleaned_data["kept"])
        kept = None
        if found:
            kept = Need.objects.filter(public_id=uuid.UUID(found.group(0))).first()
        if kept is None:
            raise ValidationError(_("No need has this address."), code="unknown")
        if kept.pk == self.need.pk:
            raise ValidationError(_("A need cannot be merged into itself."), code="same")
        return kept


class FollowForm(forms.Form):
    """What to follow or stop following: one software, one category or one département."""

    software = forms.SlugField(required=False, max_length=120)
    category = forms.SlugField(required=False, max_length=80)
    departement = forms.ChoiceField(choices=departement_choices, required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        given = [name for name in ("software", "category", "departement") if cleaned.get(name)]
        if len(given) != 1:
            raise ValidationError(
                _("Follow one software, one category or one département."), code="one_target"
            )
        return cleaned

    def target(self) -> dict[str, Any]:
        """The Follow fields naming the target; a slug matching nothing is Http404's business."""
        data = self.cleaned_data
        if data.get("software"):
            return {"software": Software.objects.filter(slug=data["software"]).first()}
        if data.get("category"):
            return {"category": Category.objects.filter(slug=data["category"]).first()}
        return {"departement": data["departement"]}
