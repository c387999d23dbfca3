from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from grappe.directory.models import Organisation


class TeamConflict(models.Model):
    """Two organisations that do not team up (a dispute, a shareholder link, a rival bid).

    Stored once per pair, the smaller id first, so that "A with B" and "B with A" are one row.
    Merging two organisations moves their conflicts (a conflict between the two is dropped).
    """

    first = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="conflicts_as_first",
    )
    second = models.ForeignKey(
        Organisation,
        verbose_name=_("does not team up with"),
        on_delete=models.CASCADE,
        related_name="conflicts_as_second",
    )
    reason = models.CharField(
        _("reason"), max_length=300, blank=True, help_text=_("Seen by curators only.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("teaming conflict")
        verbose_name_plural = _("teaming conflicts")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="tenders_conflict_pair"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="tenders_conflict_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first} ✕ {self.second}"

    def save(self, *args, **kwargs):
        if self.first_id and self.second_id and self.first_id > self.second_id:
            self.first_id, self.second_id = self.second_id, self.first_id
        super().save(*args, **kwargs)

    def clean(self):
        if self.first_id and self.first_id == self.second_id:
            raise ValidationError({"second": _("An organisation cannot conflict with itself.")})

    @classmethod
    def pairs(cls, organisation_ids=None) -> set[frozenset[int]]:
        rows = cls.objects.all()
        if organisation_ids is not None:
            ids = list(organisation_ids)
            rows = rows.filter(first__in=ids, second__in=ids)
        return {frozenset(pair) for pair in rows.values_list("first_id", "second_id")}
