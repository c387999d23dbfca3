"""Coalitions of need: a need, the organisations that need it too, the answers of companies.

A need is posted by a person, usually for an organisation; other organisations join it with a
pledge (their budget, shown only as they chose); member companies answer with a price and a
scope; the organisation that posted chooses an answer, then marks the need delivered. What may
be done by whom is decided in `grappe/needs/rules.py`, never here.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.directory.models import Category, Organisation, Software
from grappe.directory.models.people import validate_known_departement

#: Bounds of any amount in euros: a pledge or a price.
MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("10000000")
MAX_DURATION_DAYS = 3650
#: A need with nothing happening for this long is archived by `grappe archive-needs`.
ARCHIVE_AFTER_DAYS = 180

amount_validators = [
    MinValueValidator(MIN_AMOUNT, message=_("The amount must be more than 0 euros.")),
    MaxValueValidator(MAX_AMOUNT, message=_("The amount must be at most 10,000,000 euros.")),
]


class NeedKind(models.TextChoices):
    FEATURE = "feature", _("A feature")
    MODULE = "module", _("A module")
    MAINTENANCE = "maintenance", _("Maintenance")
    HOSTING = "hosting", _("Hosting")
    TRAINING = "training", _("Training")
    HARDWARE = "hardware", _("Hardware")
    OTHER = "other", _("Other")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FUNDED = "funded", _("Funded")
    DELIVERED = "delivered", _("Delivered")
    ARCHIVED = "archived", _("Archived")
    MERGED = "merged", _("Merged into another need")


class Visibility(models.TextChoices):
    """Who sees the amount of a pledge."""

    PUBLIC = "public", _("everyone")
    COALITION = "coalition", _("the coalition and curators")
    CURATORS = "curators", _("curators only")


class Need(models.Model):
    """Something public bodies need built, kept, hosted or taught, and may fund together."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), help_text=_("Markdown."))
    kind = models.CharField(_("kind"), max_length=12, choices=NeedKind.choices)
    software = models.ForeignKey(
        Software,
        verbose_name=_("software"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    departement = models.CharField(
        _("département"),
        max_length=3,
        blank=True,
        db_index=True,
        validators=[validate_known_departement],
        help_text=_("Where it is needed; by default the posting organisation's."),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("posted for"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=NeedStatus.choices,
        default=NeedStatus.OPEN,
        db_index=True,
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="absorbed",
    )
    chosen_answer = models.ForeignKey(
        "Answer",
        verbose_name=_("chosen answer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    released_code_url = models.URLField(_("released code"), blank=True, max_length=500)
    delivery_note = models.TextField(_("delivery note"), blank=True)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-last_activity_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("web:need", kwargs={"public_id": self.public_id})

    @property
    def is_open(self) -> bool:
        return self.status == NeedStatus.OPEN


class Pledge(models.Model):
    """An organisation saying “we need it too”, with what it could put in and on what terms."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="pledges")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="need_pledges",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pledged by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="need_pledges",
    )
    amount = models.DecimalField(
        _("amount (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=amount_validators,
    )
    amount_visibility = models.CharField(
        _("amount shown to"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.COALITION,
    )
    show_name = models.BooleanField(
        _("show our name publicly"),
        default=True,
        help_text=_("Otherwise the organisation is shown as “an organisation” to the public."),
    )
    constraints = models.TextField(
        _("our constraints"),
        blank=True,
        help_text=_("A deadline, hosting in France, accessibility…"),
    )
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "organisation"], name="one_pledge_per_need_and_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.need}"


class AnswerStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    CHOSEN = "chosen", _("Chosen")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Answer(models.Model):
    """A company's (or a consortium's) proposal to meet a need: scope, price, duration, team."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="answers")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("answered by"),
        on_delete=models.CASCADE,
        related_name="need_answers",
    )
    partners = models.ManyToManyField(
        Organisation,
        verbose_name=_("partners"),
        blank=True,
        related_name="need_answers_as_partner",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="need_answers",
    )
    scope = models.TextField(_("what we will do"))
    price = models.DecimalField(
        _("price (EUR)"), max_digits=12, decimal_places=2, validators=amount_validators
    )
    duration_days = models.PositiveIntegerField(
        _("duration (days)"),
        validators=[
            MinValueValidator(1, message=_("The duration must be at least 1 day.")),
            MaxValueValidator(
                MAX_DURATION_DAYS, message=_("The duration must be at most 3650 days.")
            ),
        ],
    )
    team = models.TextField(_("team"), blank=True, help_text=_("Who works on it."))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AnswerStatus.choices,
        default=AnswerStatus.SUBMITTED,
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.need}"


class Follow(models.Model):
    """A person following the needs of one software, one category or one département."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="need_follows"
    )
    software = models.ForeignKey(
        Software, null=True, blank=True, on_delete=models.CASCADE, related_name="need_follows"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="need_follows"
    )
    departement = models.CharField(
        _("département"), max_length=3, blank=True, validators=[validate_known_departement]
    )
    created_at = models.DateTimeField(_("followed"), auto_now_add=True)

    class Meta:
        verbose_name = _("followed topic")
        verbose_name_plural = _("followed topics")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(software__isnull=False, category__isnull=True, departement="")
                    | Q(software__isnull=True, category__isnull=False, departement="")
                    | (Q(software__isnull=True, category__isnull=True) & ~Q(departement=""))
                ),
                name="follow_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "software"],
                condition=Q(software__isnull=False),
                name="follow_software_once",
            ),
            models.UniqueConstraint(
                fields=["user", "category"],
                condition=Q(category__isnull=False),
                name="follow_category_once",
            ),
            models.UniqueConstraint(
                fields=["user", "departement"],
                condition=~Q(departement=""),
                name="follow_departement_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.target}"

    @property
    def target(self) -> Software | Category | str:
        return self.software or self.category or self.departement
