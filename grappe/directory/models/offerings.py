from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grappe.directory.countries import country_name
from grappe.directory.fields import StringListField
from grappe.directory.models.base import Entry, in_language
from grappe.directory.models.organisations import Organisation
from grappe.directory.models.software import Software
from grappe.directory.validators import normalise_cpv, validate_cpv


class OfferingKind(models.TextChoices):
    SOFTWARE = "software", _("Software product")
    SERVICE = "service", _("Service")
    HOSTING = "hosting", _("Hosting offer")
    HARDWARE = "hardware", _("Hardware")
    MACHINE = "machine", _("Machine (fab lab equipment)")


class ServiceKind(models.TextChoices):
    INTEGRATION = "integration", _("Integration")
    SUPPORT = "support", _("Support and maintenance")
    DEVELOPMENT = "development", _("Development")
    TRAINING = "training", _("Training")
    CONSULTING = "consulting", _("Consulting")
    AUDIT = "audit", _("Audit")


class HostingKind(models.TextChoices):
    SAAS = "saas", _("Software as a service")
    MANAGED = "managed", _("Managed application hosting")
    PAAS = "paas", _("Platform as a service")
    IAAS = "iaas", _("Virtual servers (IaaS)")
    DEDICATED = "dedicated", _("Dedicated servers")
    COLOCATION = "colocation", _("Colocation")


class MachineType(models.TextChoices):
    PRINTER_FDM = "3d_fdm", _("3D printer (FDM)")
    PRINTER_SLA = "3d_sla", _("3D printer (resin, SLA)")
    PRINTER_SLS = "3d_sls", _("3D printer (powder, SLS)")
    LASER_CUTTER = "laser", _("Laser cutter")
    CNC_MILL = "cnc", _("CNC milling machine")
    VINYL_CUTTER = "vinyl", _("Vinyl cutter")
    PCB_MILL = "pcb", _("PCB mill")
    EMBROIDERY = "embroidery", _("Embroidery machine")
    SCANNER_3D = "3d_scanner", _("3D scanner")
    ELECTRONICS = "electronics", _("Electronics bench")
    OTHER = "other", _("Other machine")


class MachineAccess(models.TextChoices):
    OPEN_DAYS = "open_days", _("Open days, with a facilitator")
    MEMBERS = "members", _("Members only, after training")
    ON_ORDER = "on_order", _("Service on order")


class EuOwnership(models.TextChoices):
    """Who owns the operator; an empty value means nobody has said."""

    YES = "yes", _("Majority-owned in the EU")
    NO = "no", _("Not majority-owned in the EU")


class ExtraterritorialExposure(models.TextChoices):
    """What the operator declares about non-EU laws reaching its data (US CLOUD Act, FISA...)."""

    NONE = "none", _("Declares no exposure to non-EU extraterritorial laws")
    EXPOSED = "exposed", _("Declares exposure to non-EU extraterritorial laws")


class PricingModel(models.TextChoices):
    PER_USER = "per_user", _("Per user")
    PER_RESOURCE = "per_resource", _("Per resource (instance, room, server)")
    USAGE = "usage", _("Pay as you go")
    FLAT = "flat", _("Flat fee")
    QUOTE = "quote", _("On quotation")


class DeliveryMode(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    REMOTE = "remote", _("Remote")
    BOTH = "both", _("On site or remote")


# Which kind-specific fields belong to which kind; the others must stay empty.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    OfferingKind.SERVICE: ("service_kind", "delivery_mode", "duration_hours"),
    OfferingKind.HOSTING: (
        "hosting_kind",
        "datacenter_country",
        "datacenter_region",
        "datacenter_city",
        "operator_eu_owned",
        "extraterritorial_exposure",
        "reversibility_formats",
        "sla_availability",
        "pricing_model",
    ),
    OfferingKind.MACHINE: (
        "machine_type",
        "materials",
        "work_x_mm",
        "work_y_mm",
        "work_z_mm",
        "machine_access",
    ),
    OfferingKind.HARDWARE: (),
    OfferingKind.SOFTWARE: (),
}
REQUIRED_KIND_FIELDS = {
    OfferingKind.SERVICE: ("service_kind",),
    OfferingKind.HOSTING: ("hosting_kind",),
    OfferingKind.MACHINE: ("machine_type",),
}
_EMPTY = (None, "", [])


class Offering(Entry):
    """What an organisation offers: a product, a service, a hosting offer, hardware or a machine.

    One model with typed columns per kind rather than one table per kind: search, facets and
    tenders treat every offering alike, and the per-kind columns stay queryable for range filters
    ("build height of at least 250 mm").
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="offerings",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=OfferingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    software = models.ManyToManyField(
        Software, verbose_name=_("related software"), blank=True, related_name="offerings"
    )
    cpv_codes = StringListField(
        _("CPV codes"),
        item_validators=[validate_cpv],
        normalise=normalise_cpv,
        help_text=_(
            "Common Procurement Vocabulary codes, such as 72212000-4, separated by commas."
        ),
    )
    price_indication = models.CharField(
        _("price indication"),
        max_length=200,
        blank=True,
        help_text=_("Free text: “from 5 € per user per month”, “on quotation”."),
    )
    price_from = models.DecimalField(
        _("price from (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    url = models.URLField(_("web page"), blank=True, max_length=300)
    tags = StringListField(_("tags"), help_text=_("Keywords, separated by commas."))
    # Services and training.
    service_kind = models.CharField(
        _("service kind"), max_length=12, choices=ServiceKind.choices, blank=True
    )
    delivery_mode = models.CharField(
        _("delivery"), max_length=10, choices=DeliveryMode.choices, blank=True
    )
    duration_hours = models.PositiveSmallIntegerField(
        _("duration (hours)"), null=True, blank=True, help_text=_("For training courses.")
    )
    # Hosting.
    hosting_kind = models.CharField(
        _("hosting kind"), max_length=12, choices=HostingKind.choices, blank=True
    )
    datacenter_country = models.CharField(
        _("data centre country"),
        max_length=2,
        blank=True,
        help_text=_("ISO 3166 two-letter code, such as FR."),
    )
    datacenter_region = models.CharField(
        _("data centre region"),
        max_length=100,
        blank=True,
        help_text=_("Such as Nouvelle-Aquitaine or Île-de-France."),
    )
    datacenter_city = models.CharField(_("data centre city"), max_length=100, blank=True)
    operator_eu_owned = models.CharField(
        _("operator ownership"),
        max_length=3,
        choices=EuOwnership.choices,
        blank=True,
        help_text=_("Is the operator majority-owned in the EU? Leave empty when unknown."),
    )
    extraterritorial_exposure = models.CharField(
        _("exposure to extraterritorial laws"),
        max_length=8,
        choices=ExtraterritorialExposure.choices,
        blank=True,
        help_text=_(
            "What the operator declares about non-EU laws (such as the US CLOUD Act) reaching "
            "the data. Leave empty when unknown."
        ),
    )
    reversibility_formats = StringListField(
        _("reversibility: export formats"),
        help_text=_("How customers get their data back on leaving, separated by commas."),
    )
    sla_availability = models.DecimalField(
        _("guaranteed availability (%)"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(90), MaxValueValidator(100)],
        help_text=_("The availability the contract commits to, such as 99.9."),
    )
    pricing_model = models.CharField(
        _("pricing model"), max_length=12, choices=PricingModel.choices, blank=True
    )
    # Machines.
    machine_type = models.CharField(
        _("machine type"), max_length=12, choices=MachineType.choices, blank=True
    )
    materials = StringListField(
        _("materials"), help_text=_("Materials it works, separated by commas: PLA, PETG, plywood.")
    )
    work_x_mm = models.PositiveIntegerField(
        _("work area X (mm)"), null=True, blank=True, validators=[MaxValueValidator(100_000)]
    )
    work_y_mm = models.PositiveIntegerField(
        _("work area Y (mm)"), null=True, blank=True, validators=[MaxValueValidator(100_000)]
    )
    work_z_mm = models.PositiveIntegerField(
        _("work area Z / height (mm)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100_000)],
    )
    machine_access = models.CharField(
        _("access"), max_length=10, choices=MachineAccess.choices, blank=True
    )

    slug_source = "title"

    class Meta:
        verbose_name = _("offering")
        verbose_name_plural = _("offerings")
        ordering = ["organisation__name", "title"]
        indexes = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("web:offering", kwargs={"slug": self.slug})

    @property
    def description(self) -> str:
        return in_language(self, "description")

    @property
    def work_area(self) -> str:
        """360 × 360 × 400 mm, leaving out the dimensions that are not given."""
        given = [str(size) for size in (self.work_x_mm, self.work_y_mm, self.work_z_mm) if size]
        return f"{' × '.join(given)} mm" if given else ""

    def clean(self):
        errors: dict[str, str] = {}
        allowed = set(KIND_FIELDS.get(self.kind, ()))
        kind_label = OfferingKind(self.kind).label if self.kind in OfferingKind.values else ""
        for kind, fields in KIND_FIELDS.items():
            for field in fields:
                if field not in allowed and getattr(self, field) not in _EMPTY:
                    errors[field] = _(
                        "This field is for a “%(kind)s” offering, not a “%(this)s”."
                    ) % {
                        "kind": OfferingKind(kind).label,
                        "this": kind_label,
                    }
        for field in REQUIRED_KIND_FIELDS.get(self.kind, ()):
            if getattr(self, field) in _EMPTY:
                errors[field] = _("Required for a “%(kind)s” offering.") % {"kind": kind_label}
        self.datacenter_country = self.datacenter_country.upper()
        if self.datacenter_country and not country_name(self.datacenter_country):
            errors["datacenter_country"] = _("Use the two-letter country code, such as FR.")
        if errors:
            raise ValidationError(errors)
