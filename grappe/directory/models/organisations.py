from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grappe.directory.fields import CompactIdentifierField, PhoneField, StringListField
from grappe.directory.models.base import Entry, in_language
from grappe.directory.places import departement_of_commune, departement_of_postcode
from grappe.directory.validators import (
    validate_insee_commune,
    validate_naf,
    validate_not_in_future,
    validate_phone,
    validate_postcode,
    validate_siren,
    validate_siret,
    validate_wikidata_id,
    validate_year,
)

# A profile nobody confirmed for this long says "to be confirmed" on its page.
CONFIRMATION_LASTS = timedelta(days=365)


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    PUBLIC_BODY = "public_body", _("Public body")
    ASSOCIATION = "association", _("Association")
    FABLAB = "fablab", _("Fab lab / third place")
    RESEARCH = "research", _("Research or education")
    NETWORK = "network", _("Cluster or network")
    INCUBATOR = "incubator", _("Incubator / accelerator")
    HOSTING = "hosting", _("Hosting provider")


class HeadcountBand(models.TextChoices):
    """INSEE's staff bands (tranches d'effectif salarié), as in the SIRENE register."""

    NONE = "0", _("No employees")
    B1_2 = "1-2", _("1 or 2 employees")
    B3_5 = "3-5", _("3 to 5 employees")
    B6_9 = "6-9", _("6 to 9 employees")
    B10_19 = "10-19", _("10 to 19 employees")
    B20_49 = "20-49", _("20 to 49 employees")
    B50_99 = "50-99", _("50 to 99 employees")
    B100_199 = "100-199", _("100 to 199 employees")
    B200_249 = "200-249", _("200 to 249 employees")
    B250_499 = "250-499", _("250 to 499 employees")
    B500_999 = "500-999", _("500 to 999 employees")
    B1000_1999 = "1000-1999", _("1,000 to 1,999 employees")
    B2000_4999 = "2000-4999", _("2,000 to 4,999 employees")
    B5000_PLUS = "5000+", _("5,000 employees or more")


class MembershipStatus(models.TextChoices):
    NONE = "none", _("Not a member")
    MEMBER = "member", _("Member")
    FORMER = "former", _("Former member")
    PARTNER = "partner", _("Partner")


class Organisation(Entry):
    """Anyone the ecosystem counts: a company, a public body, an association, a fab lab..."""

    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200, help_text=_("The name people know it by."))
    legal_name = models.CharField(
        _("legal name"), max_length=200, blank=True, help_text=_("As in the SIRENE register.")
    )
    siren = CompactIdentifierField(
        _("SIREN"),
        max_length=9,
        blank=True,
        null=True,
        unique=True,
        validators=[validate_siren],
        help_text=_("9 digits identifying the legal entity."),
    )
    siret = CompactIdentifierField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text=_("14 digits identifying the establishment (head office or local site)."),
    )
    naf_code = models.CharField(
        _("NAF/APE code"),
        max_length=6,
        blank=True,
        validators=[validate_naf],
        help_text=_("Main activity, such as 62.01Z."),
    )
    wikidata_id = models.CharField(
        _("Wikidata id"), max_length=20, blank=True, validators=[validate_wikidata_id]
    )
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    website = models.URLField(_("website"), blank=True, max_length=300)
    email = models.EmailField(
        _("public contact e-mail"), blank=True, help_text=_("Shown publicly on the profile.")
    )
    phone = PhoneField(_("phone"), blank=True, validators=[validate_phone])
    address = models.CharField(_("street address"), max_length=300, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=5, blank=True, validators=[validate_postcode]
    )
    commune_insee = models.CharField(
        _("commune INSEE code"), max_length=5, blank=True, validators=[validate_insee_commune]
    )
    commune_name = models.CharField(_("commune"), max_length=100, blank=True)
    departement = models.CharField(
        _("département"),
        max_length=3,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("Derived from the commune code, or else from the postcode."),
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    headcount_band = models.CharField(
        _("headcount"), max_length=10, choices=HeadcountBand.choices, blank=True
    )
    founded_year = models.PositiveSmallIntegerField(
        _("year founded"), null=True, blank=True, validators=[validate_year]
    )
    turnover_year = models.PositiveSmallIntegerField(
        _("turnover year"), null=True, blank=True, validators=[validate_year]
    )
    turnover_amount = models.DecimalField(
        _("turnover (EUR)"),
        max_digits=14,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Latest annual turnover, used to check tenders' selection criteria."),
    )
    membership_status = models.CharField(
        _("cluster membership"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.NONE,
    )
    member_since = models.DateField(
        _("member since"), null=True, blank=True, validators=[validate_not_in_future]
    )
    logo_url = models.URLField(_("logo URL"), blank=True, max_length=500)
    tags = StringListField(_("tags"), help_text=_("Keywords, separated by commas."))
    confirmed_at = models.DateTimeField(
        _("profile confirmed"),
        default=timezone.now,
        help_text=_(
            "When a member or a curator last said the profile is true; after a year its page "
            "says “to be confirmed”."
        ),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind"]), models.Index(fields=["membership_status"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("web:organisation", kwargs={"slug": self.slug})

    @property
    def description(self) -> str:
        return in_language(self, "description")

    @property
    def to_be_confirmed(self) -> bool:
        return self.confirmed_at < timezone.now() - CONFIRMATION_LASTS

    @property
    def is_member(self) -> bool:
        return self.membership_status == MembershipStatus.MEMBER

    def clean(self):
        errors: dict[str, str] = {}
        if not self.siren and self.siret and len(self.siret) == 14:
            self.siren = self.siret[:9]
        if self.siren and self.siret and not self.siret.startswith(self.siren):
            errors["siret"] = _(
                "The SIRET must start with the organisation's SIREN (%(siren)s)."
            ) % {"siren": self.siren}
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = _(
                "Give both latitude and longitude, or neither."
            )
        if self.turnover_amount is not None and not self.turnover_year:
            errors["turnover_year"] = _("Say which year the turnover is for.")
        if self.turnover_year and self.turnover_amount is None:
            errors["turnover_amount"] = _("Give the turnover amount for that year.")
        if self.member_since and self.membership_status == MembershipStatus.NONE:
            errors["member_since"] = _("Only members and former members have a membership date.")
        if self.member_since and self.founded_year and self.member_since.year < self.founded_year:
            errors["member_since"] = _("The organisation cannot have joined before it was founded.")
        if self.turnover_year and self.turnover_year > date.today().year:
            errors["turnover_year"] = _("The turnover year cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    def derive_departement(self) -> None:
        """From the commune code, or else the postcode; again whenever either changes."""
        self.departement = departement_of_commune(self.commune_insee) or departement_of_postcode(
            self.postcode
        )

    def save(self, *args, **kwargs):
        self.siren = self.siren or None  # unique, yet many organisations have none
        self.derive_departement()
        super().save(*args, **kwargs)
