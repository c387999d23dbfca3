from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grappe.directory.models.base import Entry, in_language
from grappe.directory.models.organisations import Organisation
from grappe.directory.validators import validate_insee_commune


class Event(Entry):
    """A trade fair, meetup or workshop of the ecosystem."""

    title = models.CharField(_("title"), max_length=200)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    commune_name = models.CharField(_("commune"), max_length=100, blank=True)
    commune_insee = models.CharField(
        _("commune INSEE code"), max_length=5, blank=True, validators=[validate_insee_commune]
    )
    is_online = models.BooleanField(_("online"), default=False)
    organiser = models.ForeignKey(
        Organisation,
        verbose_name=_("organiser"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    organiser_name = models.CharField(
        _("organiser (if not in the index)"), max_length=200, blank=True
    )
    url = models.URLField(_("web page"), blank=True, max_length=300)

    slug_source = "title"

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("web:event", kwargs={"slug": self.slug})

    @property
    def description(self) -> str:
        return in_language(self, "description")

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {
                    "ends_on": _("The event cannot end before it starts (%(start)s).")
                    % {"start": self.starts_on.isoformat()}
                }
            )
