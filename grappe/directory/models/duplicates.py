from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from grappe.directory.models.organisations import Organisation
from grappe.directory.models.software import Software


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("To review")
    MERGED = "merged", _("Merged")
    DISMISSED = "dismissed", _("Not duplicates")


class DuplicateCandidate(models.Model):
    """Two organisations (or two software entries) that may be one: an importer not sure of a
    match creates the new entry and asks a curator, who merges them or says they differ."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    other_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("may be the same as"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    software = models.ForeignKey(
        Software,
        verbose_name=_("software"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    other_software = models.ForeignKey(
        Software,
        verbose_name=_("may be the same as"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("why they may be one"), max_length=300)
    source = models.CharField(_("found by"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("found"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["status", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        organisation__isnull=False,
                        other_organisation__isnull=False,
                        software__isnull=True,
                        other_software__isnull=True,
                    )
                    | models.Q(
                        organisation__isnull=True,
                        other_organisation__isnull=True,
                        software__isnull=False,
                        other_software__isnull=False,
                    )
                ),
                name="duplicate_is_one_pair",
            )
        ]

    def __str__(self) -> str:
        first, second = self.pair
        return f"{first} ≟ {second}"

    @property
    def pair(self) -> tuple:
        if self.organisation_id:
            return self.organisation, self.other_organisation
        return self.software, self.other_software

    def clean(self):
        first, second = self.pair
        if first is not None and first == second:
            raise ValidationError(_("An entry cannot be a duplicate of itself."))
