"""Display helpers of the calls for tenders pages: CPV and NUTS codes named, scores, roles."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from grappe.directory.places import departement_label
from grappe.tenders import cpv
from grappe.tenders.exporting import form_label, role_label
from grappe.tenders.matching.geography import NUTS3_DEPARTEMENTS
from grappe.tenders.models import Requirement, RequirementKind
from grappe.web.templatetags.grappe_web import euros

register = template.Library()


@register.filter
def cpv_label(code: str) -> str:
    """72415000 -> "72415000 – Services d'hébergement…" in the page's language; a code the
    list does not know keeps its digits rather than failing the page."""
    try:
        return cpv.describe(code, get_language())
    except ValueError:
        return code


@register.filter
def nuts_label(code: str) -> str:
    """FRI12 -> "FRI12 (33 – Gironde)": the region's codes are départements people know."""
    departement = NUTS3_DEPARTEMENTS.get(code)
    return f"{code} ({departement_label(departement)})" if departement else code


@register.filter
def score_percent(score: float | None) -> int:
    """0.9138 -> 91: a score as the whole percentage people read."""
    return round((score or 0) * 100)


@register.filter
def threshold(requirement: Requirement) -> str:
    """The minimum in its unit: euros for a turnover, a count for staff and references."""
    value = requirement.threshold
    if value is None:
        return ""
    if requirement.kind == RequirementKind.TURNOVER:
        return euros(value)
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


@register.filter
def grouping_form_label(form: str) -> str:
    return form_label(form)


@register.filter
def team_role_label(role: str) -> str:
    return role_label(role)


@register.filter
def duration_label(text: str) -> str:
    """ "36 month" (as stored) -> "36 months" in the page's language."""
    value, _space, unit = (text or "").partition(" ")
    try:
        number = Decimal(value)
    except ArithmeticError:
        return text
    count = int(number) if number == number.to_integral_value() else 2
    shown = f"{number.normalize():f}"
    if unit == "day":
        return ngettext("%(n)s day", "%(n)s days", count) % {"n": shown}
    if unit == "month":
        return ngettext("%(n)s month", "%(n)s months", count) % {"n": shown}
    if unit == "year":
        return ngettext("%(n)s year", "%(n)s years", count) % {"n": shown}
    return text


SOURCE_FORMATS = {
    "eforms": "eForms",
    "boamp-xml": "BOAMP (XML)",
    "boamp-json": "BOAMP (JSON)",
}


@register.filter
def source_format_label(source_format: str) -> str:
    if source_format == "text":
        return pgettext("notice format", "text")
    return SOURCE_FORMATS.get(source_format, source_format)


def _procedures() -> dict[str, str]:
    """The eForms procedure codes (BT-105) the readers give, and France's "procédure adaptée"."""
    return {
        "open": _("open procedure"),
        "restricted": _("restricted procedure"),
        "adapted": _("adapted procedure (MAPA)"),
        "comp-dial": _("competitive dialogue"),
        "neg-w-call": _("competitive procedure with negotiation"),
        "neg-wo-call": _("negotiated procedure without prior publication"),
        "innovation": _("innovation partnership"),
        "comp-tend": _("competitive tendering"),
        "oth-single": _("other single-stage procedure"),
        "oth-mult": _("other multiple-stage procedure"),
    }


@register.filter
def procedure_label(code: str) -> str:
    return _procedures().get(code, code)
