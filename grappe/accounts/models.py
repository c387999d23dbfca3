"""Who may speak for which organisation, what they proposed, and the keys they gave programs.

Accounts are Django users whose username is their e-mail address. What a member may do follows
from an approved `Membership`; what an ambassador may do, from the territory of their `Profile`.
The rules themselves live in one place: `grappe/accounts/permissions.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.directory.fields import StringListField
from grappe.directory.models import Organisation
from grappe.directory.models.people import validate_known_departement


class Profile(models.Model):
    """What an account adds to Django's user: a confirmed e-mail and, for ambassadors, a
    territory."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grappe_profile"
    )
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    language = models.CharField(
        _("language of e-mails"), max_length=5, choices=settings.LANGUAGES, default="fr"
    )
    territory = StringListField(
        _("ambassador's territory"),
        item_validators=[validate_known_departement],
        help_text=_(
            "Département codes, separated by commas: 33, 40, 64. An ambassador may propose "
            "changes to the organisations of these départements."
        ),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a curator")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ClaimMethod(models.TextChoices):
    EMAIL_DOMAIN = "email_domain", _("E-mail address at the organisation's web domain")
    CURATOR = "curator", _("Approved by a curator")


class Membership(models.Model):
    """An account speaking for an organisation: a claim until it is approved."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.PENDING,
    )
    method = models.CharField(_("approval method"), max_length=15, choices=ClaimMethod.choices)
    message = models.TextField(
        _("message to the curators"),
        blank=True,
        max_length=2000,
        help_text=_("How you are related to the organisation, so that a curator can check."),
    )
    reason = models.TextField(_("curator's reason"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reminded_at = models.DateTimeField(
        _("last reminded to confirm the profile"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("claimed"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_membership_per_user_and_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"

    @property
    def is_approved(self) -> bool:
        return self.status == MembershipStatus.APPROVED


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a curator")
    APPROVED = "approved", _("Approved and published")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn by its author")
    PUBLISHED = "published", _("Published at once by a curator")


class ProposalAction(models.TextChoices):
    CREATE = "create", _("Add")
    CHANGE = "change", _("Change")
    DELETE = "delete", _("Remove")


class Proposal(models.Model):
    """A change to an organisation's profile, kept with its readable diff whatever happens.

    `data` is what the edit form received, so that approving replays the very same form (and
    its validation) on the live entry; `changes` is the diff as it read when it was proposed
    (labels and values in words); `base` is the live value of each changed field at that time,
    which tells a curator whether someone else changed the entry since.
    """

    organisation = models.ForeignKey(
        Organisation,
        null=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
        verbose_name=_("organisation"),
    )
    organisation_name = models.CharField(_("organisation"), max_length=200)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    object_label = models.CharField(_("entry"), max_length=300)
    action = models.CharField(_("action"), max_length=10, choices=ProposalAction.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
        verbose_name=_("author"),
    )
    data = models.JSONField(default=dict)
    changes = models.JSONField(default=list)
    base = models.JSONField(default=dict)
    note = models.TextField(_("note to the curators"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PENDING,
        db_index=True,
    )
    reason = models.TextField(_("curator's reason"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "status"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_action_display()} {self.object_label}"

    def get_absolute_url(self) -> str:
        return reverse("web:proposal", kwargs={"pk": self.pk})

    @property
    def is_pending(self) -> bool:
        return self.status == ProposalStatus.PENDING

    @property
    def model(self) -> type[models.Model]:
        return self.content_type.model_class()

    def target(self) -> models.Model | None:
        """The live entry it changes or removes, None when it was removed meanwhile."""
        if self.object_id is None:
            return None
        return self.model._default_manager.filter(pk=self.object_id).first()


class TokenScope(models.TextChoices):
    PROFILES_WRITE = "profiles:write", _("Propose changes to my organisations' profiles")
    TENDERS_WRITE = "tenders:write", _("Add calls for tenders")
    NEEDS_WRITE = "needs:write", _("Post and join needs, answer them")


class ApiToken(models.Model):
    """A key for programs, shown once; only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("A name that tells you what uses it.")
    )
    prefix = models.CharField(_("starts with"), max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    scopes = StringListField(_("scopes"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()
