"""Keeping the gazetteer and the entries' places: storing communes, geocoding organisations."""

from dataclasses import dataclass, field

from django.db import transaction

from grappe.directory.models import Organisation
from grappe.geo.geocoding import locate_organisation
from grappe.geo.models import Commune, CommunePostcode, Departement, Epci, name_key
from grappe.geo.outlines import dump_outline, simplify_outline

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


def store_departements(records) -> dict[str, int]:
    """Create or update départements by code, their outlines simplified for the map (see
    grappe.geo.outlines); returns created / updated / unchanged counts."""
    existing = {d.code: d for d in Departement.objects.all()}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for record in records:
            values = {
                "name": record.name,
                "outline": dump_outline(simplify_outline(record.geometry)),
            }
            departement = existing.get(record.code)
            if departement is None:
                existing[record.code] = Departement.objects.create(code=record.code, **values)
                counts["created"] += 1
            elif any(getattr(departement, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(departement, key, value)
                departement.save()
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    return counts


@dataclass
class EpcisStored:
    """What store_epcis did: EPCI and commune counts (created / updated / unchanged), and the
    member communes the gazetteer does not know, as (INSEE code, name) pairs."""

    epcis: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0}
    )
    communes: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0}
    )
    missing: list[tuple[str, str]] = field(default_factory=list)


def store_epcis(records) -> EpcisStored:
    """Create or update EPCI by SIREN and set the EPCI of their member communes.

    The file says who the members of each of its EPCI are: a commune still attached to one of
    them but no longer listed (and not listed elsewhere in the file) is detached. EPCI absent
    from the file are left as they are (a file may cover one region only).
    """
    stored = EpcisStored()
    existing = {e.code: e for e in Epci.objects.all()}
    membership = {member: r.code for r in records for member, _name in r.members}
    names = {member: name for r in records for member, name in r.members}
    imported = {r.code for r in records}
    with transaction.atomic():
        for record in records:
            values = {"name": record.name, "kind": record.kind, "population": record.population}
            epci = existing.get(record.code)
            if epci is None:
                existing[record.code] = Epci.objects.create(code=record.code, **values)
                stored.epcis["created"] += 1
            elif any(getattr(epci, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(epci, key, value)
                epci.save()
                stored.epcis["updated"] += 1
            else:
                stored.epcis["unchanged"] += 1
        communes = Commune.objects.filter(insee_code__in=membership) | Commune.objects.filter(
            epci_id__in=imported
        )
        changed = []
        for commune in communes.only("insee_code", "epci"):
            epci_code = membership.get(commune.insee_code)
            if commune.epci_id == epci_code:
                stored.communes["unchanged"] += 1
            else:
                commune.epci_id = epci_code
                changed.append(commune)
                stored.communes["updated"] += 1
        Commune.objects.bulk_update(changed, ["epci"], batch_size=500)
        known = set(Commune.objects.filter(insee_code__in=membership).values_list("pk", flat=True))
        stored.missing = sorted((code, names[code]) for code in membership if code not in known)
    return stored


def epci_of_communes(insee_codes) -> dict[str, Epci]:
    """The EPCI of each of these communes that has one, by INSEE code, in one query."""
    communes = Commune.objects.filter(insee_code__in=list(insee_codes), epci__isnull=False)
    return {commune.insee_code: commune.epci for commune in communes.select_related("epci")}
