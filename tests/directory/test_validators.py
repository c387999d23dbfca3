import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from stdnum import luhn

from grappe.directory.validators import (
    format_phone,
    normalise_cpv,
    normalise_naf,
    normalise_phone,
    validate_cpv,
    validate_insee_commune,
    validate_naf,
    validate_phone,
    validate_postcode,
    validate_siren,
    validate_siret,
    validate_wikidata_id,
)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("siren", ["732829320", "356000000", "552081317"])
def test_valid_siren(siren):
    validate_siren(siren)


@pytest.mark.parametrize(
    ("siren", "message"),
    [
        ("732829321", "check digit"),
        ("73282932", "wrong number of digits"),
        ("73282932A", "digits only"),
    ],
)
def test_invalid_siren_says_why(siren, message):
    with pytest.raises(ValidationError) as error:
        validate_siren(siren)
    assert message in error.value.messages[0]
    assert "9 digits" in error.value.messages[0]


@pytest.mark.parametrize("siret", ["73282932000074", "35600000000048"])
def test_valid_siret(siret):
    validate_siret(siret)


def test_la_poste_siret_follows_its_own_rule_not_luhn():
    """La Poste's establishments (SIREN 356000000) have a digit sum that is a multiple of 5."""
    la_poste_office = "35600000049837"
    assert not luhn.is_valid(la_poste_office)
    validate_siret(la_poste_office)
    with pytest.raises(ValidationError):
        validate_siret("35600000049838")


@pytest.mark.parametrize("siret", ["73282932000075", "7328293200007", "7328293200007X"])
def test_invalid_siret(siret):
    with pytest.raises(ValidationError) as error:
        validate_siret(siret)
    assert "SIRET" in error.value.messages[0]


@pytest.mark.parametrize(
    ("typed", "canonical"), [("6201Z", "62.01Z"), ("62.01z", "62.01Z"), ("62 01 Z", "62.01Z")]
)
def test_naf_codes_are_normalised(typed, canonical):
    assert normalise_naf(typed) == canonical
    validate_naf(canonical)


@pytest.mark.parametrize("naf", ["62.01", "6201", "62-01Z", "A62.01"])
def test_invalid_naf(naf):
    with pytest.raises(ValidationError, match="NAF"):
        validate_naf(normalise_naf(naf))


def test_cpv_keeps_eight_digits():
    assert normalise_cpv("72212000-4") == "72212000"
    assert normalise_cpv(" 72212000 ") == "72212000"
    validate_cpv("72212000")
    with pytest.raises(ValidationError, match="CPV"):
        validate_cpv(normalise_cpv("7221200-4"))


@pytest.mark.parametrize("postcode", ["33000", "64100", "97400", "20000", "01000"])
def test_valid_postcodes(postcode):
    validate_postcode(postcode)


@pytest.mark.parametrize("postcode", ["3300", "00100", "96000", "99000", "3300A"])
def test_invalid_postcodes(postcode):
    with pytest.raises(ValidationError, match="postcode"):
        validate_postcode(postcode)


@pytest.mark.parametrize("code", ["33063", "2A004", "97411"])
def test_insee_commune_codes(code):
    validate_insee_commune(code)


def test_invalid_insee_code():
    with pytest.raises(ValidationError, match="INSEE"):
        validate_insee_commune("3306")


def test_phone_numbers_are_stored_in_e164_and_shown_nationally():
    assert normalise_phone("05 36 49 12 34") == "+33536491234"
    assert format_phone("+33536491234") == "05 36 49 12 34"
    validate_phone("+33536491234")
    with pytest.raises(ValidationError, match="phone"):
        validate_phone("12 34")


def test_wikidata_ids():
    validate_wikidata_id("Q2006")
    with pytest.raises(ValidationError, match="Wikidata"):
        validate_wikidata_id("2006")
