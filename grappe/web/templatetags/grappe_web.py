"""Small display helpers for the public pages: texts in two languages, phones, amounts, places."""

from dataclasses import dataclass
from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from grappe.directory.countries import country_name
from grappe.directory.materials import material_name
from grappe.directory.models import Offering, Platform
from grappe.directory.places import departement_label
from grappe.directory.validators import format_phone
from grappe.web.markdown import render_markdown

register = template.Library()


@dataclass(frozen=True)
class LocalisedText:
    """A text and the language it is really in, so that a fallback gets the right lang=."""

    text: str
    lang: str

    def __str__(self) -> str:
        return self.text


def localised(instance: object, field: str, language: str | None = None) -> LocalisedText:
    """The text of `field` in the page's language, else in the other one (models' fallback)."""
    language = (language or get_language() or "fr")[:2]
    other = "en" if language == "fr" else "fr"
    for code in (language, other):
        text = getattr(instance, f"{field}_{code}", "") or ""
        if text:
            return LocalisedText(text, code)
    return LocalisedText("", language)


@register.simple_tag
def text_in_language(instance: object, field: str) -> LocalisedText:
    return localised(instance, field)


@register.filter
def fictional(entry: object) -> bool:
    """Example data: an offering of a fictional organisation is fictional too."""
    if getattr(entry, "is_example", False):
        return True
    if isinstance(entry, Offering):
        return entry.organisation.is_example
    return False


@register.filter
def phone(number: str) -> str:
    """+33536491234 -> 05 36 49 12 34, as French readers write it; foreign numbers stay
    international. The tel: link keeps the E.164 form, right from anywhere."""
    return format_phone(number) if number else ""


@register.filter
def euros(amount: Decimal | int | None) -> str:
    """An amount in euros, grouped by thousands the way the page's language writes them."""
    if amount is None:
        return ""
    return _("€%(amount)s") % {"amount": floatformat(amount, "-2g")}


@register.filter
def departement(code: str) -> str:
    return departement_label(code) if code else ""


@register.filter
def percent(value: Decimal | None) -> str:
    """99.950 -> "99.95 %", 100.000 -> "100 %": the digits given, no trailing zeros."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f} %"


@register.filter
def datacenter_place(offering: Offering) -> str:
    """Mérignac, Nouvelle-Aquitaine, France."""
    parts = (
        offering.datacenter_city,
        offering.datacenter_region,
        country_name(offering.datacenter_country),
    )
    return ", ".join(p for p in parts if p)


@register.filter
def materials(offering: Offering) -> str:
    return ", ".join(material_name(x) for x in offering.materials)


@register.filter
def offering_summary(offering: Offering) -> str:
    """One line of what matters most for each kind: "Training · Remote · 14 h · from €250"."""
    parts: list[str] = []
    if offering.service_kind:
        parts.append(str(offering.get_service_kind_display()))
    if offering.delivery_mode:
        parts.append(str(offering.get_delivery_mode_display()))
    if offering.duration_hours:
        parts.append(_("%(hours)s h") % {"hours": offering.duration_hours})
    if offering.hosting_kind:
        parts.append(str(offering.get_hosting_kind_display()))
    if offering.datacenter_city or offering.datacenter_country:
        country = country_name(offering.datacenter_country)
        place = ", ".join(p for p in (offering.datacenter_city, country) if p)
        parts.append(_("data centre: %(place)s") % {"place": place})
    if offering.machine_type:
        parts.append(str(offering.get_machine_type_display()))
    if offering.work_area:
        parts.append(offering.work_area)
    if offering.materials:
        parts.append(materials(offering))
    if offering.price_from is not None:
        parts.append(_("from %(price)s") % {"price": euros(offering.price_from)})
    return " · ".join(parts)


@register.filter
def platform_labels(values: list[str]) -> str:
    """["web", "linux"] -> "Web, Linux"."""
    labels = dict(Platform.choices)
    return ", ".join(str(labels.get(value, value)) for value in values)


@register.filter
def markdown(text: object) -> SafeString:
    """A user's text (description, biography, testimony) as sanitised Markdown."""
    return render_markdown(str(text) if text else "")
