import re
import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _

from grappe.directory.fields import StringListField


def name_key(name: str) -> str:
    """A place name reduced for comparison: "Cambo-les-Bains" and "cambo les bains" meet."""
    decomposed = unicodedata.normalize("NFKD", (name or "").lower())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.findall(r"\w+", folded)
    return " ".join("saint" if w == "st" else "sainte" if w == "ste" else w for w in words)


class EpciKind(models.TextChoices):
    """The legal form of an EPCI with its own taxation (the `type` of decoupage-administratif)."""

    CC = "CC", _("Community of communes")
    CA = "CA", _("Agglomeration community")
    CU = "CU", _("Urban community")
    METRO = "METRO", _("Metropolis")
    MET69 = "MET69", _("Metropolis of Lyon")


class Departement(models.Model):
    """A département, with a simplified outline for the map."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)  # "33", "2A", "971"
    name = models.CharField(_("name"), max_length=100)
    outline = models.TextField(
        _("outline"), blank=True, help_text=_("A GeoJSON geometry, simplified for the map.")
    )

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Epci(models.Model):
    """An intercommunality (EPCI with its own taxation): the communes that work together."""

    code = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=5, choices=EpciKind.choices)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    """A commune of the official geographic code (COG), with its centroid."""

    insee_code = models.CharField(_("INSEE code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    name_key = models.CharField(max_length=100, db_index=True)  # folded, for lookups by name
    departement = models.CharField(_("département"), max_length=3, db_index=True)
    postcodes = StringListField(_("postcodes"))
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    epci = models.ForeignKey(
        Epci,
        verbose_name=_("EPCI"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
    )

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.departement})"


class CommunePostcode(models.Model):
    """One row per (postcode, commune): a postcode may serve several communes and back."""

    postcode = models.CharField(max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postcode_rows")

    class Meta:
        verbose_name = _("commune postcode")
        constraints = [
            models.UniqueConstraint(fields=["postcode", "commune"], name="one_row_per_postcode")
        ]

    def __str__(self) -> str:
        return f"{self.postcode} {self.commune_id}"
