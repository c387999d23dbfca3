from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from grappe.directory.fields import StringListField
from grappe.directory.models.base import in_language
from grappe.directory.models.organisations import Organisation
from grappe.directory.models.software import Software
from grappe.directory.validators import normalise_cpv, validate_cpv, validate_year


class ContractRole(models.TextChoices):
    SOLE = "sole", _("sole contractor")
    LEAD = "lead", _("lead of a consortium (mandataire)")
    CO_CONTRACTOR = "co_contractor", _("co-contractor")
    SUBCONTRACTOR = "subcontractor", _("subcontractor")


class Reference(models.Model):
    """A past contract or project: what tenders ask for as evidence of capacity."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="references",
    )
    role = models.CharField(
        _("role"), max_length=14, choices=ContractRole.choices, default=ContractRole.SOLE
    )
    title = models.CharField(_("title"), max_length=200)
    client_name = models.CharField(_("client"), max_length=200)
    client = models.ForeignKey(
        Organisation,
        verbose_name=_("client in the index"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="references_as_client",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[validate_year])
    amount = models.DecimalField(
        _("amount (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    cpv_codes = StringListField(
        _("CPV codes"),
        item_validators=[validate_cpv],
        normalise=normalise_cpv,
    )
    software = models.ManyToManyField(
        Software, verbose_name=_("software used"), blank=True, related_name="references"
    )
    partners = models.ManyToManyField(
        Organisation,
        verbose_name=_("partner organisations"),
        blank=True,
        related_name="references_as_partner",
    )
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Untick for a reference shown to curators only.")
    )
    source_url = models.URLField(_("source"), blank=True, max_length=500)
    source_key = models.CharField(
        _("source record"),
        max_length=200,
        blank=True,
        db_index=True,
        help_text=_("The award notice or DECP record it was imported from, so re-imports update."),
    )
    is_example = models.BooleanField(_("example data"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("reference")
        verbose_name_plural = _("references")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.client_name}, {self.year})"

    @property
    def description(self) -> str:
        return in_language(self, "description")

    def clean(self):
        if self.client_id and self.client_id == self.organisation_id:
            raise ValidationError({"client": _("An organisation cannot be its own client.")})
