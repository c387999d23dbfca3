"""Organisations are placed when they are saved: from their commune code, postcode or commune
name, at the commune's centroid. Coordinates typed by hand are never moved; coordinates that are
a commune's centroid follow the organisation when its place changes."""

from django.db.models.signals import pre_save

from grappe.directory.models import Organisation
from grappe.geo.geocoding import is_centroid, locate_organisation

PLACE_FIELDS = ("commune_insee", "postcode", "commune_name")


def place_on_save(sender, instance: Organisation, raw: bool = False, **kwargs) -> None:
    if raw:  # fixtures and restored versions are saved as they were
        return
    if instance.latitude is not None and instance.pk:
        previous = (
            Organisation.objects.filter(pk=instance.pk)
            .values(*PLACE_FIELDS, "latitude", "longitude")
            .first()
        )
        if (
            previous is not None
            and any(previous[f] != getattr(instance, f) for f in PLACE_FIELDS)
            and (previous["latitude"], previous["longitude"])
            == (instance.latitude, instance.longitude)
            and is_centroid(previous["commune_insee"], previous["latitude"], previous["longitude"])
        ):  # its place changed and its point was only the old commune's centroid: follow it
            instance.latitude = instance.longitude = None
            if previous["commune_insee"] == instance.commune_insee:
                instance.commune_insee = ""  # it was derived from the old postcode or name
    if any(getattr(instance, f) for f in PLACE_FIELDS) and (
        instance.latitude is None or not instance.commune_insee
    ):
        # Fills the commune code, and the point when there is none; when nothing matches, the
        # entry stays as it is and the curators' list of unplaced entries shows it.
        locate_organisation(instance)
        instance.derive_departement()  # save() derived it before the commune code changed


def connect_signals() -> None:
    pre_save.connect(place_on_save, sender=Organisation, dispatch_uid="geo.place_on_save")
