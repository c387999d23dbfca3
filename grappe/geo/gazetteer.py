"""Keeping the gazetteer and the entries' places: storing communes, geocoding organisations."""

from django.db import transaction

from grappe.directory.models import Organisation
from grappe.geo.geocoding import locate_organisation
from grappe.geo.models import Commune, CommunePostcode, name_key

FIELDS = ("name", "name_key", "departement", "postcodes", "population", "latitude", "longitude")


def store_communes(records) -> dict[str, int]:
    """Create or update communes by INSEE code; returns created / updated / unchanged counts."""
    existing = {c.insee_code: c for c in Commune.objects.all()}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    new, changed = [], []
    for record in records:
        values = {
            "name": record.name,
            "name_key": name_key(record.name),
            "departement": record.departement,
            "postcodes": list(record.postcodes),
            "population": record.population,
            "latitude": record.latitude,
            "longitude": record.longitude,
        }
        commune = existing.get(record.insee_code)
        if commune is None:
            new.append(Commune(insee_code=record.insee_code, **values))
            counts["created"] += 1
        elif any(getattr(commune, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(commune, key, value)
            changed.append(commune)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    with transaction.atomic():
        Commune.objects.bulk_create(new, batch_size=500)
        Commune.objects.bulk_update(changed, FIELDS, batch_size=500)
        touched = [c.insee_code for c in new + changed]
        CommunePostcode.objects.filter(commune_id__in=touched).delete()
        CommunePostcode.objects.bulk_create(
            [
                CommunePostcode(postcode=postcode, commune_id=commune.insee_code)
                for commune in new + changed
                for postcode in commune.postcodes
            ],
            batch_size=1000,
        )
    return counts


def geocode_organisations(queryset=None) -> list[tuple[Organisation, str]]:
    """Place the organisations that give a commune or postcode but no coordinates; returns
    those that could not be placed, with the reason, for the curators."""
    unplaced = []
    queryset = queryset if queryset is not None else Organisation.objects.all()
    for organisation in queryset.filter(latitude__isnull=True):
        if not (organisation.commune_insee or organisation.postcode or organisation.commune_name):
            continue
        reason = locate_organisation(organisation)
        if reason:
            unplaced.append((organisation, reason))
        else:
            organisation.save()
    return unplaced
