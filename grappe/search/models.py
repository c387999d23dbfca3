from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """One row per indexed entry: what a hit shows, without touching the directory's tables.

    The full-text part lives beside it in a backend-specific structure (an FTS5 table whose
    rowid is this id on SQLite; a tsvector column on PostgreSQL), created by the migrations.
    """

    kind = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()
    slug = models.CharField(max_length=120)
    name = models.CharField(max_length=300)
    name_key = models.CharField(max_length=300, db_index=True)  # folded, for exact-name boosts
    summary_fr = models.TextField(blank=True)
    summary_en = models.TextField(blank=True)
    commune_name = models.CharField(max_length=100, blank=True)
    departement = models.CharField(max_length=3, blank=True)
    organisation_kind = models.CharField(max_length=20, blank=True)
    offering_kind = models.CharField(max_length=10, blank=True)
    licence = models.CharField(max_length=200, blank=True)
    parent_name = models.CharField(max_length=200, blank=True)
    is_member = models.BooleanField(default=False)
    is_example = models.BooleanField(default=False)
    updated_at = models.DateTimeField(null=True)
    starts_on = models.DateField(null=True)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    # A machine's work area, for range filters ("build height of at least 250 mm").
    work_x_mm = models.PositiveIntegerField(null=True)
    work_y_mm = models.PositiveIntegerField(null=True)
    work_z_mm = models.PositiveIntegerField(null=True)

    class Meta:
        verbose_name = _("search document")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_document_per_entry")
        ]
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["updated_at"]),
            models.Index(fields=["latitude", "longitude"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


class SearchFacet(models.Model):
    """A facet value of a document ("departement" = "33"); a document may have several."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="facets")
    facet = models.CharField(max_length=30)
    value = models.CharField(max_length=120)

    class Meta:
        verbose_name = _("search facet")
        indexes = [models.Index(fields=["facet", "value", "document"])]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"
