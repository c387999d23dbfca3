"""Countries by ISO 3166 code: names in the visitor's language (pycountry's catalogues) and
membership of the European Union."""

import gettext
from functools import cache

import pycountry
from django.utils import translation

# EU membership is politics, not a standard: no library keeps it, so it is listed here.
EU_MEMBERS = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_name(code: str) -> str:
    """ "DE" -> "Allemagne" in French, "Germany" in English; "" for an unknown code."""
    country = (
        pycountry.countries.get(alpha_2=(code or "").upper()) if len(code or "") == 2 else None
    )
    if country is None:
        return ""
    name = getattr(country, "common_name", None) or country.name
    language = (translation.get_language() or "en").split("-")[0]
    return name if language == "en" else _catalogue(language).gettext(name)


def in_eu(code: str) -> bool:
    return (code or "").upper() in EU_MEMBERS
