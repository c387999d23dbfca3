from django.db import models
from django.utils.translation import gettext_lazy as _

from grappe.directory.models.base import in_language
from grappe.directory.models.organisations import Organisation
from grappe.directory.models.software import Software


class SoftwareRole(models.TextChoices):
    PUBLISHER = "publisher", _("publishes or develops")
    SERVICE_PROVIDER = "services", _("provides services for")
    HOST = "host", _("hosts")
    USER = "user", _("uses")


class SoftwareRelation(models.Model):
    """How an organisation stands to a piece of software; one row per role."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="software_relations",
    )
    software = models.ForeignKey(
        Software, verbose_name=_("software"), on_delete=models.CASCADE, related_name="relations"
    )
    role = models.CharField(_("role"), max_length=10, choices=SoftwareRole.choices)
    testimony_fr = models.TextField(
        _("usage testimony (French)"),
        blank=True,
        help_text=_("For users: what they use it for, at what scale."),
    )
    testimony_en = models.TextField(_("usage testimony (English)"), blank=True)
    since_year = models.PositiveSmallIntegerField(_("since (year)"), null=True, blank=True)
    source_url = models.URLField(_("source"), blank=True, max_length=300)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("software relation")
        verbose_name_plural = _("software relations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "software", "role"], name="one_relation_per_role"
            )
        ]
        ordering = ["software__name", "role"]

    def __str__(self) -> str:
        return f"{self.organisation} {self.get_role_display()} {self.software}"

    @property
    def testimony(self) -> str:
        return in_language(self, "testimony")
