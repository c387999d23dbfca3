"""The EPCI parser alone (decoupage-administratif's JSON), on the real file and broken ones."""

import json

import pytest

from grappe.interop.formats.epci import EpciDocument, parse
from tests.conftest import shared_data

BORDEAUX_METROPOLE = "243300316"


@pytest.fixture(scope="module")
def real() -> EpciDocument:
    path = shared_data("geo/decoupage-administratif-6.0.0/epci-nouvelle-aquitaine.json")
    return parse(path.read_bytes(), "epci.json")


def one(**keys) -> bytes:
    """A file of one EPCI, with the keys a test is about."""
    entry = {
        "code": BORDEAUX_METROPOLE,
        "nom": "Bordeaux Métropole",
        "type": "METRO",
        "populationTotale": 833209,
        "membres": [{"code": "33063", "nom": "Bordeaux"}, {"code": "33069", "nom": "Le Bouscat"}],
    }
    entry.update(keys)
    return json.dumps([{k: v for k, v in entry.items() if v is not None}]).encode()


def test_every_epci_of_the_real_file_is_read(real):
    assert real.errors == [] and real.warnings == []
    assert len(real.epcis) == 156
    assert sum(len(e.members) for e in real.epcis) == 4392
    [metropole] = [e for e in real.epcis if e.code == BORDEAUX_METROPOLE]
    assert (metropole.name, metropole.kind) == ("Bordeaux Métropole", "METRO")
    assert ("33063", "Bordeaux") in metropole.members
    assert {e.kind for e in real.epcis} == {"CC", "CA", "CU", "METRO"}


def test_a_good_entry_is_read_exactly():
    document = parse(one(), "e.json")
    assert document.errors == []
    [record] = document.epcis
    assert record.code == BORDEAUX_METROPOLE
    assert record.population == 833209
    assert record.members == (("33063", "Bordeaux"), ("33069", "Le Bouscat"))


@pytest.mark.parametrize(
    ("content", "location", "reason"),
    [
        (b"[{", "e.json: line 1, column 3", "not valid JSON"),
        (b'{"code": "1"}', "e.json", "expected a list of EPCI"),
        (b"\xff", "e.json", "not"),
    ],
)
def test_a_file_that_is_not_a_list_of_epci_is_one_error(content, location, reason):
    document = parse(content, "e.json")
    [(where, why)] = document.errors
    assert (where, document.epcis) == (location, [])
    assert reason in why


@pytest.mark.parametrize(
    ("keys", "reason"),
    [
        ({"code": None}, "no SIREN (key “code”)"),
        ({"code": "243300317"}, "code: "),
        ({"code": "24330031"}, "code: "),
        ({"type": "SIVOM"}, "type: “SIVOM” is not a kind of EPCI"),
        ({"type": None}, "type: “” is not a kind of EPCI"),
        ({"membres": None}, "membres: expected a list of member communes"),
        ({"membres": [{"code": "33063"}, {"nom": "Nulle part"}]}, "membres[1]: “” is not an"),
        ({"membres": ["33063"]}, "membres[0]"),
    ],
)
def test_a_broken_entry_is_rejected_with_its_location(keys, reason):
    document = parse(one(**keys), "e.json")
    assert document.epcis == []
    [(location, why)] = document.errors
    assert location == "e.json: entry 1 (Bordeaux Métropole)"
    assert reason in why


def test_an_entry_without_a_name_is_located_by_its_number():
    document = parse(json.dumps([{"code": BORDEAUX_METROPOLE, "type": "CA"}, 3]).encode(), "e")
    assert document.errors == [
        ("e: entry 1", "no name (key “nom”)"),
        ("e: entry 2", "expected an object with code, nom, type and membres"),
    ]


def test_a_bad_population_is_dropped_with_a_warning():
    document = parse(one(populationTotale="beaucoup"), "e.json")
    assert document.errors == []
    assert document.epcis[0].population is None
    assert document.warnings == [
        (
            "e.json: entry 1 (Bordeaux Métropole)",
            "populationTotale: “beaucoup” is not a number, left out",
        )
    ]


def test_a_commune_claimed_by_two_epci_or_a_repeated_siren_is_rejected():
    entries = [
        {"code": "200023307", "nom": "A", "type": "CA", "membres": [{"code": "47323"}]},
        {"code": "200023307", "nom": "B", "type": "CA", "membres": [{"code": "47001"}]},
        {"code": BORDEAUX_METROPOLE, "nom": "C", "type": "CC", "membres": [{"code": "47323"}]},
    ]
    document = parse(json.dumps(entries).encode(), "e.json")
    assert [e.name for e in document.epcis] == ["A"]
    assert document.errors == [
        ("e.json: entry 2 (B)", "code: 200023307 is also e.json: entry 1 (A)"),
        ("e.json: entry 3 (C)", "membres: commune 47323 is also a member of e.json: entry 1 (A)"),
    ]
