"""The kinds of entry a feed carries, and the directory model and YAML section of each.

An organisation's offerings, certifications, relations and references travel inside its record,
as in Grappe's YAML format; categories and certification schemes travel as vocabulary.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from grappe.directory.models import Event, Organisation, Person, Software


class Kind(models.TextChoices):
    EVENT = "event", _("event")
    ORGANISATION = "organisation", _("organisation")
    PERSON = "person", _("person")
    SOFTWARE = "software", _("software")


MODELS: dict[str, type[models.Model]] = {
    Kind.EVENT: Event,
    Kind.ORGANISATION: Organisation,
    Kind.PERSON: Person,
    Kind.SOFTWARE: Software,
}
SECTIONS: dict[str, str] = {
    Kind.EVENT: "events",
    Kind.ORGANISATION: "organisations",
    Kind.PERSON: "people",
    Kind.SOFTWARE: "software",
}


def kind_of(model: type[models.Model]) -> str | None:
    """The feed kind of a directory model, or None for models the feed does not carry."""
    for kind, candidate in MODELS.items():
        if candidate is model:
            return str(kind)
    return None
