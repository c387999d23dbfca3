"""What the feed says of one entry: its Grappe YAML record, and the vocabulary records use.

The records are those of `grappe export grappe-yaml` (an organisation with its offerings,
certifications, relations and references inlined), so a pull loads them with the same loader
as an import, with the same validation and history.
"""

from collections.abc import Iterable
from typing import Any

from django.db import models

from grappe.directory.models import Category, CertificationScheme, Organisation, Person, Software
from grappe.interop.exporters import entry_as_dict
from grappe.interop.loaders import CHILDREN

# What the feed prefetches for the records of each model (one query per relation per page).
PREFETCH: dict[type[models.Model], tuple[str, ...]] = {
    Organisation: (
        "offerings__software",
        "certifications__scheme",
        "certifications__offerings",
        "software_relations__software",
        "references__software",
        "references__partners",
        "references__client",
    ),
    Software: ("categories", "similar"),
    Person: ("organisation",),
}


def record_of(entry: models.Model) -> dict[str, Any]:
    record = entry_as_dict(entry)
    if isinstance(entry, Organisation):
        for name in CHILDREN:
            children = sorted(getattr(entry, name).all(), key=lambda child: child.pk)
            if children:
                record[name] = [entry_as_dict(child) for child in children]
    if isinstance(entry, Person):
        if entry.organisation_id:
            # entry_as_dict leaves out every field named "organisation" (a child's parent).
            record["organisation"] = entry.organisation.slug
        if not entry.contact_consent:  # curators' eyes only: the feed is public
            record.pop("email", None)
            record.pop("phone", None)
    return record


def vocabulary_for(entries: Iterable[models.Model]) -> dict[str, list[dict[str, Any]]]:
    """The categories (with their parents) and certification schemes the entries refer to,
    parents first, so that a peer missing one can create it before loading the entries."""
    categories: dict[int, Category] = {}
    schemes: dict[int, CertificationScheme] = {}
    for entry in entries:
        if isinstance(entry, Software):
            for category in entry.categories.all():
                while category is not None and category.pk not in categories:
                    categories[category.pk] = category
                    category = category.parent
        if isinstance(entry, Organisation):
            for certification in entry.certifications.all():
                schemes[certification.scheme_id] = certification.scheme
    vocabulary: dict[str, list[dict[str, Any]]] = {}
    if categories:
        ordered = sorted(categories.values(), key=lambda c: (_depth(c), c.slug))
        vocabulary["categories"] = [entry_as_dict(category) for category in ordered]
    if schemes:
        ordered_schemes = sorted(schemes.values(), key=lambda s: s.slug)
        vocabulary["certification_schemes"] = [entry_as_dict(s) for s in ordered_schemes]
    return vocabulary


def _depth(category: Category) -> int:
    depth = 0
    while category.parent_id is not None and depth < 20:
        category, depth = category.parent, depth + 1
    return depth
