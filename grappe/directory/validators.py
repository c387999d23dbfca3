"""Validators for the identifiers of the French and European ecosystem.

Each raises a ValidationError whose message names what is wrong in the user's language; the
form or model layer attaches it to the field, so the message always names the field too.
"""

import re
from datetime import date

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

NAF_PATTERN = re.compile(r"^\d{2}\.\d{2}[A-Z]$")
CPV_PATTERN = re.compile(r"^\d{8}$")
POSTCODE_PATTERN = re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|97|98)\d{3}$")
INSEE_COMMUNE_PATTERN = re.compile(r"^(\d{5}|2[AB]\d{3})$")
DEPARTEMENT_PATTERN = re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-6])$")
WIKIDATA_PATTERN = re.compile(r"^Q[1-9]\d*$")


def _stdnum_message(error: Exception, what: str) -> str:
    if isinstance(error, stdnum_errors.InvalidLength):
        return _("%(what)s has the wrong number of digits.") % {"what": what}
    if isinstance(error, stdnum_errors.InvalidFormat):
        return _("%(what)s must contain digits only.") % {"what": what}
    return _("%(what)s is not valid: its check digit does not match.") % {"what": what}


def validate_siren(value: str) -> None:
    """SIREN: 9 digits with a Luhn check digit (python-stdnum)."""
    try:
        stdnum_siren.validate(value)
    except stdnum_errors.ValidationError as error:
        raise ValidationError(
            _stdnum_message(error, _("This SIREN")) + " " + _("A SIREN has 9 digits."),
            code="invalid_siren",
        ) from error


def validate_siret(value: str) -> None:
    """SIRET: 14 digits, Luhn, or La Poste's rule for SIREN 356000000 (python-stdnum)."""
    try:
        stdnum_siret.validate(value)
    except stdnum_errors.ValidationError as error:
        raise ValidationError(
            _stdnum_message(error, _("This SIRET")) + " " + _("A SIRET has 14 digits."),
            code="invalid_siret",
        ) from error


def compact_identifier(value: str | None) -> str:
    """Drop the spaces, dots and dashes people type inside SIREN, SIRET and phone numbers."""
    return re.sub(r"[\s.\-]", "", value or "")


def normalise_naf(value: str) -> str:
    """Accept "6201Z", "62.01z" or "62.01 Z" and return the canonical "62.01Z"."""
    compact = re.sub(r"[\s.]", "", value or "").upper()
    if re.fullmatch(r"\d{4}[A-Z]", compact):
        return f"{compact[:2]}.{compact[2:]}"
    return (value or "").strip()


def validate_naf(value: str) -> None:
    if not NAF_PATTERN.match(value):
        raise ValidationError(
            _(
                "“%(value)s” is not a NAF/APE code: expected two digits, a dot, two digits and a "
                "letter, such as 62.01Z."
            ),
            code="invalid_naf",
            params={"value": value},
        )


def normalise_cpv(value: str) -> str:
    """Keep the 8 significant digits of a CPV code: "72212000-4" becomes "72212000".

    The check digit is dropped, not verified: the EU publishes no algorithm for it, and codes are
    matched by their 8-digit prefix hierarchy anyway.
    """
    compact = (value or "").strip().replace(" ", "")
    match = re.fullmatch(r"(\d{8})(-\d)?", compact)
    return match.group(1) if match else compact


def validate_cpv(value: str) -> None:
    if not CPV_PATTERN.match(value):
        raise ValidationError(
            _(
                "“%(value)s” is not a CPV code: expected 8 digits, optionally followed by a dash "
                "and a check digit, such as 72212000-4."
            ),
            code="invalid_cpv",
            params={"value": value},
        )


def validate_postcode(value: str) -> None:
    if not POSTCODE_PATTERN.match(value):
        raise ValidationError(
            _("“%(value)s” is not a French postcode: expected 5 digits, such as 33000."),
            code="invalid_postcode",
            params={"value": value},
        )


def validate_insee_commune(value: str) -> None:
    if not INSEE_COMMUNE_PATTERN.match(value):
        raise ValidationError(
            _(
                "“%(value)s” is not an INSEE commune code: expected 5 characters, such as 33063 "
                "or 2A004."
            ),
            code="invalid_insee",
            params={"value": value},
        )


def validate_departement(value: str) -> None:
    if not DEPARTEMENT_PATTERN.match(value):
        raise ValidationError(
            _("“%(value)s” is not a département code, such as 33, 2A or 974."),
            code="invalid_departement",
            params={"value": value},
        )


def validate_wikidata_id(value: str) -> None:
    if not WIKIDATA_PATTERN.match(value):
        raise ValidationError(
            _(
                "“%(value)s” is not a Wikidata identifier: expected Q followed by digits, "
                "such as Q2006."
            ),
            code="invalid_wikidata",
            params={"value": value},
        )


def normalise_phone(value: str) -> str:
    """Return the E.164 form (+33556...) of a valid number; leave anything else for validation."""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_valid_number(number):
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value: str) -> None:
    try:
        valid = phonenumbers.is_valid_number(phonenumbers.parse(value, "FR"))
    except phonenumbers.NumberParseException:
        valid = False
    if not valid:
        raise ValidationError(
            _(
                "“%(value)s” is not a valid phone number, such as 05 56 00 00 00 "
                "or +33 5 56 00 00 00."
            ),
            code="invalid_phone",
            params={"value": value},
        )


def format_phone(value: str) -> str:
    """Display form: national for French numbers, international for the others."""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 33
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def validate_year(value: int) -> None:
    if not 1000 <= value <= date.today().year + 1:
        raise ValidationError(
            _("%(value)s is not a plausible year."), code="invalid_year", params={"value": value}
        )


def validate_not_in_future(value: date) -> None:
    if value > date.today():
        raise ValidationError(_("This date is in the future."), code="future_date")
