from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from grappe.directory.models.base import in_language
from grappe.directory.models.organisations import Organisation


class CertificationScheme(models.Model):
    """A certification or label (ISO 27001, HDS, SecNumCloud, Qualiopi...), curated once."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    url = models.URLField(_("web page"), blank=True)
    sovereign_qualification = models.BooleanField(
        _("sovereign cloud qualification"),
        default=False,
        help_text=_(
            "A qualification that vouches for protection from non-EU laws, such as SecNumCloud: "
            "hosting offers holding a valid one pass the “sovereign hosting” filter."
        ),
    )

    class Meta:
        verbose_name = _("certification scheme")
        verbose_name_plural = _("certification schemes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def description(self) -> str:
        return in_language(self, "description")


class Certification(models.Model):
    """A certification or label held by an organisation, valid between two dates; it covers the
    whole organisation, or only the offerings it lists (a SecNumCloud perimeter, say)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="certifications",
    )
    scheme = models.ForeignKey(
        CertificationScheme,
        verbose_name=_("certification"),
        on_delete=models.PROTECT,
        related_name="certifications",
    )
    scope = models.CharField(
        _("scope"), max_length=300, blank=True, help_text=_("What the certificate covers.")
    )
    issuer = models.CharField(
        _("certified by"),
        max_length=200,
        blank=True,
        help_text=_("The body that audited it, when not the scheme's owner."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    evidence_url = models.URLField(_("evidence"), blank=True, max_length=500)
    offerings = models.ManyToManyField(
        "directory.Offering",
        verbose_name=_("offerings covered"),
        blank=True,
        related_name="certifications",
        help_text=_("Only these offerings of the organisation; none means all of them."),
    )

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["scheme__name"]

    def __str__(self) -> str:
        return f"{self.scheme} – {self.organisation}"

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValidationError(
                {
                    "valid_until": _("The end of validity must come after its start (%(start)s).")
                    % {"start": self.valid_from.isoformat()}
                }
            )

    def check_offerings(self, offerings) -> None:
        """Many-to-many values are set after saving, so this is called by the forms and the
        importers rather than by clean()."""
        foreign = [str(o) for o in offerings if o.organisation_id != self.organisation_id]
        if foreign:
            raise ValidationError(
                {
                    "offerings": _("Not offerings of this organisation: %(names)s.")
                    % {"names": ", ".join(foreign)}
                }
            )

    def covers(self, offering) -> bool:
        """Whether it vouches for this offering (call with offerings prefetched)."""
        listed = self.offerings.all()
        return offering.organisation_id == self.organisation_id and (
            not listed or any(o.pk == offering.pk for o in listed)
        )

    def is_valid_on(self, day: date) -> bool:
        """Valid on that day; an open end means valid until withdrawn."""
        started = self.valid_from is None or self.valid_from <= day
        return started and (self.valid_until is None or day <= self.valid_until)

    @property
    def description(self) -> str:
        return in_language(self.scheme, "description")
