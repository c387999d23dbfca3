from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grappe.directory.fields import StringListField
from grappe.directory.licences import normalise_licence
from grappe.directory.models.base import Entry, in_language
from grappe.directory.validators import validate_wikidata_id


class Category(models.Model):
    """A function of software ("Visioconférence", "Gestion de parc"), optionally nested."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name_fr"]

    def __str__(self) -> str:
        return in_language(self, "name")

    @property
    def name(self) -> str:
        return in_language(self, "name")


class DevelopmentStatus(models.TextChoices):
    """publiccode.yml's developmentStatus."""

    CONCEPT = "concept", _("Concept")
    DEVELOPMENT = "development", _("In development")
    BETA = "beta", _("Beta")
    STABLE = "stable", _("Stable")
    OBSOLETE = "obsolete", _("Obsolete")


class SoftwareType(models.TextChoices):
    """publiccode.yml's softwareType."""

    STANDALONE_WEB = "standalone/web", _("Web application")
    STANDALONE_DESKTOP = "standalone/desktop", _("Desktop application")
    STANDALONE_MOBILE = "standalone/mobile", _("Mobile application")
    STANDALONE_IOT = "standalone/iot", _("Embedded / IoT")
    STANDALONE_OTHER = "standalone/other", _("Other standalone software")
    LIBRARY = "library", _("Library")
    ADDON = "addon", _("Add-on")
    CONFIGURATION = "configurationFiles", _("Configuration files")


class MaintenanceType(models.TextChoices):
    """publiccode.yml's maintenance/type."""

    INTERNAL = "internal", _("Maintained internally")
    CONTRACT = "contract", _("Maintained under contract")
    COMMUNITY = "community", _("Maintained by a community")
    NONE = "none", _("Not maintained")


class Platform(models.TextChoices):
    WEB = "web", _("Web")
    LINUX = "linux", "Linux"
    WINDOWS = "windows", "Windows"
    MAC = "mac", "macOS"
    ANDROID = "android", "Android"
    IOS = "ios", "iOS"


def validate_platform(value: str) -> None:
    if value not in Platform.values:
        raise ValidationError(
            _("“%(value)s” is not a platform; choose among %(choices)s."),
            params={"value": value, "choices": ", ".join(Platform.values)},
        )


class Software(Entry):
    """A catalogue entry: a free software product, whoever makes it."""

    name = models.CharField(_("name"), max_length=200)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    licence_raw = models.CharField(
        _("licence as written"),
        max_length=200,
        blank=True,
        help_text=_("The licence as the source gave it; kept to explain the SPDX expression."),
    )
    licence = models.CharField(
        _("licence (SPDX)"),
        max_length=200,
        blank=True,
        db_index=True,
        help_text=_(
            "SPDX expression such as AGPL-3.0-or-later or (MIT OR Apache-2.0); "
            "filled from the licence as written when left empty."
        ),
    )
    website = models.URLField(_("website"), blank=True, max_length=300)
    repository_url = models.URLField(_("source repository"), blank=True, max_length=300)
    wikidata_id = models.CharField(
        _("Wikidata id"), max_length=20, blank=True, validators=[validate_wikidata_id]
    )
    logo_url = models.URLField(_("logo URL"), blank=True, max_length=500)
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), blank=True, related_name="software"
    )
    alternative_to = StringListField(
        _("alternative to"),
        help_text=_("Proprietary products it replaces, separated by commas: Microsoft Word, Zoom."),
    )
    similar = models.ManyToManyField(
        "self", verbose_name=_("similar software"), blank=True, symmetrical=True
    )
    tags = StringListField(_("tags"), help_text=_("Keywords, separated by commas."))
    # publiccode.yml fields that map one to one.
    software_type = models.CharField(
        _("software type"), max_length=20, choices=SoftwareType.choices, blank=True
    )
    development_status = models.CharField(
        _("development status"), max_length=12, choices=DevelopmentStatus.choices, blank=True
    )
    maintenance_type = models.CharField(
        _("maintenance"), max_length=10, choices=MaintenanceType.choices, blank=True
    )
    platforms = StringListField(
        _("platforms"),
        item_validators=[validate_platform],
        help_text=_("Among: web, linux, windows, mac, android, ios."),
    )
    latest_version = models.CharField(_("latest version"), max_length=50, blank=True)
    release_date = models.DateField(_("release date"), null=True, blank=True)
    sill_id = models.CharField(
        _("SILL id"),
        max_length=20,
        blank=True,
        db_index=True,
        help_text=_("Identifier in the French State's recommended free software list."),
    )
    comptoir_id = models.CharField(_("Comptoir du Libre id"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("software")
        verbose_name_plural = pgettext_lazy("plural", "software")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("web:software", kwargs={"slug": self.slug})

    @property
    def description(self) -> str:
        return in_language(self, "description")

    def clean(self):
        if self.licence_raw and not self.licence:
            self.licence = normalise_licence(self.licence_raw).spdx or ""
        if self.licence:
            normalised = normalise_licence(self.licence)
            if not normalised.spdx:
                raise ValidationError(
                    {
                        "licence": _("“%(value)s” is not an SPDX licence expression (%(problem)s).")
                        % {"value": self.licence, "problem": normalised.problem}
                    }
                )
            self.licence = normalised.spdx
