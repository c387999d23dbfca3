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
