"""What every directory entry shares: timestamps, a stable slug, the example flag, two languages."""

from django.db import models
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Entry(models.Model):
    """An entry of the index, with a slug that stays stable for URLs, imports and federation."""

    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        blank=True,
        help_text=_("Stable identifier used in addresses; made from the name when left empty."),
    )
    is_example = models.BooleanField(
        _("example data"),
        default=False,
        help_text=_("Fictional entry shown to demonstrate a feature; labelled on every page."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    slug_source = "name"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.unique_slug(str(getattr(self, self.slug_source)))
        super().save(*args, **kwargs)

    @classmethod
    def unique_slug(cls, text: str) -> str:
        base = slugify(text)[:100] or cls._meta.model_name
        slug, counter = base, 2
        while cls._default_manager.filter(slug=slug).exists():
            slug, counter = f"{base}-{counter}", counter + 1
        return slug


def in_language(instance: models.Model, field: str, language: str | None = None) -> str:
    """The French or English text of a field, falling back to the other language when empty."""
    language = (language or get_language() or "fr")[:2]
    other = "en" if language == "fr" else "fr"
    return getattr(instance, f"{field}_{language}", "") or getattr(instance, f"{field}_{other}", "")
