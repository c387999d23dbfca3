"""Machine materials: one key per material however it is written ("PETG", "petg"), and its name
in French and English, so that the materials facet reads well in both languages."""

from django.utils.translation import gettext_lazy as _

# Names of the usual fab lab materials; a material not listed is shown as written.
MATERIALS = {
    "pla": "PLA",
    "petg": "PETG",
    "abs": "ABS",
    "asa": "ASA",
    "tpu": _("TPU (flexible)"),
    "nylon": _("nylon (PA)"),
    "resin": _("resin"),
    "plywood": _("plywood"),
    "mdf": "MDF",
    "wood": _("wood"),
    "pmma": _("PMMA (acrylic)"),
    "cardboard": _("cardboard"),
    "leather": _("leather"),
    "paper": _("paper"),
    "fabric": _("fabric"),
    "vinyl": _("vinyl"),
    "heat-transfer vinyl": _("heat-transfer vinyl"),
    "aluminium": _("aluminium"),
    "brass": _("brass"),
    "copper": _("copper"),
    "steel": _("steel"),
    "fr4": _("FR4 (circuit boards)"),
    "foam": _("foam"),
    "polyamide powder": _("polyamide powder"),
}


def material_key(material: str) -> str:
    return " ".join(material.split()).casefold()


def material_label(key: str) -> str:
    return str(MATERIALS.get(key, key))


def material_name(material: str) -> str:
    """A material as written by a curator, in the page's language when it is a known one."""
    known = MATERIALS.get(material_key(material))
    return str(known) if known else material
