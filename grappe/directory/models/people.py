from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grappe.directory.fields import PhoneField, StringListField
from grappe.directory.models.base import Entry, in_language
from grappe.directory.models.organisations import Organisation
from grappe.directory.places import DEPARTEMENTS
from grappe.directory.validators import validate_departement, validate_phone


class PersonRole(models.TextChoices):
    AMBASSADOR = "ambassador", _("Ambassador")
    TRAINER = "trainer", _("Trainer")
    EXPERT = "expert", _("Expert")
    REFERENT = "referent", _("Referent")


def validate_known_departement(value: str) -> None:
    validate_departement(value)
    if value not in DEPARTEMENTS:
        raise ValidationError(_("“%(value)s” is not a département code."), params={"value": value})


class Person(Entry):
    """Someone to be found by territory and skill: an ambassador, a trainer, an expert."""

    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=12, choices=PersonRole.choices)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    bio_fr = models.TextField(_("biography (French)"), blank=True)
    bio_en = models.TextField(_("biography (English)"), blank=True)
    skills = StringListField(_("skills"), help_text=_("Separated by commas."))
    territory = StringListField(
        _("territory"),
        item_validators=[validate_known_departement],
        help_text=_("Département codes, separated by commas: 33, 40, 64."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = PhoneField(_("phone"), blank=True, validators=[validate_phone])
    contact_consent = models.BooleanField(
        _("consents to public contact details"),
        default=False,
        help_text=_("Without consent, the e-mail and phone are kept for curators only."),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("web:person", kwargs={"slug": self.slug})

    @property
    def bio(self) -> str:
        return in_language(self, "bio")

    @property
    def public_email(self) -> str:
        return self.email if self.contact_consent else ""

    @property
    def public_phone(self) -> str:
        return self.phone if self.contact_consent else ""
