from django.db import models
from django.utils.translation import gettext_lazy as _

from grappe.directory.fields import StringListField
from grappe.directory.models import Organisation
from grappe.directory.validators import normalise_cpv, validate_cpv


class Watch(models.Model):
    """A member's standing search over incoming calls for tenders: CPV branches and words."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="tender_watches",
    )
    name = models.CharField(_("name"), max_length=200)
    cpv_codes = StringListField(
        _("CPV codes"),
        item_validators=[validate_cpv],
        normalise=normalise_cpv,
        help_text=_("A code also catches every narrower code of its branch."),
    )
    keywords = StringListField(
        _("keywords"), help_text=_("Any of these words in a notice's title or description.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("tender watch")
        verbose_name_plural = _("tender watches")
        ordering = ["organisation", "name"]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.name}"
