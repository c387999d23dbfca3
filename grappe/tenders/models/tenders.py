"""A call for tenders read from a notice: its lots, and per lot the requirements to cover.

The parsed notice is kept whole (`notice`, as JSON) so that nothing read is lost, while lots and
requirements are rows that the consortium builder edits before matching: a notice rarely says
everything, and what it says is not always what the buyer meant.
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from grappe.directory.fields import StringListField
from grappe.directory.models import CertificationScheme
from grappe.directory.validators import normalise_cpv, validate_cpv
from grappe.tenders.cpv import describe


class Tender(models.Model):
    public_id = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    buyer_name = models.CharField(_("buyer"), max_length=300, blank=True)
    reference = models.CharField(_("buyer's reference"), max_length=200, blank=True)
    notice_id = models.CharField(_("notice identifier"), max_length=200, blank=True)
    source_format = models.CharField(_("read from"), max_length=20)
    source_name = models.CharField(_("file"), max_length=300, blank=True)
    procedure = models.CharField(_("procedure"), max_length=100, blank=True)
    publication_date = models.DateField(_("published"), null=True, blank=True)
    deadline = models.DateTimeField(_("submission deadline"), null=True, blank=True)
    nuts = StringListField(_("NUTS places"))
    grouping_form = models.CharField(
        _("form required of a group"),
        max_length=300,
        blank=True,
        help_text=_("What the buyer says about groups of tenderers, as written."),
    )
    notice = models.JSONField(_("notice as read"), default=dict, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tenders",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("call for tenders")
        verbose_name_plural = _("calls for tenders")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("web:tender", kwargs={"public_id": self.public_id})

    def cpv_codes(self) -> set[str]:
        return {code for lot in self.lots.all() for code in lot.cpv_codes()}


class Lot(models.Model):
    tender = models.ForeignKey(
        Tender, verbose_name=_("call for tenders"), on_delete=models.CASCADE, related_name="lots"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    lot_id = models.CharField(_("lot"), max_length=50, help_text=_("As the notice numbers it."))
    title = models.CharField(_("title"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    cpv_main = models.CharField(
        _("main CPV code"),
        max_length=8,
        blank=True,
        validators=[validate_cpv],
    )
    cpv_additional = StringListField(
        _("additional CPV codes"), item_validators=[validate_cpv], normalise=normalise_cpv
    )
    nuts = StringListField(_("NUTS places"))
    estimated_value = models.DecimalField(
        _("estimated value"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    duration = models.CharField(_("duration"), max_length=50, blank=True)
    deadline = models.DateTimeField(_("submission deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["tender", "position"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "lot_id"], name="tenders_lot_unique_id")
        ]

    def __str__(self) -> str:
        return f"{self.lot_id} – {self.title}" if self.title else self.lot_id

    def save(self, *args, **kwargs):
        self.cpv_main = normalise_cpv(self.cpv_main) if self.cpv_main else ""
        super().save(*args, **kwargs)

    def cpv_codes(self) -> list[str]:
        codes = [self.cpv_main] if self.cpv_main else []
        return codes + [code for code in self.cpv_additional if code not in codes]

    @property
    def effective_deadline(self):
        """Certifications must be valid on this day: the lot's own deadline, else the tender's."""
        return self.deadline or self.tender.deadline


class RequirementKind(models.TextChoices):
    """Capabilities and certifications are covered by one member; capacities add up in a team."""

    CAPABILITY = "capability", _("capability")
    CERTIFICATION = "certification", _("certification")
    TURNOVER = "turnover", _("minimum turnover")
    STAFF = "staff", _("minimum staff")
    REFERENCES = "references", _("minimum references")
    OTHER = "other", _("other (checked by hand)")


COVERED_BY_ONE = (RequirementKind.CAPABILITY, RequirementKind.CERTIFICATION)
SUMMED = (RequirementKind.TURNOVER, RequirementKind.STAFF, RequirementKind.REFERENCES)


class Requirement(models.Model):
    lot = models.ForeignKey(
        Lot, verbose_name=_("lot"), on_delete=models.CASCADE, related_name="requirements"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=14, choices=RequirementKind.choices)
    label = models.CharField(
        _("requirement"),
        max_length=500,
        blank=True,
        help_text=_("Leave empty for a wording made from the kind, the code and the threshold."),
    )
    text = models.TextField(_("as written in the notice"), blank=True)
    cpv_codes = StringListField(
        _("CPV codes"), item_validators=[validate_cpv], normalise=normalise_cpv
    )
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_("Words matched against members' offerings and references."),
    )
    scheme = models.ForeignKey(
        CertificationScheme,
        verbose_name=_("certification"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tender_requirements",
    )
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    mandatory = models.BooleanField(_("mandatory"), default=True)
    source = models.CharField(_("read from"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["lot", "position", "id"]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        """The label as given, else one said in the reader's language: stored labels are the
        buyer's words, generated ones must follow the page's language."""
        if self.label:
            return self.label
        if self.kind == RequirementKind.CAPABILITY and self.cpv_codes:
            return describe(self.cpv_codes[0], get_language())
        if self.kind == RequirementKind.CERTIFICATION and self.scheme_id:
            return self.scheme.name
        if self.threshold is not None and self.kind in SUMMED:
            amount = number_format(self.threshold, decimal_pos=0, force_grouping=True)
            return {
                RequirementKind.TURNOVER: _("Minimum turnover: %(amount)s €"),
                RequirementKind.STAFF: _("At least %(amount)s staff"),
                RequirementKind.REFERENCES: _("At least %(amount)s references"),
            }[self.kind] % {"amount": amount}
        return self.text[:200] or str(self.get_kind_display())

    @property
    def key(self) -> str:
        """How the consortium builder names it (stable within one matching run)."""
        return f"r{self.pk}"

    @property
    def covered_by_one(self) -> bool:
        return self.kind in COVERED_BY_ONE

    @property
    def summed(self) -> bool:
        return self.kind in SUMMED
